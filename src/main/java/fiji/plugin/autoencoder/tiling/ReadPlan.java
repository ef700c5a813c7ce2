package fiji.plugin.autoencoder.tiling;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * The order in which one reader of a chunked {@link BlockSource} visits its
 * tiles, and how many decoded chunks it keeps, so that each input chunk is
 * decoded once per pass within a memory bound.
 * <p>
 * Tiles overlap by their halos, so one input chunk is read by the tiles of up
 * to three tile rows. With the tiles in grid order (X fastest) a least recently
 * used cache decodes each chunk once only if it holds the chunks of about three
 * rows of tiles (a 16384² image in 512² chunks: 95 chunks, 47.5 MiB of uint16;
 * the former fixed 32 decoded each chunk 2.9 times). When that exceeds the
 * bound, the tiles are visited in strips of tile columns, each strip top to
 * bottom (the width, halved down to 1, with the fewest decodes): only the chunks
 * under a strip's border halo are then decoded twice. Computed, not estimated:
 * the plan replays the reader's chunk accesses over the pass (each tile's box
 * as {@link TileReader} reads it, its chunks in C order) and their reuse
 * distances (distinct chunks read between two reads of one chunk); an LRU
 * cache decodes a read again exactly when its distance reaches the capacity.
 *
 * <pre>{@code
 * ReadPlan p = ReadPlan.of( grid, cells, source.chunkSize(), ReadPlan.maxChunks( source.chunkBytes(), bytes ) );
 * BlockSource reader = source.independentCopy( p.cachedChunks ); // then visit p.cells in order
 * }</pre>
 */
final class ReadPlan
{
	/**
	 * The bound on one reader's decoded chunks: 32 MiB, or an eighth of the heap if that is smaller (64 MiB
	 * raised the peak RSS at 16384^2 from 0.54-0.57 to 0.62-0.78 GiB for no CPU saved: bench/results/chunk-cache.md).
	 */
	static final long MAX_CACHE_BYTES = 32L << 20;

	/** The cells in the order to visit them. */
	final long[] cells;

	/** Chunk positions the reader keeps decoded. */
	final int cachedChunks;

	/** Tile columns per strip (all of them: grid order). */
	final long stripWidth;

	/** Chunk reads that decode (by the replay, with {@link #cachedChunks}), and distinct chunks read. */
	final long decodes, distinct;

	private ReadPlan( final long[] cells, final int cachedChunks, final long stripWidth, final long decodes,
			final long distinct )
	{
		this.cells = cells;
		this.cachedChunks = cachedChunks;
		this.stripWidth = stripWidth;
		this.decodes = decodes;
		this.distinct = distinct;
	}

	/** Chunk positions of {@code chunkBytes} each that fit the bound (at least 1). */
	static int maxChunks( final long chunkBytes, final long cacheBytes )
	{
		return ( int ) Math.max( 1, Math.min( Integer.MAX_VALUE, cacheBytes / Math.max( 1, chunkBytes ) ) );
	}

	/** The default bound for this JVM: {@link #MAX_CACHE_BYTES} or an eighth of the maximum heap. */
	static long defaultCacheBytes()
	{
		return Math.min( MAX_CACHE_BYTES, Runtime.getRuntime().maxMemory() / 8 );
	}

	/**
	 * The plan for visiting {@code todo} (cell indices of {@code grid}) with a
	 * source in chunks of {@code chunk} (X, Y[, Z]; null: not chunked, the
	 * cells stay in their order) and at most {@code maxChunks} cached.
	 */
	static ReadPlan of( final TileGrid grid, final long[] todo, final int[] chunk, final int maxChunks )
	{
		if ( chunk == null || todo.length == 0 )
			return new ReadPlan( todo.clone(), 0, grid.cellsPerDimension()[ 0 ], -1, -1 );
		final long columns = grid.cellsPerDimension()[ 0 ];
		ReadPlan best = null;
		for ( long w = columns;; w = ( w + 1 ) / 2 )
		{
			final long[] order = order( grid, todo, w );
			final Replay r = new Replay( grid, chunk, order );
			final int cap = r.capacity( maxChunks );
			final long decodes = r.decodes( cap );
			if ( best == null || decodes < best.decodes )
				best = new ReadPlan( order, cap, w, decodes, r.distinct );
			if ( decodes == r.distinct || w == 1 )
				return best; // each chunk once, or the fewest decodes within the bound
		}
	}

