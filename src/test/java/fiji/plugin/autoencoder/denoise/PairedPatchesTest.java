package fiji.plugin.autoencoder.denoise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import ij.process.FloatProcessor;

class PairedPatchesTest
{
	/** An image whose value encodes its position: offset + y * w + x (exact in float). */
	private static FloatProcessor coded( final int w, final int h, final float offset )
	{
		final float[] px = new float[ w * h ];
		for ( int i = 0; i < px.length; i++ )
			px[ i ] = offset + i;
		return new FloatProcessor( w, h, px );
	}

	/** Which of the 8 transforms turns a contiguous crop of the coded image into {@code patch}, or -1. */
	private static int findTransform( final float[] patch, final int p, final int w, final int h, final float offset )
	{
		for ( int t = 0; t < 8; t++ )
		{
			// undo t: find the crop c with transform(c, t) == patch
			for ( int u = 0; u < 8; u++ )
			{
				final float[] candidate = PairedPatches.transform( patch, p, u );
				if ( !Arrays.equals( PairedPatches.transform( candidate, p, t ), patch ) )
					continue;
				final int first = ( int ) ( candidate[ 0 ] - offset );
				final int x0 = first % w, y0 = first / w;
				if ( x0 + p > w || y0 + p > h || first < 0 )
					continue;
				boolean crop = true;
				for ( int y = 0; y < p && crop; y++ )
					for ( int x = 0; x < p && crop; x++ )
						crop = candidate[ y * p + x ] == offset + ( y0 + y ) * w + x0 + x;
				if ( crop )
					return t;
			}
		}
		return -1;
	}

	@Test
	void transformsAreTheEightDistinctSymmetries()
	{
		final float[] p = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
		assertArrayEquals( p, PairedPatches.transform( p, 3, 0 ) );
		assertArrayEquals( new float[] { 3, 2, 1, 6, 5, 4, 9, 8, 7 }, PairedPatches.transform( p, 3, 1 ) );
		assertArrayEquals( new float[] { 7, 8, 9, 4, 5, 6, 1, 2, 3 }, PairedPatches.transform( p, 3, 2 ) );
		assertArrayEquals( new float[] { 1, 4, 7, 2, 5, 8, 3, 6, 9 }, PairedPatches.transform( p, 3, 4 ) );
		final Set< String > all = new HashSet<>();
		for ( int t = 0; t < 8; t++ )
			all.add( Arrays.toString( PairedPatches.transform( p, 3, t ) ) );
		assertEquals( 8, all.size() );
	}

	@Test
	void syntheticPairsAreCropsWithFreshNoise()
	{
		final int w = 50, h = 40, p = 16, n = 300;
		final List< FloatProcessor > images = Collections.singletonList( coded( w, h, 0 ) );
		final PairedPatches pairs = PairedPatches.synthetic( images, NoiseModel.gaussian( 2 ), n, p, true, 17L );
		assertArrayEquals( new int[] { n, p, p, 1 }, pairs.shape() );
		assertEquals( n * p * p, pairs.noisy().length );
		final int[] transforms = new int[ 8 ];
		double s2 = 0;
		for ( int k = 0; k < n; k++ )
		{
			final float[] clean = Arrays.copyOfRange( pairs.clean(), k * p * p, ( k + 1 ) * p * p );
			final int t = findTransform( clean, p, w, h, 0 );
			assertTrue( t >= 0, "clean patch " + k + " is not a flipped/rotated crop" );
			transforms[ t ]++;
			for ( int i = 0; i < p * p; i++ )
			{
				final double d = pairs.noisy()[ k * p * p + i ] - clean[ i ];
				s2 += d * d;
			}
		}
		for ( final int c : transforms )
			assertTrue( c > 10, "all 8 flips/rotations are used: " + Arrays.toString( transforms ) );
		assertEquals( 2.0, Math.sqrt( s2 / ( n * p * p ) ), 0.02, "noise sigma" );
		final PairedPatches again = PairedPatches.synthetic( images, NoiseModel.gaussian( 2 ), n, p, true, 17L );
		assertArrayEquals( pairs.noisy(), again.noisy() );
		assertArrayEquals( pairs.clean(), again.clean() );
		assertFalse( Arrays.equals( pairs.clean(),
				PairedPatches.synthetic( images, NoiseModel.gaussian( 2 ), n, p, true, 18L ).clean() ) );

		final PairedPatches plain = PairedPatches.synthetic( images, NoiseModel.gaussian( 2 ), 50, p, false, 3L );
		for ( int k = 0; k < 50; k++ )
			assertEquals( 0,
					findTransform( Arrays.copyOfRange( plain.clean(), k * p * p, ( k + 1 ) * p * p ), p, w, h, 0 ),
					"no augmentation" );
	}

