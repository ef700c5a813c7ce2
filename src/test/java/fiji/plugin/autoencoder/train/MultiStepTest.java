package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;

/**
 * Several optimiser steps per run (fed, and from data uploaded to the graph)
 * give the losses and weights of the same steps run one at a time.
 */
@Tag( "slow" ) // training quality: excluded from the fast tier (mvn test -Pfast)
class MultiStepTest
{
	@TempDir
	Path dir;

	static final int K = 4, B = 32;

	/** Losses of 2 x K single steps on consecutive slices of x, then the parameters. */
	static List< float[] > singleSteps( final ModelSpec spec, final float[] x )
	{
		try ( Model m = Model.create( spec, 3, 2 ) )
		{
			final float[] losses = new float[ 2 * K ];
			for ( int i = 0; i < 2 * K; i++ )
				try ( TFloat32 t = Model.tensor( Arrays.copyOfRange( x, i * B * 784, ( i + 1 ) * B * 784 ),
						Shape.of( B, 28, 28, 1 ) ) )
				{
					losses[ i ] = m.trainStep( "train", "loss", t, t, null );
				}
			return result( m, losses );
		}
	}

	static List< float[] > result( final Model m, final float[] losses )
	{
		final List< float[] > r = new ArrayList<>();
		r.add( losses );
		r.add( new float[] { m.step() } );
		for ( final float[] p : m.readParameters().values() )
			r.add( p );
		return r;
	}

	static float maxAbsDiff( final float[] a, final float[] b )
	{
		assertEquals( a.length, b.length );
		float d = 0;
		for ( int i = 0; i < a.length; i++ )
			d = Math.max( d, Math.abs( a[ i ] - b[ i ] ) );
		return d;
	}

	static void assertSameTraining( final List< float[] > expected, final List< float[] > actual, final String what )
	{
		final float[] l0 = expected.get( 0 ), l1 = actual.get( 0 );
		for ( int i = 0; i < l0.length; i++ )
			assertEquals( l0[ i ], l1[ i ], 2e-3 * Math.abs( l0[ i ] ), what + ": loss of step " + i );
		assertEquals( expected.get( 1 )[ 0 ], actual.get( 1 )[ 0 ], what + ": step counter" );
		float d = 0;
		for ( int i = 2; i < expected.size(); i++ )
			d = Math.max( d, maxAbsDiff( expected.get( i ), actual.get( i ) ) );
		// the learning rate is 1e-3: 8 Adam steps move a weight by up to about 8e-3
		assertTrue( d < 2e-4, what + ": parameters differ by " + d );
	}

	@Test
	void fedMultiStepEqualsSingleSteps()
	{
		final float[] x = FashionMnistSubset.images( 2 * K * B );
		for ( final ModelSpec spec : Arrays.asList( Presets.dense( false ), Presets.convStrided(),
				Presets.convPool( ModelSpec.Unpooling.ZERO_FILL ) ) )
		{
			final List< float[] > single = singleSteps( spec, x );
			try ( Model m = Model.create( spec, 3, 2 ) )
			{
				m.prepareMultiStep( K );
				final float[] losses = new float[ 2 * K ];
				for ( int r = 0; r < 2; r++ )
					try ( TFloat32 t = Model.tensor( Arrays.copyOfRange( x, r * K * B * 784, ( r + 1 ) * K * B * 784 ),
							Shape.of( K * B, 28, 28, 1 ) ) )
					{
						System.arraycopy( m.trainSteps( K, t, t, null ), 0, losses, r * K, K );
					}
				assertSameTraining( single, result( m, losses ), spec.name + " fed" );
			}
		}
	}

