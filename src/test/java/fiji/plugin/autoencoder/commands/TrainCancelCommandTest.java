package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandService;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.AnomalySegmenter;
import fiji.plugin.autoencoder.train.History;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;

/**
 * Cancel everywhere (issue 17): Train Autoencoder (one stage, and the first
 * stage of the anomaly segmenter) and Train Segmenter run headless through
 * SciJava are stopped, after epoch {@link #K} of 50, by cancelling the
 * command's Future with interrupt or by interrupting the training thread. Each
 * must stop in the next epoch, before its first step, and leave a model file
 * that loads, whose history is the epochs that ran and whose weights are the
 * best epoch's. The cancel is given while the training thread waits in the
 * epoch-K log line, so the assertions count epochs, not seconds.
 */
@Tag( "slow" ) // trains networks: excluded from the fast tier (mvn test -Pfast)
class TrainCancelCommandTest
{
	private static final int K = 2, EPOCHS = 50;

	private static final Pattern STOPPED = Pattern
			.compile( "Stopped on request in epoch (\\d+); kept the best weights \\((epoch (\\d+)|before training)" );

	@TempDir
	Path dir;

	@Test
	void trainAutoencoderStopsWhenItsFutureIsCancelled() throws Exception
	{
		check( TrainAutoencoderCommand.class, autoencoder( "Conv autoencoder", 16 ), false, false );
	}

	@Test
	void trainAutoencoderStopsWhenItsThreadIsInterrupted() throws Exception
	{
		check( TrainAutoencoderCommand.class, autoencoder( "Conv autoencoder", 16 ), true, false );
	}

	@Test
	void anomalySegmenterStopsInItsFirstStageWhenItsFutureIsCancelled() throws Exception
	{
		check( TrainAutoencoderCommand.class, autoencoder( "Anomaly segmenter (normal images)", 32 ), false, true );
	}

	@Test
	void trainSegmenterStopsWhenItsFutureIsCancelled() throws Exception
	{
		check( TrainSegmenterCommand.class, segmenter(), false, false );
	}

	@Test
	void trainSegmenterStopsWhenItsThreadIsInterrupted() throws Exception
	{
		check( TrainSegmenterCommand.class, segmenter(), true, false );
	}

	private static Object[] autoencoder( final String mode, final int patch )
	{
		return new Object[] { "input", IJ.openImage( "test-images/cell_256.tif" ), "mode", mode, "epochs", EPOCHS,
				"patches_per_epoch", 64, "patch_size", patch, "batch_size", 16,
				"patience", 0, "show_plot", false, "resume", false, "overwrite", false };
	}

	private static Object[] segmenter()
	{
		final ImagePlus image = IJ.openImage( "test-images/cell_256.tif" );
		final ByteProcessor m = ( ByteProcessor ) image.getProcessor().convertToByte( true );
		m.threshold( 100 );
		return new Object[] { "input", image, "mask", new ImagePlus( "mask", m ), "epochs", EPOCHS, "patches_per_epoch",
				32, "patch_size", 16, "batch_size", 16, "patience", 0,
				"overwrite", false };
	}

