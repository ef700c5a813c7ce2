package fiji.plugin.autoencoder.segment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import ij.ImagePlus;

/**
 * Segment by reconstruction: an autoencoder trained on normal tissue or
 * background reconstructs what it knows; pixels it cannot reconstruct form the
 * objects. Anomaly map ({@link AnomalyMap}), threshold ({@link Thresholds}),
 * connected components with a minimum size ({@link Labeling}), measurements
 * and ROIs.
 * <p>
 * Thresholds can be calibrated on a normal (defect-free) image that the model
 * was not trained on: method {@link Thresholds.Method#CALIBRATED} with a
 * false-positive rate as the value (the fraction of the normal image's pixels
 * allowed above the threshold), and the hysteresis seed at a (lower) rate of its
 * own. The normal image's map is computed with the same options as the image's.
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

		/** The percentile (PERCENTILE), the threshold (VALUE) or the false-positive rate on {@link #normalImage} (CALIBRATED). */
		public double thresholdValue = 99;

		/** Objects with fewer pixels are dropped. */
		public int minSize = 0;

		/**
		 * Hysteresis: objects of the thresholded map are kept only if one of their
		 * pixels reaches this value (e.g. a threshold calibrated at a 10x lower
		 * false-positive rate); NaN (default) keeps every object.
		 */
		public double seedThreshold = Double.NaN;

		/**
		 * Hysteresis seed calibrated on {@link #normalImage}: the value that this
		 * fraction of its pixels exceed (at least the threshold); NaN (default): off.
		 * Set it or {@link #seedThreshold}, not both.
		 */
		public double seedFalsePositiveRate = Double.NaN;

		/** A normal (defect-free) image, not used for training, for CALIBRATED and {@link #seedFalsePositiveRate}; null: none. */
		public ImagePlus normalImage;

		/** True when a threshold is calibrated on {@link #normalImage}. */
		public boolean needsNormalImage()
		{
			return method == Thresholds.Method.CALIBRATED || !Double.isNaN( seedFalsePositiveRate );
		}

		public Labeling.Connectivity connectivity = Labeling.Connectivity.EIGHT;

		/** Settings from the command's choices: method Otsu, Percentile, Value or Calibrated; sigma of the smoothing; minimum object size. */
		public static Settings of( final String method, final double thresholdValue, final double sigma,
				final int minSize )
		{
			final Settings s = new Settings();
			s.method = Thresholds.Method.of( method );
			s.thresholdValue = thresholdValue;
			s.map.sigma( sigma );
			s.minSize = minSize;
			return s;
		}
	}

	public static Segmentation segment( final ModelFile.Loaded model, final ImagePlus input, final Settings settings,
			final Progress progress )
	{
		final ImagePlus normalMap = normalMap( model, settings, progress );
		final ImagePlus map = AnomalyMap.compute( model, input, settings.map, progress );
		return fromMap( map, normalMap, settings );
	}

	/**
	 * Segments every image of {@code folder} (its shard) into the files of
	 * {@link SegmentationFiles} in the folder's output folder; images whose
	 * label image exists are skipped. The normal image's map, if needed, is
	 * computed once for all.
	 *
	 * @param folder made with the suffix {@link SegmentationFiles#LABELS}
	 */
	public static FolderProcessor.Report segmentFolder( final ModelFile.Loaded model, final FolderProcessor folder,
			final Settings settings, final Consumer< String > log,
			final Progress progress ) throws IOException
	{
		if ( folder.inputFolder().equals( folder.outputFolder() ) )
			throw new IllegalArgumentException( "The output folder is the input folder " + folder.inputFolder()
					+ ": choose another one (the maps and masks written there would be segmented as images next time)" );
		final ImagePlus normalMap = normalMap( model, settings, Progress.none() );
		return folder.run( ( imp, in, out ) -> {
			final Segmentation seg = fromMap( AnomalyMap.compute( model, imp, settings.map, Progress.none() ),
					normalMap, settings );
			final String name = out.getFileName().toString();
			final String suffix = "-" + SegmentationFiles.LABELS + ".tif";
			if ( !name.endsWith( suffix ) )
				throw new IllegalArgumentException( "The folder's outputs must end in " + suffix
						+ " (make the FolderProcessor with suffix SegmentationFiles.LABELS), got " + name );
			SegmentationFiles.write( seg, out.getParent(), name.substring( 0, name.length() - suffix.length() ), in );
			log.accept( in.getFileName() + ": " + seg.summary() );
		}, log, progress );
	}

	/** The map of the settings' normal image, or null when nothing is calibrated. */
	private static ImagePlus normalMap( final ModelFile.Loaded model, final Settings settings, final Progress progress )
	{
		if ( !settings.needsNormalImage() )
			return null;
		if ( settings.normalImage == null )
			throw new IllegalArgumentException(
					"Calibrated thresholds need a normal (defect-free) image that the model was not trained on: give one (normal_image), "
							+ "or use another threshold method and seed threshold" );
		return AnomalyMap.compute( model, settings.normalImage, settings.map, progress );
	}

	/** Thresholds, labels and measures an anomaly map computed before. */
	public static Segmentation fromMap( final ImagePlus map, final Settings settings )
	{
		return fromMap( map, null, settings );
	}

	/**
	 * Thresholds, labels and measures an anomaly map computed before, with the
	 * map of a normal image (same map options) for calibrated thresholds; it may
	 * be null when nothing is calibrated.
	 */
	public static Segmentation fromMap( final ImagePlus map, final ImagePlus normalMap, final Settings settings )
	{
		if ( settings.needsNormalImage() && normalMap == null )
			throw new IllegalArgumentException(
					"Calibrated thresholds need the map of a normal (defect-free) image: compute it with AnomalyMap.compute and the same options" );
		final float[] normal = settings.needsNormalImage() ? Thresholds.sortedNormalValues( normalMap ) : null; // read and sorted once for threshold, seed and notes
		final double t = settings.method == Thresholds.Method.CALIBRATED
				? Thresholds.calibrated( normal, settings.thresholdValue )
				: Thresholds.threshold( map, settings.method, settings.thresholdValue );
		double seed = settings.seedThreshold;
		if ( !Double.isNaN( settings.seedFalsePositiveRate ) )
		{
			if ( !Double.isNaN( seed ) )
				throw new IllegalArgumentException(
						"Give a seed threshold or a seed false-positive rate, not both (set the other to 0)" );
			seed = Math.max( t, Thresholds.calibrated( normal, settings.seedFalsePositiveRate ) );
		}
		if ( !Double.isNaN( seed ) && seed < t )
			throw new IllegalArgumentException( "The seed threshold " + seed + " is below the threshold " + t
					+ ": hysteresis keeps objects that reach the (higher) seed threshold; raise it or set it to 0 (off)" );
		final List< String > notes = new ArrayList<>();
		if ( settings.method == Thresholds.Method.CALIBRATED )
			notes.add( Thresholds.calibrationNote( normal.length, settings.thresholdValue, "threshold" ) );
		if ( !Double.isNaN( settings.seedFalsePositiveRate ) )
			notes.add( Thresholds.calibrationNote( normal.length, settings.seedFalsePositiveRate, "seed" ) );
		notes.removeIf( java.util.Objects::isNull );
		return Segmentation.of( map, t, seed, settings.connectivity, settings.minSize ).withNotes( notes );
	}
}