	/** The cells in strips of {@code w} tile columns, each strip in grid order. */
	static long[] order( final TileGrid grid, final long[] todo, final long w )
	{
		final long columns = grid.cellsPerDimension()[ 0 ];
		final Long[] boxed = Arrays.stream( todo ).boxed().toArray( Long[]::new );
		Arrays.sort( boxed, Comparator.< Long >comparingLong( c -> ( c % columns ) / w ).thenComparingLong( c -> c ) );
		return Arrays.stream( boxed ).mapToLong( Long::longValue ).toArray();
	}

	/** The chunk accesses of a pass and their reuse distances (a Fenwick tree over access times). */
	private static final class Replay
	{
		long distinct;

		private final long[] distances; // per access: -1 for a first read, else the reuse distance

		private int accesses;

		Replay( final TileGrid grid, final int[] chunk, final long[] order )
		{
			final long[] keys = accesses( grid, chunk, order );
			final int n = keys.length;
			final int[] tree = new int[ n + 1 ];
			final Map< Long, Integer > last = new HashMap<>();
			distances = new long[ n ];
			for ( int t = 0; t < n; t++ )
			{
				final Integer p = last.get( keys[ t ] );
				if ( p == null )
				{
					distances[ t ] = -1;
					distinct++;
				}
				else
				{
					distances[ t ] = sum( tree, t - 1 ) - sum( tree, p ); // distinct keys read after p
					add( tree, p, -1 );
				}
				add( tree, t, 1 );
				last.put( keys[ t ], t );
			}
			accesses = n;
		}

		/**
		 * The smallest cache, at most {@code max}, that decodes as few chunks as
		 * {@code max} does: one more than the largest reuse distance below {@code max}.
		 */
		int capacity( final int max )
		{
			long d = -1;
			for ( int t = 0; t < accesses; t++ )
				if ( distances[ t ] < max )
					d = Math.max( d, distances[ t ] );
			return ( int ) ( d + 1 );
		}

		/** Decodes with an LRU cache of {@code capacity}: first reads and reads whose reuse distance reaches it. */
		long decodes( final int capacity )
		{
			long d = 0;
			for ( int t = 0; t < accesses; t++ )
				if ( distances[ t ] < 0 || distances[ t ] >= capacity )
					d++;
			return d;
		}

		private static void add( final int[] tree, final int i, final int v )
		{
			for ( int k = i + 1; k < tree.length; k += k & -k )
				tree[ k ] += v;
		}

		/** Sum over times 0..i. */
		private static long sum( final int[] tree, final int i )
		{
			long s = 0;
			for ( int k = i + 1; k > 0; k -= k & -k )
				s += tree[ k ];
			return s;
		}

		/** Chunk keys in the order the reader reads them: per cell its box's chunks, the last axis (Z or Y) slowest, X fastest. */
		private static long[] accesses( final TileGrid grid, final int[] chunk, final long[] order )
		{
			final long[] image = grid.imageSize();
			final int n = image.length;
			final long[] gridSize = new long[ n ];
			for ( int d = 0; d < n; d++ )
				gridSize[ d ] = ( image[ d ] + chunk[ d ] - 1 ) / chunk[ d ];
			long[] keys = new long[ order.length * 9 ];
			int k = 0;
			final long[] first = new long[ n ], lastChunk = new long[ n ], g = new long[ n ];
			for ( final long index : order )
			{
				final TileCell cell = grid.cell( index );
				for ( int d = 0; d < n; d++ )
				{
					final long[] range = TileReader.boxRange( cell.windowMin()[ d ], cell.windowSize()[ d ],
							image[ d ] );
					first[ d ] = range[ 0 ] / chunk[ d ];
					lastChunk[ d ] = range[ 1 ] / chunk[ d ];
				}
				System.arraycopy( first, 0, g, 0, n );
				while ( true )
				{
					long key = 0;
					for ( int d = n - 1; d >= 0; d-- )
						key = key * gridSize[ d ] + g[ d ];
					if ( k == keys.length )
						keys = Arrays.copyOf( keys, 2 * k );
					keys[ k++ ] = key;
					int d = 0;
					while ( d < n && ++g[ d ] > lastChunk[ d ] )
					{
						g[ d ] = first[ d ];
						d++;
					}
					if ( d == n )
						break;
				}
			}
			return Arrays.copyOf( keys, k );
		}
	}
}