	@Test
	void uploadedDataEqualsFedData()
	{
		final int n = 3 * K * B;
		final float[] x = FashionMnistSubset.images( n );
		// the batches of the single steps: samples in reverse order, to check the gather
		final float[] reversed = new float[ x.length ];
		for ( int i = 0; i < n; i++ )
			System.arraycopy( x, ( n - 1 - i ) * 784, reversed, i * 784, 784 );
		final ModelSpec spec = Presets.convStrided();
		final List< float[] > single = singleSteps( spec, reversed );
		try ( Model m = Model.create( spec, 3, 2 ) )
		{
			m.prepareMultiStep( K );
			try ( TFloat32 all = Model.tensor( x, Shape.of( n, 28, 28, 1 ) ) )
			{
				m.uploadTrainingData( all, null );
			}
			final float[] losses = new float[ 2 * K ];
			for ( int r = 0; r < 2; r++ )
			{
				final int[] idx = new int[ K * B ];
				for ( int i = 0; i < idx.length; i++ )
					idx[ i ] = n - 1 - ( r * K * B + i );
				try ( TInt32 t = TInt32.vectorOf( idx ) )
				{
					System.arraycopy( m.trainSteps( K, t ), 0, losses, r * K, K );
				}
			}
			assertSameTraining( single, result( m, losses ), "uploaded" );
			m.releaseTrainingData();
			try ( TInt32 t = TInt32.vectorOf( new int[ K * B ] ) )
			{
				assertThrows( IllegalStateException.class, () -> m.trainSteps( K, t ) );
			}
			try ( TFloat32 odd = TFloat32.tensorOf( Shape.of( K * B + 1, 28, 28, 1 ) ) )
			{
				assertTrue( assertThrows( IllegalArgumentException.class, () -> m.trainSteps( K, odd, odd, null ) )
						.getMessage().contains( "multiple of 4" ) );
			}
		}
	}

	/**
	 * Uploaded inputs and separate targets stay two data sets: a 2-channel
	 * segmenter with 1-channel masks, and an autoencoder with targets that are
	 * not its inputs, train exactly as with the same batches fed. (The two data
	 * variables once shared one TensorFlow resource, so the targets overwrote
	 * the inputs.)
	 */
	@Test
	void uploadedPairsEqualFedPairs()
	{
		final int n = 2 * K * 4;
		final java.util.Random r = new java.util.Random( 11 );
		final float[] x2 = new float[ n * 32 * 32 * 2 ], mask = new float[ n * 32 * 32 ];
		for ( int i = 0; i < x2.length; i++ )
			x2[ i ] = r.nextFloat();
		for ( int i = 0; i < mask.length; i++ )
			mask[ i ] = x2[ 2 * i ] + x2[ 2 * i + 1 ] > 1.2f ? 1 : 0;
		final ModelSpec seg = Presets.segmenter( 2 );
		seg.height = seg.width = 32;
		final float[] x = FashionMnistSubset.images( n ), t = new float[ x.length ];
		for ( int i = 0; i < n; i++ )
			System.arraycopy( x, ( n - 1 - i ) * 784, t, i * 784, 784 ); // another image as the target
		final Object[][] cases = { { seg.validate(), x2, mask, new long[] { 32, 32, 2 } },
				{ Presets.convStrided(), x, t, new long[] { 28, 28, 1 } } };
		for ( final Object[] c : cases )
		{
			final ModelSpec spec = ( ModelSpec ) c[ 0 ];
			final float[] in = ( float[] ) c[ 1 ], out = ( float[] ) c[ 2 ];
			final long[] s = ( long[] ) c[ 3 ];
			final List< List< float[] > > results = new ArrayList<>();
			for ( final boolean upload : new boolean[] { false, true } )
				try ( Model m = Model.create( spec, 3, 2 ) )
				{
					m.prepareMultiStep( K );
					final float[] losses = new float[ 2 * K ];
					final int half = n / 2, inSize = ( int ) ( s[ 0 ] * s[ 1 ] * s[ 2 ] ),
							outSize = ( int ) ( s[ 0 ] * s[ 1 ] );
					if ( upload )
						try ( TFloat32 all = Model.tensor( in, Shape.of( n, s[ 0 ], s[ 1 ], s[ 2 ] ) );
								TFloat32 allT = Model.tensor( out, Shape.of( n, s[ 0 ], s[ 1 ], 1 ) ) )
						{
							m.uploadTrainingData( all, allT );
						}
					for ( int run = 0; run < 2; run++ )
						if ( upload )
						{
							final int[] idx = new int[ half ];
							for ( int i = 0; i < half; i++ )
								idx[ i ] = run * half + i;
							try ( TInt32 ti = TInt32.vectorOf( idx ) )
							{
								System.arraycopy( m.trainSteps( K, ti ), 0, losses, run * K, K );
							}
						}
						else
							try ( TFloat32 bi = Model.tensor(
									Arrays.copyOfRange( in, run * half * inSize, ( run + 1 ) * half * inSize ),
									Shape.of( half, s[ 0 ], s[ 1 ], s[ 2 ] ) );
									TFloat32 bt = Model.tensor(
											Arrays.copyOfRange( out, run * half * outSize,
													( run + 1 ) * half * outSize ),
											Shape.of( half, s[ 0 ], s[ 1 ], 1 ) ) )
							{
								System.arraycopy( m.trainSteps( K, bi, bt, null ), 0, losses, run * K, K );
							}
					results.add( result( m, losses ) );
				}
			assertSameTraining( results.get( 0 ), results.get( 1 ), spec.name + " uploaded pairs" );
		}
	}

