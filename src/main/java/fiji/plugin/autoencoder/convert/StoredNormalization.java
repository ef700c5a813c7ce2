package fiji.plugin.autoencoder.convert;

import java.util.List;
import java.util.Locale;

import ij.ImagePlus;

/**
 * Normalisation fitted once on the training images and stored with the model,
 * so that every input is mapped with the same values (the network never sees a
 * test image scaled differently from its training data because the test image
 * holds other content).
 * <p>
 * Fitting several images pools them: each channel's offset and upper value
 * (e.g. percentiles 1 and 99.8) are the pixel-weighted means of the images'
 * own. A channel whose upper value equals its offset (a constant channel) is
 * refused, naming the channel. At inference {@link #forInput} uses the stored
 * values unless refitting is asked for; model files written before values were
 * stored (the method only) are refitted on each input, with a note.
 */
public final class StoredNormalization
{
	/** Labels of the {@code normalization} choice of the denoising commands. */
	public static final String STORED = "Stored (from training)", REFIT = "Refit on each image";

	private StoredNormalization()
	{}

	/** True for {@link #REFIT}, false for {@link #STORED} (the default, also for an empty value); names the choices otherwise. */
	public static boolean refit( final String label )
	{
		if ( label == null || label.isEmpty() || label.equalsIgnoreCase( STORED )
				|| label.toLowerCase( Locale.ROOT ).startsWith( "stored" ) )
			return false;
		if ( label.equalsIgnoreCase( REFIT ) || label.toLowerCase( Locale.ROOT ).startsWith( "refit" ) )
			return true;
		throw new IllegalArgumentException(
				"Unknown normalization choice '" + label + "': use '" + STORED + "' (default) or '" + REFIT + "'" );
	}

	/** What a model's normalisation is at inference: the values to use (unfitted: fit on the input) and a note for the log, or null. */
	public static final class Choice
	{
		public final Normalization normalization;

		public final String note;

		Choice( final Normalization normalization, final String note )
		{
			this.normalization = normalization;
			this.note = note;
		}
	}

	/**
	 * Fits {@code method} on all {@code images} (pooled as described above). FIXED and NONE come back as they are.
	 *
	 * @throws IllegalArgumentException for a constant channel (naming it) or no images
	 */
	public static Normalization fit( final Normalization method, final List< ImagePlus > images )
	{
		if ( images == null || images.isEmpty() )
			throw new IllegalArgumentException( "No training images to fit the normalisation on" );
		if ( method.method() == Normalization.Method.NONE
				|| method.method() == Normalization.Method.FIXED && method.isFitted() )
			return method;
		final Normalization spec = method.isFitted() ? unfitted( method ) : method;
		double[] lo = null, hi = null;
		double total = 0;
		for ( final ImagePlus imp : images )
		{
			final Normalizer.Statistics[] stats = Normalizer.measure( ImagePlusImages.wrap( imp ), ImageAxes.C,
					spec.isPerChannel(), spec.method() == Normalization.Method.PERCENTILE );
			if ( lo == null )
			{
				lo = new double[ stats.length ];
				hi = new double[ stats.length ];
			}
			else if ( lo.length != stats.length )
				throw new IllegalArgumentException(
						"All training images need the same number of channels to share one normalisation: '"
								+ imp.getTitle() + "' has " + stats.length );
			final double weight = ( double ) imp.getWidth() * imp.getHeight() * imp.getStackSize();
			for ( int c = 0; c < stats.length; c++ )
			{
				final double[] r = range( spec, stats[ c ] );
				lo[ c ] += weight * r[ 0 ];
				hi[ c ] += weight * r[ 1 ];
			}
			total += weight;
		}
		final double[] offsets = new double[ lo.length ], scales = new double[ lo.length ];
		for ( int c = 0; c < lo.length; c++ )
		{
			offsets[ c ] = lo[ c ] / total;
			final double range = hi[ c ] / total - offsets[ c ];
			if ( !( range > 0 ) )
				throw new IllegalArgumentException( String.format( Locale.ROOT,
						"Channel %d of the training image%s is constant (value %s over %s): its normalisation would divide by zero. "
								+ "Remove that channel (Image > Stacks > Tools > Reduce Dimensionality, or Split Channels) or train on images where it varies",
						c + 1, images.size() > 1 ? "s" : "", fmt( offsets[ c ] ), rangeName( spec ) ) );
			scales[ c ] = 1 / range;
		}
		return spec.withParameters( offsets, scales );
	}

