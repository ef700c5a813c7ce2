package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.Segmentation;
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

	@Parameter( label = "Model file", style = "open", description = "An autoencoder trained on normal (defect-free) images, or an anomaly segmenter (its map is the anomaly probability, 0..1)" )
	private File model_file;

	@Parameter( label = "Threshold method", choices = { "Otsu", "Percentile", "Value" } )
	private String threshold_method = "Otsu";

	@Parameter( label = "Threshold value (percentile or error)", description = "Percentile: e.g. 99; Value: the reconstruction error itself (for an anomaly segmenter: the probability, e.g. 0.5); ignored for Otsu" )
	private double threshold_value = 99;

	@Parameter( label = "Smoothing sigma (pixels, 0 = none)", min = "0" )
	private double smoothing_sigma = 1;

	@Parameter( label = "Smooth the signed difference", description = "Smooth image - reconstruction before taking its magnitude: fine texture residue of both signs averages out, a defect's one-signed residue stays" )
	private boolean smooth_signed = false;

	@Parameter( label = "Minimum object size (pixels)", min = "0" )
	private int min_size = 10;

	@Parameter( label = "Seed threshold (hysteresis, 0 = off)", min = "0", description = "Keep only objects whose largest error reaches this value (above the threshold): a low threshold outlines defects, a high seed rejects faint texture blobs" )
	private double seed_threshold = 0;

	@Parameter( label = "Tile size (0 = automatic)", min = "0" )
	private int tile_size = 0;

	@Parameter( label = "Average 8 orientations (8x slower, fewer false objects)", description = "Compute the map on the flipped and transposed copies too and average them back (test-time augmentation)" )
	private boolean average_orientations = false;

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus anomaly_map, mask, labels;

	@Parameter( type = ItemIO.OUTPUT )
	private ResultsTable results;

	@Override
	public void run()
	{
		try ( ModelFile.Loaded model = ModelFile.load( Commands.existingFile( model_file, "model_file" ), 0 ) )
		{
			final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( threshold_method, threshold_value, smoothing_sigma, min_size );
			s.map.tiling( Commands.tiles( tile_size, average_orientations ) ).smoothSigned( smooth_signed );
			if ( seed_threshold > 0 )
				s.seedThreshold = seed_threshold;
			final Segmentation seg = ReconstructionSegmenter.segment( model, Commands.image( input ), s, new StatusProgress( status, this ) );
			anomaly_map = seg.score;
			mask = seg.mask;
			labels = seg.labels;
			results = seg.table;
			SegmentationOutputs.show( seg, "Objects of " + input.getTitle() );
			log.info( "Segment by Reconstruction: " + seg.objectCount + " object(s) with error above " + seg.threshold );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Segment by Reconstruction", e );
		}
	}
}
