package fiji.plugin.autoencoder.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.SyntheticAnomalies;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;

/**
 * Segment by reconstruction with a learned comparison (the two stages of DRAEM,
 * Zavrtanik et al., ICCV 2021). An anomaly detector (an autoencoder trained with
 * {@link SyntheticAnomalies} to remove anomalies from normal images) reconstructs
 * the image; a small U-Net looks at the image and its reconstruction side by
 * side and outputs, per pixel, the probability that the detector removed an
 * anomaly there. Where a plain reconstruction error flags everything the
 * detector reproduces imperfectly (fine, high-contrast texture such as grass),
 * the comparison has learnt which differences are texture and which are not.
 * <p>
 * The second stage trains on normal images only: painted copies of them
 * ({@link SyntheticAnomalies#paintImage}, the painted footprints as masks) with
 * the detector's reconstructions, so it never sees a real defect. One model file
 * holds both networks (the detector embedded as
 * {@link ModelFile#RECONSTRUCTION_MODEL}); {@link AnomalyMap#compute} returns
 * this probability for such a file, so Segment by Reconstruction, thresholds
 * and hysteresis work on it unchanged (a value threshold of 0.5 is natural).
 * Both stages run tiled, so tiled and untiled maps agree.
 *
 * <pre>{@code
 * // stage 1: Train Autoencoder, mode "Anomaly detector (normal images)", saved to detector.aemodel.zip
 * AnomalySegmenter.train( detectorFile, List.of( normal ), out, new AnomalySegmenter.Settings(), null, TrainingListener.none(), Progress.none() );
 * try ( ModelFile.Loaded m = ModelFile.load( out, 0 ) ) {
 *     ImagePlus p = AnomalySegmenter.probability( m, image, new ImageRunner.Options(), Progress.none() );
 * }
 * }</pre>
 */
public final class AnomalySegmenter
{
	private AnomalySegmenter()
	{}

	/** Listeners see the second stage's phases with this prefix ("second stage train"), so they can tell its epochs from the first stage's. */
	public static final String SECOND_STAGE = "second stage ";

	/** Settings of the second stage; public fields with defaults. */
	public static final class Settings
	{
		public int epochs = 20, patchesPerEpoch = 4096, patchSize = 64, batchSize = 16, patience = 5;

		public double validationFraction = 0.1, learningRate = 1e-3;

		/** {@code ModelSpec.CONSTANT} or {@code COSINE} (spec key {@code learning_rate_schedule}). */
		public String learningRateSchedule = ModelSpec.CONSTANT;

		/**
		 * L2 weight decay ({@link ModelSpec#l2}), 0: none. The second stage sees many
		 * painted copies of the same few normal images and can overfit them (its
		 * validation loss rises while the training loss falls); 1e-4 lowered the best
		 * validation loss on grass and gravel but raised it on brick (bench/results/segment.md).
		 */
		public double l2 = 0;

		public long seed = 42;

		/** TensorFlow threads; 0: the system property autoencoder.threads, else all cores. */
		public int threads = 0;

		/** The second stage's training steps: float32 or bfloat16 mixed precision. */
		public fiji.plugin.autoencoder.model.Precision trainingPrecision = fiji.plugin.autoencoder.model.Precision.FLOAT32;

		/** Painted copies of each normal image; 0: automatic (about 6 megapixels in all, 2 to 64 copies). */
		public int copies = 0;

		/** Painted anomalies per 64 x 64 pixels of each copy. */
		public double anomaliesPer64x64 = 1.5;

		/** The anomalies painted (their sizes, shapes and contrasts). */
		public SyntheticAnomalies anomalies = new SyntheticAnomalies();
	}

	/** True if the model file is an anomaly segmenter (it embeds the autoencoder whose reconstruction it compares). */
	public static boolean isAnomalySegmenter( final ModelFile.Loaded model )
	{
		return model.embedded( ModelFile.RECONSTRUCTION_MODEL ) != null;
	}

