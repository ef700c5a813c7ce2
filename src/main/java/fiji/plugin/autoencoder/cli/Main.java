package fiji.plugin.autoencoder.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command-line entry point for headless and cluster use:
 * {@code bin/autoencoder <command> [options]}; {@code --help} on any command
 * lists its options.
 */
@Command( name = "autoencoder", mixinStandardHelpOptions = true, version = "fiji-autoencoder 0.1.0",
		description = "Train and apply autoencoders on images, headless.",
		subcommands = { TrainCli.class, DenoiseCli.class, SegmentCli.class, SegmentByReconstructionCli.class,
				SparkDenoiseCli.class, InfoCommand.class, DeviceInfoCli.class, DemoCommand.class,
				MnistDemoCommand.class,
				TrainMnistCommand.class, ExportBioimageioCli.class, ApplyBioimageioCli.class },
		footer = { "", "Examples:",
				"  bin/autoencoder denoise --model n2v.aemodel.zip --input noisy.tif --output clean.tif",
				"  bin/autoencoder denoise --model n2v.aemodel.zip --input big.ome.zarr --output big-denoised.ome.zarr",
				"  bin/autoencoder segment --model nuclei.aemodel.zip --input plate/ --output seg/ --shard 0/8",
				"  bin/autoencoder <command> --help", "", "Exit status: 0 done, 1 an input failed, 2 bad usage." } )
public final class Main implements Callable< Integer >
{
	@Override
	public Integer call()
	{
		CommandLine.usage( this, System.out );
		return 0;
	}

	/** Runs a command line and returns its exit code (0 success, 1 error, 2 usage). */
	public static int run( final String... args )
	{
		final CommandLine cl = new CommandLine( new Main() );
		cl.setExecutionExceptionHandler( ( e, commandLine, parseResult ) -> {
			commandLine.getErr().println( "Error: " + ( e.getMessage() == null ? e.toString() : e.getMessage() ) );
			return 1;
		} );
		return cl.execute( args );
	}

	public static void main( final String... args )
	{
		System.exit( run( args ) );
	}
}
