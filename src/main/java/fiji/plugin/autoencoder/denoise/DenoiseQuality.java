package fiji.plugin.autoencoder.denoise;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.StoredNormalization;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ChannelwiseRunner;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import fiji.plugin.autoencoder.train.ChannelMode;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

/**
 * After a denoiser training: does the network beat a plain Gaussian blur on the
 * user's own data? On the rows the training held out for validation (the bottom
 * strip of the first plane of every channel; self-supervised modes: the whole plane; at most {@value #MAX_ROWS} x
 * {@value #MAX_COLUMNS} pixels), the PSNR gain of the saved model over the best
 * Gaussian blur: measured against the clean image when there is one (synthetic
 * noise drawn anew on the clean strip, or the paired clean target), estimated
 * from the noisy pixels alone otherwise ({@link GainEstimate}). The result is
 * stored in the model file as {@link #ENTRY}.
 */
public final class DenoiseQuality
{
	/** The model file entry. */
	public static final String ENTRY = "quality.json";

	static final int MAX_ROWS = 256, MAX_COLUMNS = 512;

	private DenoiseQuality()
	{}

	/**
	 * Measures or estimates the gain of the model in {@code modelFile} and stores it there.
	 *
	 * @param clean    the clean image (synthetic noise: the training input; paired: the target), or null (self-supervised)
	 * @param noisy    the noisy image (paired, self-supervised), or null with synthetic noise
	 * @param noise    synthetic noise drawn on {@code clean} when {@code noisy} is null
	 * @param signalMax the value synthetic noise maps to its peak
	 * @param heldOutRows rows at the bottom held out from training (0: none; the whole image is used)
	 */
	public static GainEstimate.Result evaluate( final Path modelFile, final ImagePlus noisy, final ImagePlus clean,
			final NoiseModel noise, final double signalMax,
			final int heldOutRows, final long seed ) throws IOException
	{
		final GainEstimate.Result r;
		final Map< String, String > extras;
		try ( ModelFile.Loaded m = ModelFile.load( modelFile, 0 ) )
		{
			final ImagePlus ref = noisy != null ? noisy : clean;
			final List< ImagePlus > noisyChannels = noisy == null ? null : ChannelwiseRunner.splitChannels( noisy );
			final List< ImagePlus > cleanChannels = clean == null ? null : ChannelwiseRunner.splitChannels( clean );
			final int channels = ( noisyChannels != null ? noisyChannels : cleanChannels ).size();
			final int w = Math.min( ref.getWidth(), MAX_COLUMNS );
			final int rows = Math.min( heldOutRows > 0 ? heldOutRows : ref.getHeight(),
					Math.min( ref.getHeight(), MAX_ROWS ) );
			final int y0 = ref.getHeight() - rows;
			final float[][] x = new float[ channels ][], y = new float[ channels ][];
			final SplittableRandom random = new SplittableRandom( seed ^ 0x51A1L );
			for ( int c = 0; c < channels; c++ )
			{
				if ( cleanChannels != null )
					y[ c ] = crop( cleanChannels.get( c ), y0, w, rows );
				x[ c ] = noisyChannels != null ? crop( noisyChannels.get( c ), y0, w, rows )
						: noise.apply( y[ c ], signalMax, random );
			}
			final GainEstimate.Result[] parts = new GainEstimate.Result[ channels ];
			for ( int c = 0; c < channels; c++ )
			{
				final UnaryOperator< float[] > f = denoiser( m, x, c, w, rows );
				parts[ c ] = clean != null ? GainEstimate.measured( x[ c ], y[ c ], w, rows, f )
						: GainEstimate.estimate( x[ c ], w, rows, f );
			}
			r = GainEstimate.pool( parts );
			extras = new HashMap<>( m.extras() );
			extras.put( ENTRY, r.toJson() );
			ModelFile.save( m.model(), modelFile, extras );
		}
		return r;
	}

