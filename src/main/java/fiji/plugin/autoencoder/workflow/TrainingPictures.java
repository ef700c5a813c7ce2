package fiji.plugin.autoencoder.workflow;

import java.io.IOException;
import java.nio.file.Path;

import fiji.plugin.autoencoder.features.LossCurves;
import fiji.plugin.autoencoder.features.OutputFiles;
import fiji.plugin.autoencoder.train.History;

/**
 * The pictures of a headless training: its loss curves as
 * {@code <model name>-loss-curves.png} next to the model file (for
 * {@code n2v.aemodel.zip}: {@code n2v-loss-curves.png}), written atomically,
 * so a cluster run leaves the plot a GUI run shows live.
 */
public final class TrainingPictures
{
	private TrainingPictures()
	{}

	/** Whether no one sees a live plot: a headless JVM or an ImageJ macro in batch mode. */
	public static boolean headless()
	{
		return java.awt.GraphicsEnvironment.isHeadless() || ij.macro.Interpreter.isBatchMode();
	}

	/** Writes the loss-curve PNG of {@code history} next to {@code modelFile}; returns its path. */
	public static Path lossCurves( final History history, final Path modelFile, final String title ) throws IOException
	{
		final Path abs = modelFile.toAbsolutePath();
		String base = abs.getFileName().toString().replaceFirst( "(?i)\\.aemodel\\.zip$", "" )
				.replaceFirst( "(?i)\\.zip$", "" );
		base = base.replaceAll( "[^A-Za-z0-9._-]", "_" ).replaceFirst( "^\\.+", "" );
		return OutputFiles.png( LossCurves.plot( history, title ).getImagePlus(), abs.getParent(),
				( base.isEmpty() ? "model" : base ) + "-loss-curves", abs );
	}

	/** {@link #lossCurves}, or a line saying why it could not be written (the training itself is done and saved): the line to log. */
	public static String lossCurvesNote( final History history, final Path modelFile, final String title )
	{
		try
		{
			return "loss curves saved to " + lossCurves( history, modelFile, title );
		}
		catch ( final IOException | RuntimeException e )
		{
			return "could not write the loss-curve PNG next to the model (" + e.getMessage() + "); the model is saved";
		}
	}
}
