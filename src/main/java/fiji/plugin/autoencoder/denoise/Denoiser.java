package fiji.plugin.autoencoder.denoise;

import fiji.plugin.autoencoder.Progress;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;

/**
 * Applies a trained image-to-image model from a model file to an image: the
 * normalisation stored with the model is fitted on the image, the image is
 * processed in tiles (identical to an untiled run), and the result comes back
 * as a new image in the input's units and type. The input is never changed.
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

	/** The normalisation method stored with the model (identity when the file has none). */
	public static Normalization normalization( final ModelFile.Loaded model )
	{
		final String json = model.extras().get( ModelFile.NORMALIZATION );
		return json == null ? Normalization.none() : Normalization.fromJson( json );
	}

	public static ImagePlus apply( final ModelFile.Loaded model, final ImagePlus input, final OutputType type, final String suffix,
			final ImageRunner.Options options, final Progress progress )
	{
		if ( model.embedded( ModelFile.RECONSTRUCTION_MODEL ) != null )
			throw new IllegalArgumentException( "The model '" + model.model().spec().name + "' is an anomaly segmenter (it compares an image with an autoencoder's reconstruction "
					+ "and outputs anomaly probabilities): use Segment by Reconstruction with it, or denoise with a denoising model" );
		if ( fiji.plugin.autoencoder.model.SegmentationLosses.handles( model.model().spec() ) )
			throw new IllegalArgumentException( "The model '" + model.model().spec().name + "' is a segmenter (trained with a Dice or class loss on masks): use Segment Image with it, "
					+ "or denoise with a denoising model" );
		return ImageRunner.run( model.model(), normalization( model ), input, type, suffix, true, options, progress );
	}
}