	/**
	 * {@link #evaluate} after a training of {@code mode} by {@code job} on {@code input} (and {@code target}); null for modes that are not denoisers.
	 */
	public static GainEstimate.Result afterTraining( final TrainingMode mode,
			final fiji.plugin.autoencoder.train.ImageTrainingJob job, final ImagePlus input, final ImagePlus target,
			final NoiseModel noise ) throws IOException
	{
		final double fraction = job.config.validationFraction;
		final int heldOut = fraction == 0 ? 0
				: ( int ) Math.max( job.spec.height, Math.round( input.getHeight() * fraction ) );
		switch ( mode )
		{
		case DENOISE_SELF_SUPERVISED:
		case DENOISE_RECORRUPTED:
			// the Noise2Self estimate needs no held-out pixels (J-invariance: the self-sensitivity term accounts for what
			// the network learnt of each pixel's noise): the whole image up to the size limits, not the strip, whose few
			// pixels left the estimate 0.6 dB off at 10 photons (bench/results/real-quality.md)
			return evaluate( job.modelFile, input, null, null, 0, 0, job.config.seed );
		case DENOISE_PAIRED:
			return evaluate( job.modelFile, input, target, null, 0, heldOut, job.config.seed );
		case DENOISE_SYNTHETIC:
			return evaluate( job.modelFile, null, input, noise, TrainingMode.maximum( input ), heldOut,
					job.config.seed );
		default:
			return null;
		}
	}

	/** Plane c (of the planes {@code x}, each {@code w x h}) through the model: alone (a channel-by-channel model) or with the other channels as they are. */
	public static UnaryOperator< float[] > denoiser( final ModelFile.Loaded m, final float[][] x, final int c,
			final int w, final int h )
	{
		final Normalization stored = StoredNormalization.forInput( ModelFileRunner.normalization( m ),
				false ).normalization;
		final boolean alone = ChannelMode.isChannelwise( m.extras() ) || x.length == 1;
		return plane -> {
			if ( alone )
			{
				final Normalization norm = stored.isFitted() && stored.method() != Normalization.Method.NONE
						? StoredNormalization.channel( stored, c ) : stored;
				final ImagePlus out = ImageRunner.run( m.model(), norm,
						new ImagePlus( "plane", new FloatProcessor( w, h, plane ) ), OutputType.FLOAT_32, "q", true,
						new ImageRunner.Options(), Progress.none() );
				return ( float[] ) out.getProcessor().getPixels();
			}
			final ImageStack s = new ImageStack( w, h );
			for ( int k = 0; k < x.length; k++ )
				s.addSlice( new FloatProcessor( w, h, k == c ? plane : x[ k ].clone() ) );
			final ImagePlus imp = new ImagePlus( "planes", s );
			imp.setDimensions( x.length, 1, 1 );
			final ImagePlus out = ModelFileRunner.apply( m, imp, OutputType.FLOAT_32, "q", new ImageRunner.Options(),
					Progress.none() );
			return ( float[] ) out.getStack().getProcessor( c + 1 ).getPixels();
		};
	}

	private static float[] crop( final ImagePlus channel, final int y0, final int w, final int rows )
	{
		final FloatProcessor fp = channel.getStack().getProcessor( 1 ).convertToFloatProcessor();
		fp.setRoi( 0, y0, w, rows );
		return ( float[] ) fp.crop().getPixels();
	}

	/** The stored result's line for the log, or null when the model file has none. */
	public static String describe( final Map< String, String > extras )
	{
		final String json = extras.get( ENTRY );
		if ( json == null )
			return null;
		final com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString( json ).getAsJsonObject();
		return String.format( java.util.Locale.ROOT, "gain over the best Gaussian blur (sigma %.2f): %+.2f dB (%s)%s",
				o.get( "bestGaussianSigma" ).getAsDouble(),
				o.get( "gainOverBestGaussianDb" ).getAsDouble(), o.get( "method" ).getAsString(),
				o.get( "classicAsGood" ).getAsBoolean() ? "; a Gaussian blur does as well" : "" );
	}
}
