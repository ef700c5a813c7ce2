package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Presets;

/**
 * A training whose thread is interrupted, with a {@link Progress} that reads
 * the interrupt and leaves the flag set: the Trainer stops before the next
 * step and the model file is still written (its checkpoint on the interrupted
 * thread too), and the interrupt is still set for the caller.
 */
class InterruptedTrainingTest
{
	@TempDir
	Path dir;

	@Test
	void anInterruptStopsTheTrainingAndTheModelIsStillSaved() throws Exception
	{
		final Path file = dir.resolve( "interrupted.aemodel.zip" );
		final ImageTrainingJob job = new ImageTrainingJob( Presets.convStrided(), file );
		job.patchSize = 32;
		job.patchesPerEpoch = 64;
		job.config.epochs( 30 ).batchSize( 32 ).patience( 0 );
		job.trainer.cancelledBy( new Progress()
		{
			@Override
			public void report( final long done, final long total, final String message )
			{}

			@Override
			public boolean isCancelled()
			{
				return Thread.currentThread().isInterrupted();
			}
		} );
		final TrainingListener interrupt = new TrainingListener()
		{
			@Override
			public void epochEnded( final History.Epoch e, final History h )
			{
				if ( e.epoch == 2 ) // before epoch 2's checkpoint and the final save
					Thread.currentThread().interrupt();
			}
		};
		final ImageTrainingJob.Result r;
		try
		{
			r = job.run( Collections.singletonList( TestImages.open( "cell.png" ) ), null, interrupt );
		}
		finally
		{
			assertTrue( Thread.interrupted(), "the interrupt is kept for the caller" ); // and cleared for the next test
		}
		assertEquals( Trainer.StopReason.CANCELLED, r.training.reason, r.training.message );
		assertTrue( r.training.message.startsWith( "Stopped on request in epoch 3;" ), r.training.message );
		try ( ModelFile.Loaded saved = ModelFile.load( file, 1 ) )
		{
			final History h = History.fromJson( saved.extras().get( ModelFile.HISTORY ) );
			assertEquals( 2, h.epochs.size(), "epochs 1 and 2 ran and are saved" );
			assertEquals( r.training.bestEpoch,
					h.epochs.get( 0 ).validationLoss < h.epochs.get( 1 ).validationLoss ? 1 : 2, r.training.message );
		}
	}
}
