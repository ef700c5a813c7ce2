package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.features.ItemSet;
import fiji.plugin.autoencoder.features.Montage;
import fiji.plugin.autoencoder.features.OutputFiles;
import fiji.plugin.autoencoder.io.ModelFile;
import ij.ImagePlus;

/**
 * Originals above their reconstructions; with a noise sigma above 0, three rows:
 * originals, noisy copies and the model's output for them.
 */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Inspect>Reconstruction Montage" )
public class ReconstructionMontageCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( label = "Model file", style = "open" )
	private File model_file;

	@Parameter( label = "Images (one item per slice)", required = false, persist = false )
	private ImagePlus input;

	@Parameter( label = "Or a folder of images", style = "directory", required = false, persist = false )
	private File input_folder;

	@Parameter( label = "Number of items", min = "1" )
	private int count = fiji.plugin.autoencoder.workflow.Settings
			.of( fiji.plugin.autoencoder.workflow.Settings.RECONSTRUCTION_MONTAGE, "count" ).defaultInt();

	@Parameter( label = "Gap (pixels)", min = "0" )
	private int gap = fiji.plugin.autoencoder.workflow.Settings
			.of( fiji.plugin.autoencoder.workflow.Settings.RECONSTRUCTION_MONTAGE, "gap" ).defaultInt();

	@Parameter( label = "Noise sigma (0: plain reconstruction)", min = "0" )
	private double noise_sigma = fiji.plugin.autoencoder.workflow.Settings
			.of( fiji.plugin.autoencoder.workflow.Settings.RECONSTRUCTION_MONTAGE, "noise_sigma" ).defaultNumber();

	@Parameter( label = "Save montage to folder (optional)", style = "directory", required = false, persist = false )
	private File output_folder;

	/** The old key of output_folder, still accepted (recorded macros). */
	@Parameter( required = false, persist = false, visibility = org.scijava.ItemVisibility.INVISIBLE )
	private File save_folder;

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = 0;

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus montage;

	@Override
	public void run()
	{
		try ( ModelFile.Loaded loaded = ModelInputs.load( model_file, threads ) )
		{
			final ItemSet items = ModelInputs.items( loaded, input, input_folder );
			montage = noise_sigma > 0 ? Montage.denoising( loaded.model(), items, count, gap, noise_sigma, 42 )
					: Montage.reconstructions( loaded.model(), items, count, gap );
			final File folder = output_folder != null ? output_folder : save_folder;
			if ( folder != null )
				log.info( "Saved " + OutputFiles.png( montage, folder.toPath(),
						noise_sigma > 0 ? "denoising-montage" : "montage", model_file.toPath() ) );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Reconstruction Montage", e );
		}
	}
}
