package fiji.plugin.autoencoder.convert;

import java.util.function.Supplier;

import ij.ImagePlus;
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
 * Measures an image to fit a {@link Normalization} (percentiles, min/max,
 * mean/std), streaming it in blocks of about a million pixels: memory stays
 * bounded and every count and position is a {@code long}, so images beyond
 * 2^31 pixels work.
 * <p>
 * 8- and 16-bit unsigned images (and RGB components) are counted in an exact
 * 65536-bin histogram in one pass: percentiles equal {@code numpy.percentile}
 * on the raw values. Other real types take two passes: min, max, mean and std,
 * then (for percentiles) a 2^18-bin histogram over [min, max], exact to within
 * {@code (max - min) / 2^18}. NaN values are skipped.
 * <p>
 * Stateless and thread-safe.
 *
 * <pre>{@code
 * Normalization n = Normalizer.fit( Normalization.percentileDefault(), imp );
 * double[] p = Normalizer.percentiles( img, -1, false, 1, 99.8 )[ 0 ];
 * }</pre>
 */
public final class Normalizer
{
	/** Pixels per streamed block. */
	static final int BLOCK_ELEMENTS = 1 << 20;

	private Normalizer()
	{}

	/** Fits {@code spec} on an ImagePlus (channels as in {@link ImagePlusImages#wrap}, RGB as 3 channels). */
	public static Normalization fit( final Normalization spec, final ImagePlus imp )
	{
		return fit( spec, ImagePlusImages.wrap( imp ), ImageAxes.C );
	}

	/**
	 * Fits {@code spec} on an image and returns the fitted copy; FIXED and NONE
	 * are returned as they are.
	 *
	 * @param channelAxis the channel axis, or -1 if the image has none (one channel; ARGB still gives 3)
	 */
	public static Normalization fit( final Normalization spec, final RandomAccessibleInterval< ? > image,
			final int channelAxis )
	{
		if ( spec == null )
			throw new IllegalArgumentException(
					"The normalisation spec is null: use e.g. Normalization.percentileDefault()." );
		if ( spec.isFitted() )
			return spec;
		final Statistics[] stats = measure( image, channelAxis, spec.isPerChannel(),
				spec.method() == Normalization.Method.PERCENTILE );
		final double[] offsets = new double[ stats.length ];
		final double[] scales = new double[ stats.length ];
		for ( int g = 0; g < stats.length; g++ )
		{
			final double lo, hi;
			switch ( spec.method() )
			{
			case PERCENTILE:
				lo = stats[ g ].percentile( spec.lowPercentile() );
				hi = stats[ g ].percentile( spec.highPercentile() );
				break;
			case MIN_MAX:
				lo = stats[ g ].min();
				hi = stats[ g ].max();
				break;
			default: // MEAN_STD
				final double[] ms = stats[ g ].meanStd();
				lo = ms[ 0 ];
				hi = ms[ 0 ] + ms[ 1 ];
			}
			offsets[ g ] = lo;
			scales[ g ] = hi > lo ? 1 / ( hi - lo ) : 1;
		}
		return spec.withParameters( offsets, scales );
	}

	/**
	 * Percentiles of an image: {@code result[group][i]} for {@code percents[i]},
	 * one group per channel if {@code perChannel}, else one group.
	 */
	public static double[][] percentiles( final RandomAccessibleInterval< ? > image, final int channelAxis,
			final boolean perChannel, final double... percents )
	{
		for ( final double p : percents )
			if ( !( p >= 0 && p <= 100 ) )
				throw new IllegalArgumentException(
						"Percentile " + p + " is outside 0..100: pass values such as 1 and 99.8." );
		final Statistics[] stats = measure( image, channelAxis, perChannel, true );
		final double[][] result = new double[ stats.length ][ percents.length ];
		for ( int g = 0; g < stats.length; g++ )
			for ( int i = 0; i < percents.length; i++ )
				result[ g ][ i ] = stats[ g ].percentile( percents[ i ] );
		return result;
	}

	// -- measuring --

	/** Per-group statistics: an exact integer histogram, or float moments plus an optional fine histogram. */
	static final class Statistics
	{
		IntegerHistogram integers;

		long count;

		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum, sumOfSquares;

		FloatHistogram floats;