	/**
	 * Trains the second stage on painted copies of {@code normals} with the
	 * detector in {@code detectorFile}, and saves both to {@code modelFile}
	 * (which may be the detector's own file: it is replaced once the first
	 * checkpoint is written).
	 *
	 * @param trainer  the trainer to use (to share a stop button with the first stage), or null for a new one
	 * @param progress reports the painting and reconstruction of the copies; cancelling it (or a stop request to
	 *                 {@code trainer}) then stops with a {@link CancellationException}, the detector file untouched
	 */
	public static ImageTrainingJob.Result train( final Path detectorFile, final List< ImagePlus > normals,
			final Path modelFile, final Settings settings,
			final Trainer trainer, final TrainingListener listener, final Progress progress ) throws IOException
	{
		if ( normals == null || normals.isEmpty() )
			throw new IllegalArgumentException(
					"The training set is empty: give at least one normal (defect-free) image" );
		final Path copy = Files.createTempFile( "reconstruction", ModelFile.RECONSTRUCTION_MODEL );
		try
		{
			Files.copy( detectorFile, copy, StandardCopyOption.REPLACE_EXISTING );
			final List< ImagePlus > inputs = new ArrayList<>(), masks = new ArrayList<>();
			final int channels;
			try ( ModelFile.Loaded detector = ModelFile.load( copy, settings.threads ) )
			{
				if ( isAnomalySegmenter( detector )
						|| detector.model().spec().outChannels() != detector.model().spec().channels )
					throw new IllegalArgumentException( detectorFile
							+ " is not an autoencoder (it does not reconstruct its input): train one with mode 'Anomaly detector (normal images)' first" );
				channels = detector.model().spec().channels;
				final BooleanSupplier stop = () -> progress.isCancelled()
						|| trainer != null && trainer.isStopRequested();
				trainingPairs( detector, normals, settings, inputs, masks, progress, stop );
				if ( stop.getAsBoolean() )
					throw new CancellationException(
							"stopped while painting the second stage's training copies; the anomaly detector (first stage) is in "
									+ detectorFile + " and works on its own with Segment by Reconstruction" );
			}
			final ModelSpec spec = Presets.segmenter( 2 * channels );
			spec.learningRate = settings.learningRate;
			spec.learningRateSchedule = settings.learningRateSchedule;
			spec.l2 = settings.l2;
			final ImageTrainingJob job = SupervisedSegmenter.job( spec.validate(), modelFile );
			// one scale for the image and its reconstruction, so the net compares like with like
			job.normalization = Normalization.percentile( 1, 99.8, false );
			job.embeddedModels.put( ModelFile.RECONSTRUCTION_MODEL, copy );
			job.overwrite = fiji.plugin.autoencoder.io.OutputPaths.same( detectorFile, modelFile ); // the second stage replaces its own first stage
			if ( trainer != null )
				job.trainer = trainer;
			job.patchSize = settings.patchSize;
			job.threads = settings.threads;
			job.patchesPerEpoch = settings.patchesPerEpoch;
			job.config.epochs( settings.epochs ).batchSize( settings.batchSize )
					.validationFraction( settings.validationFraction ).patience( settings.patience )
					.seed( settings.seed ).precision( settings.trainingPrecision );
			return SupervisedSegmenter.train( job, inputs, masks, listener );
		}
		finally
		{
			Files.deleteIfExists( copy );
		}
	}

