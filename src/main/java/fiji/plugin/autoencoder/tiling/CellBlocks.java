package fiji.plugin.autoencoder.tiling;

import java.util.ArrayList;
import java.util.List;

/**
 * The cells of a {@link TileGrid} cut into a given number of contiguous
 * rectangular blocks, one per worker or task: bands of whole tile rows (Z
 * slabs in 3D), and strips of tile columns when there are more blocks than
 * fit as bands well. A tile reads its halo from the neighbouring chunks, so a
 * block's reader also decodes the chunk row (or column) beyond each border it
 * shares with another block; of the factorisations rows x columns = count, the
 * one with the least border (in chunks: the fewest of those extra decodes) is
 * taken, bands of rows on a tie. Inside a block the cells are in grid order; a
 * {@link ReadPlan} then visits them so that each of its input chunks is decoded
 * about once (Spark local[2] at 16384²: 2 bands decode 1.06 chunks per chunk, as one JVM,
 * against 1.44 for the former 8 tasks of 4 tile rows; 8192²: 1.13 against 1.88).
 *
 * <pre>{@code
 * List< long[] > blocks = CellBlocks.split( grid, 8, new int[] { 512, 512 } ); // then one task per block
 * }</pre>
 */
public final class CellBlocks
{
	private CellBlocks()
	{}

	/**
	 * {@code count} blocks of the grid's cells, each in grid order, covering
	 * every cell once (fewer blocks where {@code count} exceeds the cells or
	 * does not factor as rows x columns of the grid: then the most that do);
	 * {@code chunk} is the input's chunk size (X, Y[, Z]; null: the tiles'
	 * cores), which weighs the borders.
	 */
	public static List< long[] > split( final TileGrid grid, final int count, final int[] chunk )
	{
		if ( count < 1 )
			throw new IllegalArgumentException( "The number of blocks must be at least 1, not " + count );
		final long[] n = grid.cellsPerDimension();
		final int last = n.length - 1;
		final int[] core = grid.coreSize();
		final double tx = core[ 0 ] / ( double ) ( chunk == null ? core[ 0 ] : chunk[ 0 ] ),
				tl = core[ last ] / ( double ) ( chunk == null ? core[ last ] : chunk[ last ] );
		int bestRows = 1, bestColumns = 1;
		double bestCost = Double.MAX_VALUE;
		// the most blocks up to count that factor as rows x columns within the grid (1 x 1 always does)
		for ( int k = ( int ) Math.min( count, grid.numCells() ); k >= 1 && bestCost == Double.MAX_VALUE; k-- )
			for ( int rows = ( int ) Math.min( k, n[ last ] ); rows >= 1; rows-- ) // bands of rows first: they win ties
			{
				if ( k % rows != 0 || k / rows > n[ 0 ] )
					continue;
				final int columns = k / rows;
				// the chunks a block reads: its own, plus one row or column beyond each inner border
				final double w = n[ 0 ] * tx / columns + ( columns > 1 ? 2 : 0 ),
						h = n[ last ] * tl / rows + ( rows > 1 ? 2 : 0 );
				final double cost = w * h * k;
				if ( cost < bestCost - 1e-9 )
				{
					bestCost = cost;
					bestRows = rows;
					bestColumns = columns;
				}
			}
		final long[] rowStart = cuts( n[ last ], bestRows ), columnStart = cuts( n[ 0 ], bestColumns );
		long middle = 1; // cells of one X row times the axes between X and the last (Y of a 3D grid)
		for ( int d = 1; d < last; d++ )
			middle *= n[ d ];
		final List< long[] > blocks = new ArrayList<>();
		for ( int r = 0; r < bestRows; r++ )
			for ( int c = 0; c < bestColumns; c++ )
			{
				final long x0 = columnStart[ c ], x1 = columnStart[ c + 1 ];
				final long[] cells = new long[ Math.toIntExact( ( rowStart[ r + 1 ] - rowStart[ r ] ) * middle
						* ( x1 - x0 ) ) ];
				int i = 0;
				for ( long l = rowStart[ r ]; l < rowStart[ r + 1 ]; l++ )
					for ( long m = 0; m < middle; m++ )
						for ( long x = x0; x < x1; x++ )
							cells[ i++ ] = ( l * middle + m ) * n[ 0 ] + x;
				blocks.add( cells );
			}
		return blocks;
	}

	/** {@code parts + 1} cut positions splitting {@code size} into parts whose sizes differ by at most 1. */
	private static long[] cuts( final long size, final int parts )
	{
		final long[] s = new long[ parts + 1 ];
		for ( int p = 0; p <= parts; p++ )
			s[ p ] = size * p / parts;
		return s;
	}
}
