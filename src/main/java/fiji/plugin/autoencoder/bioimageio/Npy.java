package fiji.plugin.autoencoder.bioimageio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (version 1.0), the test tensors of bioimage.io
 * packages: the magic {@code \x93NUMPY}, version bytes {@code 1 0}, a
 * little-endian uint16 header length, an ASCII header that is a Python dict
 * literal, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (1, 64, 64, 1), }},
 * padded with spaces and ended by a newline so that the data start at a
 * multiple of 64 bytes, then the values in C order.
 * <p>
 * Writes float32; reads float32/64, (u)int8/16/32/64 and bool, little- or
 * big-endian, C order (Fortran order is refused), into floats.
 *
 * <pre>{@code
 * byte[] bytes = Npy.write( values, new long[] { 1, 64, 64, 1 } );
 * Npy.Array a = Npy.read( bytes );   // a.shape, a.data
 * }</pre>
 */
public final class Npy
{
	private static final byte[] MAGIC = { ( byte ) 0x93, 'N', 'U', 'M', 'P', 'Y' };

	private Npy()
	{}

	/** A tensor read from a {@code .npy} file: shape (C order) and values as floats; dtype as the file says. */
	public static final class Array
	{
		public final long[] shape;

		public final float[] data;

		public final String dtype;

		Array( final long[] shape, final float[] data, final String dtype )
		{
			this.shape = shape;
			this.data = data;
			this.dtype = dtype;
		}
	}

	/** A float32 {@code .npy} file of the given shape (C order, little-endian). */
	public static byte[] write( final float[] data, final long[] shape )
	{
		long n = 1;
		for ( final long s : shape )
			n *= s;
		if ( n != data.length )
			throw new IllegalArgumentException(
					"Shape " + Arrays.toString( shape ) + " holds " + n + " values, got " + data.length );
		final StringBuilder dims = new StringBuilder();
		for ( int i = 0; i < shape.length; i++ )
			dims.append( i > 0 ? ", " : "" ).append( shape[ i ] );
		if ( shape.length == 1 )
			dims.append( ',' );
		String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
		final int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
		header = header + " ".repeat( ( 64 - unpadded % 64 ) % 64 ) + "\n";
		final ByteBuffer b = ByteBuffer.allocate( MAGIC.length + 4 + header.length() + 4 * data.length )
				.order( ByteOrder.LITTLE_ENDIAN );
		b.put( MAGIC ).put( ( byte ) 1 ).put( ( byte ) 0 ).putShort( ( short ) header.length() )
				.put( header.getBytes( StandardCharsets.US_ASCII ) );
		for ( final float v : data )
			b.putFloat( v );
		return b.array();
	}

	private static final Pattern DESCR = Pattern.compile( "'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'" );

	private static final Pattern FORTRAN = Pattern.compile( "'fortran_order'\\s*:\\s*(True|False)" );

	private static final Pattern SHAPE = Pattern.compile( "'shape'\\s*:\\s*\\(([^)]*)\\)" );

	/** Reads a {@code .npy} file's bytes. */
	public static Array read( final byte[] bytes ) throws IOException
	{
		if ( bytes.length < 10 || !Arrays.equals( Arrays.copyOf( bytes, 6 ), MAGIC ) )
			throw new IOException( "not a .npy file (no \\x93NUMPY magic)" );
		final int major = bytes[ 6 ];
		final ByteBuffer b = ByteBuffer.wrap( bytes ).order( ByteOrder.LITTLE_ENDIAN );
		final int headerLength, start;
		if ( major == 1 )
		{
			headerLength = Short.toUnsignedInt( b.getShort( 8 ) );
			start = 10;
		}
		else if ( major == 2 || major == 3 )
		{
			headerLength = b.getInt( 8 );
			start = 12;
		}
		else
			throw new IOException( ".npy version " + major + " is not supported (1, 2 and 3 are)" );
		if ( start + ( long ) headerLength > bytes.length )
			throw new IOException( ".npy header is longer than the file: the file is truncated" );
		final String header = new String( bytes, start, headerLength, StandardCharsets.ISO_8859_1 );
		final Matcher d = DESCR.matcher( header ), f = FORTRAN.matcher( header ), s = SHAPE.matcher( header );
		if ( !d.find() || !f.find() || !s.find() )
			throw new IOException( ".npy header not understood: " + header.trim() );
		if ( f.group( 1 ).equals( "True" ) )
			throw new IOException( ".npy file is in Fortran order: save it in C order (numpy.ascontiguousarray)" );
		final List< Long > dims = new ArrayList<>();
		for ( final String t : s.group( 1 ).split( "," ) )
			if ( !t.isBlank() )
				dims.add( Long.parseLong( t.trim() ) );
		final long[] shape = dims.stream().mapToLong( Long::longValue ).toArray();
		long n = 1;
		for ( final long v : shape )
			n *= v;
		final char kind = d.group( 2 ).charAt( 0 );
		final int size = Integer.parseInt( d.group( 3 ) );
		final int dataStart = start + headerLength;
		if ( n > Integer.MAX_VALUE - 8 || dataStart + n * size > bytes.length )
			throw new IOException( ".npy data hold fewer than the " + n + " values of shape " + Arrays.toString( shape )
					+ ": the file is truncated" );
		final ByteBuffer data = ByteBuffer.wrap( bytes, dataStart, ( int ) ( n * size ) ).slice()
				.order( d.group( 1 ).equals( ">" ) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN );
		final float[] v = new float[ ( int ) n ];
		for ( int i = 0; i < n; i++ )
			v[ i ] = value( data, i * size, kind, size );
		return new Array( shape, v, d.group( 1 ) + kind + size );
	}

	private static float value( final ByteBuffer b, final int at, final char kind, final int size ) throws IOException
	{
		switch ( kind + "" + size )
		{
		case "f4":
			return b.getFloat( at );
		case "f8":
			return ( float ) b.getDouble( at );
		case "i1":
			return b.get( at );
		case "u1":
		case "b1":
			return b.get( at ) & 0xff;
		case "i2":
			return b.getShort( at );
		case "u2":
			return b.getShort( at ) & 0xffff;
		case "i4":
			return b.getInt( at );
		case "u4":
			return b.getInt( at ) & 0xffffffffL;
		case "i8":
			return b.getLong( at );
		case "u8":
			return Float.parseFloat( Long.toUnsignedString( b.getLong( at ) ) );
		default:
			throw new IOException( ".npy dtype " + kind + size + " is not supported (float, int, uint, bool are)" );
		}
	}

	/** The bytes of a stream (small files only). */
	static byte[] bytes( final java.io.InputStream in ) throws IOException
	{
		final ByteArrayOutputStream o = new ByteArrayOutputStream();
		in.transferTo( o );
		return o.toByteArray();
	}
}
