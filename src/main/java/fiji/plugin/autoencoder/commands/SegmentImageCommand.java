package fiji.plugin.autoencoder.commands;

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
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.SegmenterInfo;
import fiji.plugin.autoencoder.segment.SegmenterPrediction;
import fiji.plugin.autoencoder.ui.SegmentationOutputs;
import fiji.plugin.autoencoder.workflow.Settings;
import ij.ImagePlus;
import ij.measure.ResultsTable;

/** Plugins > Autoencoder > Segment Image: a model from Train Segmenter applied tiled (at its scale): probability per class, mask, labels, table with shape measurements. */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Segment Image" )
public class SegmentImageCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Image" )
	private ImagePlus input;

	@Parameter( label = "Model file", style = "open", description = "A .aemodel.zip written by Train Segmenter" )
	private File model_file;

	@Parameter( label = "Probability threshold", min = "0", max = "1" )
	private double threshold = Settings.of( Settings.SEGMENT_IMAGE, "threshold" ).defaultNumber();

	@Parameter( label = "Minimum object size (pixels)", min = "0" )
	private int min_size = Settings.of( Settings.SEGMENT_IMAGE, "min_size" ).defaultInt();

	@Parameter( label = "Object prior from the training masks", required = false,
			description = "Keep only the most probable object of a class that had one per training mask, none under half the smallest training object, and fill holes when no training object had one" )
	private boolean object_prior = Settings.of( Settings.SEGMENT_IMAGE, "object_prior" ).defaultFlag();

	@Parameter( label = "Average flips (2-4x the time)", required = false,
			description = "Also predicts the image flipped left-right, top-bottom and both (left-right only for a model trained on left-right flips only), and averages the probabilities" )
	private boolean flip_averaging = Settings.of( Settings.SEGMENT_IMAGE, "flip_averaging" ).defaultFlag();

	@Parameter( label = "Overlay: outlines on the image", required = false, persist = false,
			description = "Also show the image with every object's outline in yellow" )
	private boolean overlay = Settings.of( Settings.SEGMENT_IMAGE, "overlay" ).defaultFlag();

	@Parameter( label = "Tile size (0 = automatic)", min = "0" )
	private int tile_size = Settings.of( Settings.SEGMENT_IMAGE, "tile_size" ).defaultInt();

	@Parameter( label = "Precision", choices = { "float32", "bfloat16" }, required = false,
			description = "float32 (default), or bfloat16: the convolutions in bfloat16 (faster on CPUs with AVX-512 BF16 or AMX)" )
	private String precision = Settings.of( Settings.SEGMENT_IMAGE, "precision" ).defaultValue;

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = Settings.of( Settings.SEGMENT_IMAGE, "threads" ).defaultInt();

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus probability, mask, labels;

	/** With overlay: the image with the objects' outlines (else null). */
	@Parameter( type = ItemIO.OUTPUT, required = false )
	private ImagePlus outlines;

	@Parameter( type = ItemIO.OUTPUT )
	private ResultsTable results;

	@Override
	public void run()
	{
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models()
				.get( Commands.existingFile( model_file, "model_file" ), Commands.threads( threads ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			final Segmentation seg = SegmenterPrediction.segment( model, Commands.image( input ), threshold, min_size,
					object_prior ? SegmenterInfo.of( model ).prior : null, flip_averaging,
					Commands.precision( Commands.tiles( tile_size ), precision ),
					new StatusProgress( status, this ) );
			probability = seg.score;
			mask = seg.mask;
			labels = seg.labels;
			results = seg.table;
			outlines = overlay ? fiji.plugin.autoencoder.segment.Outlines.overlay( input, seg.labels ) : null;
			SegmentationOutputs.show( seg, "Objects of " + input.getTitle() );
			log.info( "Segment Image: " + seg.summary() );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Segment Image", e );
		}
	}
}
