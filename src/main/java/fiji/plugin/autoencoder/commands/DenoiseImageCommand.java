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

/** Plugins > Autoencoder > Denoise Image: a trained model applied to the image, tiled; the result is a new image. */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Denoise Image" )
public class DenoiseImageCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Image" )
	private ImagePlus input;

	@Parameter( label = "Model file", style = "open", description = "A .aemodel.zip written by Train Autoencoder" )
	private File model_file;

	@Parameter( label = "Output", choices = { "Same as input", "32-bit" } )
	private String output_type = Settings.of( Settings.DENOISE, "output_type" ).defaultValue;

	@Parameter( label = "Tile size (0 = automatic)", min = "0" )
	private int tile_size = Settings.of( Settings.DENOISE, "tile_size" ).defaultInt();

	@Parameter( label = "Precision", choices = { "float32", "bfloat16" }, required = false,
			description = "float32 (default), or bfloat16: the convolutions in bfloat16 (faster on CPUs with AVX-512 BF16 or AMX)" )
	private String precision = Settings.of( Settings.DENOISE, "precision" ).defaultValue;

	@Parameter( label = "Average 8 orientations (8x slower, less noise)",
			description = "Denoise the flipped and transposed copies too and average the results back (test-time augmentation)" )
	private boolean average_orientations = Settings.of( Settings.DENOISE, "average_orientations" ).defaultFlag();

	@Parameter( label = "Normalization", choices = { "Stored (from training)", "Refit on each image" },
			description = "Stored: the intensity scaling fitted on the training images, the same for every image (default). Refit: fitted anew on this image (old model files always refit)" )
	private String normalization = Settings.of( Settings.DENOISE, "normalization" ).defaultValue;

	@Parameter( label = "Suffix", description = "Added to the title of the result" )
	private String suffix = Settings.of( Settings.DENOISE, "suffix" ).defaultValue;

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = Settings.of( Settings.DENOISE, "threads" ).defaultInt();

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus output;

	@Override
	public void run()
	{
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models()
				.get( Commands.existingFile( model_file, "model_file" ), Commands.threads( threads ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			final fiji.plugin.autoencoder.tiling.ImageRunner.Options tiles = Commands.tiles( tile_size,
					average_orientations );
			Commands.precision( tiles, precision );
			tiles.refitNormalization = fiji.plugin.autoencoder.convert.StoredNormalization.refit( normalization );
			final String note = ModelFileRunner.normalizationNote( model, tiles );
			if ( note != null )
				log.info( "Denoise Image: note: " + note );
			output = ModelFileRunner.apply( model, Commands.image( input ), Commands.outputType( output_type ), suffix,
					tiles, new StatusProgress( status, this ) );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Denoise Image", e );
		}
	}
}
