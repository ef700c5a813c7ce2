package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.features.LossCurves;
import fiji.plugin.autoencoder.features.OutputFiles;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.History;
import ij.ImagePlus;
import ij.measure.ResultsTable;

/** Plots the training and validation loss per epoch stored in a model file. */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Inspect>Loss Curves" )
public class LossCurvesCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( label = "Model file", style = "open" )
	private File model_file;

	@Parameter( label = "Save plot and table to folder", style = "directory", required = false, persist = false )
	private File save_folder;

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus plot;

	@Parameter( type = ItemIO.OUTPUT )
	private ResultsTable losses;

	@Override
	public void run()
	{
		try ( ModelFile.Loaded loaded = ModelInputs.load( model_file, 0 ) )
		{
			final History history = ModelInputs.history( loaded, model_file );
			plot = LossCurves.plot( history, loaded.model().spec().name ).getImagePlus();
			losses = LossCurves.table( history );
			if ( save_folder != null )
			{
				OutputFiles.png( plot, save_folder.toPath(), "loss-curves", model_file.toPath() );
				log.info( "Saved " + OutputFiles.csv( losses, save_folder.toPath(), "loss-curves", model_file.toPath() )
						+ " and its PNG" );
			}
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Loss Curves", e );
		}
	}
}
