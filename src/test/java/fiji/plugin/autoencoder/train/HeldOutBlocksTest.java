package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.ImageTensors;
import ij.ImagePlus;
import ij.process.FloatProcessor;

/** Validation blocks held out from everywhere in the image (PatchSampler.validationBlocks). */
class HeldOutBlocksTest
{
	static final int W = 512, H = 384, P = 32;

	/** Pixel value = y * W + x (exact in float), so every patch tells where it came from. */
	static ImagePlus coded()
	{
		final FloatProcessor fp = new FloatProcessor( W, H );
		for ( int y = 0; y < H; y++ )
			for ( int x = 0; x < W; x++ )
				fp.setf( x, y, y * W + x );
		return new ImagePlus( "coded", fp );
	}

	@Test
	void blocksCoverSeveralRegionsAndTrainingPatchesNeverOverlapThem()
	{
		final PatchSampler s = new PatchSampler( P, P, 2000, 0.1, 7 ).validationBlocks( true ).augment( false )
				.add( ImageTensors.reader( coded() ), null, null, null );
		final TrainingData val = s.validation();
		assertEquals( 200, val.size() );
		final int nv = val.size();
		final int[] order = new int[ nv ];
		for ( int i = 0; i < nv; i++ )
			order[ i ] = i;
		final float[] v = new float[ nv * P * P ], v2 = new float[ nv * P * P ];
		val.fill( order, 0, nv, v, null, null, new Random( 1 ) );
		val.fill( order, 0, nv, v2, null, null, new Random( 2 ) );
		assertArrayEquals( v, v2, "validation patches are the same every epoch" );
		// the held-out blocks: 10 % of the 16 x 12 grid cells, each a whole cell
		final Set< Integer > blocks = new HashSet<>();
		final Set< Integer > quadrants = new HashSet<>(), rowsOfCells = new HashSet<>();
		for ( int i = 0; i < nv; i++ )
		{
			final int v0 = ( int ) v[ i * P * P ], x0 = v0 % W, y0 = v0 / W;
			assertEquals( 0, x0 % P, "block on the grid" );
			assertEquals( 0, y0 % P, "block on the grid" );
			assertEquals( ( y0 + P - 1 ) * W + x0 + P - 1, v[ i * P * P + P * P - 1 ], 0f, "a whole block" );
			blocks.add( v0 );
			quadrants.add( ( x0 < W / 2 ? 0 : 1 ) + ( y0 < H / 2 ? 0 : 2 ) );
			rowsOfCells.add( y0 / P );
		}
		assertEquals( Math.round( 0.1 * ( W / P ) * ( H / P ) ), blocks.size(),
				"every held-out block is validated: " + blocks );
		assertEquals( 4, quadrants.size(), "held-out blocks in all four quadrants of the image" );
		assertTrue( rowsOfCells.size() >= 6, "held-out blocks in many rows, not one strip: " + rowsOfCells );
		// training patches: anywhere, never sharing a pixel with a held-out block
		final int n = 4000;
		final float[] in = new float[ n * P * P ];
		s.fill( new int[ n ], 0, n, in, null, null, new Random( 3 ) );
		long maxY = 0;
		for ( int i = 0; i < n; i++ )
		{
			final int v0 = ( int ) in[ i * P * P ], x0 = v0 % W, y0 = v0 / W;
			maxY = Math.max( maxY, y0 );
			for ( final int b : blocks )
			{
				final int bx = b % W, by = b / W;
				assertFalse( x0 < bx + P && bx < x0 + P && y0 < by + P && by < y0 + P,
						"training patch at " + x0 + "," + y0 + " overlaps held-out block " + bx + "," + by );
			}
		}
		assertTrue( maxY > H - 2 * P, "training patches also come from the bottom rows: " + maxY );
	}

	@Test
	void seedChoosesTheBlocksAndTooSmallImagesAreRefused()
	{
		final HeldOutBlocks a = HeldOutBlocks.of( W, H, P, P, 0.1, 1 ), b = HeldOutBlocks.of( W, H, P, P, 0.1, 1 ),
				c = HeldOutBlocks.of( W, H, P, P, 0.1, 2 );
		boolean same = true, differs = false;
		for ( int i = 0; i < a.count(); i++ )
		{
			same &= a.x( i ) == b.x( i ) && a.y( i ) == b.y( i );
			differs |= a.x( i ) != c.x( i ) || a.y( i ) != c.y( i );
		}
		assertTrue( same && differs, "the seed, and only the seed, chooses the blocks" );
		final String msg = assertThrows( IllegalArgumentException.class,
				() -> new PatchSampler( 40, 40, 10, 0.1, 1 ).validationBlocks( true ).add(
						ImageTensors.reader( new ImagePlus( "s", new FloatProcessor( 70, 60 ) ) ), null, null, null ) )
				.getMessage();
		assertTrue( msg.contains( "70 x 60" ) && msg.contains( "validation fraction of 0" ), msg );
	}
}