		double percentile( final double p )
		{
			if ( integers != null )
				return integers.percentile( p );
			return floats.percentile( p );
		}

		double min()
		{
			requireValues();
			return integers != null ? integers.min() : min;
		}

		double max()
		{
			requireValues();
			return integers != null ? integers.max() : max;
		}

		double[] meanStd()
		{
			requireValues();
			if ( integers != null )
				return integers.meanStd();
			final double mean = sum / count;
			return new double[] { mean, Math.sqrt( Math.max( 0, sumOfSquares / count - mean * mean ) ) };
		}

		private void requireValues()
		{
			if ( integers != null ? integers.total() == 0 : count == 0 )
				throw new IllegalArgumentException(
						"The image has no (finite) values to normalise: check that it is not empty or all NaN." );
		}
	}

	@SuppressWarnings( { "unchecked", "rawtypes" } )
	static Statistics[] measure( final RandomAccessibleInterval< ? > image0, final int channelAxis,
			final boolean perChannel, final boolean needPercentiles )
	{
		if ( image0 == null )
			throw new IllegalArgumentException( "The image is null: pass the image to normalise." );
		if ( !( image0.getType() instanceof NativeType ) )
			throw new IllegalArgumentException( "Pixel type " + image0.getType().getClass().getSimpleName()
					+ " is not supported: use a real-valued native type (8/16-bit unsigned, float, ...) or ARGBType for RGB." );
		final RandomAccessibleInterval image = image0;
		if ( channelAxis < -1 || channelAxis >= image.numDimensions() )
			throw new IllegalArgumentException( "Channel axis " + channelAxis + " does not exist in a "
					+ image.numDimensions()
					+ "D image: pass -1 (no channel axis) or an axis index; ImagePlus images use ImageAxes.C = 2." );
		final PixelKind kind = PixelKind.of( image.getType() );
		final long imageChannels = channelAxis < 0 ? 1 : image.dimension( channelAxis );
		final int perPixel = kind.tensorChannelsPerChannel();
		final int groups = perChannel ? ( int ) Math.min( Integer.MAX_VALUE, imageChannels * perPixel ) : 1;
		final Statistics[] stats = new Statistics[ groups ];
		for ( int g = 0; g < groups; g++ )
			stats[ g ] = new Statistics();
		final boolean integer = kind == PixelKind.U8 || kind == PixelKind.U16 || kind == PixelKind.ARGB;
		if ( integer )
			for ( final Statistics s : stats )
				s.integers = new IntegerHistogram();

		final boolean sliceChannels = perChannel && channelAxis >= 0;
		final long slices = sliceChannels ? imageChannels : 1;
		for ( long c = 0; c < slices; c++ )
		{
			final RandomAccessibleInterval part = sliceChannels
					? Views.hyperSlice( image, channelAxis, image.min( channelAxis ) + c ) : image;
			final int group = ( int ) ( c * perPixel );
			if ( integer )
			{
				forEachBlock( part, kind, ( array, n ) -> countIntegers( kind, array, n, stats, group, perChannel ) );
			}
			else
			{
				final Statistics s = stats[ group ];
				forEachBlock( part, kind, ( array, n ) -> accumulateMoments( ( float[] ) array, n, s ) );
				if ( needPercentiles && s.count > 0 )
				{
					s.floats = new FloatHistogram( s.min, s.max );
					forEachBlock( part, kind, ( array, n ) -> s.floats.add( ( float[] ) array, n ) );
				}
			}
		}
		if ( !integer && needPercentiles )
			for ( final Statistics s : stats )
				if ( s.floats == null )
					throw new IllegalArgumentException(
							"The image has no finite values to take percentiles of: check that it is not empty or all NaN." );
		return stats;
	}

