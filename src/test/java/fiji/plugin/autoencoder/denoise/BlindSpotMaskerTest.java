package fiji.plugin.autoencoder.denoise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BlindSpotMaskerTest
{
	/** Random patches whose values are all distinct (a shuffled 0..length-1), so a value identifies its position. */
	private static float[] uniquePatches( final int length, final long seed )
	{
		final SplittableRandom r = new SplittableRandom( seed );
		final float[] a = new float[ length ];
		for ( int i = 0; i < length; i++ )
			a[ i ] = i;
		for ( int i = length - 1; i > 0; i-- )
		{
			final int j = r.nextInt( i + 1 );
			final float t = a[ i ];
			a[ i ] = a[ j ];
			a[ j ] = t;
		}
		return a;
	}

	@Test
	void masksOnePixelPerGridCellFromAnotherNeighbour()
	{
		// 20x27 is not a multiple of 8: partial cells at the bottom and right edges
		final int n = 3, h = 20, w = 27, c = 2;
		final float[] patches = uniquePatches( n * h * w * c, 1 );
		final float[] original = patches.clone();
		final BlindSpotMasker masker = new BlindSpotMasker();
		final BlindSpotMasker.Batch b = masker.mask( patches, n, h, w, c, 42L );

		assertArrayEquals( original, patches, "input patches must not change" );
		assertArrayEquals( original, b.target(), "target is the noisy patch" );
		assertArrayEquals( new int[] { n, h, w, c }, b.shape() );
		final int expected = n * c * 3 * 4; // ceil(20/8) * ceil(27/8) cells per channel
		assertEquals( expected, b.maskedCount() );
		assertEquals( 12, masker.maskedPerChannel( h, w ) );
		double weightSum = 0;
		for ( final float v : b.weight() )
		{
			assertTrue( v == 0f || v == 1f, "weights are 0 or 1, got " + v );
			weightSum += v;
		}
		assertEquals( expected, weightSum );

		for ( int p = 0; p < n; p++ )
			for ( int ch = 0; ch < c; ch++ )
			{
				final int[][] perCell = new int[ 3 ][ 4 ];
				for ( int y = 0; y < h; y++ )
					for ( int x = 0; x < w; x++ )
					{
						final int i = ( ( p * h + y ) * w + x ) * c + ch;
						if ( b.weight()[ i ] == 0 )
						{
							assertEquals( original[ i ], b.input()[ i ], "unmasked pixels keep their value" );
							continue;
						}
						perCell[ y / 8 ][ x / 8 ]++;
						final float v = b.input()[ i ];
						assertNotEquals( original[ i ], v, "a masked pixel must not keep its own value" );
						// the value must be that of another pixel of the same patch and channel within radius 2
						boolean found = false;
						for ( int yy = Math.max( 0, y - 2 ); yy <= Math.min( h - 1, y + 2 ); yy++ )
							for ( int xx = Math.max( 0, x - 2 ); xx <= Math.min( w - 1, x + 2 ); xx++ )
								if ( ( yy != y || xx != x ) && original[ ( ( p * h + yy ) * w + xx ) * c + ch ] == v )
									found = true;
						assertTrue( found, "masked value at patch " + p + " y " + y + " x " + x + " ch " + ch
								+ " is not a neighbour within radius 2" );
					}
				for ( final int[] row : perCell )
					for ( final int k : row )
						assertEquals( 1, k, "exactly one masked pixel per grid cell and channel" );
			}
	}

	@Test
	void medianReplacementIsTheMedianOfTheOtherPixelsAround()
	{
		// a ramp 10 y + x: around (y, x) the 24 other pixels within radius 2 have median 10 y + x (the centre's own
		// value, which the median of a symmetric neighbourhood gives without ever reading it); at a border the
		// neighbourhood is mirrored
		final int h = 16, w = 16;
		final float[] ramp = new float[ h * w ];
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
				ramp[ y * w + x ] = 10 * y + x;
		final float[] spiked = ramp.clone();
		final BlindSpotMasker.Batch b = new BlindSpotMasker( 8, 2, true ).mask( spiked, 1, h, w, 1, 4L );
		int checked = 0;
		for ( int i = 0; i < ramp.length; i++ )
			if ( b.weight()[ i ] == 1 )
			{
				final int y = i / w, x = i % w;
				final float[] around = new float[ 24 ];
				int k = 0;
				for ( int dy = -2; dy <= 2; dy++ )
					for ( int dx = -2; dx <= 2; dx++ )
						if ( dy != 0 || dx != 0 )
							around[ k++ ] = ramp[ BlindSpotMasker.mirror( y + dy, h ) * w
									+ BlindSpotMasker.mirror( x + dx, w ) ];
				Arrays.sort( around );
				assertEquals( 0.5f * ( around[ 11 ] + around[ 12 ] ), b.input()[ i ], 1e-6f, "y " + y + " x " + x );
				if ( y >= 2 && x >= 2 && y < h - 2 && x < w - 2 )
					assertEquals( 10 * y + x, b.input()[ i ], 1e-6f, "interior: the ramp's own value" );
				checked++;
			}
		assertEquals( 4, checked, "one per 8 x 8 cell" );
		// bright outliers (the centre, or a neighbour) do not reach the replacement
		final float[] flat = new float[ 5 * 5 ];
		flat[ 12 ] = 1000;
		flat[ 13 ] = 500;
		final BlindSpotMasker one = new BlindSpotMasker( 5, 2, true );
		final BlindSpotMasker.Batch m = one.mask( flat, 1, 5, 5, 1, 1L );
		for ( int i = 0; i < 25; i++ )
			if ( m.weight()[ i ] == 1 )
				assertEquals( 0f, m.input()[ i ], "the median of 22 or more zeros among 24, at " + i );
	}

	@Test
	void neighbourOffsetsCoverTheWholeNeighbourhoodButNotTheCentre()
	{
		final int n = 40, h = 32, w = 32;
		final float[] patches = uniquePatches( n * h * w, 5 );
		final BlindSpotMasker.Batch b = new BlindSpotMasker().mask( patches, n, h, w, 1, 9L );
		final java.util.Map< Float, Integer > where = new java.util.HashMap<>();
		for ( int i = 0; i < patches.length; i++ )
			where.put( patches[ i ], i );
		final int[][] offsets = new int[ 5 ][ 5 ];
		int interior = 0;
		for ( int i = 0; i < patches.length; i++ )
		{
			final int x = i % w, y = ( i / w ) % h;
			if ( b.weight()[ i ] == 0 || x < 2 || y < 2 || x >= w - 2 || y >= h - 2 )
				continue;
			final int src = where.get( b.input()[ i ] );
			offsets[ ( src / w ) % h - y + 2 ][ src % w - x + 2 ]++;
			interior++;
		}
		assertEquals( 0, offsets[ 2 ][ 2 ] );
		for ( int dy = 0; dy < 5; dy++ )
			for ( int dx = 0; dx < 5; dx++ )
				if ( dy != 2 || dx != 2 )
					assertEquals( interior / 24.0, offsets[ dy ][ dx ], 6 * Math.sqrt( interior / 24.0 ),
							"offset " + ( dy - 2 ) + "," + ( dx - 2 ) + " of " + interior );
	}

	@Test
	void seededAndFractionOption()
	{
		final float[] patches = uniquePatches( 2 * 64 * 64, 3 );
		final BlindSpotMasker masker = new BlindSpotMasker();
		final BlindSpotMasker.Batch a = masker.mask( patches, 2, 64, 64, 1, 1L );
		final BlindSpotMasker.Batch a2 = masker.mask( patches, 2, 64, 64, 1, 1L );
		final BlindSpotMasker.Batch other = masker.mask( patches, 2, 64, 64, 1, 2L );
		assertArrayEquals( a.input(), a2.input() );
		assertArrayEquals( a.weight(), a2.weight() );
		assertFalse( Arrays.equals( a.weight(), other.weight() ) );
		assertEquals( 2 * 64, a.maskedCount(), "1/64 of 2 x 64 x 64 pixels" );
		assertEquals( 1 / 64.0, masker.fraction() );
		assertEquals( 7, BlindSpotMasker.withFraction( 0.02 ).gridSize() );
		assertEquals( 4, BlindSpotMasker.withFraction( 1 / 16.0 ).gridSize() );
		assertEquals( 2 * 16 * 16,
				BlindSpotMasker.withFraction( 1 / 16.0 ).mask( patches, 2, 64, 64, 1, 1L ).maskedCount() );
		// grid 1: every pixel masked, none keeps its own value
		final BlindSpotMasker.Batch all = new BlindSpotMasker( 1, 2 ).mask( patches, 2, 64, 64, 1, 4L );
		assertEquals( patches.length, all.maskedCount() );
		for ( int i = 0; i < patches.length; i++ )
			assertNotEquals( patches[ i ], all.input()[ i ] );
	}

	@Test
	void maskedMseOnlySeesMaskedPixels()
	{
		final int n = 2, h = 16, w = 16, c = 1;
		final float[] patches = uniquePatches( n * h * w * c, 8 );
		final BlindSpotMasker.Batch b = new BlindSpotMasker().mask( patches, n, h, w, c, 3L );
		final float[] pred = b.target().clone();
		int masked = -1, unmasked = -1;
		for ( int i = 0; i < pred.length; i++ )
		{
			if ( b.weight()[ i ] == 1 )
			{
				pred[ i ] += 0.5f;
				masked = i;
			}
			else
				unmasked = i;
		}
		final double base = BlindSpotMasker.maskedMse( pred, b.target(), b.weight() );
		assertEquals( 0.25, base, 0.0, "every masked pixel off by 0.5 (exact for these integer values)" );
		pred[ unmasked ] += 1000;
		assertEquals( base, BlindSpotMasker.maskedMse( pred, b.target(), b.weight() ), 0.0,
				"unmasked pixels do not count" );
		final double d = pred[ masked ] + 1.5f - b.target()[ masked ];
		final double d0 = pred[ masked ] - b.target()[ masked ];
		pred[ masked ] += 1.5f;
		assertEquals( base + ( d * d - d0 * d0 ) / b.maskedCount(),
				BlindSpotMasker.maskedMse( pred, b.target(), b.weight() ), 1e-6 );
		assertThrows( IllegalArgumentException.class,
				() -> BlindSpotMasker.maskedMse( pred, b.target(), new float[ pred.length ] ) );
	}

	@Test
	void mirrorAndBadShapes()
	{
		assertEquals( 1, BlindSpotMasker.mirror( -1, 5 ) );
		assertEquals( 2, BlindSpotMasker.mirror( -2, 5 ) );
		assertEquals( 3, BlindSpotMasker.mirror( 5, 5 ) );
		assertEquals( 2, BlindSpotMasker.mirror( 6, 5 ) );
		final BlindSpotMasker m = new BlindSpotMasker();
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> m.mask( new float[ 10 ], 1, 3, 3, 1, 1L ) );
		assertTrue( e.getMessage().contains( "needs 9 floats but got 10" ), e.getMessage() );
		final IllegalArgumentException small = assertThrows( IllegalArgumentException.class,
				() -> m.mask( new float[ 4 ], 1, 2, 2, 1, 1L ) );
		assertTrue( small.getMessage().contains( "at least 3 pixels" ), small.getMessage() );
		assertThrows( IllegalArgumentException.class, () -> BlindSpotMasker.withFraction( 0 ) );
		assertThrows( IllegalArgumentException.class, () -> new BlindSpotMasker( 8, 0 ) );
	}
}
