package fiji.plugin.autoencoder.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a TIFF's header and image directories before ImageJ opens it, for the
 * two cases ImageJ gets wrong silently or with a vague message: a truncated file
 * (ImageJ fills its missing pixels with zeros) and 64-bit samples (ImageJ
 * "cannot open" it). A file that is not a TIFF (by its name or its first bytes)
 * is left to ImageJ.
 *
 * <pre>{@code
 * TiffCheck.check( path ); // throws IllegalArgumentException naming the problem and the fix
 * ImagePlus imp = IJ.openImage( path.toString() );
 * }</pre>
 *
 * Stateless, thread-safe.
 */
public final class TiffCheck
{
	private static final int BITS_PER_SAMPLE = 258, COMPRESSION = 259, DESCRIPTION = 270, STRIP_OFFSETS = 273,
			STRIP_BYTE_COUNTS = 279, TILE_OFFSETS = 324, TILE_BYTE_COUNTS = 325,
			WIDTH = 256, HEIGHT = 257, SAMPLES_PER_PIXEL = 277;

	/** Stop walking the directory chain after this many (a loop guard; ImageJ stacks have one per plane). */
	private static final int MAX_IFDS = 1 << 20;

	private static final Pattern IMAGES = Pattern.compile( "(?m)^images=(\\d+)" );

	private TiffCheck()
	{}

	/**
	 * Checks {@code file} when it is a TIFF.
	 *
	 * @throws IllegalArgumentException when it is truncated or has 64-bit samples, naming the file, the byte counts and the fix
	 * @throws UncheckedIOException when it cannot be read
	 */
	public static void check( final Path file )
	{
		try ( FileChannel ch = FileChannel.open( file, StandardOpenOption.READ ) )
		{
			check( file, ch );
		}
		catch ( final IOException e )
		{
			throw new UncheckedIOException( "Cannot read " + file + ": " + e.getMessage(), e );
		}
	}

	private static void check( final Path file, final FileChannel ch ) throws IOException
	{
		final long size = ch.size();
		final ByteBuffer head = read( ch, 0, 8 );
		if ( head.remaining() < 8 )
		{
			if ( tiffName( file ) )
				throw truncated( file, size, 8 );
			return;
		}
		final byte b0 = head.get( 0 ), b1 = head.get( 1 );
		if ( !( b0 == 'I' && b1 == 'I' || b0 == 'M' && b1 == 'M' ) )
			return; // not a TIFF
		final ByteOrder order = b0 == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
		head.order( order );
		final int magic = head.getShort( 2 ) & 0xffff;
		if ( magic == 43 )
			throw new IllegalArgumentException( file
					+ " is a BigTIFF, which ImageJ cannot open: save it as a standard TIFF (e.g. tifffile.imwrite(..., bigtiff=False)), or open it in Fiji with Bio-Formats" );
		if ( magic != 42 )
			return;
		long ifd = head.getInt( 4 ) & 0xffffffffL;
		long needed = 8, firstEnd = -1, planeBytes = -1;
		int images = 1;
		boolean uncompressed = true;
		final Set< Long > seen = new HashSet<>();
		for ( int n = 0; ifd != 0 && n < MAX_IFDS && seen.add( ifd ); n++ )
		{
			if ( ifd + 2 > size )
				throw truncated( file, size, ifd + 2 );
			final int entries = read( ch, ifd, 2 ).order( order ).getShort( 0 ) & 0xffff;
			final long ifdEnd = ifd + 2 + 12L * entries + 4;
			if ( ifdEnd > size )
				throw truncated( file, size, ifdEnd );
			final ByteBuffer dir = read( ch, ifd + 2, 12 * entries + 4 ).order( order );
			long[] offsets = null, counts = null;
			long width = 0, height = 0, samples = 1, bits = 8;
			for ( int e = 0; e < entries; e++ )
			{
				final int p = 12 * e, tag = dir.getShort( p ) & 0xffff, type = dir.getShort( p + 2 ) & 0xffff;
				final long count = dir.getInt( p + 4 ) & 0xffffffffL;
				switch ( tag )
				{
				case BITS_PER_SAMPLE:
					bits = values( ch, dir, p, type, count, order, size, file )[ 0 ];
					if ( bits == 64 )
						throw new IllegalArgumentException( file
								+ " has 64-bit samples (double precision), which ImageJ cannot read: save it as 32-bit float "
								+ "(e.g. numpy: tifffile.imwrite(path, image.astype('float32')))" );
					break;
				case COMPRESSION:
					if ( n == 0 )
						uncompressed = values( ch, dir, p, type, count, order, size, file )[ 0 ] == 1;
					break;
				case WIDTH:
					width = values( ch, dir, p, type, count, order, size, file )[ 0 ];
					break;
				case HEIGHT:
					height = values( ch, dir, p, type, count, order, size, file )[ 0 ];
					break;
				case SAMPLES_PER_PIXEL:
					samples = values( ch, dir, p, type, count, order, size, file )[ 0 ];
					break;
				case STRIP_OFFSETS:
				case TILE_OFFSETS:
					offsets = values( ch, dir, p, type, count, order, size, file );
					break;
				case STRIP_BYTE_COUNTS:
				case TILE_BYTE_COUNTS:
					counts = values( ch, dir, p, type, count, order, size, file );
					break;
				case DESCRIPTION:
					if ( n == 0 && count < 1 << 16 )
					{
						final Matcher m = IMAGES.matcher( new String( bytes( ch, dir, p, count, order, size, file ),
								StandardCharsets.ISO_8859_1 ) );
						if ( m.find() )
							images = ( int ) Math.min( Integer.MAX_VALUE, Long.parseLong( m.group( 1 ) ) );
					}
					break;
				default:
				}
			}
			if ( offsets != null && counts != null )
				for ( int i = 0; i < Math.min( offsets.length, counts.length ); i++ )
					needed = Math.max( needed, offsets[ i ] + counts[ i ] );
			if ( n == 0 && offsets != null && offsets.length > 0 )
			{
				firstEnd = offsets[ 0 ];
				planeBytes = width * height * samples * Math.max( 1, bits / 8 );
			}
			ifd = dir.getInt( 12 * entries ) & 0xffffffffL;
		}
		// NB: ImageJ reads the planes of its own stacks contiguously from the first offset ("images=" in the description)
		if ( uncompressed && images > 1 && firstEnd >= 0 && planeBytes > 0 )
			needed = Math.max( needed, firstEnd + images * planeBytes );
		if ( needed > size )
			throw truncated( file, size, needed );
	}

