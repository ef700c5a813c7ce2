package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.features.CodeTable;
import fiji.plugin.autoencoder.features.ItemSet;
import fiji.plugin.autoencoder.features.OutputFiles;
import fiji.plugin.autoencoder.io.ModelFile;
import ij.ImagePlus;
import ij.measure.ResultsTable;

/** Encodes every slice of a stack (or every image of a folder) into a table of codes, one row per item. */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Inspect>Encode to Table" )
public class EncodeToTableCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Model file", style = "open" )
	private File model_file;

	@Parameter( label = "Images (one item per slice)", required = false, persist = false )
	private ImagePlus input;

	@Parameter( label = "Or a folder of images (subfolder = class)", style = "directory", required = false,
			persist = false )
	private File input_folder;

	@Parameter( label = "Batch size", min = "1" )
	private int batch_size = fiji.plugin.autoencoder.workflow.Settings
			.of( fiji.plugin.autoencoder.workflow.Settings.ENCODE_TO_TABLE, "batch_size" ).defaultInt();

	@Parameter( label = "Save table to folder (optional)", style = "directory", required = false, persist = false )
	private File output_folder;

	/** The old key of output_folder, still accepted (recorded macros). */
	@Parameter( required = false, persist = false, visibility = org.scijava.ItemVisibility.INVISIBLE )
	private File save_folder;

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = 0;

	@Parameter( type = ItemIO.OUTPUT )
	private ResultsTable codes;

	@Override
	public void run()
	{
		try ( ModelFile.Loaded loaded = ModelInputs.load( model_file, threads ) )
		{
			final ItemSet items = ModelInputs.items( loaded, input, input_folder );
			codes = CodeTable.encode( loaded.model(), items, batch_size, new StatusProgress( status, this ) );
			final File folder = output_folder != null ? output_folder : save_folder;
			if ( folder != null )
				log.info( "Saved " + OutputFiles.csv( codes, folder.toPath(), "codes", model_file.toPath() ) );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Encode to Table", e );
		}
	}
}
