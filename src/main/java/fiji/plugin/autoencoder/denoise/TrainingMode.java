package fiji.plugin.autoencoder.denoise;

import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.InputRecorruption;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.PatchSampler;
import fiji.plugin.autoencoder.train.SyntheticAnomalies;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

/**
 * What "Train Autoencoder" trains, by the label the user picks: denoisers
 * (from noisy/clean pairs, self-supervised from noisy images alone with
 * blind-spot masking, or from clean images with synthetic noise), anomaly
 * detectors for Segment by Reconstruction (trained on normal images with
 * {@link SyntheticAnomalies}; the anomaly segmenter adds a second stage, see
 * {@code workflow.TrainingSettings.run}) and plain autoencoders. {@link #job} sets up an
 * {@link ImageTrainingJob} accordingly (for the anomaly segmenter: its first stage).
 */
public enum TrainingMode
{
	DENOISE_SELF_SUPERVISED( "Denoise (self-supervised)" ),
	DENOISE_PAIRED( "Denoise (paired)" ),
	DENOISE_SYNTHETIC( "Denoise (synthetic noise)" ),
	/** From the noisy images alone with a known noise model: {@link Recorruption} pairs, no blind spot. */
	DENOISE_RECORRUPTED( "Denoise (noisy image + noise model)" ),
	ANOMALY_DETECTOR( "Anomaly detector (normal images)" ),
	/** An anomaly detector, then {@code segment.AnomalySegmenter}'s learned comparison of image and reconstruction, in one file. */
	ANOMALY_SEGMENTER( "Anomaly segmenter (normal images)" ),
	CONV_AUTOENCODER( "Conv autoencoder" ),
	STRIDED_AUTOENCODER( "Strided conv autoencoder" ),
	DENSE_AUTOENCODER( "Dense autoencoder" );

	/** The label in menus and macros. */
	public final String label;

	TrainingMode( final String label )
	{
		this.label = label;
	}

	/** All labels, for a choice parameter. */
	public static String[] labels()
	{
		final TrainingMode[] v = values();
		final String[] l = new String[ v.length ];
		for ( int i = 0; i < v.length; i++ )
			l[ i ] = v[ i ].label;
		return l;
	}

	/** The mode with this label (or enum name, case-insensitive). */
	public static TrainingMode of( final String label )
	{
		for ( final TrainingMode m : values() )
			if ( m.label.equalsIgnoreCase( label ) || m.name().equalsIgnoreCase( label ) )
				return m;
		throw new IllegalArgumentException(
				"Unknown training mode '" + label + "': use one of " + String.join( ", ", labels() ) );
	}

	/** True when the mode needs a noise model. */
	public boolean needsNoiseModel()
	{
		return this == DENOISE_SYNTHETIC || this == DENOISE_RECORRUPTED;
	}

	/** True for the denoising modes. */
	public boolean isDenoiser()
	{
		return this == DENOISE_PAIRED || this == DENOISE_SELF_SUPERVISED || this == DENOISE_SYNTHETIC
				|| this == DENOISE_RECORRUPTED;
	}

	/** True when the mode needs paired target images. */
	public boolean needsTargets()
	{
		return this == DENOISE_PAIRED;
	}

	/** Validation-loss smoothing ({@code TrainingConfig.smoothing}) and minimum epochs before early stopping of the denoisers. */
	public static final double DENOISER_SMOOTHING = 0.5;

	public static final int DENOISER_MIN_EPOCHS = 5;

