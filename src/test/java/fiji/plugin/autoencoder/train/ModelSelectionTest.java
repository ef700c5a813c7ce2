package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Best epoch and early stopping on a smoothed validation loss. */
class ModelSelectionTest
{
	/** A loss that falls until epoch 14, then rises; ±0.03 alternating noise and one lucky spike down at epoch 6. */
	static double[] noisyLoss()
	{
		final double[] v = new double[ 24 ];
		for ( int e = 1; e <= v.length; e++ )
		{
			final double trend = 0.5 + 0.004 * ( e - 14 ) * ( e - 14 );
			v[ e - 1 ] = trend + ( e % 2 == 0 ? 0.03 : -0.03 );
		}
		v[ 5 ] = 0.45; // epoch 6: a lucky validation batch, below the true minimum of the trend
		return v;
	}

	static ModelSelection run( final double[] loss, final double smoothing, final int patience, final int minEpochs,
			final int[] stoppedAt )
	{
		final ModelSelection m = new ModelSelection( 2.0, 0, smoothing, minEpochs );
		stoppedAt[ 0 ] = 0;
		for ( int e = 1; e <= loss.length; e++ )
		{
			m.offer( loss[ e - 1 ], e );
			if ( m.patienceExhausted( patience ) )
			{
				stoppedAt[ 0 ] = e;
				break;
			}
		}
		return m;
	}

	@Test
	void keepsTheSmoothedMinimumNotALuckySpike()
	{
		final double[] loss = noisyLoss();
		final int[] stop = new int[ 1 ];
		final ModelSelection raw = run( loss, 0, 0, 0, stop );
		assertEquals( 6, raw.epoch(), "the raw loss keeps the lucky epoch" );
		final ModelSelection smooth = run( loss, 0.6, 0, 0, stop );
		// the smoothed curve, computed independently
		double s = loss[ 0 ], best = s;
		int argmin = 1;
		for ( int e = 2; e <= loss.length; e++ )
		{
			s = 0.6 * s + 0.4 * loss[ e - 1 ];
			if ( s < best )
			{
				best = s;
				argmin = e;
			}
		}
		assertEquals( argmin, smooth.epoch(), "the smoothed minimum" );
		assertTrue( smooth.epoch() >= 12 && smooth.epoch() <= 18,
				"near the trend's minimum (14), far from the spike: " + smooth.epoch() );
		assertEquals( loss[ smooth.epoch() - 1 ], smooth.loss(), 0, "reports the kept epoch's own loss" );
		// with patience 5 the raw loss stops at epoch 11 (5 epochs after the spike); the smoothed one goes on past the trend's minimum
		run( loss, 0, 5, 0, stop );
		assertEquals( 11, stop[ 0 ] );
		final ModelSelection patient = run( loss, 0.6, 5, 0, stop );
		assertTrue( stop[ 0 ] > 14, "smoothed patience stops after the trend's minimum: " + stop[ 0 ] );
		assertEquals( smooth.epoch(), patient.epoch() );
	}

	@Test
	void neverStopsBeforeTheMinimumEpochs()
	{
		final double[] rising = { 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4 };
		final int[] stop = new int[ 1 ];
		run( rising, 0, 2, 0, stop );
		assertEquals( 3, stop[ 0 ] );
		run( rising, 0, 2, 8, stop );
		assertEquals( 8, stop[ 0 ], "early stopping waits for the minimum number of epochs" );
		final ModelSelection none = new ModelSelection( 0.4, 0, 0.5, 0 );
		for ( int e = 1; e <= rising.length; e++ )
			assertFalse( none.offer( rising[ e - 1 ], e ), "no epoch beats the weights before training" );
		assertEquals( 0, none.epoch() );
	}
}
