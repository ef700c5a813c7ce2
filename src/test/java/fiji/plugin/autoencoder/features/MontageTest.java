package fiji.plugin.autoencoder.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.FashionMnistSubset;
import ij.ImagePlus;

class MontageTest
{
	static float maxAbsDiff( final float[] a, final float[] b, final int offset )
	{
		float m = 0;
		for ( int i = 0; i < a.length; i++ )
			m = Math.max( m, Math.abs( a[ i ] - b[ offset + i ] ) );
		return m;
	}

	@Test
	void originalsAboveReconstructions()
	{
		final ItemSet items = new ItemSet( FashionMnistSubset.images( 12 ), 12, 28, 28, 1, null, null );
		try ( Model model = Model.create( Presets.convStrided(), 4, 1 ) )
		{
			final ImagePlus m = Montage.reconstructions( model, items, 5, 1 );
			assertEquals( 5 * 28 + 4, m.getWidth() );
			assertEquals( 2 * 28 + 1, m.getHeight() );
			assertEquals( 32, m.getBitDepth() );
			final float[] rec = model.reconstruct( items.first( 5 ).data(), 5 );
			for ( int j = 0; j < 5; j++ )
			{
				assertArrayEquals( items.item( j ), Montage.cell( m, 0, j, 28, 28, 1 ), "top row, item " + j );
				assertEquals( 0, maxAbsDiff( Montage.cell( m, 1, j, 28, 28, 1 ), rec, j * 784 ), 1e-6,
						"bottom row, item " + j );
			}
			// gaps (column 28, row 28) hold the largest value
			final float max = ( float ) m.getDisplayRangeMax();
			assertEquals( max, m.getProcessor().getf( 28, 3 ), 0 );
			assertEquals( max, m.getProcessor().getf( 3, 28 ), 0 );
			final ImagePlus noGap = Montage.reconstructions( model, items, 100, 0 );
			assertEquals( 12 * 28, noGap.getWidth(), "asking for more items than there are shows all" );
			assertEquals( 56, noGap.getHeight() );
		}
	}

	@Test
	void threeRowsWithNoisyInputAndTheModelsOutput()
	{
		final ItemSet items = new ItemSet( FashionMnistSubset.images( 4 ), 4, 28, 28, 1, null, null );
		try ( Model model = Model.create( Presets.denoiser( 1 ), 4, 1 ) )
		{
			final ImagePlus m = Montage.denoising( model, items, 4, 2, 0.25, 9 );
			assertEquals( 4 * 28 + 3 * 2, m.getWidth() );
			assertEquals( 3 * 28 + 2 * 2, m.getHeight() );
			final float[] noisy = items.data().clone();
			final Random r = new Random( 9 );
			for ( int i = 0; i < noisy.length; i++ )
				noisy[ i ] += ( float ) ( 0.25 * r.nextGaussian() );
			final float[] out = new float[ noisy.length ];
			model.predict( noisy, out, 4, new int[] { 28, 28 } );
			for ( int j = 0; j < 4; j++ )
			{
				assertArrayEquals( items.item( j ), Montage.cell( m, 0, j, 28, 28, 2 ) );
				assertEquals( 0, maxAbsDiff( Montage.cell( m, 1, j, 28, 28, 2 ), noisy, j * 784 ), 0 );
				assertEquals( 0, maxAbsDiff( Montage.cell( m, 2, j, 28, 28, 2 ), out, j * 784 ), 1e-6 );
			}
		}
	}

	@Test
	void badInput()
	{
		final ItemSet items = new ItemSet( new float[ 2 * 30 * 30 ], 2, 30, 30, 1, null, null );
		try ( Model model = Model.create( Presets.convPool( fiji.plugin.autoencoder.model.ModelSpec.Unpooling.NEAREST ),
				1, 1 ) )
		{
			final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
					() -> Montage.reconstructions( model, items, 2, 1 ) );
			assertTrue( e.getMessage().contains( "30 x 30 x 1" ) && e.getMessage().contains( "multiples of 4" ),
					e.getMessage() );
		}
		assertThrows( IllegalArgumentException.class, () -> Montage.of( "x", 2, 2, 2, 1, -1, new float[ 8 ] ) );
		final IllegalArgumentException shortRow = assertThrows( IllegalArgumentException.class,
				() -> Montage.of( "x", 2, 2, 2, 1, 0, new float[ 8 ], new float[ 7 ] ) );
		assertTrue( shortRow.getMessage().contains( "7 values, need 8" ), shortRow.getMessage() );
	}
}
