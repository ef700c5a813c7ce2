package fiji.plugin.autoencoder.segment;

import java.util.Arrays;
import java.util.Locale;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.AutoThresholder;
import ij.process.ByteProcessor;

/**
 * Turns a score map (anomaly map, probability map) into a binary mask:
 * foreground is every pixel whose score is strictly above a threshold. The
 * threshold is Otsu's (ImageJ's {@link AutoThresholder} on a 256-bin
 * histogram between the map's minimum and maximum: the upper edge of the last
 * background bin), a percentile of all the map's values, or a fixed value.
 *
 * <pre>{@code
 * double t = Thresholds.threshold( map, Thresholds.Method.OTSU, 0 );
 * ImagePlus mask = Thresholds.mask( map, t );   // 8-bit, 255 = foreground
 * }</pre>
 *
 * Stateless and thread-safe.
 */
public final class Thresholds
{
	private Thresholds()
	{}

	/**
	 * How the threshold is found. CALIBRATED takes a false-positive rate on
	 * the map of a normal image ({@link #calibrated}); {@link #threshold} cannot
	 * compute it from the map alone.
	 */
	public enum Method
	{
		OTSU, PERCENTILE, VALUE, CALIBRATED;

		/** The name shown in the commands and written in macros: Otsu, Percentile, Value, Calibrated. */
		public String label()
		{
			return name().charAt( 0 ) + name().substring( 1 ).toLowerCase( java.util.Locale.ROOT );
		}

		/** The labels of all methods, in order: the choices of {@code threshold_method}. */
		public static String[] labels()
		{
			final Method[] all = values();
			final String[] l = new String[ all.length ];
			for ( int i = 0; i < all.length; i++ )
				l[ i ] = all[ i ].label();
			return l;
		}

		/** The method by its name as shown in the commands (Otsu, Percentile, Value, Calibrated), case-insensitive. */
		public static Method of( final String name )
		{
			for ( final Method m : values() )
				if ( m.name().equalsIgnoreCase( name == null ? "" : name.trim() ) )
					return m;
			throw new IllegalArgumentException(
					"Unknown threshold method '" + name + "': use Otsu, Percentile, Value or Calibrated" );
		}
	}

	/** Histogram bins of Otsu's method. */
	public static final int BINS = 256;

	/**
	 * The threshold of the map's values (all channels, slices and frames).
	 *
	 * @param value the percentile (0..100) for PERCENTILE, the threshold itself for VALUE; ignored for OTSU
	 */
	public static double threshold( final ImagePlus map, final Method method, final double value )
	{
		final float[] v = allValues( map );
		switch ( method )
		{
		case OTSU:
			return otsu( v );
		case PERCENTILE:
			return percentile( v, value );
		case VALUE:
			if ( !Double.isFinite( value ) )
				throw new IllegalArgumentException( "The threshold value must be a finite number, got " + value );
			return value;
		case CALIBRATED:
			throw new IllegalArgumentException(
					"A calibrated threshold needs the map of a normal (defect-free) image: give one (normal_image) or use Thresholds.calibrated" );
		default:
			throw new IllegalArgumentException( "Unknown threshold method " + method );
		}
	}

	/**
	 * A threshold calibrated on normal (defect-free) images: the smallest of
	 * the normal map's values that at most {@code floor( rate * n )} of its
	 * {@code n} values exceed, so at most that fraction of normal pixels
	 * becomes foreground (rate 0: the maximum). Compute {@code normalMap} with the same map
	 * options as the image to segment, from images not used for training if
	 * possible (the model reconstructs its training images better).
	 *
	 * <pre>{@code
	 * double t = Thresholds.calibrated( AnomalyMap.compute( model, normalImp, options, progress ), 1e-4 );
	 * }</pre>
	 *
	 * @param falsePositiveRate the fraction of normal pixels allowed above the threshold, 0 (the maximum) to 1
	 */
	public static double calibrated( final ImagePlus normalMap, final double falsePositiveRate )
	{
		checkRate( falsePositiveRate );
		return calibrated( sortedNormalValues( normalMap ), falsePositiveRate );
	}

	/** The finite values of a normal map, sorted: read once for several {@link #calibrated(float[], double)} values. */
	static float[] sortedNormalValues( final ImagePlus normalMap )
	{
		final float[] v = finite( allValues( normalMap ) );
		if ( v.length == 0 )
			throw new IllegalArgumentException(
					"The normal map has no values (all NaN): compute it from a normal image" );
		Arrays.sort( v );
		return v;
	}

	/** {@link #calibrated(ImagePlus, double)} on the values {@link #sortedNormalValues} gave. */
	static double calibrated( final float[] sortedNormalValues, final double falsePositiveRate )
	{
		checkRate( falsePositiveRate );
		final int above = ( int ) Math.floor( falsePositiveRate * sortedNormalValues.length + 1e-9 );
		return sortedNormalValues[ sortedNormalValues.length - 1 - above ];
	}

	private static void checkRate( final double falsePositiveRate )
	{
		if ( !( falsePositiveRate >= 0 && falsePositiveRate < 1 ) )
			throw new IllegalArgumentException(
					"The false-positive rate is a fraction of the normal pixels, at least 0 and below 1 (e.g. 0.0001), got "
							+ falsePositiveRate );
	}

