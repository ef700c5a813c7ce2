package fiji.plugin.autoencoder.commands;

import java.io.File;
import java.io.IOException;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.features.ItemSet;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.History;
import ij.ImagePlus;

/** What the Inspect commands read: the model file, its normalisation and history, and the items (an image stack or a folder). */
final class ModelInputs
{
	private ModelInputs()
	{}

	/** Loads the model file with {@code threads} TensorFlow threads (0: the system property autoencoder.threads, else all cores). */
	static ModelFile.Loaded load( final File modelFile, final int threads ) throws IOException
	{
		if ( modelFile == null )
			throw new IllegalArgumentException(
					"No model file given: choose a *.aemodel.zip file saved by 'Train Autoencoder'." );
		return ModelFile.load( modelFile.toPath(), Commands.threads( threads ) );
	}

	/** The model file's normalisation, or null (the default by pixel type). */
	static Normalization normalization( final ModelFile.Loaded loaded )
	{
		final String json = loaded.extras().get( ModelFile.NORMALIZATION );
		return json == null ? null : Normalization.fromJson( json );
	}

	/** The model file's training history. */
	static History history( final ModelFile.Loaded loaded, final File modelFile )
	{
		final String json = loaded.extras().get( ModelFile.HISTORY );
		if ( json == null )
			throw new IllegalArgumentException( modelFile + " has no training history (" + ModelFile.HISTORY
					+ "): it was saved without one; train and save it again." );
		return History.fromJson( json );
	}

	/** Items from the image, or else from the folder. */
	static ItemSet items( final ModelFile.Loaded loaded, final ImagePlus input, final File folder ) throws IOException
	{
		// NB: SciJava may fill an unset optional ImagePlus with an empty new ImagePlus(); treat that as no image
		if ( input != null && input.getWidth() > 0 && input.getHeight() > 0 )
			return ItemSet.fromImage( input, normalization( loaded ) );
		if ( folder != null )
			return ItemSet.fromFolder( folder.toPath(), normalization( loaded ) );
		throw new IllegalArgumentException(
				"No images given: pass an image stack as 'input' or a folder of images as 'input_folder'." );
	}
}
