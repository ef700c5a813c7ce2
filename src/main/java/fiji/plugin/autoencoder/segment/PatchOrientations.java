package fiji.plugin.autoencoder.segment;

import java.util.List;
import java.util.Locale;

/**
 * Which orientations augment a segmenter's training patches and are averaged at prediction: all 8 flips and 90-degree
 * rotations (microscopy: no direction is special), or left-right flips only, for images with a fixed "up" such as B-mode
 * ultrasound (transducer at the top, depth downwards). {@link #AUTOMATIC} decides from the training images: left-right
 * only when, over at least {@value #MIN_IMAGES} images, their mean row profile (normalised intensity per depth, in units
 * of the pixels' standard deviation) differs from its reverse by at least {@value #MIN_UP_DOWN} and at least
 * {@value #MIN_RATIO} times as much as the mean column profile differs from its reverse. The choice is stored in the
 * model file ({@link SegmenterInfo}) so that prediction flips the same way.
 *
 * <pre>{@code
 * PatchOrientations o = PatchOrientations.choose( PatchOrientations.AUTOMATIC, planes, images.size() );
 * }</pre>
 */
public final class PatchOrientations
{
	public static final String AUTOMATIC = "Automatic", ALL = "All 8", LEFT_RIGHT = "Left-right flips only";

	/** The setting's choices, the default first. */
	public static final String[] CHOICES = { AUTOMATIC, ALL, LEFT_RIGHT };

	/** Rows and columns are averaged into this many bands (images of any size compare). */
	static final int BANDS = 16;

	/** Automatic: the least number of training images that can show a fixed "up". */
	public static final int MIN_IMAGES = 2;

	/** Automatic: the least up-down asymmetry of the mean row profile, in pixel standard deviations. */
	public static final double MIN_UP_DOWN = 0.5;

	/** Automatic: how many times the left-right asymmetry the up-down one must be. */
	public static final double MIN_RATIO = 4;

	/** True: left-right flips only; false: all 8 orientations. */
	public final boolean leftRightOnly;

	/** Why, for the log. */
	public final String reason;

	private PatchOrientations( final boolean leftRightOnly, final String reason )
	{
		this.leftRightOnly = leftRightOnly;
		this.reason = reason;
	}

	/** All 8, or left-right flips only. */
	public static PatchOrientations of( final boolean leftRightOnly )
	{
		return new PatchOrientations( leftRightOnly, "as set" );
	}

	/**
	 * The orientations for a setting ({@link #CHOICES}), deciding {@link #AUTOMATIC} from the training planes.
	 *
	 * @param images how many training images the planes come from
	 */
	public static PatchOrientations choose( final String setting, final List< SegmentPatches.Plane > planes,
			final int images )
	{
		if ( ALL.equals( setting ) )
			return new PatchOrientations( false, "as set" );
		if ( LEFT_RIGHT.equals( setting ) )
			return new PatchOrientations( true, "as set" );
		if ( !AUTOMATIC.equals( setting ) )
			throw new IllegalArgumentException( "Unknown orientations '" + setting + "': use " + AUTOMATIC + ", " + ALL
					+ " or " + LEFT_RIGHT );
		final double[] a = asymmetry( planes );
		final boolean lr = images >= MIN_IMAGES && a[ 0 ] >= MIN_UP_DOWN && a[ 0 ] >= MIN_RATIO * a[ 1 ];
		return new PatchOrientations( lr,
				String.format( Locale.ROOT,
						"automatic: the %d training image(s)' mean row profile is %.2f pixel SDs up-down asymmetric, "
								+ "the column profile %.2f left-right; left-right only needs >= %d images, >= %.1f and >= %.0fx",
						images, a[ 0 ], a[ 1 ], MIN_IMAGES, MIN_UP_DOWN, MIN_RATIO ) );
	}

	/**
	 * {up-down, left-right}: the root mean square difference between the planes' mean row profile (first channel, rows
	 * averaged into {@value #BANDS} bands of relative depth) and its reverse, and the same for the column profile, in
	 * units of the pixels' standard deviation (pooled over the planes).
	 */
	static double[] asymmetry( final List< SegmentPatches.Plane > planes )
	{
		final double[] rows = new double[ BANDS ], cols = new double[ BANDS ];
		double variance = 0;
		for ( final SegmentPatches.Plane p : planes )
		{
			final int d = Math.max( 1, p.d ), channels = p.input.length / ( p.w * p.h * d ); // d: a volume's z-slices
			final double[] r = new double[ BANDS ], c = new double[ BANDS ];
			final long[] rn = new long[ BANDS ], cn = new long[ BANDS ];
			double sum = 0, sq = 0;
			for ( int z = 0; z < d; z++ )
				for ( int y = 0; y < p.h; y++ )
					for ( int x = 0; x < p.w; x++ )
					{
						final double v = p.input[ ( ( z * p.h + y ) * p.w + x ) * channels ];
						final int by = ( int ) ( ( long ) y * BANDS / p.h ), bx = ( int ) ( ( long ) x * BANDS / p.w );
						r[ by ] += v;
						rn[ by ]++;
						c[ bx ] += v;
						cn[ bx ]++;
						sum += v;
						sq += v * v;
					}
			for ( int b = 0; b < BANDS; b++ )
			{
				rows[ b ] += rn[ b ] == 0 ? 0 : r[ b ] / rn[ b ] / planes.size();
				cols[ b ] += cn[ b ] == 0 ? 0 : c[ b ] / cn[ b ] / planes.size();
			}
			final double n = ( double ) p.w * p.h * d, mean = sum / n;
			variance += Math.max( 0, sq / n - mean * mean ) / planes.size();
		}
		final double sd = Math.sqrt( variance );
		if ( !( sd > 0 ) )
			return new double[] { 0, 0 };
		return new double[] { reversal( rows ) / sd, reversal( cols ) / sd };
	}

	/** Root mean square of profile minus its reverse. */
	private static double reversal( final double[] profile )
	{
		double s = 0;
		for ( int b = 0; b < profile.length; b++ )
		{
			final double d = profile[ b ] - profile[ profile.length - 1 - b ];
			s += d * d;
		}
		return Math.sqrt( s / profile.length );
	}

	/** "all 8" or "left-right", as stored in the model file. */
	public String key()
	{
		return leftRightOnly ? "left-right" : "all 8";
	}

	@Override
	public String toString()
	{
		return ( leftRightOnly ? "left-right flips only" : "all 8 orientations" ) + " (" + reason + ")";
	}
}
