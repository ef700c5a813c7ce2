package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import ij.ImagePlus;

/**
 * The learning-rate schedule: its factors, the factor the optimiser really applies (Adam's first step moves every
 * parameter by the learning rate), the rates a training records, and a stopped training that a resume continues.
 */
class LearningRateScheduleTest
{
	@TempDir
	Path dir;

	private static double cosine( final double f )
	{
		return 0.5 * ( 1 + Math.cos( Math.PI * f ) );
	}

	@Test
	void cosineFactorsByEpochsAndByTimeBudget()
	{
		assertEquals( 1, LearningRateSchedule.multiplier( ModelSpec.COSINE, 0 ), 1e-12 );
		assertEquals( 0.853553, LearningRateSchedule.multiplier( ModelSpec.COSINE, 0.25 ), 1e-6 );
		assertEquals( 0.5, LearningRateSchedule.multiplier( ModelSpec.COSINE, 0.5 ), 1e-12 );
		assertEquals( 0, LearningRateSchedule.multiplier( ModelSpec.COSINE, 1 ), 1e-12 );
		assertEquals( 0, LearningRateSchedule.multiplier( ModelSpec.COSINE, 1.3 ), 1e-12, "past the end: 0" );
		assertEquals( 1, LearningRateSchedule.multiplier( ModelSpec.CONSTANT, 0.7 ), 1e-12 );

		// by epochs: 4 epochs of 2 steps; before the second step of epoch 3 (0-based 2) 2.5 of 4 epochs are done
		final LearningRateSchedule byEpochs = new LearningRateSchedule( ModelSpec.COSINE, 0, 4, 0, () -> 0L );
		assertEquals( 0.625, byEpochs.fraction( 2, 1, 2 ), 1e-12 );
		assertEquals( 0.308658, byEpochs.multiplier( 2, 1, 2 ), 1e-6 );

		// by a 2-minute budget (1000 epochs): 30 s after the start a quarter is done
		final long[] now = { 5_000_000_000L };
		final LearningRateSchedule byTime = new LearningRateSchedule( ModelSpec.COSINE, 0, 1000, 2, () -> now[ 0 ] );
		now[ 0 ] += 30_000_000_000L;
		assertEquals( 0.25, byTime.fraction( 3, 0, 10 ), 1e-9 );
		assertEquals( 0.853553, byTime.multiplier( 3, 0, 10 ), 1e-6 );
		now[ 0 ] += 200_000_000_000L;
		assertEquals( 0, byTime.multiplier( 7, 0, 10 ), 1e-12, "past the budget: 0" );

		// a resume of a run stopped at 0.4 spans the remaining 0.6; a finished one (1) starts a new cosine
		final LearningRateSchedule resumed = new LearningRateSchedule( ModelSpec.COSINE, 0.4, 6, 0, () -> 0L );
		assertEquals( 0.4, resumed.fraction( 0, 0, 5 ), 1e-12 );
		assertEquals( 0.7, resumed.fraction( 3, 0, 5 ), 1e-12 );
		assertEquals( 0, new LearningRateSchedule( ModelSpec.COSINE, 1, 6, 0, () -> 0L ).fraction( 0, 0, 5 ), 1e-12 );
		assertEquals( 1, new LearningRateSchedule( ModelSpec.CONSTANT, 0.4, 6, 0, () -> 0L ).multiplier( 5, 4, 5 ),
				1e-12 );
		assertThrows( IllegalArgumentException.class,
				() -> new LearningRateSchedule( "linear", 0, 6, 0, () -> 0L ) );
		final ModelSpec bad = Presets.convStrided();
		bad.learningRateSchedule = "linear";
		assertTrue( assertThrows( IllegalArgumentException.class, bad::validate ).getMessage()
				.contains( "learning_rate_schedule must be constant or cosine, got linear" ) );
	}

	/** The largest parameter change of one training run with learning-rate factor {@code m} ({@code steps} steps in one run, or 1 plain step). */
	private static double largestChange( final double m, final int steps )
	{
		final ModelSpec spec = Presets.convStrided(); // learning rate 1e-3
		final Random random = new Random( 7 );
		final int n = 8 * steps;
		final float[] x = new float[ n * 28 * 28 ];
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = random.nextFloat();
		try ( Model model = Model.create( spec, 11, 2 ); TFloat32 in = Model.tensor( x, Shape.of( n, 28, 28, 1 ) ) )
		{
			final Map< String, float[] > before = model.readParameters();
			model.learningRateMultiplier( m );
			if ( steps == 1 )
				model.trainStep( Endpoints.TRAIN, Endpoints.LOSS, in, in, null );
			else
			{
				model.prepareMultiStep( steps );
				model.trainSteps( steps, in, in, null );
			}
			double largest = 0;
			for ( final Map.Entry< String, float[] > e : model.readParameters().entrySet() )
				for ( int i = 0; i < e.getValue().length; i++ )
					largest = Math.max( largest, Math.abs( e.getValue()[ i ] - before.get( e.getKey() )[ i ] ) );
			return largest;
		}
	}

