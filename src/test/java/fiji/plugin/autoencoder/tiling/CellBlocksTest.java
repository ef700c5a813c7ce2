package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Blocks of the cell grid, one per Spark task: every cell in exactly one
 * block, blocks contiguous and in grid order, and on the scale benchmark's
 * grids (chunks of 512², tiles of one chunk plus a halo of 16) the blocks of
 * local[2] decode about as few input chunks as one JVM's reader, where the
 * former 8 tasks of 4 tile rows decoded 1.44 (16384²) and 1.88 (8192²) per chunk.
 */
public class CellBlocksTest
{
	static final int[] CHUNK = { 512, 512 };

	static final int BOUND = ReadPlan.maxChunks( 512 * 512 * 2, ReadPlan.MAX_CACHE_BYTES );

	/** Input chunks decoded by one reader per block, each visiting its block by its read plan. */
	static long decodes( final TileGrid g, final List< long[] > blocks )
	{
		long d = 0;
		for ( final long[] b : blocks )
			d += ReadPlan.of( g, b, CHUNK, BOUND ).decodes;
		return d;
	}

	/** The former partitions: {@code n} contiguous slices of the cell list (Spark's parallelize of the indices). */
	static List< long[] > slices( final TileGrid g, final int n )
	{
		final List< long[] > s = new java.util.ArrayList<>();
		final long cells = g.numCells();
		for ( int p = 0; p < n; p++ )
		{
			final long a = cells * p / n, b = cells * ( p + 1 ) / n;
			final long[] c = new long[ ( int ) ( b - a ) ];
			for ( int i = 0; i < c.length; i++ )
				c[ i ] = a + i;
			s.add( c );
		}
		return s;
	}

	static void assertPartition( final TileGrid g, final List< long[] > blocks )
	{
		final boolean[] seen = new boolean[ ( int ) g.numCells() ];
		for ( final long[] b : blocks )
			for ( int i = 0; i < b.length; i++ )
			{
				assertTrue( !seen[ ( int ) b[ i ] ], "cell " + b[ i ] + " in two blocks" );
				seen[ ( int ) b[ i ] ] = true;
				assertTrue( i == 0 || b[ i ] > b[ i - 1 ], "grid order inside a block" );
			}
		for ( int i = 0; i < seen.length; i++ )
			assertTrue( seen[ i ], "cell " + i + " in no block" );
	}

	@Test
	public void twoBlocksDecodeAboutAsFewChunksAsOneReader()
	{
		for ( final long side : new long[] { 8192, 16384 } )
		{
			final TileGrid g = ReadPlanTest.grid( side );
			final long chunks = ( side / 512 ) * ( side / 512 );
			final List< long[] > two = CellBlocks.split( g, 2, CHUNK );
			assertPartition( g, two );
			assertEquals( 2, two.size() );
			final long cols = g.cellsPerDimension()[ 0 ];
			assertEquals( two.get( 0 )[ 0 ] + cols * ( g.cellsPerDimension()[ 1 ] / 2 ), two.get( 1 )[ 0 ],
					"two bands of whole tile rows" );
			final long one = decodes( g, CellBlocks.split( g, 1, CHUNK ) ), blocks = decodes( g, two ),
					former = decodes( g, slices( g, 8 ) );
			System.out.println( side + "^2, " + chunks + " chunks: one reader " + one + " decodes, 2 blocks " + blocks
					+ ", 8 slices of the cell list (the former local[2] tasks) " + former );
			assertTrue( blocks <= 1.13 * chunks, "2 bands: " + blocks );
			assertTrue( blocks - one <= 2 * side / 512, "only the chunk row beyond the shared border, twice" );
			assertTrue( former >= 1.4 * chunks, "the former 8 slices: " + former );
		}
	}

	@Test
	public void manyBlocksAreRectanglesWithTheLeastBorder()
	{
		final TileGrid g = ReadPlanTest.grid( 65536 ); // 128 x 128 tiles
		final List< long[] > b = CellBlocks.split( g, 128, CHUNK );
		assertPartition( g, b );
		assertEquals( 128, b.size() );
		// 128 bands of one tile row would decode 3 chunk rows per row; 8 x 16 blocks of 16 x 8 tiles decode far less
		final long d = decodes( g, b ), bands = 128L * 3 * 128 - 2 * 128;
		System.out.println( "65536^2 in 128 blocks of " + b.get( 0 ).length + " tiles: " + d + " decodes ("
				+ String.format( "%.2f", d / ( 128.0 * 128 ) ) + " per chunk); 128 bands of rows " + bands );
		assertTrue( d < 1.5 * 128 * 128 && d < bands / 2, "blocks: " + d );
		assertEquals( 128, b.get( 0 ).length );
	}

	@Test
	public void moreBlocksThanCellsAndThreeDimensions()
	{
		final TileGrid small = TileGrid.create( new long[] { 96, 64 }, new int[] { 64, 64 }, 16, 16,
				TileGrid.EdgeTiles.SHRINK ); // 3 x 2 cells
		final List< long[] > all = CellBlocks.split( small, 100, null );
		assertPartition( small, all );
		assertEquals( small.numCells(), all.size() );
		final TileGrid g3 = TileGrid.create( new long[] { 128, 96, 64 }, new int[] { 64, 64, 64 }, 16, 16,
				TileGrid.EdgeTiles.SHRINK );
		for ( final int k : new int[] { 1, 2, 3, 5, 7 } )
			assertPartition( g3, CellBlocks.split( g3, k, null ) );
		// 7 does not factor within a 4 x 4 grid: the most blocks that do, 6 (3 bands x 2 strips)
		final TileGrid four = TileGrid.create( new long[] { 128, 128 }, new int[] { 64, 64 }, 16, 16,
				TileGrid.EdgeTiles.SHRINK );
		final List< long[] > six = CellBlocks.split( four, 7, null );
		assertPartition( four, six );
		assertEquals( 6, six.size() );
		assertThrows( IllegalArgumentException.class, () -> CellBlocks.split( small, 0, null ) );
	}
}