	/**
	 * A training job for this mode.
	 *
	 * @param images the training inputs (their maximum sets the photon scale of synthetic noise)
	 * @param noise  the synthetic noise (DENOISE_SYNTHETIC only)
	 * @param seed   seed of weights, patches, masks and noise
	 */
	public ImageTrainingJob job( final java.util.List< ImagePlus > images, final Path modelFile, final NoiseModel noise,
			final long seed )
	{
		if ( images == null || images.isEmpty() )
			throw new IllegalArgumentException( "The training set is empty: give at least one image" );
		final int channels = ImageTrainingJob.channels( images.get( 0 ) );
		final ModelSpec spec;
		switch ( this )
		{
		case CONV_AUTOENCODER:
			spec = Presets.convPool( ModelSpec.Unpooling.NEAREST );
			linear( spec );
			break;
		case STRIDED_AUTOENCODER:
			spec = Presets.convStrided();
			break;
		case DENSE_AUTOENCODER:
			spec = Presets.dense( false );
			linear( spec );
			break;
		case ANOMALY_DETECTOR:
		case ANOMALY_SEGMENTER:
			spec = Presets.anomalyDetector( channels );
			break;
		default:
			spec = Presets.denoiser( channels );
		}
		spec.channels = channels;
		spec.name = ( this == ANOMALY_SEGMENTER ? ANOMALY_DETECTOR : this ).name().toLowerCase( Locale.ROOT );
		final ImageTrainingJob job = new ImageTrainingJob( spec, modelFile );
		job.config.seed( seed );
		if ( this == DENSE_AUTOENCODER )
			job.patchSize = 28;
		if ( isDenoiser() )
		{
			job.storeNormalization = true; // test images with other content are scaled like the training data
			job.channelwise = true; // one shared single-channel network per channel: channels cannot mix
			// best epoch and patience on the smoothed validation loss, no early stop before epoch 5: see bench/results/real-quality.md
			job.config.smoothing( DENOISER_SMOOTHING ).minEpochs( DENOISER_MIN_EPOCHS );
		}
		if ( this == DENOISE_SYNTHETIC || this == DENOISE_RECORRUPTED )
			spec.residual = true; // the net predicts the correction of (a Gaussian blur of) its input: see bench/results/real-quality.md
		if ( this == DENOISE_SELF_SUPERVISED )
		{
			spec.weightedLoss = true;
			spec.residual = false; // the masked input pixel is a neighbour's value, not the pixel itself
			// N2V2's median replacement: +1.0 dB over a random neighbour on ihcval (bench/results/real-quality.md)
			job.normalizedTransform = blindSpot( new BlindSpotMasker( BlindSpotMasker.DEFAULT_GRID_SIZE,
					BlindSpotMasker.DEFAULT_RADIUS, true ) );
		}
		if ( this == ANOMALY_DETECTOR || this == ANOMALY_SEGMENTER )
			job.normalizedTransform = new SyntheticAnomalies(); // the input is its own (clean) target
		if ( this == DENOISE_RECORRUPTED )
		{
			if ( noise == null )
				throw new IllegalArgumentException(
						"Training from the noisy image with a noise model needs one, e.g. 'poisson:peak=30' (30 photons at the brightest pixel) or 'gaussian:sigma=10'" );
			final Recorruption r = new Recorruption( noise, Recorruption.gain( images, noise ) );
			job.rawTransform = r;
			// how the inputs were recorrupted, for test-time recorruption when asked (ImageRunner.Options.recorruptInputs)
			job.extras.put( InputRecorruption.ENTRY, r.testTime( seed ).toJson() );
			spec.residualBlur = BlurBase.fromNoisy( images ); // the correction of the best Gaussian blur (Noise2Self estimate)
		}
		if ( this == DENOISE_SYNTHETIC )
		{
			if ( noise == null )
				throw new IllegalArgumentException(
						"Synthetic-noise training needs a noise model, e.g. 'poisson-gaussian:peak=30,sigma=0.02'" );
			double max = 0;
			for ( final ImagePlus imp : images )
				max = Math.max( max, maximum( imp ) );
			job.rawTransform = new NoiseTransform( noise, max );
			spec.residualBlur = BlurBase.fromClean( images, noise, max, seed ); // the correction of the best Gaussian blur
			final double signalMax = max;
			job.normalizationImage = imp -> noisyCopy( imp, noise, seed, signalMax );
		}
		return job;
	}