	private void check( final Class< ? extends Command > command, final Object[] settings, final boolean interrupt,
			final boolean firstStage ) throws Exception
	{
		final Path model = dir.resolve( "cancelled.aemodel.zip" ),
				snapshot = dir.resolve( "at-epoch-" + K + ".aemodel.zip" );
		final Object[] args = HeadlessDefaultsTest.with( settings, "model_file", model.toFile() );
		final List< String > lines = Collections.synchronizedList( new ArrayList<>() );
		final AtomicReference< Thread > trainingThread = new AtomicReference<>();
		final AtomicBoolean given = new AtomicBoolean();
		final CountDownLatch reached = new CountDownLatch( 1 ), done = new CountDownLatch( 1 );
		try ( Context context = new Context() )
		{
			final ModuleService modules = context.service( ModuleService.class );
			final Module module = modules.createModule( context.service( CommandService.class ).getCommand( command ) );
			context.service( LogService.class ).addLogListener( m -> {
				final String text = String.valueOf( m.text() );
				lines.add( text );
				if ( text.startsWith( "Autoencoder: train epoch " + K + ":" )
						&& trainingThread.compareAndSet( null, Thread.currentThread() ) )
				{
					try
					{
						if ( Files.exists( model ) ) // the best of epochs 1..K-1, if any improved on the start
							Files.copy( model, snapshot, StandardCopyOption.REPLACE_EXISTING );
					}
					catch ( final java.io.IOException e )
					{
						throw new java.io.UncheckedIOException( e );
					}
					reached.countDown();
					while ( !given.get() ) // NB: parking keeps the interrupt flag, as the training would
						LockSupport.parkNanos( 1_000_000L );
				}
				if ( text.startsWith( "Train Autoencoder" ) || text.startsWith( "Train Segmenter" ) )
					done.countDown();
			} );
			final Future< Module > future = modules.run( module, true, args );
			assertTrue( reached.await( 10, TimeUnit.MINUTES ), "epoch " + K + " ended: " + lines );
			if ( interrupt )
				trainingThread.get().interrupt();
			else
				assertTrue( future.cancel( true ) );
			given.set( true );
			assertTrue( done.await( 10, TimeUnit.MINUTES ), "the command ended: " + lines );
			if ( interrupt )
				assertTrue( future.get( 10, TimeUnit.MINUTES ) == module );
			assertFalse( ( ( org.scijava.Cancelable ) module ).isCanceled(),
					( ( org.scijava.Cancelable ) module ).getCancelReason() );
			final String result = String.valueOf( module.getOutput( "result" ) );
			final Matcher stopped = STOPPED.matcher( result );
			assertTrue( stopped.find(), result );
			assertEquals( K + 1, Integer.parseInt( stopped.group( 1 ) ),
					"stopped in the epoch after the cancel: " + result );
			final int kept = stopped.group( 3 ) == null ? 0 : Integer.parseInt( stopped.group( 3 ) );
			final long ran = lines.stream().filter( l -> l.startsWith( "Autoencoder: train epoch " ) ).count();
			assertTrue( ran == K || ran == K + 1, "epochs that ran: " + ran + " of " + EPOCHS );
			assertFalse( lines.stream().anyMatch( l -> l.contains( "second stage" ) ),
					"the second stage never started" );
			try ( ModelFile.Loaded saved = ModelFile.load( model, 1 ) )
			{
				assertFalse( AnomalySegmenter.isAnomalySegmenter( saved ), "not a two-stage model" );
				if ( firstStage )
					assertEquals( "anomaly_detector", saved.model().spec().name, "the first stage's detector" );
				final History h = History.fromJson( saved.extras().get( ModelFile.HISTORY ) );
				assertEquals( ran, h.epochs.stream().filter( e -> "train".equals( e.phase ) ).count(),
						"the saved history is the epochs that ran" );
				assertEquals( bestEpoch( h ), kept, "kept the epoch of the lowest validation loss: " + result );
				final Map< String, float[] > weights = saved.model().readParameters();
				if ( Files.exists( snapshot ) )
					try ( ModelFile.Loaded before = ModelFile.load( snapshot, 1 ) )
					{
						final Map< String, float[] > earlier = before.model().readParameters();
						assertEquals( earlier.keySet(), weights.keySet() );
						boolean same = true;
						for ( final String name : weights.keySet() )
							same &= java.util.Arrays.equals( earlier.get( name ), weights.get( name ) );
						if ( kept < K )
							for ( final String name : weights.keySet() )
								assertArrayEquals( earlier.get( name ), weights.get( name ), "kept epoch " + kept
										+ ": the weights checkpointed before epoch " + K + ", " + name );
						else
							assertFalse( same, "kept epoch " + K + ": not the weights checkpointed before it" );
					}
				else
					assertTrue( kept >= K, "no checkpoint before epoch " + K + " but kept epoch " + kept );
			}
		}
	}

	/** The epoch with the lowest validation loss, 0 when none beat the loss before training (no smoothing in these modes). */
	private static int bestEpoch( final History h )
	{
		double best = Double.isNaN( h.initialValidationLoss ) ? Double.POSITIVE_INFINITY : h.initialValidationLoss;
		int epoch = 0;
		for ( final History.Epoch e : h.epochs )
			if ( "train".equals( e.phase ) && e.validationLoss < best )
			{
				best = e.validationLoss;
				epoch = e.epoch;
			}
		return epoch;
	}
}
