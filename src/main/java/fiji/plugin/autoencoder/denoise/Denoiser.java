package fiji.plugin.autoencoder.denoise;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import ij.ImagePlus;

/**
 * Denoises an image with a trained model file: {@link ModelFileRunner} (stored
 * normalisation, each channel alone when trained so, tiles identical to an
 * untiled run) under the denoising use case's name, with its default of
 * averaging the 8 orientations. The input is never changed.
 *
 * <pre>{@code
 * try ( ModelFile.Loaded m = ModelFile.load( path, 0 ) ) {
 *     ImagePlus clean = Denoiser.apply( m, noisy, OutputType.SAME_AS_INPUT, "denoised", new ImageRunner.Options(), Progress.none() );
 * }
 * }</pre>
 */
public final class Denoiser
{
	private Denoiser()
	{}

	/**
	 * Denoising averages the 8 orientations of the image by default (key {@code average_orientations}):
	 * +0.05 to +0.2 dB on the real-data bench (bench/results/real-quality.md) for 8 times the inference work.
	 */
	public static final boolean AVERAGE_ORIENTATIONS = true;

	/** The normalisation method stored with the model (identity when the file has none): {@link ModelFileRunner#normalization}. */
	public static Normalization normalization( final ModelFile.Loaded model )
	{
		return ModelFileRunner.normalization( model );
	}

	/** The denoised image: {@link ModelFileRunner#apply}. */
	public static ImagePlus apply( final ModelFile.Loaded model, final ImagePlus input, final OutputType type,
			final String suffix,
			final ImageRunner.Options options, final Progress progress )
	{
		return ModelFileRunner.apply( model, input, type, suffix, options, progress );
	}

	/** A note for the log about the normalisation a denoising run uses (old model files, refitting), or null when the stored values are used. */
	public static String normalizationNote( final ModelFile.Loaded model, final ImageRunner.Options options )
	{
		return ModelFileRunner.normalizationNote( model, options );
	}
}
