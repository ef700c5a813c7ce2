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
 * are mirrored ({@link Views#extendMirrorSingle}), so a tile's halo can reach
 * past the border.
 * <p>
 * Each read is one {@link PrimitiveBlocks#copy} of the region from a view with
 * the channel axis moved first (so the copy lands C-fastest), into a reused
 * {@link TempArray}, then one tight loop to float. RGB (ARGB) images give 3
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

	@SuppressWarnings( { "unchecked", "rawtypes" } )
	< T extends NativeType< T > > TensorReader( final RandomAccessibleInterval< T > xyczt )
	{
		if ( xyczt == null )
			throw new IllegalArgumentException( "The image is null: pass a 5D (X, Y, C, Z, T) image." );
		ImageAxes.requireFiveAxes( xyczt.numDimensions(), "The image" );
		final T type = xyczt.getType();
		kind = PixelKind.of( type );
		dimensions = xyczt.dimensionsAsLongArray();
		final long c = dimensions[ ImageAxes.C ] * kind.tensorChannelsPerChannel();
		if ( c > 4096 )
			throw new IllegalArgumentException( "The image has " + c + " channels; at most 4096 are supported: check the axis order (X, Y, C, Z, T)." );
		channels = ( int ) c;
		final RandomAccessibleInterval< T > zeroMin = Views.zeroMin( xyczt );
		// channel axis first: a copy of (C, X, Y, Z, T) is channels-last in memory
		final RandomAccessible< T > cxyzt = Views.moveAxis( Views.extendMirrorSingle( zeroMin ), ImageAxes.C, 0 );
		if ( kind == PixelKind.OTHER_REAL )
		{
			final RandomAccessible< FloatType > asFloat = Converters.convert( ( RandomAccessible ) cxyzt,
					( java.util.function.Supplier ) () -> ( Converter< RealType< ? >, FloatType > ) ( a, b ) -> b.setReal( a.getRealFloat() ),
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
	public void read2D( final long x0, final long y0, final int w, final int h, final long z, final long t, final float[] dest, final int destOffset )
	{
		checkRegion( x0, y0, z, w, h, 1, t, dest, destOffset );
		read( new long[] { 0, x0, y0, z, t }, new int[] { ( int ) dimensions[ ImageAxes.C ], w, h, 1, 1 }, dest, destOffset );
	}

	/**
	 * Reads the box {@code [x0, x0 + w) x [y0, y0 + h) x [z0, z0 + d)} of frame t,
	 * all channels, into {@code dest[destOffset ...]} as (D, H, W, C): pixel
	 * (x, y, z), channel c at
	 * {@code destOffset + (((z - z0) * h + (y - y0)) * w + (x - x0)) * channels() + c}.
	 *
	 * @throws IllegalArgumentException if the box does not overlap the image, t is outside it, or dest is too short
	 */
	public void read3D( final long x0, final long y0, final long z0, final int w, final int h, final int d, final long t, final float[] dest,
			final int destOffset )
	{
		checkRegion( x0, y0, z0, w, h, d, t, dest, destOffset );
		read( new long[] { 0, x0, y0, z0, t }, new int[] { ( int ) dimensions[ ImageAxes.C ], w, h, d, 1 }, dest, destOffset );
	}

	private void checkRegion( final long x0, final long y0, final long z0, final int w, final int h, final int d, final long t,
			final float[] dest, final int destOffset )
	{
		if ( w < 1 || h < 1 || d < 1 )
			throw new IllegalArgumentException( "Region size " + w + " x " + h + " x " + d + " is empty: every size must be at least 1." );
		if ( x0 >= dimensions[ 0 ] || x0 + w <= 0 || y0 >= dimensions[ 1 ] || y0 + h <= 0 || z0 >= dimensions[ 3 ] || z0 + d <= 0 )
			throw new IllegalArgumentException( "Region x " + x0 + ".." + ( x0 + w - 1 ) + ", y " + y0 + ".." + ( y0 + h - 1 ) + ", z " + z0 + ".."
					+ ( z0 + d - 1 ) + " lies outside the image (" + dimensions[ 0 ] + " x " + dimensions[ 1 ] + " x " + dimensions[ 3 ]
					+ "): regions may reach past the border (mirrored) but must overlap the image." );
		if ( t < 0 || t >= dimensions[ 4 ] )
			throw new IllegalArgumentException( "Frame t=" + t + " is outside the image (0.." + ( dimensions[ 4 ] - 1 ) + "): pick an existing frame." );
		final long n = ( long ) w * h * d * channels;
		if ( dest == null || destOffset < 0 || destOffset + n > dest.length )
			throw new IllegalArgumentException( "The float array has " + ( dest == null ? "no" : dest.length ) + " values but the region needs " + n
					+ " from offset " + destOffset + ": allocate w * h * d * channels() values." );
	}

	private void read( final long[] pos, final int[] size, final float[] dest, final int off )
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
