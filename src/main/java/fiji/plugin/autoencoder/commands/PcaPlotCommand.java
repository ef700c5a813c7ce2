package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.features.CodePca;
import fiji.plugin.autoencoder.features.CodeTable;
import fiji.plugin.autoencoder.io.ModelFile;
import ij.ImagePlus;
import ij.measure.ResultsTable;

/** Encodes items and shows the PCA of their codes in 2D and in three pairwise planes, coloured by class. */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Inspect>PCA Plot" )
public class PcaPlotCommand extends ContextCommand
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

	@Parameter( label = "Save plots and tables to folder (optional)", style = "directory", required = false,
			persist = false )
	private File output_folder;

	/** The old key of output_folder, still accepted (recorded macros). */
	@Parameter( required = false, persist = false, visibility = org.scijava.ItemVisibility.INVISIBLE )
	private File save_folder;

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = 0;

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus pca_2d;

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus pca_3d;

	@Parameter( type = ItemIO.OUTPUT )
	private ResultsTable coordinates;

	@Parameter( type = ItemIO.OUTPUT )
	private ResultsTable variance;

	@Override
	public void run()
	{
		try ( ModelFile.Loaded loaded = ModelInputs.load( model_file, threads ) )
		{
			final ResultsTable codes = CodeTable.encode( loaded.model(),
					ModelInputs.items( loaded, input, input_folder ), CodeTable.DEFAULT_BATCH,
					new StatusProgress( status, this ) );
			final CodePca view = CodePca.of( codes, loaded.model().spec().name );
			pca_2d = view.plot2D();
			pca_3d = view.pca().components() >= 3 ? view.plot3D() : null;
			coordinates = view.coordinates();
			variance = view.variance();
			final File folder = output_folder != null ? output_folder : save_folder;
			if ( folder != null )
			{
				view.save( folder.toPath(), model_file.toPath() );
				log.info( "Saved the PCA plots and tables to " + folder );
			}
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "PCA Plot", e );
		}
	}
}
