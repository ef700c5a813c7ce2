package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;

class TrainerTest
{
	static final int N = 1200;

	/** Data that turns to NaN after {@code cleanBatches} batches have been filled. */
	static final class PoisonedData implements TrainingData
	{
		final ArrayTrainingData base;

		int fills, cleanBatches;

		PoisonedData( final float[] x, final int cleanBatches )
		{
			base = new ArrayTrainingData( x, N, 28, 28, 1 );
			this.cleanBatches = cleanBatches;
		}

		@Override
		public int size()
		{
			return N;
		}

		@Override
		public int[] inputShape()
		{
			return base.inputShape();
		}

		@Override
		public int targetChannels()
		{
			return 1;
		}

		@Override
		public boolean hasTargets()
		{
			return false;
		}

		@Override
		public boolean hasWeights()
		{
			return false;
		}

		@Override
		public void fill( final int[] idx, final int from, final int n, final float[] in, final float[] t,
				final float[] w, final Random r )
		{
			base.fill( idx, from, n, in, t, w, r );
			if ( ++fills > cleanBatches )
				in[ 3 ] = Float.NaN;
		}
	}

	@Test
	void nanLossStopsWithMessageAndKeepsBestWeights()
	{
		final float[] x = FashionMnistSubset.images( N );
		final TrainingData val = new ArrayTrainingData( FashionMnistSubset.images( N ), N, 28, 28, 1 );
		try ( Model m = Model.create( Presets.convStrided(), 2, 2 ) )
		{
			final Map< String, float[] >[] best = new Map[ 1 ];
			final PoisonedData data = new PoisonedData( x, 0 );
			data.cleanBatches = Integer.MAX_VALUE;
			final TrainingListener keep = new TrainingListener()
			{
				@Override
				public void bestImproved( final Model model, final History h )
				{
					best[ 0 ] = model.readParameters();
					data.cleanBatches = data.fills + 5; // poison the data during the next epoch
				}
			};
			final Trainer.Result r = new Trainer().train( m, data, val,
					new TrainingConfig().epochs( 4 ).batchSize( 100 ), new History(), keep );
			assertEquals( Trainer.StopReason.DIVERGED, r.reason );
			assertTrue( r.message.contains( "NaN" ) && r.message.contains( "epoch 1" ), r.message );
			final Map< String, float[] > now = m.readParameters();
			for ( final String k : now.keySet() )
				assertArrayEquals( best[ 0 ].get( k ), now.get( k ), k + " is the best epoch's" );
			for ( final float v : m.reconstruct( java.util.Arrays.copyOf( x, 10 * 784 ), 10 ) )
				assertTrue( Float.isFinite( v ) );
		}
	}

	@Test
	void stopKeepsTheBestWeightsAfterTheCurrentStep()
	{
		final float[] x = FashionMnistSubset.images( N );
		try ( Model m = Model.create( Presets.dense( false ), 2, 2 ) )
		{
			final Trainer trainer = new Trainer();
			final int[] steps = new int[ 1 ];
			final History h = new History();
			final Trainer.Result r = trainer.train( m, new ArrayTrainingData( x, N, 28, 28, 1 ), null,
					new TrainingConfig().epochs( 50 ).batchSize( 32 ).validationFraction( 0.25 ), h,
					new TrainingListener()
					{
						@Override
						public void stepEnded( final String phase, final int epoch, final int step, final int total,
								final double loss )
						{
							if ( ++steps[ 0 ] == 70 ) // epoch 3
								trainer.requestStop();
						}
					} );
			assertEquals( Trainer.StopReason.CANCELLED, r.reason );
			assertEquals( 70, steps[ 0 ], "stops right after the step that asked" );
			assertEquals( 3, h.epochs.size(), "two full epochs and the partial one are recorded" );
			assertTrue( r.bestEpoch >= 2 && r.bestLoss < h.initialValidationLoss, r.message );
		}
	}

