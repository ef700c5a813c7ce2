package fiji.plugin.autoencoder.tiling;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.StoredNormalization;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ChannelsEntry;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.SegmentationLosses;
import ij.ImagePlus;

/**
 * Applies a trained image-to-image model from a model file to an image: the
 * normalisation values stored with the model are applied (or, for old files
 * and when {@link ImageRunner.Options#refitNormalization}, its method is fitted
 * on the image), a model trained on each channel alone runs on each channel
 * alone ({@link ChannelwiseRunner}), the image is processed in tiles
 * (identical to an untiled run), and the result comes back as a new image in
 * the input's units and type. The input is never changed. Denoising
 * ({@code denoise.Denoiser}), Reconstruct Image and the reconstruction of
 * Segment by Reconstruction all go through here. With {@link ImageRunner.Options#recorruptInputs} and averaged
 * orientations, a model file with an {@link InputRecorruption} denoises a recorrupted copy in each orientation.
 *
 * <pre>{@code
 * try ( ModelFile.Loaded m = ModelFile.load( path, 0 ) ) {
 *     ImagePlus out = ModelFileRunner.apply( m, image, OutputType.FLOAT_32, "reconstruction", new ImageRunner.Options(), Progress.none() );
 * }
 * }</pre>
 */
public final class ModelFileRunner
{
	private ModelFileRunner()
	{}

	/** The normalisation method stored with the model (identity when the file has none). */
	public static Normalization normalization( final ModelFile.Loaded model )
	{
		final String json = model.extras().get( ModelFile.NORMALIZATION );
		return json == null ? Normalization.none() : Normalization.fromJson( json );
	}

	/** The model applied to {@code input}; refuses anomaly segmenters and segmenters, whose outputs are probabilities, with the command to use instead. */
	public static ImagePlus apply( final ModelFile.Loaded model, final ImagePlus input, final OutputType type,
			final String suffix, final ImageRunner.Options given,
			final Progress progress )
	{
		final ImageRunner.Options options = given.copy();
		if ( options.recorruption == null && options.recorruptInputs && options.averageOrientations )
			options.recorruption = InputRecorruption.of( model.extras() ); // a net trained on recorrupted inputs
		if ( model.embedded( ModelFile.RECONSTRUCTION_MODEL ) != null )
			throw new IllegalArgumentException( "The model '" + model.model().spec().name
					+ "' is an anomaly segmenter (it compares an image with an autoencoder's reconstruction "
					+ "and outputs anomaly probabilities): use Segment by Reconstruction with it, or denoise with a denoising model" );
		if ( SegmentationLosses.handles( model.model().spec() ) )
			throw new IllegalArgumentException( "The model '" + model.model().spec().name
					+ "' is a segmenter (trained with a Dice or class loss on masks): use Segment Image with it, "
					+ "or denoise with a denoising model" );
		final Normalization norm = StoredNormalization.forInput( normalization( model ),
				options.refitNormalization ).normalization;
		final int trainedChannels = ChannelsEntry.imageChannels( model.extras() );
		if ( trainedChannels > 0 )
			return ChannelwiseRunner.run( model.model(), norm, trainedChannels, input, type, suffix, options,
					progress );
		return ImageRunner.run( model.model(), norm, input, type, suffix, true, options, progress );
	}

	/** A note for the log about the normalisation a run uses (old model files, refitting), or null when the stored values are used. */
	public static String normalizationNote( final ModelFile.Loaded model, final ImageRunner.Options options )
	{
		return StoredNormalization.forInput( normalization( model ), options.refitNormalization ).note;
	}
}