	private static void countIntegers( final PixelKind kind, final Object array, final int n, final Statistics[] stats,
			final int group,
			final boolean perChannel )
	{
		switch ( kind )
		{
		case U8:
		{
			final byte[] a = ( byte[] ) array;
			final long[] h = stats[ group ].integers.counts;
			for ( int i = 0; i < n; i++ )
				h[ a[ i ] & 0xff ]++;
			break;
		}
		case U16:
		{
			final short[] a = ( short[] ) array;
			final long[] h = stats[ group ].integers.counts;
			for ( int i = 0; i < n; i++ )
				h[ a[ i ] & 0xffff ]++;
			break;
		}
		default: // ARGB: red, green, blue into 3 groups (or one)
		{
			final int[] a = ( int[] ) array;
			final long[] r = stats[ group ].integers.counts;
			final long[] g = stats[ perChannel ? group + 1 : group ].integers.counts;
			final long[] b = stats[ perChannel ? group + 2 : group ].integers.counts;
			for ( int i = 0; i < n; i++ )
			{
				final int v = a[ i ];
				r[ ( v >> 16 ) & 0xff ]++;
				g[ ( v >> 8 ) & 0xff ]++;
				b[ v & 0xff ]++;
			}
		}
		}
	}

	private static void accumulateMoments( final float[] a, final int n, final Statistics s )
	{
		double min = s.min, max = s.max, sum = 0, squares = 0;
		long count = 0;
		for ( int i = 0; i < n; i++ )
		{
			final float v = a[ i ];
			if ( v == v && v != Float.POSITIVE_INFINITY && v != Float.NEGATIVE_INFINITY )
			{
				if ( v < min )
					min = v;
				if ( v > max )
					max = v;
				sum += v;
				squares += ( double ) v * v;
				count++;
			}
		}
		s.min = min;
		s.max = max;
		s.sum += sum;
		s.sumOfSquares += squares;
		s.count += count;
	}

	interface BlockConsumer
	{
		/** {@code array} is a primitive array whose first {@code n} elements are the block. */
		void accept( Object array, int n );
	}

	/**
	 * Streams an image of any dimensionality in blocks of at most
	 * {@link #BLOCK_ELEMENTS} pixels, as primitive arrays (byte, short, int for
	 * ARGB, float for all other real types).
	 */
	@SuppressWarnings( { "unchecked", "rawtypes" } )
	static void forEachBlock( final RandomAccessibleInterval image, final PixelKind kind, final BlockConsumer consumer )
	{
		final int nd = image.numDimensions();
		final long[] dims = image.dimensionsAsLongArray();
		for ( final long d : dims )
			if ( d == 0 )
				return;
		final RandomAccessibleInterval zeroMin = Views.zeroMin( image );
		final PrimitiveBlocks< ? > blocks;
		final TempArray< ? > temp;
		if ( kind == PixelKind.OTHER_REAL )
		{
			final RandomAccessible< FloatType > asFloat = Converters.convert( ( RandomAccessible ) zeroMin,
					( Supplier ) () -> ( Converter< RealType< ? >, FloatType > ) ( a, b ) -> b
							.setReal( a.getRealFloat() ),
					new FloatType() );
			blocks = PrimitiveBlocks.of( asFloat, PrimitiveBlocks.OnFallback.ACCEPT );
			temp = TempArray.forPrimitiveType( PrimitiveType.FLOAT );
		}
		else
		{
			blocks = PrimitiveBlocks.of( zeroMin, PrimitiveBlocks.OnFallback.ACCEPT );
			temp = TempArray.forPrimitiveType(
					( ( NativeType< ? > ) image.getType() ).getNativeTypeFactory().getPrimitiveType() );
		}
		// block shape: fill the fastest axes first
		final int[] size = new int[ nd ];
		long budget = BLOCK_ELEMENTS;
		for ( int d = 0; d < nd; d++ )
		{
			size[ d ] = ( int ) Math.max( 1, Math.min( dims[ d ], budget ) );
			budget = Math.max( 1, budget / size[ d ] );
		}
		final long[] pos = new long[ nd ];
		final int[] clipped = new int[ nd ];
		while ( true )
		{
			int n = 1;
			for ( int d = 0; d < nd; d++ )
			{
				clipped[ d ] = ( int ) Math.min( size[ d ], dims[ d ] - pos[ d ] );
				n *= clipped[ d ];
			}
			final Object array = temp.get( n );
			blocks.copy( pos, array, clipped );
			consumer.accept( array, n );
			// next block position (odometer over long positions)
			int d = 0;
			for ( ; d < nd; d++ )
			{
				pos[ d ] += size[ d ];
				if ( pos[ d ] < dims[ d ] )
					break;
				pos[ d ] = 0;
			}
			if ( d == nd )
				return;
		}
	}
}