	/**
	 * The second stage's training data: painted copies of each normal image,
	 * each stacked with the detector's reconstruction ({@code 2 x C} channels:
	 * the image's, then the reconstruction's), and their anomaly masks (0/1,
	 * painted coverage of at least one half).
	 */
	static void trainingPairs( final ModelFile.Loaded detector, final List< ImagePlus > normals, final Settings s,
			final List< ImagePlus > inputs, final List< ImagePlus > masks,
			final Progress progress, final BooleanSupplier stop )
	{
		long pixels = 0;
		for ( final ImagePlus imp : normals )
			pixels += ( long ) imp.getWidth() * imp.getHeight() * imp.getNSlices() * imp.getNFrames();
		final int copies = s.copies > 0 ? s.copies : ( int ) Math.max( 2, Math.min( 64, Math.ceil( 6e6 / pixels ) ) );
		final Random random = new Random( s.seed );
		final Normalization method = ModelFileRunner.normalization( detector );
		for ( final ImagePlus normal : normals )
		{
			final int c = Planes.channels( normal ), w = normal.getWidth(), h = normal.getHeight(), n = w * h;
			if ( c != detector.model().spec().channels )
				throw new IllegalArgumentException(
						"'" + normal.getTitle() + "' has " + c + " channel(s) but the anomaly detector takes "
								+ detector.model().spec().channels + ": train on images like the detector's" );
			// paint in the detector's normalised units, so the contrasts mean the same in every image
			final Normalization norm = method.method() == Normalization.Method.NONE || method.isFitted() ? method
					: Normalizer.fit( method, normal );
			final int count = Math.max( 1, ( int ) Math.round( s.anomaliesPer64x64 * n / 4096.0 ) );
			for ( int k = 0; k < copies; k++ )
			{
				if ( stop.getAsBoolean() )
					return;
				progress.report( inputs.size(), ( long ) copies * normals.size(),
						"Painting anomalies into copies of the normal images and reconstructing them" );
				final int planes = normal.getNSlices() * normal.getNFrames();
				final float[][] painted = new float[ planes * c ][], mask = new float[ planes ][];
				for ( int p = 0; p < planes; p++ )
				{
					final int z = p % normal.getNSlices() + 1, t = p / normal.getNSlices() + 1;
					final float[] hwc = new float[ n * c ];
					for ( int ch = 0; ch < c; ch++ )
					{
						final float[] v = Planes.values( normal, ch + 1, z, t );
						for ( int i = 0; i < n; i++ )
							hwc[ i * c + ch ] = v[ i ];
					}
					norm.apply( hwc, 0, hwc.length, c );
					final float[] coverage = new float[ n ];
					s.anomalies.paintImage( hwc, coverage, h, w, c, count, random );
					norm.invert( hwc, 0, hwc.length, c );
					for ( int ch = 0; ch < c; ch++ )
					{
						final float[] v = new float[ n ];
						for ( int i = 0; i < n; i++ )
							v[ i ] = hwc[ i * c + ch ];
						painted[ p * c + ch ] = v;
					}
					for ( int i = 0; i < n; i++ )
						coverage[ i ] = coverage[ i ] >= 0.5f ? 1 : 0;
					mask[ p ] = coverage;
				}
				final String title = Planes.title( normal, "painted-" + ( k + 1 ) );
				final ImagePlus image = Planes.floatImage( title, normal, c, painted );
				inputs.add( withReconstruction( image, ModelFileRunner.apply( detector, image, OutputType.FLOAT_32,
						"reconstruction", new ImageRunner.Options(), Progress.none() ) ) );
				masks.add( Planes.floatImage( title + "-mask", normal, 1, mask ) );
			}
		}
	}

	/**
	 * The anomaly probability (32-bit, 0..1, one channel) of every pixel: the
	 * embedded detector's reconstruction, then the comparison, both tiled.
	 */
	public static ImagePlus probability( final ModelFile.Loaded model, final ImagePlus input,
			final ImageRunner.Options tiling, final Progress progress )
	{
		final ModelFile.Loaded detector = model.embedded( ModelFile.RECONSTRUCTION_MODEL );
		if ( detector == null )
			throw new IllegalArgumentException( "The model '" + model.model().spec().name
					+ "' is not an anomaly segmenter: train one with mode 'Anomaly segmenter (normal images)'" );
		if ( input == null )
			throw new IllegalArgumentException( "No image: open the image to segment first" );
		final int c = Planes.channels( input );
		if ( c != detector.model().spec().channels )
			throw new IllegalArgumentException( "The image '" + input.getTitle() + "' has " + c
					+ " channel(s) but the anomaly segmenter was trained on images with "
					+ detector.model().spec().channels + ": use a model trained on images like this one" );
		final ImagePlus reconstruction = ModelFileRunner.apply( detector, input, OutputType.FLOAT_32, "reconstruction",
				tiling, progress );
		final ImagePlus p = SupervisedSegmenter.probability( model, withReconstruction( input, reconstruction ), tiling,
				progress );
		p.setTitle( Planes.title( input, "anomaly" ) );
		return p;
	}

	/** A 32-bit image with the channels of {@code image}, then those of {@code reconstruction} (same size). */
	static ImagePlus withReconstruction( final ImagePlus image, final ImagePlus reconstruction )
	{
		final int c = Planes.channels( image ), planes = image.getNSlices() * image.getNFrames();
		final float[][] out = new float[ planes * 2 * c ][];
		for ( int p = 0; p < planes; p++ )
		{
			final int z = p % image.getNSlices() + 1, t = p / image.getNSlices() + 1;
			for ( int ch = 0; ch < c; ch++ )
			{
				out[ p * 2 * c + ch ] = Planes.values( image, ch + 1, z, t );
				out[ p * 2 * c + c + ch ] = Planes.values( reconstruction, ch + 1, z, t );
			}
		}
		return Planes.floatImage( Planes.title( image, "with-reconstruction" ), image, 2 * c, out );
	}
}
