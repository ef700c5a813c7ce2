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
				assertTrue( Math.abs( d0 ) <= anomalies.maxOffset + 1e-6,
						"shift " + d0 + " beyond the largest offset" );
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
		assertTrue( fullyCovered > changedPatches * 0.8,
				"anomalies with a fully covered pixel shifted by at least the smallest offset: " + fullyCovered + " of "
						+ changedPatches );

		// the same generator seed paints the same anomalies
		final float[] again = before.clone();
		anomalies.apply( again, target.clone(), null, n, h, w, c, new Random( 9 ) );
		assertArrayEquals( input, again );
		anomalies.minOffset = 0.5;
		anomalies.maxOffset = 0.2;
		final String msg = assertThrows( IllegalArgumentException.class, () -> anomalies
				.apply( Arrays.copyOf( before, size ), new float[ size ], null, 1, h, w, c, new Random() ) )
				.getMessage();
		assertTrue( msg.contains( "0 <= min <= max" ), msg );
	}

	@Test
	void masksAreThePaintedCoverageAndEachAnomalyStaysInItsBoundingBox()
	{
		// the bounding box is conservative: no pixel outside it is covered (scan every pixel of 3000 random anomalies)
		final Random r = new Random( 5 );
		for ( int k = 0; k < 3000; k++ )
		{
			final int h = 40 + r.nextInt( 60 ), w = 40 + r.nextInt( 60 );
			final SyntheticAnomalies.Anomaly a = new SyntheticAnomalies.Anomaly( h, w, r );
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
					if ( x < a.x0 || x > a.x1 || y < a.y0 || y > a.y1 )
						assertEquals( 0f, a.coverage( x, y ),
								"anomaly " + k + " covers (" + x + ", " + y + ") outside its box" );
		}

		// one anomaly per image: the shift is the offset times the mask, in every channel; no shift where the mask is 0
		final int h = 96, w = 80, c = 2;
		final SyntheticAnomalies anomalies = new SyntheticAnomalies();
		int covered = 0;
		for ( int k = 0; k < 50; k++ )
		{
			final float[] image = new float[ h * w * c ], mask = new float[ h * w ];
			anomalies.paintImage( image, mask, h, w, c, 1, new Random( k ) );
			double offset = Double.NaN;
			for ( int i = 0; i < h * w; i++ )
			{
				assertTrue( mask[ i ] >= 0 && mask[ i ] <= 1 );
				assertEquals( image[ i * c ], image[ i * c + 1 ], 1e-6 );
				if ( mask[ i ] == 0 )
					assertEquals( 0f, image[ i * c ] );
				else if ( mask[ i ] == 1 )
				{
					if ( offset != offset )
						offset = image[ i * c ];
					assertEquals( offset, image[ i * c ], 1e-6, "fully covered pixels share the offset" );
					covered++;
				}
				else
					assertTrue( Math.abs( image[ i * c ] ) < Math.abs( offset != offset ? anomalies.maxOffset : offset )
							+ 1e-6 );
			}
			if ( offset == offset )
				assertTrue( Math.abs( offset ) >= anomalies.minOffset - 1e-6
						&& Math.abs( offset ) <= anomalies.maxOffset + 1e-6, "offset " + offset );
		}
		assertTrue( covered > 1000, "fully covered pixels in 50 anomalies: " + covered );

		// patches: masks of the painted patches, zero for the clean ones; the same inputs as without masks
		final int n = 100;
		final float[] input = new float[ n * 32 * 32 ], masks = new float[ n * 32 * 32 ],
				plain = new float[ input.length ];
		anomalies.paint( input, masks, n, 32, 32, 1, new Random( 8 ) );
		anomalies.apply( plain, null, null, n, 32, 32, 1, new Random( 8 ) );
		assertArrayEquals( plain, input );
		int clean = 0;
		for ( int p = 0; p < n; p++ )
		{
			boolean any = false;
			for ( int i = p * 1024; i < ( p + 1 ) * 1024; i++ )
			{
				assertEquals( masks[ i ] > 0, input[ i ] != 0, "mask and shift agree at pixel " + i );
				any |= masks[ i ] > 0;
			}
			if ( !any )
				clean++;
		}
		assertTrue( clean >= 10 && clean <= 35, "about 20 % clean patches: " + clean );
	}
}
