package fiji.plugin.autoencoder.convert;

import net.imglib2.FinalInterval;
import net.imglib2.Interval;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Writes channels-last float arrays ((H, W, C) or (D, H, W, C), C fastest) into
 * regions of a 5D image (X, Y, C, Z, T), the inverse of {@link TensorReader}.
 * <p>
 * Integer pixel types round to nearest and clamp to their range (NaN becomes 0);
 * RGB images take 3 float channels (red, green, blue) per image channel. The
 * crop variants write only part of a tensor, e.g. a tile's core without its halo.
 * For a {@link PlanarImg} over primitive arrays (what
 * {@link ImagePlusImages#wrap} returns) the values go straight into the plane
 * arrays row by row; other images go through a {@link RandomAccess}.
 * <p>
 * Thread-safe for disjoint regions: the writer keeps no per-call state.
 *
 * <pre>{@code
 * TensorWriter writer = ImageTensors.writer( output );
 * // tensor covers x 96..351, y 96..351 (tile with a 32-pixel halo); write its 192 x 192 core
 * writer.write2D( hwc, 0, 96, 96, 256, 256, Intervals.createMinSize( 128, 128, 192, 192 ), z, t );
 * }</pre>
 */
public final class TensorWriter
{
	private final RandomAccessibleInterval< ? > target;

	private final PixelKind kind;

	private final long[] dimensions;

	private final int channels;

	/** The plane arrays in ImageJ stack order, or null when there is no planar fast path. */
	private final Object[] planes;

	TensorWriter( final RandomAccessibleInterval< ? > image )
	{
		final RandomAccessibleInterval< ? > xyczt = ImageAxes.requireNativeFiveAxes( image );
		kind = PixelKind.of( xyczt.getType() );
		dimensions = xyczt.dimensionsAsLongArray();
		channels = ( int ) Math.min( Integer.MAX_VALUE, dimensions[ ImageAxes.C ] * kind.tensorChannelsPerChannel() );
		target = Views.zeroMin( xyczt );
		planes = kind != PixelKind.OTHER_REAL ? planarArrays( xyczt ) : null;
	}

	private static Object[] planarArrays( final RandomAccessibleInterval< ? > img )
	{
		if ( !( img instanceof PlanarImg ) )
			return null;
		final PlanarImg< ?, ? > planar = ( PlanarImg< ?, ? > ) img;
		final Object[] arrays = new Object[ planar.numSlices() ];
		for ( int i = 0; i < arrays.length; i++ )
		{
			final Object access = planar.getPlane( i );
			if ( !( access instanceof ArrayDataAccess ) )
				return null;
			arrays[ i ] = ( ( ArrayDataAccess< ? > ) access ).getCurrentStorageArray();
		}
		return arrays;
	}

	/** Float channels per pixel expected in the tensors: image channels, times 3 for RGB. */
	public int channels()
	{
		return channels;
	}

	/** Image dimensions (X, Y, C, Z, T). */
	public long[] dimensions()
	{
		return dimensions.clone();
	}

	/** Writes a whole (h, w, C) tensor to the region {@code [x0, x0 + w) x [y0, y0 + h)} of plane (z, t). */
	public void write2D( final float[] src, final int srcOffset, final long x0, final long y0, final int w, final int h,
			final long z, final long t )
	{
		write( src, srcOffset, x0, y0, z, w, h, 1, new long[] { x0, y0, z }, new long[] { x0 + w - 1, y0 + h - 1, z },
				t );
	}

	/**
	 * Writes the part {@code region} (2D: x, y) of a (srcH, srcW, C) tensor whose
	 * pixel (0, 0) sits at image position (srcX0, srcY0), into plane (z, t).
	 *
	 * @throws IllegalArgumentException if region is not inside both the tensor and the image
	 */
	public void write2D( final float[] src, final int srcOffset, final long srcX0, final long srcY0, final int srcW,
			final int srcH,
			final Interval region, final long z, final long t )
	{
		if ( region == null || region.numDimensions() != 2 )
			throw new IllegalArgumentException(
					"The region must be a 2D (x, y) interval, e.g. Intervals.createMinSize( x, y, w, h )." );
		write( src, srcOffset, srcX0, srcY0, z, srcW, srcH, 1, new long[] { region.min( 0 ), region.min( 1 ), z },
				new long[] { region.max( 0 ), region.max( 1 ), z }, t );
	}

	/** Writes a whole (d, h, w, C) tensor to the box {@code [x0, x0 + w) x [y0, y0 + h) x [z0, z0 + d)} of frame t. */
	public void write3D( final float[] src, final int srcOffset, final long x0, final long y0, final long z0,
			final int w, final int h, final int d,
			final long t )
	{
		write( src, srcOffset, x0, y0, z0, w, h, d, new long[] { x0, y0, z0 },
				new long[] { x0 + w - 1, y0 + h - 1, z0 + d - 1 }, t );
	}

	/**
	 * Writes the part {@code region} (3D: x, y, z) of a (srcD, srcH, srcW, C)
	 * tensor whose pixel (0, 0, 0) sits at image position (srcX0, srcY0, srcZ0), into frame t.
	 */
	public void write3D( final float[] src, final int srcOffset, final long srcX0, final long srcY0, final long srcZ0,
			final int srcW, final int srcH,
			final int srcD, final Interval region, final long t )
	{
		if ( region == null || region.numDimensions() != 3 )
			throw new IllegalArgumentException(
					"The region must be a 3D (x, y, z) interval, e.g. Intervals.createMinSize( x, y, z, w, h, d )." );
		write( src, srcOffset, srcX0, srcY0, srcZ0, srcW, srcH, srcD, region.minAsLongArray(), region.maxAsLongArray(),
				t );
	}

	private void write( final float[] src, final int off, final long sx0, final long sy0, final long sz0, final int sw,
			final int sh, final int sd,
			final long[] min, final long[] max, final long t )
	{
		if ( sw < 1 || sh < 1 || sd < 1 )
			throw new IllegalArgumentException(
					"Tensor size " + sw + " x " + sh + " x " + sd + " is empty: every size must be at least 1." );
		final long n = ( long ) sw * sh * sd * channels;
		if ( src == null || off < 0 || off + n > src.length )
			throw new IllegalArgumentException( "The float array has " + ( src == null ? "no" : src.length )
					+ " values but the tensor needs " + n
					+ " from offset " + off + ": pass w * h * d * channels() values (channels() = " + channels + ")." );
		final long[] imageMax = { dimensions[ 0 ] - 1, dimensions[ 1 ] - 1, dimensions[ 3 ] - 1 };
		final long[] srcMin = { sx0, sy0, sz0 };
		final long[] srcMax = { sx0 + sw - 1, sy0 + sh - 1, sz0 + sd - 1 };
		for ( int d = 0; d < 3; d++ )
			if ( min[ d ] > max[ d ] || min[ d ] < 0 || max[ d ] > imageMax[ d ] || min[ d ] < srcMin[ d ]
					|| max[ d ] > srcMax[ d ] )
				throw new IllegalArgumentException(
						"Write region " + new FinalInterval( min, max ) + " must lie inside the image "
								+ new FinalInterval( new long[ 3 ], imageMax ) + " and inside the tensor "
								+ new FinalInterval( srcMin, srcMax )
								+ " (x, y, z): crop the region to both." );
		if ( t < 0 || t >= dimensions[ 4 ] )
			throw new IllegalArgumentException( "Frame t=" + t + " is outside the image (0.." + ( dimensions[ 4 ] - 1 )
					+ "): pick an existing frame." );
		if ( planes != null )
			writePlanar( src, off, srcMin, sw, sh, min, max, t );
		else
			writeRandomAccess( src, off, srcMin, sw, sh, min, max, t );
	}

	private void writePlanar( final float[] src, final int off, final long[] srcMin, final int sw, final int sh,
			final long[] min, final long[] max,
			final long t )
	{
		final int width = ( int ) dimensions[ 0 ];
		final int imageChannels = ( int ) dimensions[ ImageAxes.C ];
		final long slices = dimensions[ ImageAxes.Z ];
		final int x0 = ( int ) min[ 0 ], x1 = ( int ) max[ 0 ];
		final int rowLength = x1 - x0 + 1;
		for ( long z = min[ 2 ]; z <= max[ 2 ]; z++ )
			for ( long y = min[ 1 ]; y <= max[ 1 ]; y++ )
			{
				// tensor index of (x0, y, z), channel 0
				final int srcRow = off
						+ ( int ) ( ( ( ( z - srcMin[ 2 ] ) * sh + ( y - srcMin[ 1 ] ) ) * sw + ( x0 - srcMin[ 0 ] ) )
								* channels );
				final int dst = ( int ) y * width + x0;
				for ( int c = 0; c < imageChannels; c++ )
				{
					final Object plane = planes[ ( int ) ( c + imageChannels * ( z + slices * t ) ) ];
					switch ( kind )
					{
					case U8:
					{
						final byte[] p = ( byte[] ) plane;
						for ( int i = 0, s = srcRow + c; i < rowLength; i++, s += channels )
							p[ dst + i ] = ( byte ) clampRound( src[ s ], 255 );
						break;
					}
					case U16:
					{
						final short[] p = ( short[] ) plane;
						for ( int i = 0, s = srcRow + c; i < rowLength; i++, s += channels )
							p[ dst + i ] = ( short ) clampRound( src[ s ], 65535 );
						break;
					}
					case F32:
						if ( channels == 1 )
							System.arraycopy( src, srcRow, plane, dst, rowLength );
						else
						{
							final float[] p = ( float[] ) plane;
							for ( int i = 0, s = srcRow + c; i < rowLength; i++, s += channels )
								p[ dst + i ] = src[ s ];
						}
						break;
					default: // ARGB: 3 tensor channels per image channel
					{
						final int[] p = ( int[] ) plane;
						for ( int i = 0, s = srcRow + 3 * c; i < rowLength; i++, s += channels )
							p[ dst + i ] = argb( src[ s ], src[ s + 1 ], src[ s + 2 ] );
					}
					}
				}
			}
	}

	@SuppressWarnings( "unchecked" )
	private void writeRandomAccess( final float[] src, final int off, final long[] srcMin, final int sw, final int sh,
			final long[] min,
			final long[] max, final long t )
	{
		final RandomAccess< ? > ra = target.randomAccess();
		final int imageChannels = ( int ) dimensions[ ImageAxes.C ];
		final Object type = ra.get();
		final boolean integer = type instanceof IntegerType;
		final double lo = type instanceof RealType ? ( ( RealType< ? > ) type ).getMinValue() : 0;
		final double hi = type instanceof RealType ? ( ( RealType< ? > ) type ).getMaxValue() : 0;
		final long[] pos = new long[ 5 ];
		pos[ 4 ] = t;
		for ( long z = min[ 2 ]; z <= max[ 2 ]; z++ )
			for ( long y = min[ 1 ]; y <= max[ 1 ]; y++ )
				for ( long x = min[ 0 ]; x <= max[ 0 ]; x++ )
				{
					final int s = off + ( int ) ( ( ( ( z - srcMin[ 2 ] ) * sh + ( y - srcMin[ 1 ] ) ) * sw
							+ ( x - srcMin[ 0 ] ) ) * channels );
					pos[ 0 ] = x;
					pos[ 1 ] = y;
					pos[ 3 ] = z;
					for ( int c = 0; c < imageChannels; c++ )
					{
						pos[ 2 ] = c;
						ra.setPosition( pos );
						if ( kind == PixelKind.ARGB )
							( ( ARGBType ) ra.get() )
									.set( argb( src[ s + 3 * c ], src[ s + 3 * c + 1 ], src[ s + 3 * c + 2 ] ) );
						else
						{
							double v = src[ s + c ];
							if ( integer )
								v = Double.isNaN( v ) ? 0 : Math.max( lo, Math.min( hi, Math.rint( v ) ) );
							( ( RealType< ? > ) ra.get() ).setReal( v );
						}
					}
				}
	}

	/** Rounds half up and clamps to [0, max]; NaN gives 0. */
	static int clampRound( final float v, final int max )
	{
		if ( !( v > 0 ) ) // also NaN
			return 0;
		if ( v >= max )
			return max;
		return ( int ) ( v + 0.5f );
	}

	private static int argb( final float r, final float g, final float b )
	{
		return 0xff000000 | clampRound( r, 255 ) << 16 | clampRound( g, 255 ) << 8 | clampRound( b, 255 );
	}
}