	private static void linear( final ModelSpec spec )
	{
		spec.outputActivation = ModelSpec.Activation.LINEAR;
		spec.loss = ModelSpec.Loss.MSE;
	}

	/** Blind-spot masking of each normalised batch: masked input, the noisy patch as target, weight 1 at masked pixels. */
	public static PatchSampler.PatchTransform blindSpot( final BlindSpotMasker masker )
	{
		return new PatchSampler.PatchTransform()
		{
			@Override
			public void apply( final float[] input, final float[] target, final float[] weight, final int n,
					final int h, final int w, final int c, final java.util.Random random )
			{
				final int size = n * h * w * c;
				final BlindSpotMasker.Batch b = masker.mask( java.util.Arrays.copyOf( input, size ), n, h, w, c,
						new SplittableRandom( random.nextLong() ) );
				System.arraycopy( b.input(), 0, input, 0, size );
				System.arraycopy( b.target(), 0, target, 0, size );
				System.arraycopy( b.weight(), 0, weight, 0, size );
			}

			@Override
			public boolean writesWeights()
			{
				return true;
			}
		};
	}

	/** Synthetic noise on the clean patch in raw units; the clean patch stays the target. */
	static final class NoiseTransform implements PatchSampler.PatchTransform
	{
		private final NoiseModel noise;

		private final double signalMax;

		NoiseTransform( final NoiseModel noise, final double signalMax )
		{
			this.noise = noise;
			this.signalMax = signalMax;
		}

		@Override
		public void apply( final float[] input, final float[] target, final float[] weight, final int n, final int h,
				final int w, final int c, final java.util.Random random )
		{
			final int size = n * h * w * c;
			final float[] noisy = noise.apply( java.util.Arrays.copyOf( input, size ), signalMax,
					new SplittableRandom( random.nextLong() ) );
			System.arraycopy( noisy, 0, input, 0, size );
		}
	}

	/** The largest value over all pixels and channels (of the 3 colours of an RGB image). */
	static double maximum( final ImagePlus imp )
	{
		double max = 0;
		if ( imp.getType() == ImagePlus.COLOR_RGB )
		{
			for ( final ImagePlus c : ij.plugin.ChannelSplitter.split( imp ) )
				max = Math.max( max, maximum( c ) );
			return max;
		}
		for ( int i = 1; i <= imp.getStackSize(); i++ )
			max = Math.max( max, imp.getStack().getProcessor( i ).getStatistics().max );
		return max;
	}

	/** A noisy copy of an image (32-bit), to fit the normalisation the noisy inputs will get at inference. */
	public static ImagePlus noisyCopy( final ImagePlus imp, final NoiseModel noise, final long seed )
	{
		return noisyCopy( imp, noise, seed, maximum( imp ) );
	}

	/** A noisy copy with the photon scale of synthetic noise set by {@code max} (the largest value of all training images and channels). */
	public static ImagePlus noisyCopy( final ImagePlus imp, final NoiseModel noise, final long seed, final double max )
	{
		if ( imp.getType() == ImagePlus.COLOR_RGB )
			throw new IllegalArgumentException(
					"Synthetic noise on RGB images trains each colour alone: choose channels=["
							+ fiji.plugin.autoencoder.train.ChannelMode.EACH_ALONE
							+ "], or split the RGB channels first (Image > Color > Make Composite)" );
		final ImageStack in = imp.getStack(), out = new ImageStack( imp.getWidth(), imp.getHeight() );
		final SplittableRandom r = new SplittableRandom( seed );
		for ( int i = 1; i <= in.getSize(); i++ )
		{
			final float[] px = ( float[] ) in.getProcessor( i ).convertToFloat().getPixels();
			out.addSlice( new FloatProcessor( imp.getWidth(), imp.getHeight(), noise.apply( px, max, r ) ) );
		}
		final ImagePlus copy = new ImagePlus( imp.getTitle() + "-noisy", out );
		copy.setDimensions( imp.getNChannels(), imp.getNSlices(), imp.getNFrames() );
		return copy;
	}
}