	/** The trainer with 8 steps per run: same history as with 1 (the last, partial batch runs alone), data left out of the model file. */
	@Test
	void trainerWithStepsPerRunMatchesSingleStepsAndSavesNoData() throws IOException
	{
		final int n = 1000;
		final float[] x = FashionMnistSubset.images( n );
		final double[][] losses = new double[ 2 ][];
		final int[][] stepCounts = new int[ 2 ][ 1 ];
		for ( int v = 0; v < 2; v++ )
		{
			final int[] count = stepCounts[ v ];
			try ( Model m = Model.create( Presets.dense( false ), 5, 2 ) )
			{
				final History h = new History();
				final Trainer.Result r = new Trainer().train( m, new ArrayTrainingData( x, n, 28, 28, 1 ), null,
						new TrainingConfig().epochs( 2 ).batchSize( 64 ).validationFraction( 0.2 )
								.stepsPerRun( v == 0 ? 1 : 8 ),
						h, new TrainingListener()
						{
							@Override
							public void stepEnded( final String phase, final int epoch, final int step, final int total,
									final double loss )
							{
								count[ 0 ]++;
								assertEquals( ( count[ 0 ] - 1 ) % 13 + 1, step,
										"steps are numbered 1..13 in each epoch" );
							}
						} );
				assertEquals( Trainer.StopReason.COMPLETED, r.reason );
				losses[ v ] = new double[] { h.epochs.get( 0 ).trainLoss, h.epochs.get( 1 ).trainLoss,
						h.epochs.get( 1 ).validationLoss };
				assertEquals( 26, m.step() );
				if ( v == 1 )
				{
					final Path file = dir.resolve( "multi.aemodel.zip" );
					ModelFile.save( m, file, Collections.emptyMap() );
					// 800 training images are 2.5 MB as floats; the dense model with Adam state is about 0.4 MB
					assertTrue( Files.size( file ) < 1_000_000,
							"the uploaded data is not saved: " + Files.size( file ) + " bytes" );
					final float[] before = m.reconstruct( Arrays.copyOf( x, 10 * 784 ), 10 );
					try ( ModelFile.Loaded loaded = ModelFile.load( file, 2 ) )
					{
						assertEquals( 0f,
								maxAbsDiff( before, loaded.model().reconstruct( Arrays.copyOf( x, 10 * 784 ), 10 ) ) );
						final Map< String, float[] > p = loaded.model().readParameters();
						assertArrayEquals( m.readParameters().get( "params/enc0_w" ), p.get( "params/enc0_w" ) );
					}
				}
			}
			assertEquals( 26, stepCounts[ v ][ 0 ], "the listener hears every step" );
		}
		for ( int i = 0; i < 3; i++ )
			assertEquals( losses[ 0 ][ i ], losses[ 1 ][ i ], 2e-3 * losses[ 0 ][ i ],
					"loss " + i + ": " + Arrays.toString( losses[ 0 ] ) + " vs " + Arrays.toString( losses[ 1 ] ) );
	}

	@Test
	void stopTakesEffectAfterTheCurrentRun()
	{
		final int n = 1200;
		final float[] x = FashionMnistSubset.images( n );
		try ( Model m = Model.create( Presets.dense( false ), 2, 2 ) )
		{
			final Trainer trainer = new Trainer();
			final int[] steps = new int[ 1 ];
			final Trainer.Result r = trainer.train( m, new ArrayTrainingData( x, n, 28, 28, 1 ), null,
					new TrainingConfig().epochs( 50 ).batchSize( 32 ).stepsPerRun( 8 ), new History(),
					new TrainingListener()
					{
						@Override
						public void stepEnded( final String phase, final int epoch, final int step, final int total,
								final double loss )
						{
							if ( ++steps[ 0 ] == 70 )
								trainer.requestStop();
						}
					} );
			assertEquals( Trainer.StopReason.CANCELLED, r.reason );
			// 1080 training samples: 34 steps per epoch, runs of 8 for steps 1-32, then 33 and the partial 34 alone;
			// epoch 2: 35-66 in runs, 67, 68; epoch 3: the run of steps 69-76 contains step 70
			assertEquals( 76, steps[ 0 ], "stops after the run of 8 steps that contains step 70" );
			assertThrows( IllegalArgumentException.class, () -> new TrainingConfig().stepsPerRun( 0 ).validate() );
		}
	}
}
