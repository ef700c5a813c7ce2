package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.ImageTensors;
import fiji.plugin.autoencoder.convert.Normalization;
import ij.ImagePlus;
import ij.process.FloatProcessor;

class PatchSamplerTest
{
	static final int W = 50, H = 40, P = 8;

	/** Pixel value = y * W + x, so every value tells where it came from. */
	static ImagePlus coded( final float offset )
	{
		final FloatProcessor fp = new FloatProcessor( W, H );
		for ( int y = 0; y < H; y++ )
			for ( int x = 0; x < W; x++ )
				fp.setf( x, y, y * W + x + offset );
		return new ImagePlus( "coded", fp );
	}

	@Test
	void patchesAreCropsAndValidationIsAFixedDisjointStrip()
	{
		final PatchSampler s = new PatchSampler( P, P, 100, 0.25, 3 ).augment( false )
				.add( ImageTensors.reader( coded( 0 ) ), null, null, null );
		final float[] in = new float[ 100 * P * P ];
		final int[] idx = new int[ 100 ];
		s.fill( idx, 0, 100, in, null, null, new Random( 1 ) );
		final int trainRows = H - 10;
		for ( int i = 0; i < 100; i++ )
		{
			final int v0 = ( int ) in[ i * P * P ];
			final int x0 = v0 % W, y0 = v0 / W;
			assertTrue( y0 + P <= trainRows, "training patch inside the training rows" );
			for ( int y = 0; y < P; y++ )
				for ( int x = 0; x < P; x++ )
					assertEquals( ( y0 + y ) * W + x0 + x, in[ i * P * P + y * P + x ], 0f );
		}
		final TrainingData val = s.validation();
		assertEquals( 25, val.size() );
		final int[] order = new int[ 25 ];
		for ( int i = 0; i < 25; i++ )
			order[ i ] = i;
		final float[] v1 = new float[ 25 * P * P ], v2 = new float[ 25 * P * P ];
		val.fill( order, 0, 25, v1, null, null, new Random( 1 ) );
		val.fill( order, 0, 25, v2, null, null, new Random( 99 ) );
		assertArrayEquals( v1, v2, "validation patches are the same every epoch" );
		for ( final float v : v1 )
			assertTrue( ( int ) v / W >= trainRows, "validation pixel from the held-out strip" );
	}

	@Test
	void augmentationKeepsPairsAlignedAndUsesAllSymmetries()
	{
		final PatchSampler s = new PatchSampler( P, P, 400, 0, 3 ).add( ImageTensors.reader( coded( 0 ) ),
				ImageTensors.reader( coded( 1000 ) ), null, null );
		assertTrue( s.hasTargets() );
		final float[] in = new float[ 400 * P * P ], t = new float[ 400 * P * P ];
		s.fill( new int[ 400 ], 0, 400, in, t, null, new Random( 5 ) );
		final Set< String > layouts = new HashSet<>();
		for ( int i = 0; i < 400; i++ )
		{
			final int o = i * P * P;
			for ( int k = 0; k < P * P; k++ )
				assertEquals( 1000f, t[ o + k ] - in[ o + k ], 0f, "target transformed like its input" );
			final float[] p = Arrays.copyOfRange( in, o, o + P * P );
			// the neighbour steps to the right and below tell the symmetry
			layouts.add( ( int ) ( p[ 1 ] - p[ 0 ] ) + "," + ( int ) ( p[ P ] - p[ 0 ] ) );
			final float[] sorted = p.clone();
			Arrays.sort( sorted );
			final int x0 = ( int ) sorted[ 0 ] % W, y0 = ( int ) sorted[ 0 ] / W;
			for ( int y = 0; y < P; y++ )
				for ( int x = 0; x < P; x++ )
					assertEquals( ( y0 + y ) * W + x0 + x, sorted[ y * P + x ], 0f,
							"a flipped/rotated crop has the crop's values" );
		}
		assertEquals( 8, layouts.size(), "all 8 symmetries occur: " + layouts );
	}

	@Test
	void normalisationAndTransformsApply()
	{
		final Normalization norm = Normalization.fixed( 100, 0.5 );
		final PatchSampler s = new PatchSampler( P, P, 10, 0, 3 ).augment( false )
				.add( ImageTensors.reader( coded( 0 ) ), null, norm, norm )
				.rawTransform( ( in, tg, w, n, h, ww, c, r ) -> {
					for ( int i = 0; i < n * h * ww * c; i++ )
						in[ i ] += 10; // "noise" in raw units
				} );
		final float[] in = new float[ 10 * P * P ], t = new float[ 10 * P * P ];
		s.fill( new int[ 10 ], 0, 10, in, t, null, new Random( 2 ) );
		for ( int i = 0; i < in.length; i++ )
			assertEquals( 5f, in[ i ] - t[ i ], 1e-4f,
					"raw +10 becomes +5 after scaling by 0.5; the target is the clean patch" );
	}

	@Test
	void badInputIsRefusedWithTheFix()
	{
		final String small = assertThrows( IllegalArgumentException.class,
				() -> new PatchSampler( 64, 64, 10, 0, 1 ).add( ImageTensors.reader( coded( 0 ) ), null, null, null ) )
				.getMessage();
		assertTrue( small.contains( "smaller than the 64 x 64" ) && small.contains( "at most 40" ), small );
		final ImagePlus other = new ImagePlus( "other", new FloatProcessor( 30, 30 ) );
		final String pair = assertThrows( IllegalArgumentException.class,
				() -> new PatchSampler( P, P, 10, 0, 1 ).add( ImageTensors.reader( coded( 0 ) ),
						ImageTensors.reader( other ), null, null ) )
				.getMessage();
		assertTrue( pair.contains( "30 x 30" ) && pair.contains( "50 x 40" ), pair );
		final PatchSampler empty = new PatchSampler( P, P, 10, 0, 1 );
		assertTrue(
				assertThrows( IllegalArgumentException.class, empty::inputShape ).getMessage().contains( "empty" ) );
	}
}
