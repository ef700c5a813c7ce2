package fiji.plugin.autoencoder.convert;

import net.imglib2.RandomAccessible;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.blocks.TempArray;
import net.imglib2.converter.Converter;
import net.imglib2.converter.Converters;
import net.imglib2.type.NativeType;
import net.imglib2.type.PrimitiveType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Reads regions of a 5D image (X, Y, C, Z, T) into channels-last float arrays:
 * (H, W, C) for 2D, (D, H, W, C) for 3D, C fastest. Pixels outside the image
 * are mirrored without repeating the edge (like {@link Views#extendMirrorSingle}
 * and numpy's "reflect"), so a tile's halo can reach past the border.
 * <p>
 * Each read is one {@link PrimitiveBlocks#copy} of the region from a view with
 * the channel axis moved first (so the copy lands C-fastest), into a reused
 * {@link TempArray}, then one tight loop to float. A region reaching past the
 * border copies the in-bounds box it mirrors from, then gathers through index
 * tables. RGB (ARGB) images give 3
 * float channels (red, green, blue) per image channel.
 * <p>
 * Thread-safe: blocks and temporary arrays are per thread.
 *
 * <pre>{@code
 * TensorReader reader = ImageTensors.reader( imp );
 * float[] hwc = new float[ h * w * reader.channels() ];
 * reader.read2D( x0, y0, w, h, z, t, hwc, 0 );
 * }</pre>
 */
public final class TensorReader
{
	private final PixelKind kind;

	private final long[] dimensions;

	private final int channels;

	private final PrimitiveBlocks< ? > blocks;

	private final ThreadLocal< TempArray< ? > > temp;

	private final ThreadLocal< TempArray< float[] > > boxTemp = ThreadLocal
			.withInitial( () -> TempArray.forPrimitiveType( PrimitiveType.FLOAT ) );

	@SuppressWarnings( { "unchecked", "rawtypes" } )
	TensorReader( final RandomAccessibleInterval< ? > image )
	{
		final RandomAccessibleInterval xyczt = ImageAxes.requireNativeFiveAxes( image );
		final NativeType type = ( NativeType ) xyczt.getType();
		kind = PixelKind.of( type );
		dimensions = xyczt.dimensionsAsLongArray();
		final long c = dimensions[ ImageAxes.C ] * kind.tensorChannelsPerChannel();
		if ( c > 4096 )
			throw new IllegalArgumentException( "The image has " + c
					+ " channels; at most 4096 are supported: check the axis order (X, Y, C, Z, T)." );
		channels = ( int ) c;
		final RandomAccessibleInterval zeroMin = Views.zeroMin( xyczt );
		final RandomAccessible cxyzt = bulkView( zeroMin );
		if ( kind == PixelKind.OTHER_REAL )
		{
			final RandomAccessible< FloatType > asFloat = Converters.convert( ( RandomAccessible ) cxyzt,
					( java.util.function.Supplier ) () -> ( Converter< RealType< ? >, FloatType > ) ( a, b ) -> b
							.setReal( a.getRealFloat() ),
					new FloatType() );
			blocks = PrimitiveBlocks.of( asFloat, PrimitiveBlocks.OnFallback.ACCEPT ).threadSafe();
			temp = ThreadLocal.withInitial( () -> TempArray.forPrimitiveType( PrimitiveType.FLOAT ) );
		}
		else
		{
			blocks = PrimitiveBlocks.of( cxyzt, PrimitiveBlocks.OnFallback.ACCEPT ).threadSafe();
			final PrimitiveType primitive = type.getNativeTypeFactory().getPrimitiveType();
			temp = ThreadLocal.withInitial( () -> TempArray.forPrimitiveType( primitive ) );
		}
	}

	/**
	 * The view the bulk copies read: channel axis first, so a copy of (C, X, Y, Z, T)
	 * is channels-last in memory. Not extended: mirroring is done by index tables.
	 * <p>
	 * NB: mirroring through {@code Views.extendMirrorSingle} would be simpler, but
	 * imglib2 8.0.0's PrimitiveBlocks divides by zero on a mirror-single axis of
	 * size 1 (period 2 * 1 - 2 = 0), and singleton C, Z, T axes are the rule here.
	 */
	// NB: package-private to allow testing
	@SuppressWarnings( { "unchecked", "rawtypes" } )
	static RandomAccessible bulkView( final RandomAccessibleInterval zeroMin )
	{
		return Views.moveAxis( zeroMin, ImageAxes.C, 0 );
	}

	/** Float channels per pixel in the tensors: image channels, times 3 for RGB. */
	public int channels()
	{
		return channels;
	}

	/** Image dimensions (X, Y, C, Z, T); C counts image channels (1 for an RGB image). */
	public long[] dimensions()
	{
		return dimensions.clone();
	}

	/**
	 * Reads the region {@code [x0, x0 + w) x [y0, y0 + h)} of plane (z, t), all
	 * channels, into {@code dest[destOffset ...]} as (H, W, C): pixel (x, y),
	 * channel c at {@code destOffset + ((y - y0) * w + (x - x0)) * channels() + c}.
	 *
	 * @throws IllegalArgumentException if the region does not overlap the image, (z, t) is outside it, or dest is too short
	 */
	public void read2D( final long x0, final long y0, final int w, final int h, final long z, final long t,
			final float[] dest, final int destOffset )
	{
		checkRegion( x0, y0, z, w, h, 1, t, dest, destOffset );
		read( x0, y0, z, w, h, 1, t, dest, destOffset );
	}

	/**
	 * Reads the box {@code [x0, x0 + w) x [y0, y0 + h) x [z0, z0 + d)} of frame t,
	 * all channels, into {@code dest[destOffset ...]} as (D, H, W, C): pixel
	 * (x, y, z), channel c at
	 * {@code destOffset + (((z - z0) * h + (y - y0)) * w + (x - x0)) * channels() + c}.
	 *
	 * @throws IllegalArgumentException if the box does not overlap the image, t is outside it, or dest is too short
	 */
	public void read3D( final long x0, final long y0, final long z0, final int w, final int h, final int d,
			final long t, final float[] dest,
			final int destOffset )
	{
		checkRegion( x0, y0, z0, w, h, d, t, dest, destOffset );
		read( x0, y0, z0, w, h, d, t, dest, destOffset );
	}

	private void checkRegion( final long x0, final long y0, final long z0, final int w, final int h, final int d,
			final long t,
			final float[] dest, final int destOffset )
	{
		if ( w < 1 || h < 1 || d < 1 )
			throw new IllegalArgumentException(
					"Region size " + w + " x " + h + " x " + d + " is empty: every size must be at least 1." );
		if ( x0 >= dimensions[ 0 ] || x0 + w <= 0 || y0 >= dimensions[ 1 ] || y0 + h <= 0 || z0 >= dimensions[ 3 ]
				|| z0 + d <= 0 )
			throw new IllegalArgumentException(
					"Region x " + x0 + ".." + ( x0 + w - 1 ) + ", y " + y0 + ".." + ( y0 + h - 1 ) + ", z " + z0 + ".."
							+ ( z0 + d - 1 ) + " lies outside the image (" + dimensions[ 0 ] + " x " + dimensions[ 1 ]
							+ " x " + dimensions[ 3 ]
							+ "): regions may reach past the border (mirrored) but must overlap the image." );
		if ( t < 0 || t >= dimensions[ 4 ] )
			throw new IllegalArgumentException( "Frame t=" + t + " is outside the image (0.." + ( dimensions[ 4 ] - 1 )
					+ "): pick an existing frame." );
		final long n = ( long ) w * h * d * channels;
		if ( dest == null || destOffset < 0 || destOffset + n > dest.length )
			throw new IllegalArgumentException(
					"The float array has " + ( dest == null ? "no" : dest.length ) + " values but the region needs " + n
							+ " from offset " + destOffset + ": allocate w * h * d * channels() values." );
	}

	private void read( final long x0, final long y0, final long z0, final int w, final int h, final int d, final long t,
			final float[] dest,
			final int off )
	{
		final int imageChannels = ( int ) dimensions[ ImageAxes.C ];
		final long width = dimensions[ 0 ], height = dimensions[ 1 ], depth = dimensions[ 3 ];
		if ( x0 >= 0 && x0 + w <= width && y0 >= 0 && y0 + h <= height && z0 >= 0 && z0 + d <= depth )
		{
			copyConvert( new long[] { 0, x0, y0, z0, t }, new int[] { imageChannels, w, h, d, 1 }, dest, off );
			return;
		}
		// partly outside: read the in-bounds box that holds every mirrored source pixel, then gather
		final long[] mx = mirrorTable( x0, w, width ), my = mirrorTable( y0, h, height ),
				mz = mirrorTable( z0, d, depth );
		final long bx = mx[ w ], by = my[ h ], bz = mz[ d ];
		final int bw = ( int ) ( mx[ w + 1 ] - bx + 1 ), bh = ( int ) ( my[ h + 1 ] - by + 1 ),
				bd = ( int ) ( mz[ d + 1 ] - bz + 1 );
		final float[] box = boxTemp.get().get( bw * bh * bd * channels );
		copyConvert( new long[] { 0, bx, by, bz, t }, new int[] { imageChannels, bw, bh, bd, 1 }, box, 0 );
		final int cs = channels;
		int o = off;
		for ( int z = 0; z < d; z++ )
			for ( int y = 0; y < h; y++ )
			{
				final int row = ( int ) ( ( mz[ z ] - bz ) * bh + ( my[ y ] - by ) ) * bw;
				for ( int x = 0; x < w; x++ )
				{
					final int s = ( row + ( int ) ( mx[ x ] - bx ) ) * cs;
					for ( int c = 0; c < cs; c++ )
						dest[ o++ ] = box[ s + c ];
				}
			}
	}

	/**
	 * Mirror-single source index of {@code start + i} for i &lt; n in an axis of
	 * size {@code size} ({@code -1 -> 1}, {@code size -> size - 2}); entries n and
	 * n + 1 hold the smallest and largest index.
	 */
	static long[] mirrorTable( final long start, final int n, final long size )
	{
		final long[] table = new long[ n + 2 ];
		long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
		final long period = 2 * size - 2;
		for ( int i = 0; i < n; i++ )
		{
			long p = start + i;
			if ( size == 1 )
				p = 0;
			else if ( p < 0 || p >= size )
			{
				p = Math.floorMod( p, period );
				if ( p >= size )
					p = period - p;
			}
			table[ i ] = p;
			lo = Math.min( lo, p );
			hi = Math.max( hi, p );
		}
		table[ n ] = lo;
		table[ n + 1 ] = hi;
		return table;
	}

	/** One bulk copy of an in-bounds box, converted to float (RGB to 3 floats). */
	private void copyConvert( final long[] pos, final int[] size, final float[] dest, final int off )
	{
		final int n = size[ 0 ] * size[ 1 ] * size[ 2 ] * size[ 3 ];
		switch ( kind )
		{
		case U8:
		{
			final byte[] src = ( byte[] ) temp.get().get( n );
			blocks.copy( pos, src, size );
			for ( int i = 0; i < n; i++ )
				dest[ off + i ] = src[ i ] & 0xff;
			break;
		}
		case U16:
		{
			final short[] src = ( short[] ) temp.get().get( n );
			blocks.copy( pos, src, size );
			for ( int i = 0; i < n; i++ )
				dest[ off + i ] = src[ i ] & 0xffff;
			break;
		}
		case ARGB:
		{
			final int[] src = ( int[] ) temp.get().get( n );
			blocks.copy( pos, src, size );
			for ( int i = 0, o = off; i < n; i++, o += 3 )
			{
				final int v = src[ i ];
				dest[ o ] = ( v >> 16 ) & 0xff;
				dest[ o + 1 ] = ( v >> 8 ) & 0xff;
				dest[ o + 2 ] = v & 0xff;
			}
			break;
		}
		default: // F32 and OTHER_REAL (converted to float)
			if ( off == 0 )
				blocks.copy( pos, dest, size );
			else
			{
				final float[] src = ( float[] ) temp.get().get( n );
				blocks.copy( pos, src, size );
				System.arraycopy( src, 0, dest, off, n );
			}
		}
	}
}
