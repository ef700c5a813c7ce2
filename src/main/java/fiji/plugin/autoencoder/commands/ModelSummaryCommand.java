package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.features.ModelSummary;
import fiji.plugin.autoencoder.features.OutputFiles;
import fiji.plugin.autoencoder.io.ModelFile;
import ij.measure.ResultsTable;

/** A Keras-like table of the model's layers, output shapes and parameter counts. */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Inspect>Model Summary" )
public class ModelSummaryCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( label = "Model file", style = "open" )
	private File model_file;

	@Parameter( label = "Save table to folder", style = "directory", required = false, persist = false )
	private File save_folder;

	@Parameter( type = ItemIO.OUTPUT )
	private ResultsTable summary;

	@Parameter( type = ItemIO.OUTPUT )
	private long total_parameters;

	@Override
	public void run()
	{
		try ( ModelFile.Loaded loaded = ModelInputs.load( model_file, 0 ) )
		{
			final ModelSummary s = ModelSummary.of( loaded.model() );
			summary = s.table();
			total_parameters = s.total();
			log.info( "\n" + s.format() + fiji.plugin.autoencoder.features.ModelFileNotes.of( loaded.extras() ) );
			if ( save_folder != null )
			{
				OutputFiles.text( s.format(), save_folder.toPath(), "model-summary.txt", model_file.toPath() );
				log.info( "Saved "
						+ OutputFiles.csv( summary, save_folder.toPath(), "model-summary", model_file.toPath() )
						+ " and its .txt" );
			}
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Model Summary", e );
		}
	}
}
