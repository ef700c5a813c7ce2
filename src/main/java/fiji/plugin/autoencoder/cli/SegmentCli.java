package fiji.plugin.autoencoder.cli;

import fiji.plugin.autoencoder.commands.SegmentImageCommand;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.macro.MacroSettings;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.SegmenterPrediction;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segment}: Segment Image (a model from Train Segmenter) on a file or a folder. */
@Command( name = "segment", mixinStandardHelpOptions = true,
		description = "Segment an image or a folder of images with a segmenter model (Train Segmenter): probability, mask, labels and an objects table per image.",
		footer = { "", "Examples:",
				"  bin/autoencoder segment --model nuclei.aemodel.zip --input cells.tif --output seg/",
				"  bin/autoencoder segment --model nuclei.aemodel.zip --input plate/ --output seg/ --threshold 0.6 --shard 2/8",
				"",
				"Defaults are those of Plugins > Autoencoder > Segment Image. Images whose label image exists are skipped: a rerun resumes.",
				"Exit status: 0 done, 1 an input failed, 2 bad usage." } )
public class SegmentCli extends SegmentationCli
{
	@Option( names = "--threshold", description = "Probability threshold (default: Segment Image's)." )
	Double threshold;

	@Option( names = "--min-size", description = "Minimum object size in pixels (default: Segment Image's)." )
	Integer minSize;

	@Option( names = "--tile-size", description = "Network input per tile in pixels (0: automatic)." )
	Integer tileSize;

	private double t;

	private int min;

	private ImageRunner.Options tiles;

	@Override
	int settings( final boolean folder )
	{
		final MacroOptions o = new CliSupport.Keys().put( "tile_size", tileSize ).common( common ).parse( "segment",
				java.util.List.of( "tile_size", "threads", "precision" ) );
		tiles = MacroSettings.tiles( o );
		t = threshold != null ? threshold : ( Double ) MenuDefaults.of( SegmentImageCommand.class, "threshold" );
		min = minSize != null ? minSize : ( Integer ) MenuDefaults.of( SegmentImageCommand.class, "min_size" );
		if ( !( t >= 0 && t <= 1 ) )
			throw new IllegalArgumentException( "--threshold " + t + " is not a probability: use 0 to 1" );
		if ( min < 0 )
			throw new IllegalArgumentException( "--min-size " + min + " is negative: use 0 or more" );
		return MacroSettings.threads( o );
	}

	@Override
	Segmentation segment( final ModelFile.Loaded m, final ImagePlus imp )
	{
		return SegmenterPrediction.segment( m, imp, t, min, tiles, CliSupport.progress( "segment " + imp.getTitle() ) );
	}

	@Override
	String name()
	{
		return "segment";
	}
}
