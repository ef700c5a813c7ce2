package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SyntheticAnomaliesTest
{
	@Test
	void paintsShiftedRegionsIntoInputsOnlyAndLeavesTargetsNormal()
	{
		final int n = 200, h = 64, w = 48, c = 2, size = h * w * c;
		final float[] input = new float[ n * size ], target = new float[ n * size ];
		final Random r = new Random( 3 );
		for ( int i = 0; i < input.length; i++ )
			input[ i ] = target[ i ] = r.nextFloat();
		final float[] before = input.clone(), targetBefore = target.clone();
		final SyntheticAnomalies anomalies = new SyntheticAnomalies();
		anomalies.maxPerPatch = 1; // one anomaly per patch: every changed pixel is shifted by that anomaly's offset times its coverage
		anomalies.apply( input, target, null, n, h, w, c, new Random( 9 ) );
		assertArrayEquals( targetBefore, target, "targets stay the normal patches" );
		int changedPatches = 0, fullyCovered = 0;
		for ( int p = 0; p < n; p++ )
		{
			double largest = 0;
			int changed = 0;
			for ( int i = 0; i < h * w; i++ )
			{
				final int k = p * size + i * c;
				final double d0 = input[ k ] - before[ k ], d1 = input[ k + 1 ] - before[ k + 1 ];
				assertEquals( d0, d1, 1e-6, "every channel gets the same shift" );
				assertTrue( Math.abs( d0 ) <= anomalies.maxOffset + 1e-6, "shift " + d0 + " beyond the largest offset" );
				if ( d0 != 0 )
					changed++;
				largest = Math.max( largest, Math.abs( d0 ) );
			}
			if ( changed > 0 )
			{
				changedPatches++;
				assertTrue( changed < h * w / 2, "an anomaly is local: " + changed + " of " + h * w + " pixels" );
				if ( largest >= anomalies.minOffset - 1e-6 )
					fullyCovered++;
			}
		}
		// 20 % of patches stay clean (binomial, n = 200: 160 +- 6 expected changed; an anomaly may fall mostly outside the patch)
		assertTrue( changedPatches > 130 && changedPatches < 180, "patches with an anomaly: " + changedPatches );
		assertTrue( fullyCovered > changedPatches * 0.8, "anomalies with a fully covered pixel shifted by at least the smallest offset: " + fullyCovered + " of " + changedPatches );

		// the same generator seed paints the same anomalies
		final float[] again = before.clone();
		anomalies.apply( again, target.clone(), null, n, h, w, c, new Random( 9 ) );
		assertArrayEquals( input, again );
		anomalies.minOffset = 0.5;
		anomalies.maxOffset = 0.2;
		final String msg = assertThrows( IllegalArgumentException.class, () -> anomalies.apply( Arrays.copyOf( before, size ), new float[ size ], null, 1, h, w, c, new Random() ) ).getMessage();
		assertTrue( msg.contains( "0 <= min <= max" ), msg );
	}
}
