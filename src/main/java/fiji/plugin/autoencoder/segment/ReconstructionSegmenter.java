package fiji.plugin.autoencoder.segment;

import fiji.plugin.autoencoder.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import ij.ImagePlus;

/**
 * Segment by reconstruction: an autoencoder trained on normal tissue or
 * background reconstructs what it knows; pixels it cannot reconstruct form the
 * objects. Anomaly map ({@link AnomalyMap}), threshold ({@link Thresholds}),
 * connected components with a minimum size ({@link Labeling}), measurements
 * and ROIs.
 *
 * <pre>{@code
 * ReconstructionSegmenter.Settings s = new ReconstructionSegmenter.Settings();
 * s.map.sigma( 1.5 );
 * s.method = Thresholds.Method.OTSU;
 * s.minSize = 20;
 * try ( ModelFile.Loaded model = ModelFile.load( path, 0 ) ) {
 *     Segmentation seg = ReconstructionSegmenter.segment( model, imp, s, Progress.none() );
 * }
 * }</pre>
 */
public final class ReconstructionSegmenter
{
	private ReconstructionSegmenter()
	{}

	/** What to compute; public fields with defaults. */
	public static final class Settings
	{
		public AnomalyMap.Options map = new AnomalyMap.Options();

		public Thresholds.Method method = Thresholds.Method.OTSU;

		/** The percentile (PERCENTILE) or the threshold (VALUE). */
		public double thresholdValue = 99;

		/** Objects with fewer pixels are dropped. */
		public int minSize = 0;

		/**
		 * Hysteresis: objects of the thresholded map are kept only if one of their
		 * pixels reaches this value (e.g. a threshold calibrated at a 10x lower
		 * false-positive rate); NaN (default) keeps every object.
		 */
		public double seedThreshold = Double.NaN;

		public Labeling.Connectivity connectivity = Labeling.Connectivity.EIGHT;

		/** Settings from the command's choices: method Otsu, Percentile or Value; sigma of the smoothing; minimum object size. */
		public static Settings of( final String method, final double thresholdValue, final double sigma, final int minSize )
		{
			final Settings s = new Settings();
			s.method = Thresholds.Method.of( method );
			s.thresholdValue = thresholdValue;
			s.map.sigma( sigma );
			s.minSize = minSize;
			return s;
		}
	}

	public static Segmentation segment( final ModelFile.Loaded model, final ImagePlus input, final Settings settings, final Progress progress )
	{
		final ImagePlus map = AnomalyMap.compute( model, input, settings.map, progress );
		return fromMap( map, settings );
	}

	/** Thresholds, labels and measures an anomaly map computed before. */
	public static Segmentation fromMap( final ImagePlus map, final Settings settings )
	{
		final double t = Thresholds.threshold( map, settings.method, settings.thresholdValue );
		if ( !Double.isNaN( settings.seedThreshold ) && settings.seedThreshold < t )
			throw new IllegalArgumentException( "The seed threshold " + settings.seedThreshold + " is below the threshold " + t
					+ ": hysteresis keeps objects that reach the (higher) seed threshold; raise it or set it to NaN" );
		return Segmentation.of( map, t, settings.seedThreshold, settings.connectivity, settings.minSize );
	}
}
