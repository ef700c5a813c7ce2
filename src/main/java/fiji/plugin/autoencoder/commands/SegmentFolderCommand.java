package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.SegmentationFiles;
import fiji.plugin.autoencoder.workflow.Settings;

/**
 * Plugins > Autoencoder > Segment Folder by Reconstruction: Segment by
 * Reconstruction on every image of a folder, with its settings; per image the
 * anomaly map, mask, objects CSV and label image in the output folder. Images
 * whose label image exists are skipped, shards split a folder across cluster
 * array tasks, each file is written atomically and inputs are never touched.
 */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Segment Folder by Reconstruction" )
public class SegmentFolderCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Input folder", style = "directory" )
	private File input_folder;

	@Parameter( label = "Output folder", style = "directory" )
	private File output_folder;

	@Parameter( label = "Model file", style = "open",
			description = "An autoencoder trained on normal (defect-free) images, or an anomaly segmenter (its map is the anomaly probability, 0..1)" )
	private File model_file;

	@Parameter( label = "Threshold method", choices = { "Otsu", "Percentile", "Value", "Calibrated" },
			description = "Otsu and Percentile are found per image; Value and Calibrated are the same for every image" )
	private String threshold_method = Settings.of( Settings.SEGMENT_FOLDER, "threshold_method" ).defaultValue;

	@Parameter( label = "Threshold value (percentile, error or false-positive rate)",
			description = "Percentile: e.g. 99; Value: the reconstruction error itself (for an anomaly segmenter: the probability, e.g. 0.5); Calibrated: the fraction of the normal image's pixels allowed above it, e.g. 0.001" )
	private double threshold_value = Settings.of( Settings.SEGMENT_FOLDER, "threshold_value" ).defaultNumber();

	@Parameter( label = "Smoothing sigma (pixels, 0 = none)", min = "0" )
	private double smoothing_sigma = Settings.of( Settings.SEGMENT_FOLDER, "smoothing_sigma" ).defaultNumber();

	@Parameter( label = "Smooth the signed difference" )
	private boolean smooth_signed = Settings.of( Settings.SEGMENT_FOLDER, "smooth_signed" ).defaultFlag();

	@Parameter( label = "Minimum object size (pixels)", min = "0" )
	private int min_size = Settings.of( Settings.SEGMENT_FOLDER, "min_size" ).defaultInt();

	@Parameter( label = "Seed threshold (hysteresis, 0 = off)", min = "0" )
	private double seed_threshold = Settings.of( Settings.SEGMENT_FOLDER, "seed_threshold" ).defaultNumber();

	// keeps normal_image from being the single unset File input, which SciJava's FilePreprocessor would prompt for (see SegmentByReconstructionCommand)
	@Parameter( visibility = ItemVisibility.MESSAGE, required = false, persist = false )
	private String calibration_header = "Calibration (optional): a defect-free image the model was not trained on";

	@Parameter( label = "Normal image for calibration (optional)", style = "open", required = false )
	private File normal_image;

	@Parameter( label = "Seed false-positive rate (hysteresis on the normal image, 0 = off)", min = "0", max = "0.999" )
	private double seed_false_positive_rate = Settings.of( Settings.SEGMENT_FOLDER, "seed_false_positive_rate" )
			.defaultNumber();

	@Parameter( label = "Shard index (0-based)", min = "0" )
	private int shard_index = Settings.of( Settings.SEGMENT_FOLDER, "shard_index" ).defaultInt();

	@Parameter( label = "Shard count", min = "1" )
	private int shard_count = Settings.of( Settings.SEGMENT_FOLDER, "shard_count" ).defaultInt();

	@Parameter( label = "Tile size (0 = automatic)", min = "0" )
	private int tile_size = Settings.of( Settings.SEGMENT_FOLDER, "tile_size" ).defaultInt();

	@Parameter( label = "Precision", choices = { "float32", "bfloat16" }, required = false,
			description = "float32 (default), or bfloat16: the convolutions in bfloat16 (faster on CPUs with AVX-512 BF16 or AMX)" )
	private String precision = Settings.of( Settings.SEGMENT_FOLDER, "precision" ).defaultValue;

	@Parameter( label = "Average 8 orientations (8x slower, fewer false objects)" )
	private boolean average_orientations = Settings.of( Settings.SEGMENT_FOLDER, "average_orientations" ).defaultFlag();

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = Settings.of( Settings.SEGMENT_FOLDER, "threads" ).defaultInt();

	@Parameter( type = ItemIO.OUTPUT )
	private String summary;

	@Override
	public void run()
	{
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models()
				.get( Commands.existingFile( model_file, "model_file" ), Commands.threads( threads ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			final ReconstructionSegmenter.Settings s = Commands.segmentation( threshold_method, threshold_value,
					smoothing_sigma, smooth_signed, min_size, seed_threshold, normal_image,
					seed_false_positive_rate, tile_size, average_orientations );
			Commands.precision( s.map.tiling, precision );
			final FolderProcessor folder = Commands.folder( input_folder, output_folder, SegmentationFiles.LABELS,
					shard_index, shard_count );
			summary = Commands.finished( log, "Segment Folder by Reconstruction", ReconstructionSegmenter
					.segmentFolder( model, folder, s, log::info, new StatusProgress( status, this ) ) );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Segment Folder by Reconstruction", e );
		}
	}
}