	/** Fewest normal pixels above a calibrated value for it to be stable (below: {@link #calibrationNote}). */
	public static final int STABLE_TAIL_PIXELS = 10;

	/**
	 * A warning when a value calibrated at {@code falsePositiveRate} on a
	 * normal map of {@code n} (finite) values rests on fewer than
	 * {@link #STABLE_TAIL_PIXELS} of them (e.g. 1e-4 of a 512 x 64 image: the
	 * 4th largest value), so that another normal image would give a quite
	 * different value; null when it does not.
	 *
	 * @param what how the message names the value ("threshold", "seed")
	 */
	public static String calibrationNote( final long n, final double falsePositiveRate, final String what )
	{
		final long above = ( long ) Math.floor( falsePositiveRate * n + 1e-9 );
		if ( above >= STABLE_TAIL_PIXELS )
			return null;
		final long needed = ( long ) Math.ceil( STABLE_TAIL_PIXELS / falsePositiveRate );
		return String.format( java.util.Locale.ROOT,
				"the calibrated %s is the value only %d of the normal image's %d pixels exceed (false-positive rate %s), so another normal image "
						+ "may give a quite different %s: give a larger normal image (at least %d pixels%s) or a higher rate",
				what, above, n, falsePositiveRate, what, needed,
				needed > n
						? String.format( java.util.Locale.ROOT, ", %.0fx this one", Math.ceil( ( double ) needed / n ) )
						: "" );
	}

	/** Otsu's threshold of the values (NaN are ignored); a constant map gives its value (no foreground). */
	public static double otsu( final float[] values )
	{
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for ( final float f : values )
			if ( f == f )
			{
				min = Math.min( min, f );
				max = Math.max( max, f );
			}
		if ( !( max > min ) )
			return min == Double.POSITIVE_INFINITY ? 0 : min;
		final int[] histogram = new int[ BINS ];
		final double scale = BINS / ( max - min );
		for ( final float f : values )
			if ( f == f )
				histogram[ Math.min( BINS - 1, ( int ) ( ( f - min ) * scale ) ) ]++;
		final int bin = new AutoThresholder().getThreshold( AutoThresholder.Method.Otsu, histogram );
		return min + ( bin + 1 ) / scale;
	}

	/** The p-th percentile (0..100, nearest rank below: the value with p% of the values at or below it). */
	public static double percentile( final float[] values, final double p )
	{
		if ( !( p >= 0 && p <= 100 ) )
			throw new IllegalArgumentException( "The percentile must be between 0 and 100 (e.g. 99), got " + p );
		final float[] s = finite( values );
		if ( s.length == 0 )
			throw new IllegalArgumentException( "The map has no values (all NaN): nothing to threshold" );
		Arrays.sort( s );
		final int rank = ( int ) Math.ceil( p / 100.0 * s.length ) - 1;
		return s[ Math.max( 0, Math.min( s.length - 1, rank ) ) ];
	}

	/** An 8-bit mask with the map's slices and frames: 255 where any channel of the map is above {@code threshold}, else 0. */
	public static ImagePlus mask( final ImagePlus map, final double threshold )
	{
		final int w = map.getWidth(), h = map.getHeight(), n = w * h;
		final ImageStack stack = new ImageStack( w, h );
		for ( int t = 1; t <= map.getNFrames(); t++ )
			for ( int z = 1; z <= map.getNSlices(); z++ )
			{
				final byte[] m = new byte[ n ];
				for ( int c = 1; c <= Planes.channels( map ); c++ )
				{
					final float[] v = Planes.values( map, c, z, t );
					for ( int i = 0; i < n; i++ )
						if ( v[ i ] > threshold )
							m[ i ] = ( byte ) 255;
				}
				stack.addSlice( null, new ByteProcessor( w, h, m ) );
			}
		final ImagePlus out = Planes.wrap( Planes.title( map, "mask" ), map, stack, 1 );
		out.setDisplayRange( 0, 255 );
		out.setProperty( "Info", String.format( Locale.ROOT, "threshold=%.6g", threshold ) );
		return out;
	}

	private static float[] allValues( final ImagePlus map )
	{
		if ( map == null )
			throw new IllegalArgumentException( "No map to threshold" );
		final int n = map.getWidth() * map.getHeight();
		final int planes = Planes.channels( map ) * map.getNSlices() * map.getNFrames();
		if ( ( long ) n * planes > Integer.MAX_VALUE - 8 )
			throw new IllegalArgumentException( "The map has more than 2^31 values: threshold it slice by slice" );
		final float[] all = new float[ n * planes ];
		int k = 0;
		for ( int t = 1; t <= map.getNFrames(); t++ )
			for ( int z = 1; z <= map.getNSlices(); z++ )
				for ( int c = 1; c <= Planes.channels( map ); c++ )
				{
					System.arraycopy( Planes.values( map, c, z, t ), 0, all, k, n );
					k += n;
				}
		return all;
	}

	private static float[] finite( final float[] values )
	{
		int n = 0;
		final float[] s = new float[ values.length ];
		for ( final float f : values )
			if ( f == f )
				s[ n++ ] = f;
		return n == s.length ? s : Arrays.copyOf( s, n );
	}
}
