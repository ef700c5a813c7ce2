package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.core.Progress;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/** Checks the reference itself, and that halo and alignment are what make tiles match it. */
class ReferenceTest
{
	@Test
	void mirrorSingleReflectsWithoutRepeatingTheEdge()
	{
		final long[] expected = { 2, 1, 0, 1, 2, 3, 2, 1, 0, 1 }; // p = -2 .. 7, n = 4
		for ( int p = -2; p <= 7; p++ )
			assertEquals( expected[ p + 2 ], Reference.reflect( p, 4 ), "p = " + p );
		assertEquals( 0, Reference.reflect( -5, 1 ) );
	}

	/**
	 * 3x3 mean (halo 1) on the 3x2 image {1 2 3 / 4 5 6}, worked by hand on the
	 * mirror-extended image (rows y=-1 and y=2 are copies of y=1 and y=0,
	 * column x=-1 a copy of x=1, x=3 of x=1):
	 * <pre>
	 * 5 4 5 6 5
	 * 2 1 2 3 2
	 * 5 4 5 6 5
	 * 2 1 2 3 2
	 * </pre>
	 * Means: 33/9 36/9 39/9 / 24/9 27/9 30/9.
	 */
	@Test
	void tinyCaseByHand()
	{
		final float[][] expected = { { 33 / 9f, 36 / 9f, 39 / 9f, 24 / 9f, 27 / 9f, 30 / 9f } };
		final FakeNet mean3 = new FakeNet( 2, 1, 1, 1, 1, null, FakeNet.boxMean( 1 ) );
		final float[][] image = { { 1, 2, 3, 4, 5, 6 } };
		final float[][] reference = Reference.untiled( mean3, image, new int[] { 3, 2 } );
		assertArrayEquals( expected[ 0 ], reference[ 0 ], 1e-6f );

		// the tiler gives the same, with 1-pixel cores (tile 3 = 1 + 2 * 1)
		final ArrayImg< FloatType, FloatArray > input = ArrayImgs.floats( image[ 0 ], 3, 2 );
		final ArrayImg< FloatType, FloatArray > output = ArrayImgs.floats( 3, 2 );
		TiledPredictor.builder( mean3 ).tileSize( 3, 3 ).build().predict( input, output, Progress.none() );
		assertArrayEquals( expected[ 0 ], output.update( null ).getCurrentStorageArray(), 1e-6f );

		// halo 4, sizeMultiple 4: the reference window is 3 + 8 -> 12 by 2 + 8 -> 12 (extra only at the high end); same values
		final FakeNet mean3m4 = new FakeNet( 2, 1, 1, 4, 4, null, FakeNet.boxMean( 1 ) );
		assertArrayEquals( expected[ 0 ], Reference.untiled( mean3m4, image, new int[] { 3, 2 } )[ 0 ], 1e-6f );
		assertEquals( "1x[12, 12]", mean3m4.shapesSeen.get( 0 ) );
	}

	/** Measures which outputs an input pixel influences: the pooling net's true halo is 4, as derived in FakeNet. */
	@Test
	void poolingNetHaloMeasured()
	{
		assertEquals( 4, measuredHalo( FakeNet.pooling2d( 4 ), 1 ) );
		assertEquals( 2, measuredHalo( FakeNet.conv2d(), 1 ) );
		assertTrue( measuredHalo( FakeNet.multiChannel(), 3 ) <= FakeNet.multiChannel().halo() );
	}

	private static int measuredHalo( final FakeNet net, final int channels )
	{
		final int size = 48;
		int halo = 0;
		for ( int p = 22; p <= 25; p++ ) // both parities along both axes
			for ( int c = 0; c < channels; c++ )
			{
				final float[] in = new float[ size * size * channels ];
				final float[] base = new float[ size * size * net.outputChannels() ];
				final float[] out = new float[ size * size * net.outputChannels() ];
				// a background of -1 so max-pool passes the impulse
				java.util.Arrays.fill( in, -1 );
				net.predict( in, base, 1, new int[] { size, size } );
				in[ ( p * size + p ) * channels + c ] = 100;
				net.predict( in, out, 1, new int[] { size, size } );
				for ( int i = 0; i < out.length; i++ )
					if ( out[ i ] != base[ i ] )
					{
						final int pixel = i / net.outputChannels();
						halo = Math.max( halo, Math.max( Math.abs( pixel / size - p ), Math.abs( pixel % size - p ) ) );
					}
			}
		return halo;
	}

	/**
	 * A window whose origin is off the 2-pixel grid gives different values for
	 * the same pixels (so alignment matters); an aligned one gives the reference
	 * in its core. Also: a halo of 2 (too small for this net) breaks tiling.
	 */
	@Test
	void alignmentAndHaloMatterForPooling()
	{
		final FakeNet net = FakeNet.pooling2d( 4 );
		final int w = 40, h = 36;
		final float[][] image = { random( w * h, 7 ) };
		final float[][] reference = Reference.untiled( net, image, new int[] { w, h } );
		final int[] size = { w, h };
		// windows of 24x24 starting at (8 + shift, 8 + shift) relative to the image; compare the inner 8x8 (>= halo from the window border)
		final double aligned = windowVsReference( net, image, size, reference, 8 );
		final double misaligned = windowVsReference( net, image, size, reference, 9 );
		assertEquals( 0, aligned, 1e-6 );
		assertTrue( misaligned > 0.01, "misaligned window differs by " + misaligned );

		// tiling with halo 2 instead of 4 differs from the reference, with 4 it matches
		final ArrayImg< FloatType, FloatArray > input = ArrayImgs.floats( image[ 0 ], w, h );
		final float[][] tiledGood = tile( net, input, 16 );
		final float[][] tiledBad = tile( FakeNet.pooling2d( 2 ), input, 12 );
		assertTrue( Reference.maxAbsDiff( tiledGood, reference ) < 1e-5 );
		assertTrue( Reference.maxAbsDiff( tiledBad, reference ) > 0.01,
				"halo 2 should break tiling: " + Reference.maxAbsDiff( tiledBad, reference ) );
	}

	private static float[][] tile( final FakeNet net, final ArrayImg< FloatType, FloatArray > input, final int tile )
	{
		final ArrayImg< FloatType, FloatArray > output = ArrayImgs.floats( input.dimensionsAsLongArray() );
		TiledPredictor.builder( net ).tileSize( tile, tile ).build().predict( input, output, Progress.none() );
		return new float[][] { output.update( null ).getCurrentStorageArray() };
	}

	private static double windowVsReference( final FakeNet net, final float[][] image, final int[] size,
			final float[][] reference, final int start )
	{
		final int win = 24, h = 4;
		final float[] in = new float[ win * win ];
		for ( int y = 0; y < win; y++ )
			for ( int x = 0; x < win; x++ )
				in[ y * win + x ] = image[ 0 ][ ( start + x ) + size[ 0 ] * ( start + y ) ];
		final float[] out = new float[ win * win ];
		net.predict( in, out, 1, new int[] { win, win } );
		double max = 0;
		for ( int y = h; y < win - h; y++ )
			for ( int x = h; x < win - h; x++ )
				max = Math.max( max,
						Math.abs( out[ y * win + x ] - reference[ 0 ][ ( start + x ) + size[ 0 ] * ( start + y ) ] ) );
		return max;
	}

	static float[] random( final int n, final long seed )
	{
		final Random r = new Random( seed );
		final float[] a = new float[ n ];
		for ( int i = 0; i < n; i++ )
			a[ i ] = r.nextFloat() * 100;
		return a;
	}
}
