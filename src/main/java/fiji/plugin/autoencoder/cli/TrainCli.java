package fiji.plugin.autoencoder.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import fiji.plugin.autoencoder.macro.TrainEntry;
import fiji.plugin.autoencoder.macro.MacroSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code train}: Train Autoencoder on an image file, through the same entry
 * point and setting definitions as the plain-ImageJ macro
 * ({@link TrainEntry#train}, {@code workflow.TrainingSettings}): every option
 * is its macro key and a left-out one gets the command's default.
 */
@Command( name = "train", mixinStandardHelpOptions = true,
		description = "Train a model (Train Autoencoder) on an image file: denoisers, anomaly detectors, conv autoencoders.",
		footer = { "", "Examples:",
				"  bin/autoencoder train --input noisy.tif --mode 'Denoise (self-supervised)' --model n2v.aemodel.zip --epochs 20",
				"  bin/autoencoder train --input noisy.tif --target clean.tif --mode 'Denoise (paired)' --model paired.aemodel.zip --set patch_size=96",
				"  bin/autoencoder train --input noisy-folder/ --target clean-folder/ --mode 'Denoise (paired)' --model paired.aemodel.zip",
				"", "Train once, then run denoise with --shard in an array: a training is never sharded.",
				"SIGTERM (kill, SLURM's time limit) or SIGINT (Ctrl-C) stops the training after the current step and saves",
				"the best model; the exit status is then 143 or 130 and standard error says where the model is.",
				"Exit status: 0 trained and saved, 1 failed, 2 bad usage." } )
public class TrainCli implements Callable< Integer >
{
	/** How long the JVM waits, after SIGTERM or SIGINT, for the training to stop and save its best model. */
	static final int SAVE_WAIT_MINUTES = 10;

	@Option( names = "--input",
			description = "The training image (TIFF), or a folder: every image of it (sizes may differ, channel counts not)." )
	Path input;

	@Option( names = "--target",
			description = "The clean image, for Denoise (paired); with an input folder, the folder of clean images of the same file names." )
	Path target;

	@Option( names = "--model", required = true, description = "The model file to write (.aemodel.zip)." )
	Path model;

	@Option( names = "--mode", description = "The training mode, as in Train Autoencoder (default: the command's)." )
	String mode;

	@Option( names = "--noise", description = "The noise model for Denoise (synthetic noise), e.g. gaussian:sigma=10." )
	String noise;

	@Option( names = "--epochs", description = "Epochs (default: the command's)." )
	Integer epochs;

	@Option( names = "--overwrite", arity = "0..1", description = "Replace an existing model file." )
	Boolean overwrite;

	@Option( names = "--resume", arity = "0..1", description = "Continue training the model file." )
	Boolean resume;

	@Mixin
	CliSupport.Common common;

	@Override
	public Integer call()
	{
		if ( common.shard()[ 1 ] > 1 )
			throw new IllegalArgumentException(
					"--shard does not apply to a training (every task would train into one model file): train once, then shard denoise" );
		final boolean folder = input != null && java.nio.file.Files.isDirectory( input );
		final CliSupport.Keys k = new CliSupport.Keys().put( folder ? "input_folder" : "input", input )
				.put( folder ? "target_folder" : "target", target ).put( "model_file", model ).put( "mode", mode )
				.put( "noise", noise ).put( "epochs", epochs )
				.put( "overwrite", overwrite ).put( "resume", resume ).common( common );
		k.parse( "train", MacroSettings.TRAIN_KEYS ); // refuses unknown keys and bad values before any work
		final AtomicBoolean signalled = new AtomicBoolean();
		final CountDownLatch finished = new CountDownLatch( 1 );
		final Thread hook = new Thread( () -> {
			signalled.set( true );
			System.err.println( "train: stopping on SIGTERM/SIGINT after the current step; saving the best model to "
					+ model + " ..." );
			try
			{
				if ( !finished.await( SAVE_WAIT_MINUTES, TimeUnit.MINUTES ) )
					System.err.println( "train: the save did not end within " + SAVE_WAIT_MINUTES + " min" );
			}
			catch ( final InterruptedException e )
			{
				Thread.currentThread().interrupt();
			}
		}, "autoencoder-train-stop" );
		Runtime.getRuntime().addShutdownHook( hook );
		final String result;
		try
		{
			result = TrainEntry.train( k.toString(), signalled::get );
			if ( signalled.get() )
				System.err.println( "train: stopped by a signal (exit status 128 + its number): " + result );
		}
		finally
		{
			System.err.flush();
			System.out.flush();
			finished.countDown();
			try
			{
				Runtime.getRuntime().removeShutdownHook( hook );
			}
			catch ( final IllegalStateException e )
			{
				// the JVM is shutting down (a signal): the hook runs, and the JVM exits with 128 + the signal's number
			}
		}
		if ( signalled.get() )
			return 1; // the JVM exits with 128 + the signal's number
		if ( result.startsWith( "error:" ) )
		{
			System.err.println( result.substring( "error: ".length() ) );
			return 1;
		}
		System.out.println( "train: " + result );
		return 0;
	}
}