	@Test
	void earlyStoppingWhenNothingImproves()
	{
		final ModelSpec spec = Presets.dense( false );
		spec.learningRate = 1e-12;
		try ( Model m = Model.create( spec, 2, 2 ) )
		{
			final History h = new History();
			final Trainer.Result r = new Trainer().train( m,
					new ArrayTrainingData( FashionMnistSubset.images( N ), N, 28, 28, 1 ), null,
					new TrainingConfig().epochs( 30 ).patience( 2 ).minImprovement( 1e-3 ), h,
					TrainingListener.none() );
			assertEquals( Trainer.StopReason.EARLY_STOPPED, r.reason, r.message );
			assertEquals( 2, h.epochs.size() );
		}
	}

	@Test
	void badDataIsRefusedWithTheFix()
	{
		try ( Model m = Model.create( Presets.dense( false ), 2, 1 ) )
		{
			final String ch = assertThrows( IllegalArgumentException.class,
					() -> new Trainer().train( m, new ArrayTrainingData( new float[ 28 * 28 * 3 * 2 ], 2, 28, 28, 3 ),
							null,
							new TrainingConfig(), new History(), TrainingListener.none() ) )
					.getMessage();
			assertTrue( ch.contains( "3 channel(s)" ) && ch.contains( "takes 1" ), ch );
			final String size = assertThrows( IllegalArgumentException.class,
					() -> new Trainer().train( m, new ArrayTrainingData( new float[ 32 * 32 * 4 ], 4, 32, 32, 1 ), null,
							new TrainingConfig(), new History(), TrainingListener.none() ) )
					.getMessage();
			assertTrue( size.contains( "32 x 32" ) && size.contains( "28 x 28" ), size );
			assertTrue( assertThrows( IllegalArgumentException.class,
					() -> new ArrayTrainingData( new float[ 0 ], 0, 28, 28, 1 ) ).getMessage().contains( "empty" ) );
			assertTrue(
					assertThrows( IllegalArgumentException.class, () -> new TrainingConfig().batchSize( 0 ).validate() )
							.getMessage().contains( "batch_size" ) );
		}
	}

	/** The overfitting hint: a rising validation loss after an early best, with a falling training loss; not for a curve still improving or too short. */
	@Test
	void overfittingHintOnlyForARisingValidationLoss() throws Exception
	{
		// the grass second stage of the texture bench, from its saved history (rounded): best 0.153 at epoch 23, 0.219 at 40
		final History grass = curve( 40,
				e -> 0.19 - 0.03 * Math.min( e, 23 ) / 23.0 + ( e > 23 ? 0.066 * ( e - 23 ) / 17.0 : 0 ),
				e -> 0.20 - 0.13 * e / 40.0 );
		final String hint = grass.overfittingHint();
		assertTrue( hint != null && hint.contains( "(epoch 23)" ) && hint.contains( "(epoch 40)" )
				&& hint.contains( "l2 = 0.0001" ), hint );
		// still improving (brick: best at 39 of 40)
		assertEquals( null, curve( 40, e -> 0.05 - 0.0006 * e, e -> 0.04 - 0.0005 * e ).overfittingHint() );
		// noisy but not 20 % above the best
		assertEquals( null, curve( 40, e -> 0.08 + ( e > 20 ? 0.01 : 0 ), e -> 0.1 - 0.001 * e ).overfittingHint() );
		// too short to tell
		assertEquals( null, curve( 5, e -> e < 2 ? 0.1 : 0.3, e -> 0.1 - 0.01 * e ).overfittingHint() );
	}

	private static History curve( final int epochs, final java.util.function.IntToDoubleFunction validation,
			final java.util.function.IntToDoubleFunction train )
	{
		final History h = new History();
		for ( int e = 1; e <= epochs; e++ )
		{
			final History.Epoch x = new History.Epoch();
			x.phase = "train";
			x.epoch = e;
			x.validationLoss = validation.applyAsDouble( e );
			x.trainLoss = train.applyAsDouble( e );
			h.epochs.add( x );
		}
		return h;
	}
}
