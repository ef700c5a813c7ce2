package fiji.plugin.autoencoder.commands;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import java.io.File;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.workflow.Settings;
import ij.ImagePlus;

/** Plugins > Autoencoder > Reconstruct Image: the autoencoder's reconstruction of an image, tiled. */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Reconstruct Image" )
public class ReconstructImageCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Image" )
	private ImagePlus input;

	@Parameter( label = "Model file", style = "open" )
	private File model_file;

	@Parameter( label = "Output", choices = { "Same as input", "32-bit" } )
	private String output_type = Settings.of( Settings.RECONSTRUCT, "output_type" ).defaultValue;

	@Parameter( label = "Tile size (0 = automatic)", min = "0" )
	private int tile_size = Settings.of( Settings.RECONSTRUCT, "tile_size" ).defaultInt();

	@Parameter( label = "Precision", choices = { "float32", "bfloat16" }, required = false,
			description = "float32 (default), or bfloat16: the convolutions in bfloat16 (faster on CPUs with AVX-512 BF16 or AMX)" )
	private String precision = Settings.of( Settings.RECONSTRUCT, "precision" ).defaultValue;

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = Settings.of( Settings.RECONSTRUCT, "threads" ).defaultInt();

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus output;

	@Override
	public void run()
	{
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models()
				.get( Commands.existingFile( model_file, "model_file" ), Commands.threads( threads ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			output = ModelFileRunner.apply( model, Commands.image( input ), Commands.outputType( output_type ),
					"reconstruction", Commands.precision( Commands.tiles( tile_size ), precision ),
					new StatusProgress( status, this ) );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Reconstruct Image", e );
		}
	}
}