	@Test
	void poissonPeakRefersToTheWholeImage()
	{
		// left half 10, right half 100: the image maximum 100 maps to 10 photons, so 10 -> 1 photon
		final int w = 64, h = 32;
		final float[] px = new float[ w * h ];
		for ( int i = 0; i < px.length; i++ )
			px[ i ] = i % w < w / 2 ? 10 : 100;
		final PairedPatches pairs = PairedPatches.synthetic(
				Collections.singletonList( new FloatProcessor( w, h, px ) ), NoiseModel.poisson( 10 ), 100, 8, false,
				5L );
		for ( final float v : pairs.noisy() )
			assertEquals( 0, v % 10, 1e-3, "noisy values are whole photons of 10 units each, got " + v );
	}

	@Test
	void patchesComeFromAllImagesInProportionToTheirArea()
	{
		final List< FloatProcessor > images = Arrays.asList( coded( 40, 40, 0 ), coded( 40, 40, 100_000 ) );
		final PairedPatches pairs = PairedPatches.synthetic( images, NoiseModel.speckle( 0 ), 400, 8, false, 2L );
		int second = 0;
		for ( int k = 0; k < 400; k++ )
			if ( pairs.clean()[ k * 64 ] >= 100_000 )
				second++;
		assertEquals( 200, second, 40 );
		assertArrayEquals( pairs.clean(), pairs.noisy(), "speckle sigma 0 is no noise" );
	}

	@Test
	void acquiredPairsAreCutAtTheSamePlace()
	{
		final int w = 30, h = 20, p = 8;
		final FloatProcessor clean = coded( w, h, 0 );
		final FloatProcessor noisy = coded( w, h, 1000 ); // noisy - clean = 1000 exactly where aligned
		final PairedPatches pairs = PairedPatches.acquired( Collections.singletonList( noisy ),
				Collections.singletonList( clean ), 100, p, true, 4L );
		for ( int i = 0; i < pairs.noisy().length; i++ )
			assertEquals( 1000f, pairs.noisy()[ i ] - pairs.clean()[ i ] );
		for ( int k = 0; k < 100; k++ )
			assertTrue( findTransform( Arrays.copyOfRange( pairs.clean(), k * p * p, ( k + 1 ) * p * p ), p, w, h,
					0 ) >= 0 );
	}

	@Test
	void badInputsNameTheProblem()
	{
		final IllegalArgumentException sizes = assertThrows( IllegalArgumentException.class,
				() -> PairedPatches.acquired( Collections.singletonList( coded( 64, 48, 0 ) ),
						Collections.singletonList( coded( 64, 64, 0 ) ), 10, 16, false, 1L ) );
		assertTrue( sizes.getMessage().contains( "noisy image is 64x48" )
				&& sizes.getMessage().contains( "clean image is 64x64" ), sizes.getMessage() );
		final IllegalArgumentException small = assertThrows( IllegalArgumentException.class,
				() -> PairedPatches.synthetic( Collections.singletonList( coded( 20, 10, 0 ) ),
						NoiseModel.gaussian( 1 ), 10, 16, false, 1L ) );
		assertTrue( small.getMessage().contains( "20x10, smaller than the 16x16 patch size" ), small.getMessage() );
		assertThrows( IllegalArgumentException.class,
				() -> PairedPatches.acquired( Collections.singletonList( coded( 20, 20, 0 ) ),
						Arrays.asList( coded( 20, 20, 0 ), coded( 20, 20, 0 ) ), 10, 16, false, 1L ) );
		assertThrows( IllegalArgumentException.class, () -> PairedPatches
				.synthetic( Collections.singletonList( coded( 20, 20, 0 ) ), null, 10, 16, false, 1L ) );
		assertThrows( IllegalArgumentException.class, () -> PairedPatches.transform( new float[ 4 ], 2, 8 ) );
	}
}
