package fiji.plugin.autoencoder.commands;

import java.io.File;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;

import fiji.plugin.autoencoder.Progress;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.features.ItemSet;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.History;
import ij.ImagePlus;

/** What the Inspect commands share: loading the model and items, progress, error messages. */
final class CommandSupport
{
	private CommandSupport()
	{}

	/** Loads the model file with all cores. */
	static ModelFile.Loaded load( final File modelFile ) throws IOException
	{
		return load( modelFile, 0 );
	}

	/** Loads the model file with {@code threads} TensorFlow threads (0: the system property autoencoder.threads, else all cores). */
	static ModelFile.Loaded load( final File modelFile, final int threads ) throws IOException
	{
		if ( modelFile == null )
			throw new IllegalArgumentException( "No model file given: choose a *.aemodel.zip file saved by 'Train Autoencoder'." );
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
			throw new IllegalArgumentException( modelFile + " has no training history (" + ModelFile.HISTORY + "): it was saved without one; train and save it again." );
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
		throw new IllegalArgumentException( "No images given: pass an image stack as 'input' or a folder of images as 'input_folder'." );
	}

	static Path path( final File f )
	{
		return f == null ? null : f.toPath();
	}

	/** Progress to the status bar, cancelled with the command. */
	static Progress progress( final StatusService status, final ContextCommand command )
	{
		return new Progress()
		{
			@Override
			public void report( final long done, final long total, final String message )
			{
				if ( status != null )
					status.showStatus( ( int ) Math.min( done, Integer.MAX_VALUE ), ( int ) Math.min( total, Integer.MAX_VALUE ), message );
			}

			@Override
			public boolean isCancelled()
			{
				return command.isCanceled();
			}
		};
	}

	/** A one-line message for the user: what failed and why. */
	static String message( final String task, final Exception e )
	{
		final String m = e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getSimpleName() : e.getMessage();
		if ( e instanceof NoSuchFileException )
			return task + " failed: file not found: " + m;
		return task + " failed: " + m;
	}
}