	@Test
	void theOptimiserAppliesTheFactor()
	{
		// Adam's first step moves each parameter by lr * g / (|g| + eps): the largest change is the applied rate
		assertEquals( 1e-3, largestChange( 1, 1 ), 1e-5 );
		assertEquals( 0.25e-3, largestChange( 0.25, 1 ), 0.25e-5 );
		// two steps in one run (the trainer's steps per run): about twice the rate, scaled by the factor
		final double full = largestChange( 1, 2 ), quarter = largestChange( 0.25, 2 );
		assertTrue( full > 1.5e-3 && full < 2.1e-3, "two steps at 1e-3 moved at most " + full );
		assertEquals( 0.25, quarter / full, 0.01, "two steps at a factor 0.25: " + quarter + " vs " + full );
	}

	@Test
	void aStoppedCosineTrainingIsContinuedByItsResume() throws Exception
	{
		final ImagePlus cell = TestImages.open( "cell.png" );
		final Path file = dir.resolve( "cosine.aemodel.zip" );
		final ModelSpec spec = Presets.convStrided();
		spec.learningRateSchedule = ModelSpec.COSINE;
		final ImageTrainingJob job = new ImageTrainingJob( spec, file );
		job.patchSize = 32;
		job.patchesPerEpoch = 32; // 2 steps of 16 per epoch
		job.config.epochs( 4 ).batchSize( 16 ).patience( 0 );
		final ImageTrainingJob.Result r = job.run( Collections.singletonList( cell ), null, new TrainingListener()
		{
			@Override
			public void epochEnded( final History.Epoch e, final History h )
			{
				if ( e.epoch == 2 )
					job.trainer.requestStop(); // as the Stop button, half-way through the 4 epochs
			}
		} );
		assertEquals( Trainer.StopReason.CANCELLED, r.training.reason );
		// the rate of each epoch's last step (the second of 2): at (e + 0.5) / 4 of the schedule
		final double[] expected = new double[ 4 ];
		for ( int e = 0; e < 4; e++ )
			expected[ e ] = 1e-3 * cosine( ( e + 0.5 ) / 4 );
		assertEquals( 2, r.history.epochs.size() );
		assertEquals( expected[ 0 ], r.history.epochs.get( 0 ).learningRate, 1e-9 ); // 0.962e-3
		assertEquals( expected[ 1 ], r.history.epochs.get( 1 ).learningRate, 1e-9 ); // 0.691e-3
		final History saved;
		try ( ModelFile.Loaded loaded = ModelFile.load( file, 1 ) )
		{
			assertEquals( ModelSpec.COSINE, loaded.model().spec().learningRateSchedule, "saved with the model" );
			saved = History.fromJson( loaded.extras().get( ModelFile.HISTORY ) );
		}
		assertEquals( 0.5, saved.scheduleDone, 1e-9, "2 of 4 epochs done" );

		final ImageTrainingJob more = new ImageTrainingJob( null, file );
		more.resumeFrom = file;
		more.patchesPerEpoch = 32;
		more.config.epochs( 2 ).batchSize( 16 ).patience( 0 );
		final ImageTrainingJob.Result r2 = more.run( Collections.singletonList( cell ), null, TrainingListener.none() );
		final List< Double > rates = new ArrayList<>();
		for ( final History.Epoch e : r2.history.epochs )
			rates.add( e.learningRate );
		assertEquals( 4, rates.size(), "epochs continue: " + rates );
		// the resumed 2 epochs span the remaining half: the rates of the uninterrupted training's epochs 3 and 4
		assertEquals( expected[ 2 ], rates.get( 2 ), 1e-9 ); // 0.309e-3
		assertEquals( expected[ 3 ], rates.get( 3 ), 1e-9 ); // 0.038e-3
		assertEquals( 1, r2.history.scheduleDone, 1e-12, "finished: a further resume starts a new cosine" );
	}

	@Test
	void aPlateauHalvesTheRate() throws Exception
	{
		// nothing counts as an improvement (99 % needed), so each 2 epochs without one halve the rate from the next epoch on
		final ImageTrainingJob job = new ImageTrainingJob( Presets.convStrided(),
				dir.resolve( "plateau.aemodel.zip" ) );
		job.patchSize = 32;
		job.patchesPerEpoch = 32;
		job.config.epochs( 6 ).batchSize( 16 ).patience( 0 ).minImprovement( 0.99 ).reduceAfter( 2 );
		final ImageTrainingJob.Result r = job.run( Collections.singletonList( TestImages.open( "cell.png" ) ), null,
				TrainingListener.none() );
		final double[] expected = { 1e-3, 1e-3, 0.5e-3, 0.5e-3, 0.25e-3, 0.25e-3 };
		assertEquals( 6, r.history.epochs.size() );
		for ( int e = 0; e < 6; e++ )
			assertEquals( expected[ e ], r.history.epochs.get( e ).learningRate, 1e-9, "epoch " + ( e + 1 ) );
		// without a plateau setting the rate stays
		final ImageTrainingJob plain = new ImageTrainingJob( Presets.convStrided(),
				dir.resolve( "plain.aemodel.zip" ) );
		plain.patchSize = 32;
		plain.patchesPerEpoch = 32;
		plain.config.epochs( 3 ).batchSize( 16 ).patience( 0 ).minImprovement( 0.99 );
		for ( final History.Epoch e : plain.run( Collections.singletonList( TestImages.open( "cell.png" ) ), null,
				TrainingListener.none() ).history.epochs )
			assertEquals( 1e-3, e.learningRate, 1e-9 );
		assertThrows( IllegalArgumentException.class, () -> new TrainingConfig().reduceAfter( -1 ).validate() );
	}
}
