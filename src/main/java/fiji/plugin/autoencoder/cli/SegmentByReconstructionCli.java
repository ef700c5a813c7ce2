package fiji.plugin.autoencoder.cli;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.macro.MacroSettings;
import fiji.plugin.autoencoder.workflow.Settings;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.Segmentation;
import ij.ImagePlus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segment-by-reconstruction}: Segment (Folder) by Reconstruction with an anomaly detector or segmenter model. */
@Command( name = "segment-by-reconstruction", mixinStandardHelpOptions = true,
		description = "Segment anomalies in an image or a folder of images by reconstruction (an Anomaly detector or Anomaly segmenter model): map, mask, labels and objects per image.",
		footer = { "", "Examples:",
				"  bin/autoencoder segment-by-reconstruction --model fabric.aemodel.zip --input sample.tif --output defects/",
				"  bin/autoencoder segment-by-reconstruction --model fabric.aemodel.zip --input rolls/ --output defects/ --threshold-method Calibrated --normal-image good.tif",
				"",
				"Options are the macro keys of Segment by Reconstruction (--set key=value for the others); defaults are the command's.",
				"Exit status: 0 done, 1 an input failed, 2 bad usage." } )
public class SegmentByReconstructionCli extends SegmentationCli
{
	@Option( names = "--threshold-method",
			description = "Otsu, Percentile, Value or Calibrated (default: the command's)." )
	String method;

	@Option( names = "--threshold-value", description = "The percentile, value or false-positive rate of the method." )
	Double value;

	@Option( names = "--smoothing-sigma", description = "Gaussian smoothing of the map before thresholding." )
	Double sigma;

	@Option( names = "--min-size", description = "Minimum object size in pixels." )
	Integer minSize;

	@Option( names = "--normal-image", description = "A defect-free image, for the Calibrated method." )
	java.nio.file.Path normalImage;

	@Option( names = "--tile-size", description = "Network input per tile in pixels (0: automatic)." )
	Integer tileSize;

	private ReconstructionSegmenter.Settings s;

	@Override
	int settings( final boolean folder )
	{
		final MacroOptions o = new CliSupport.Keys().put( "model_file", model ).put( "threshold_method", method )
				.put( "threshold_value", value ).put( "smoothing_sigma", sigma )
				.put( "min_size", minSize ).put( "normal_image", normalImage ).put( "tile_size", tileSize )
				.common( common ).parse( "segment", MacroSettings.SEGMENT_KEYS );
		s = MacroSettings.segmentSettings( o, folder ? Settings.SEGMENT_FOLDER : Settings.SEGMENT );
		return MacroSettings.threads( o );
	}

	@Override
	Segmentation segment( final ModelFile.Loaded m, final ImagePlus imp )
	{
		return ReconstructionSegmenter.segment( m, imp, s,
				CliSupport.progress( "segment-by-reconstruction " + imp.getTitle() ) );
	}

	@Override
	FolderProcessor.Report run( final ModelFile.Loaded m, final FolderProcessor f ) throws Exception
	{
		return ReconstructionSegmenter.segmentFolder( m, f, s, System.out::println,
				CliSupport.progress( name() + " folder" ) );
	}

	@Override
	String name()
	{
		return "segment-by-reconstruction";
	}
}