	/** The values mapped to 0 and 1. */
	private static double[] range( final Normalization spec, final Normalizer.Statistics s )
	{
		switch ( spec.method() )
		{
		case PERCENTILE:
			return new double[] { s.percentile( spec.lowPercentile() ), s.percentile( spec.highPercentile() ) };
		case MIN_MAX:
			return new double[] { s.min(), s.max() };
		default: // MEAN_STD
			final double[] ms = s.meanStd();
			return new double[] { ms[ 0 ], ms[ 0 ] + ms[ 1 ] };
		}
	}

	/** The method of a fitted normalisation without its values (fitting it again measures anew). */
	public static Normalization unfitted( final Normalization n )
	{
		switch ( n.method() )
		{
		case PERCENTILE:
			return Normalization.percentile( n.lowPercentile(), n.highPercentile(), n.isPerChannel() );
		case MIN_MAX:
			return Normalization.minMax( n.isPerChannel() );
		case MEAN_STD:
			return Normalization.meanStd( n.isPerChannel() );
		default:
			return n;
		}
	}

	/** The single-channel normalisation of channel {@code c} of a fitted one (the same for every channel when global). */
	public static Normalization channel( final Normalization n, final int c )
	{
		final double[] o = n.offsets(), s = n.scales();
		final int i = o.length == 1 ? 0 : c;
		return n.withParameters( new double[] { o[ i ] }, new double[] { s[ i ] } );
	}

	/**
	 * The normalisation to apply to an input: the stored values, or (when
	 * {@code refit} or the file holds the method only) the method, to be fitted
	 * on the input.
	 */
	public static Choice forInput( final Normalization stored, final boolean refit )
	{
		if ( stored.method() == Normalization.Method.NONE || stored.method() == Normalization.Method.FIXED )
			return new Choice( stored, null );
		if ( !stored.isFitted() )
			return new Choice( stored, "this model file stores the normalisation method (" + describeMethod( stored )
					+ ") but no values (written before values were stored): it is refitted on each image, so images with other content are scaled differently; train again to store the training values" );
		if ( refit )
			return new Choice( unfitted( stored ), "normalisation refitted on this image (" + describeMethod( stored )
					+ "), not the values stored at training: " + describe( stored ) );
		return new Choice( stored, null );
	}

	/** A line for Model Summary and logs, e.g. "percentiles 1..99.8 per channel; channel 1: 12.5 .. 840 (offset 12.5, scale 0.0012)". */
	public static String describe( final Normalization n )
	{
		final StringBuilder b = new StringBuilder( describeMethod( n ) );
		if ( !n.isFitted() )
			return b.append( "; no stored values (refitted on each image)" ).toString();
		final double[] o = n.offsets(), s = n.scales();
		for ( int c = 0; c < o.length; c++ )
			b.append( o.length == 1 ? "; all channels: " : "; channel " + ( c + 1 ) + ": " ).append( fmt( o[ c ] ) )
					.append( " -> 0, " )
					.append( fmt( o[ c ] + 1 / s[ c ] ) ).append( " -> 1" );
		return b.toString();
	}

	private static String describeMethod( final Normalization n )
	{
		switch ( n.method() )
		{
		case PERCENTILE:
			return "percentiles " + fmt( n.lowPercentile() ) + ".." + fmt( n.highPercentile() )
					+ ( n.isPerChannel() ? " per channel" : " global" );
		case MIN_MAX:
			return "min-max" + ( n.isPerChannel() ? " per channel" : " global" );
		case MEAN_STD:
			return "mean/std" + ( n.isPerChannel() ? " per channel" : " global" );
		case FIXED:
			return "fixed";
		default:
			return "none";
		}
	}

	private static String rangeName( final Normalization spec )
	{
		return spec.method() == Normalization.Method.PERCENTILE
				? "percentiles " + fmt( spec.lowPercentile() ) + " to " + fmt( spec.highPercentile() )
				: spec.method() == Normalization.Method.MEAN_STD ? "all pixels (standard deviation 0)" : "all pixels";
	}

	static String fmt( final double v )
	{
		return String.format( Locale.ROOT, "%.6g", v ).replaceAll( "(\\.\\d*?)0+(e|$)", "$1$2" ).replaceAll( "\\.(e|$)",
				"$1" );
	}
}
