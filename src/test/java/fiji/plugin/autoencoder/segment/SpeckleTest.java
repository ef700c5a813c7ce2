package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Multiplicative (speckle) noise of the segmenter's training patches. */
class SpeckleTest
{
	@Test
	void speckleMultipliesByOnePlusNoiseOfTheDrawnSdAndZeroChangesNothing()
	{
		final int n = 64, count = 200, patch = 32;
		final float[] in = new float[ n * n ], target = new float[ n * n ];
		java.util.Arrays.fill( in, 2f ); // a constant plane: every patch value is 2 * gain * (1 + sigma z)
		final List< SegmentPatches.Plane > planes = List.of( new SegmentPatches.Plane( in, target, n, n, 1 ) );
		final int[] idx = new int[ count ];
		final float[] plain = new float[ count * patch * patch ], zero = new float[ plain.length ],
				noisy = new float[ plain.length ], y = new float[ plain.length ];
		new SegmentPatches( planes, patch, 1, 1, count, 0, 0, 7, true ).fill( idx, 0, count, plain, y, null,
				new Random( 3 ) );
		new SegmentPatches( planes, patch, 1, 1, count, 0, 0, 7, true ).speckle( 0 ).fill( idx, 0, count, zero, y,
				null, new Random( 3 ) );
		assertArrayEquals( plain, zero, 0, "speckle 0: the same patches from the same draws" );
		new SegmentPatches( planes, patch, 1, 1, count, 0, 0, 7, true ).speckle( 0.3 ).fill( idx, 0, count, noisy, y,
				null, new Random( 3 ) );
		// per patch the relative deviations (v / 2 - 1) have mean 0 and SD sigma, uniform in [0, 0.3]: mean SD 0.15
		double sdSum = 0, maxSd = 0, meanAbs = 0;
		for ( int s = 0; s < count; s++ )
		{
			double sum = 0, sq = 0;
			for ( int i = 0; i < patch * patch; i++ )
			{
				final double r = noisy[ s * patch * patch + i ] / 2 - 1;
				sum += r;
				sq += r * r;
			}
			final double mean = sum / ( patch * patch ), sd = Math.sqrt( sq / ( patch * patch ) - mean * mean );
			sdSum += sd;
			maxSd = Math.max( maxSd, sd );
			meanAbs += Math.abs( mean ) / count;
		}
		assertEquals( 0.15, sdSum / count, 0.02, "mean per-patch SD" );
		assertTrue( maxSd < 0.33 && meanAbs < 0.02, "SD at most 0.3 (+ sampling), mean 0: " + maxSd + ", " + meanAbs );
		final String e = assertThrows( IllegalArgumentException.class,
				() -> new SegmentPatches( planes, patch, 1, 1, count, 0, 0, 7, true ).speckle( 1.5 ) ).getMessage();
		assertTrue( e.contains( "speckle" ) && e.contains( "1.5" ), e );
	}
}
