package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TileGridTest
{
	/** Every image pixel is in exactly one core; windows = core + halo, on the sizeMultiple grid, valid sizes. */
	@Test
	void coresPartitionTheImageAndWindowsAreAligned()
	{
		final long[][] images = { { 257, 131 }, { 1, 1 }, { 64, 64 }, { 65, 3 }, { 37, 29, 11 } };
		final int[][] tiles = { { 64, 48 }, { 16, 16 }, { 32, 24 }, { 16, 16 }, { 16, 24, 16 } };
		final int halo = 4, m = 4;
		for ( int k = 0; k < images.length; k++ )
		{
			final long[] image = images[ k ];
			final TileGrid grid = TileGrid.create( image, tiles[ k ], halo, m, TileGrid.EdgeTiles.SHRINK );
			final int n = image.length;
			final int[] count = new int[ ( int ) ( image[ 0 ] * image[ 1 ] * ( n > 2 ? image[ 2 ] : 1 ) ) ];
			for ( long i = 0; i < grid.numCells(); i++ )
			{
				final TileCell cell = grid.cell( i );
				final long[] cmin = cell.coreMin();
				final int[] csize = cell.coreSize();
				final long[] wmin = cell.windowMin();
				final int[] wsize = cell.windowSize();
				for ( int d = 0; d < n; d++ )
				{
					assertEquals( cmin[ d ] - halo, wmin[ d ], "window starts one halo before the core" );
					assertEquals( 0, Math.floorMod( wmin[ d ], m ), "window origin on the sizeMultiple grid: " + cell );
					assertEquals( 0, wsize[ d ] % m, "window size a multiple: " + cell );
					assertTrue( wmin[ d ] + wsize[ d ] >= cmin[ d ] + csize[ d ] + halo,
							"halo after the core: " + cell );
					assertTrue( wsize[ d ] <= grid.tileSize()[ d ] );
					assertTrue( csize[ d ] >= 1 );
				}
				for ( int z = 0; z < ( n > 2 ? csize[ 2 ] : 1 ); z++ )
					for ( int y = 0; y < csize[ 1 ]; y++ )
						for ( int x = 0; x < csize[ 0 ]; x++ )
						{
							final long zz = n > 2 ? cmin[ 2 ] + z : 0;
							count[ ( int ) ( cmin[ 0 ] + x + image[ 0 ] * ( cmin[ 1 ] + y + image[ 1 ] * zz ) ) ]++;
						}
			}
			for ( int i = 0; i < count.length; i++ )
				assertEquals( 1, count[ i ], "pixel " + i + " of image " + k );
		}
	}

	@Test
	void remainderOfOnePixelGetsTheSmallestValidWindow()
	{
		// core 64 - 2*4 = 56; 57 = 56 + 1 -> second cell has a 1-pixel core in a window of roundUp(1 + 8, 4) = 12
		final TileGrid grid = TileGrid.create( new long[] { 57, 20 }, new int[] { 64, 64 }, 4, 4,
				TileGrid.EdgeTiles.SHRINK );
		assertArrayEquals( new long[] { 2, 1 }, grid.cellsPerDimension() );
		final TileCell last = grid.cell( 1 );
		assertArrayEquals( new long[] { 56, 0 }, last.coreMin() );
		assertArrayEquals( new int[] { 1, 20 }, last.coreSize() );
		assertArrayEquals( new long[] { 52, -4 }, last.windowMin() );
		assertArrayEquals( new int[] { 12, 28 }, last.windowSize() );
		// Y: tile 64 is larger than the untiled window roundUp(20 + 8, 4) = 28, so it is reduced to it
		assertArrayEquals( new int[] { 64, 28 }, grid.tileSize() );
	}

	@Test
	void fullSizeEdgesKeepTheTileSize()
	{
		final TileGrid grid = TileGrid.create( new long[] { 40, 10 }, new int[] { 16, 16 }, 0, 1,
				TileGrid.EdgeTiles.FULL_SIZE );
		assertArrayEquals( new long[] { 3, 1 }, grid.cellsPerDimension() );
		for ( long i = 0; i < grid.numCells(); i++ )
			assertArrayEquals( new int[] { 16, 16 }, grid.cell( i ).windowSize() );
		assertArrayEquals( new int[] { 8, 10 }, grid.cell( 2 ).coreSize() );
	}

	@Test
	void untiledSizeIsImagePlusTwoHalosRoundedUp()
	{
		// 257 + 16 -> 280, 131 + 16 -> 152
		assertArrayEquals( new int[] { 280, 152 }, TileGrid.untiledSize( new long[] { 257, 131 }, 8, 8 ) );
		final TileGrid single = TileGrid.create( new long[] { 257, 131 }, new int[] { 1000, 1000 }, 8, 8,
				TileGrid.EdgeTiles.SHRINK );
		assertEquals( 1, single.numCells() );
		assertArrayEquals( new long[] { -8, -8 }, single.cell( 0 ).windowMin() );
		assertArrayEquals( new int[] { 280, 152 }, single.cell( 0 ).windowSize() );
	}

	@Test
	void badTileSizesSayWhatWorks()
	{
		final long[] image = { 100, 100 };
		IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> TileGrid.create( image, new int[] { 50, 48 }, 8, 8, TileGrid.EdgeTiles.SHRINK ) );
		assertTrue( e.getMessage().contains( "Tile size 50 along X" ) && e.getMessage().contains( "48 or 56" ),
				e.getMessage() );
		e = assertThrows( IllegalArgumentException.class,
				() -> TileGrid.create( image, new int[] { 32, 8 }, 8, 8, TileGrid.EdgeTiles.SHRINK ) );
		assertTrue(
				e.getMessage().contains( "along Y" ) && e.getMessage().contains( "at least 2 * halo + 8 = 24" )
						&& e.getMessage().contains( "24, 32, 40" ),
				e.getMessage() );
		e = assertThrows( IllegalArgumentException.class,
				() -> TileGrid.create( image, new int[] { 32, 32 }, 3, 2, TileGrid.EdgeTiles.SHRINK ) );
		assertTrue( e.getMessage().contains( "round it up to 4" ), e.getMessage() );
		e = assertThrows( IllegalArgumentException.class,
				() -> TileGrid.create( new long[] { 100, 0 }, new int[] { 32, 32 }, 0, 1, TileGrid.EdgeTiles.SHRINK ) );
		assertTrue( e.getMessage().contains( "empty along Y" ), e.getMessage() );
	}

	@Test
	void fixedShapeModelsTileAtThatShapeOnly()
	{
		final FakeNet dense = new FakeNet( 2, 1, 1, 1, 0, new int[] { 12, 16 }, FakeNet.globalMean() ); // H 12, W 16
		assertArrayEquals( new int[] { 16, 12 }, TileGrid.fixedTileSize( dense ) );
		final TileGrid grid = TileGrid.forPredictor( dense, new long[] { 40, 30 }, null );
		assertEquals( TileGrid.EdgeTiles.FULL_SIZE, grid.edgeTiles() );
		assertArrayEquals( new int[] { 16, 12 }, grid.tileSize() );
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> TileGrid.forPredictor( dense, new long[] { 40, 30 }, new int[] { 32, 32 } ) );
		assertTrue( e.getMessage().contains( "only takes inputs of size [16, 12]" ), e.getMessage() );
		assertNull( TileGrid.fixedTileSize( FakeNet.conv2d() ) );
	}
}
