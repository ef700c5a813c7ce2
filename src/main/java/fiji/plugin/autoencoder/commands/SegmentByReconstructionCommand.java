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

import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.ui.SegmentationOutputs;
import fiji.plugin.autoencoder.workflow.Settings;
import ij.ImagePlus;
import ij.measure.ResultsTable;

/** Plugins > Autoencoder > Segment by Reconstruction: what an autoencoder of normal images cannot reconstruct becomes objects. */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Segment by Reconstruction" )
public class SegmentByReconstructionCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Image" )
	private ImagePlus input;

	@Parameter( label = "Model file", style = "open",
			description = "An autoencoder trained on normal (defect-free) images, or an anomaly segmenter (its map is the anomaly probability, 0..1)" )
	private File model_file;

	@Parameter( label = "Threshold method", choices = { "Otsu", "Percentile", "Value", "Calibrated" },
			description = "Calibrated: the value that a given fraction of a normal image's pixels exceed (needs the normal image)" )
	private String threshold_method = Settings.of( Settings.SEGMENT, "threshold_method" ).defaultValue;

	@Parameter( label = "Threshold value (percentile, error or false-positive rate)",
			description = "Percentile: e.g. 99; Value: the reconstruction error itself (for an anomaly segmenter: the probability, e.g. 0.5); Calibrated: the fraction of the normal image's pixels allowed above it, e.g. 0.001; ignored for Otsu" )
	private double threshold_value = Settings.of( Settings.SEGMENT, "threshold_value" ).defaultNumber();

	@Parameter( label = "Smoothing sigma (pixels, 0 = none)", min = "0" )
	private double smoothing_sigma = Settings.of( Settings.SEGMENT, "smoothing_sigma" ).defaultNumber();

	@Parameter( label = "Smooth the signed difference",
			description = "Smooth image - reconstruction before taking its magnitude: fine texture residue of both signs averages out, a defect's one-signed residue stays" )
	private boolean smooth_signed = Settings.of( Settings.SEGMENT, "smooth_signed" ).defaultFlag();

	@Parameter( label = "Minimum object size (pixels)", min = "0" )
	private int min_size = Settings.of( Settings.SEGMENT, "min_size" ).defaultInt();

	@Parameter( label = "Seed threshold (hysteresis, 0 = off)", min = "0",
			description = "Keep only objects whose largest error reaches this value (above the threshold): a low threshold outlines defects, a high seed rejects faint texture blobs" )
	private double seed_threshold = Settings.of( Settings.SEGMENT, "seed_threshold" ).defaultNumber();

	// This label is an input SciJava never resolves: with it, a run that leaves normal_image unset does not have a single
	// missing File input, which SciJava's FilePreprocessor would prompt for (and a headless run cancel on)
	@Parameter( visibility = ItemVisibility.MESSAGE, required = false, persist = false )
	private String calibration_header = "Calibration (optional): a defect-free image the model was not trained on";

	@Parameter( label = "Normal image for calibration (optional)", style = "open", required = false,
			description = "A defect-free image the model was not trained on; the Calibrated method and the seed false-positive rate are measured on its map" )
	private File normal_image;

	@Parameter( label = "Seed false-positive rate (hysteresis on the normal image, 0 = off)", min = "0", max = "0.999",
			description = "Keep only objects that reach the value this fraction of the normal image's pixels exceed, e.g. 0.0001 (instead of a seed threshold)" )
	private double seed_false_positive_rate = Settings.of( Settings.SEGMENT, "seed_false_positive_rate" )
			.defaultNumber();

	@Parameter( label = "Tile size (0 = automatic)", min = "0" )
	private int tile_size = Settings.of( Settings.SEGMENT, "tile_size" ).defaultInt();

	@Parameter( label = "Precision", choices = { "float32", "bfloat16" }, required = false,
			description = "float32 (default), or bfloat16: the convolutions in bfloat16 (faster on CPUs with AVX-512 BF16 or AMX)" )
	private String precision = Settings.of( Settings.SEGMENT, "precision" ).defaultValue;

	@Parameter( label = "Average 8 orientations (8x slower, fewer false objects)",
			description = "Compute the map on the flipped and transposed copies too and average them back (test-time augmentation)" )
	private boolean average_orientations = Settings.of( Settings.SEGMENT, "average_orientations" ).defaultFlag();

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = Settings.of( Settings.SEGMENT, "threads" ).defaultInt();

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus anomaly_map, mask, labels;

	@Parameter( type = ItemIO.OUTPUT )
	private ResultsTable results;

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
			final Segmentation seg = ReconstructionSegmenter.segment( model, Commands.image( input ), s,
					new StatusProgress( status, this ) );
			anomaly_map = seg.score;
			mask = seg.mask;
			labels = seg.labels;
			results = seg.table;
			SegmentationOutputs.show( seg, "Objects of " + input.getTitle() );
			log.info( "Segment by Reconstruction: " + seg.summary() );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Segment by Reconstruction", e );
		}
	}
}
