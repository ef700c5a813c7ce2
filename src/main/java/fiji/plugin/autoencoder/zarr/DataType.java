package fiji.plugin.autoencoder.zarr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Zarr v2 data types this codec reads and writes: {@code u1}, {@code u2},
 * {@code i4} and {@code f4}, little ({@code <}) or big ({@code >}) endian
 * ({@code |} for one byte). A chunk in memory is a Java array of the matching
 * kind: {@code byte[]} (unsigned), {@code short[]} (unsigned), {@code int[]},
 * {@code float[]}.
 */
public enum DataType
{
	U1( "u1", 1 ), U2( "u2", 2 ), I4( "i4", 4 ), F4( "f4", 4 );

	private final String code;

	private final int bytes;

	DataType( final String code, final int bytes )
	{
		this.code = code;
		this.bytes = bytes;
	}

	/** Bytes per element. */
	public int bytes()
	{
		return bytes;
	}

	/** The dtype string of this type in the given byte order, e.g. {@code <u2}. */
	public String dtype( final ByteOrder order )
	{
		return ( bytes == 1 ? "|" : order == ByteOrder.BIG_ENDIAN ? ">" : "<" ) + code;
	}

	/** Parses a Zarr v2 dtype string; unsupported ones are refused with the list of supported ones. */
	public static DataType parse( final String dtype )
	{
		if ( dtype != null && dtype.length() == 3 && "<>|".indexOf( dtype.charAt( 0 ) ) >= 0 )
			for ( final DataType t : values() )
				if ( t.code.equals( dtype.substring( 1 ) ) && ( t.bytes == 1 || dtype.charAt( 0 ) != '|' ) )
					return t;
		throw new IllegalArgumentException( "Zarr dtype " + dtype
				+ " is not supported; this reader handles u1, u2, i4 and f4 (little or big endian): "
				+ "convert the array, e.g. in Python: zarr.array(a[:].astype('uint16'), chunks=a.chunks, compressor=numcodecs.Zlib())" );
	}

	/** Byte order of a dtype string (native order irrelevant for one byte). */
	public static ByteOrder order( final String dtype )
	{
		return dtype.charAt( 0 ) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
	}

	/** A new chunk array of {@code n} elements, every one {@code fill}. */
	public Object filled( final int n, final double fill )
	{
		switch ( this )
		{
		case U1:
		{
			final byte[] a = new byte[ n ];
			if ( fill != 0 )
				java.util.Arrays.fill( a, ( byte ) ( long ) fill );
			return a;
		}
		case U2:
		{
			final short[] a = new short[ n ];
			if ( fill != 0 )
				java.util.Arrays.fill( a, ( short ) ( long ) fill );
			return a;
		}
		case I4:
		{
			final int[] a = new int[ n ];
			if ( fill != 0 )
				java.util.Arrays.fill( a, ( int ) ( long ) fill );
			return a;
		}
		default:
		{
			final float[] a = new float[ n ];
			if ( fill != 0 )
				java.util.Arrays.fill( a, ( float ) fill );
			return a;
		}
		}
	}

	/** Number of elements of a chunk array of this type. */
	public int length( final Object array )
	{
		switch ( this )
		{
		case U1:
			return ( ( byte[] ) cast( array, byte[].class ) ).length;
		case U2:
			return ( ( short[] ) cast( array, short[].class ) ).length;
		case I4:
			return ( ( int[] ) cast( array, int[].class ) ).length;
		default:
			return ( ( float[] ) cast( array, float[].class ) ).length;
		}
	}

	private Object cast( final Object array, final Class< ? > kind )
	{
		if ( !kind.isInstance( array ) )
			throw new IllegalArgumentException( "A " + code + " chunk needs a " + kind.getSimpleName() + ", not a "
					+ ( array == null ? "null" : array.getClass().getSimpleName() ) );
		return array;
	}

	/** Element {@code i} of a chunk array as a float (unsigned types read as unsigned). */
	public float get( final Object array, final int i )
	{
		switch ( this )
		{
		case U1:
			return ( ( byte[] ) array )[ i ] & 0xff;
		case U2:
			return ( ( short[] ) array )[ i ] & 0xffff;
		case I4:
			return ( ( int[] ) array )[ i ];
		default:
			return ( ( float[] ) array )[ i ];
		}
	}

	/** Encodes a chunk array into raw bytes (C order, given byte order). */
	public byte[] encode( final Object array, final ByteOrder order )
	{
		final int n = length( array );
		final ByteBuffer b = ByteBuffer.allocate( n * bytes ).order( order );
		switch ( this )
		{
		case U1:
			b.put( ( byte[] ) array );
			break;
		case U2:
			b.asShortBuffer().put( ( short[] ) array );
			break;
		case I4:
			b.asIntBuffer().put( ( int[] ) array );
			break;
		default:
			b.asFloatBuffer().put( ( float[] ) array );
		}
		return b.array();
	}

	/** Decodes raw bytes of exactly {@code n} elements into a chunk array. */
	public Object decode( final byte[] raw, final int n, final ByteOrder order, final String where )
	{
		if ( raw.length != ( long ) n * bytes )
			throw new IllegalArgumentException( "The chunk " + where + " holds " + raw.length
					+ " bytes after decompression but a chunk of " + n + " " + code
					+ " elements needs " + ( ( long ) n * bytes )
					+ "; the chunk is damaged or was written with other chunk sizes: rewrite it" );
		final ByteBuffer b = ByteBuffer.wrap( raw ).order( order );
		switch ( this )
		{
		case U1:
			return raw;
		case U2:
		{
			final short[] a = new short[ n ];
			b.asShortBuffer().get( a );
			return a;
		}
		case I4:
		{
			final int[] a = new int[ n ];
			b.asIntBuffer().get( a );
			return a;
		}
		default:
		{
			final float[] a = new float[ n ];
			b.asFloatBuffer().get( a );
			return a;
		}
		}
	}
}
