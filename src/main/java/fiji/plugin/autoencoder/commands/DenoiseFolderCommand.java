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

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.workflow.Settings;

/**
 * Plugins > Autoencoder > Denoise Folder: every image of a folder, written as
 * TIFFs to another folder; existing outputs are skipped, shards split a folder
 * across cluster array tasks.
 */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Denoise Folder" )
public class DenoiseFolderCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Input folder", style = "directory" )
	private File input_folder;

	@Parameter( label = "Output folder", style = "directory" )
	private File output_folder;

	@Parameter( label = "Model file", style = "open" )
	private File model_file;

	@Parameter( label = "Output", choices = { "Same as input", "32-bit" } )
	private String output_type = Settings.of( Settings.DENOISE_FOLDER, "output_type" ).defaultValue;

	@Parameter( label = "Suffix" )
	private String suffix = Settings.of( Settings.DENOISE_FOLDER, "suffix" ).defaultValue;

	@Parameter( label = "Shard index (0-based)", min = "0" )
	private int shard_index = Settings.of( Settings.DENOISE_FOLDER, "shard_index" ).defaultInt();

	@Parameter( label = "Shard count", min = "1" )
	private int shard_count = Settings.of( Settings.DENOISE_FOLDER, "shard_count" ).defaultInt();

	@Parameter( label = "Tile size (0 = automatic)", min = "0" )
	private int tile_size = Settings.of( Settings.DENOISE_FOLDER, "tile_size" ).defaultInt();

	@Parameter( label = "Precision", choices = { "float32", "bfloat16" }, required = false,
			description = "float32 (default), or bfloat16: the convolutions in bfloat16 (faster on CPUs with AVX-512 BF16 or AMX)" )
	private String precision = Settings.of( Settings.DENOISE_FOLDER, "precision" ).defaultValue;

	@Parameter( label = "Average 8 orientations (8x slower, less noise)",
			description = "Denoise the flipped and transposed copies too and average the results back (test-time augmentation)" )
	private boolean average_orientations = Settings.of( Settings.DENOISE_FOLDER, "average_orientations" ).defaultFlag();

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = Settings.of( Settings.DENOISE_FOLDER, "threads" ).defaultInt();

	@Parameter( label = "Normalization", choices = { "Stored (from training)", "Refit on each image" },
			description = "Stored: the intensity scaling fitted on the training images, the same for every image (default). Refit: fitted anew on each image (old model files always refit)" )
	private String normalization = Settings.of( Settings.DENOISE_FOLDER, "normalization" ).defaultValue;

	@Parameter( type = ItemIO.OUTPUT )
	private String summary;

	@Override
	public void run()
	{
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models()
				.get( Commands.existingFile( model_file, "model_file" ), Commands.threads( threads ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			final FolderProcessor folder = Commands.folder( input_folder, output_folder, suffix, shard_index,
					shard_count );
			final fiji.plugin.autoencoder.tiling.ImageRunner.Options tiles = Commands.tiles( tile_size,
					average_orientations );
			Commands.precision( tiles, precision );
			tiles.refitNormalization = fiji.plugin.autoencoder.convert.StoredNormalization.refit( normalization );
			final String note = ModelFileRunner.normalizationNote( model, tiles );
			if ( note != null )
				log.info( "Denoise Folder: note: " + note );
			summary = Commands.finished( log, "Denoise Folder",
					folder.run( imp -> ModelFileRunner.apply( model, imp, Commands.outputType( output_type ), suffix,
							tiles, Progress.none() ), log::info, new StatusProgress( status, this ) ) );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Denoise Folder", e );
		}
	}
}