	private static IllegalArgumentException truncated( final Path file, final long size, final long needed )
	{
		return new IllegalArgumentException( String.format( Locale.ROOT,
				"%s: the file is truncated (%d of %d bytes): it was not copied or written completely; copy or save it again",
				file, size, needed ) );
	}

	private static boolean tiffName( final Path file )
	{
		final String n = file.getFileName().toString().toLowerCase( Locale.ROOT );
		return n.endsWith( ".tif" ) || n.endsWith( ".tiff" );
	}

	/** The values of one directory entry of integer type (SHORT 3, LONG 4, or BYTE 1), inline or at their offset. */
	private static long[] values( final FileChannel ch, final ByteBuffer dir, final int p, final int type,
			final long count, final ByteOrder order, final long size, final Path file ) throws IOException
	{
		final int width = type == 3 || type == 8 ? 2 : type == 4 || type == 9 ? 4 : 1;
		if ( count > MAX_IFDS * 64L )
			throw new IllegalArgumentException( file + ": an image directory entry claims " + count
					+ " values: the file is damaged; save it again" );
		final long bytes = count * width;
		final ByteBuffer b;
		if ( bytes <= 4 )
			b = dir.duplicate().order( order ).position( p + 8 ).slice().order( order );
		else
		{
			final long at = dir.getInt( p + 8 ) & 0xffffffffL;
			if ( at + bytes > size )
				throw truncated( file, size, at + bytes );
			b = read( ch, at, ( int ) bytes ).order( order );
		}
		final long[] v = new long[ ( int ) Math.max( 1, count ) ];
		for ( int i = 0; i < count; i++ )
			v[ i ] = width == 2 ? b.getShort( 2 * i ) & 0xffff
					: width == 4 ? b.getInt( 4 * i ) & 0xffffffffL : b.get( i ) & 0xff;
		return v;
	}

	private static byte[] bytes( final FileChannel ch, final ByteBuffer dir, final int p, final long count,
			final ByteOrder order, final long size, final Path file ) throws IOException
	{
		final byte[] out = new byte[ ( int ) count ];
		if ( count <= 4 )
		{
			for ( int i = 0; i < count; i++ )
				out[ i ] = dir.get( p + 8 + i );
			return out;
		}
		final long at = dir.getInt( p + 8 ) & 0xffffffffL;
		if ( at + count > size )
			throw truncated( file, size, at + count );
		read( ch, at, ( int ) count ).get( out );
		return out;
	}

	private static ByteBuffer read( final FileChannel ch, final long at, final int n ) throws IOException
	{
		final ByteBuffer b = ByteBuffer.allocate( n );
		while ( b.hasRemaining() && ch.read( b, at + b.position() ) > 0 )
		{}
		b.flip();
		return b;
	}
}
