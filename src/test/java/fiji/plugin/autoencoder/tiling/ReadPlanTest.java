package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * The read plan of the out-of-core tiler on the grids of the scale benchmark
 * (chunks of 512², tiles of one chunk plus a halo of 16): in grid order a cache
 * of the plan's size decodes each chunk once, the former fixed 32 about 3 times;
 * wider images are visited in strips whose cache stays within the bound.
 */
public class ReadPlanTest
{
	static TileGrid grid( final long side )
	{
		return TileGrid.create( new long[] { side, side }, new int[] { 544, 544 }, 16, 16,
				TileGrid.EdgeTiles.SHRINK );
	}

	static long[] all( final TileGrid g )
	{
		final long[] c = new long[ ( int ) g.numCells() ];
		for ( int i = 0; i < c.length; i++ )
			c[ i ] = i;
		return c;
	}

	@Test
	public void eachChunkDecodedOnceWithinTheBound()
	{
		final int[] chunk = { 512, 512 };
		final int bound = ReadPlan.maxChunks( 512 * 512 * 2, ReadPlan.MAX_CACHE_BYTES ); // uint16: 64 chunks
		assertEquals( 64, bound );
		for ( final long side : new long[] { 8192, 16384, 32768, 65536 } )
		{
			final TileGrid g = grid( side );
			final long chunks = ( side / 512 ) * ( side / 512 );
			final ReadPlan p = ReadPlan.of( g, all( g ), chunk, bound );
			// the former reader: grid order, 32 chunks
			final ReadPlan old = side <= 16384 ? ReadPlan.of( g, all( g ), chunk, 32 ) : null; // (time)
			final ReadPlan rowOrder = ReadPlan.of( g, all( g ), chunk, 100000 );
			final long former = decodesInGridOrder( g, chunk, 32 );
			System.out.println( side + "^2: " + chunks + " chunks; grid order needs " + rowOrder.cachedChunks
					+ " cached; plan: strips of " + p.stripWidth + " of " + g.cellsPerDimension()[ 0 ]
					+ " tile columns, cache " + p.cachedChunks + ", " + p.decodes + " decodes ("
					+ String.format( "%.3f", p.decodes / ( double ) chunks ) + " per chunk); 32 cached in grid order: "
					+ former
					+ ( old == null ? "" : "; best with 32: " + old.decodes + " in strips of " + old.stripWidth ) );
			assertEquals( chunks, p.distinct );
			assertTrue( p.cachedChunks <= bound );
			assertEquals( chunks, rowOrder.decodes, "a cache of the grid-order need decodes each chunk once" );
			if ( rowOrder.cachedChunks <= bound )
			{
				assertEquals( g.cellsPerDimension()[ 0 ], p.stripWidth, "grid order when it fits" );
				assertEquals( chunks, p.decodes );
			}
			else
				assertTrue( p.decodes < 1.15 * chunks, "strips decode only their border chunks twice: " + p.decodes );
			assertTrue( former > 2.5 * chunks, "the former 32 decoded ~3x" );
			assertTrue( old == null || old.decodes < former, "strips help a 32-chunk cache too" );
		}
	}

	@Test
	public void theSmallGridOfZarrChunkReadsTestNeedsMoreThanTheFormer32()
	{
		// ZarrChunkReadsTest's image: 640 x 224 in chunks of 32, tiles of 64 (halo 16): 140 chunks
		final TileGrid g = TileGrid.create( new long[] { 640, 224 }, new int[] { 64, 64 }, 16, 16,
				TileGrid.EdgeTiles.SHRINK );
		final int[] chunk = { 32, 32 };
		final ReadPlan p = ReadPlan.of( g, all( g ), chunk, 100000 );
		final long old = decodesInGridOrder( g, chunk, 32 );
		System.out.println( "640 x 224: grid order needs " + p.cachedChunks + " cached; 32 cached decode " + old );
		assertEquals( 140, p.decodes );
		assertTrue( p.cachedChunks > 32 && old > 140 );
	}

	/** Decodes with an LRU cache of {@code cache} chunks in plain grid order (the former reader). */
	static long decodesInGridOrder( final TileGrid g, final int[] chunk, final int cache )
	{
		final java.util.LinkedHashMap< Long, Boolean > lru = new java.util.LinkedHashMap<>( 64, 0.75f, true );
		final long cols = ( g.imageSize()[ 0 ] + chunk[ 0 ] - 1 ) / chunk[ 0 ];
		long decodes = 0;
		for ( long i = 0; i < g.numCells(); i++ )
		{
			final TileCell c = g.cell( i );
			final long[] x = TileReader.boxRange( c.windowMin()[ 0 ], c.windowSize()[ 0 ], g.imageSize()[ 0 ] );
			final long[] y = TileReader.boxRange( c.windowMin()[ 1 ], c.windowSize()[ 1 ], g.imageSize()[ 1 ] );
			for ( long cy = y[ 0 ] / chunk[ 1 ]; cy <= y[ 1 ] / chunk[ 1 ]; cy++ )
				for ( long cx = x[ 0 ] / chunk[ 0 ]; cx <= x[ 1 ] / chunk[ 0 ]; cx++ )
				{
					final long key = cy * cols + cx;
					if ( lru.get( key ) == null )
					{
						decodes++;
						lru.put( key, true );
						if ( lru.size() > cache )
							lru.remove( lru.keySet().iterator().next() );
					}
				}
		}
		return decodes;
	}

	@Test
	public void stripsVisitEveryCellOnceAndKeepTheGridOrderInside()
	{
		final TileGrid g = grid( 16384 );
		final long[] order = ReadPlan.order( g, all( g ), 5 );
		final long[] sorted = order.clone();
		Arrays.sort( sorted );
		assertEquals( Arrays.toString( all( g ) ), Arrays.toString( sorted ) );
		// the first strip: columns 0-4 of every row, top to bottom
		assertEquals( 0, order[ 0 ] );
		assertEquals( 4, order[ 4 ] );
		assertEquals( 32, order[ 5 ] );
		assertEquals( 5, order[ 5 * 32 ] );
		// a shard keeps only its cells
		final long[] shard = ChunkedPredictor.shard( g, 1, 3 );
		final ReadPlan p = ReadPlan.of( g, shard, new int[] { 512, 512 }, 128 );
		final long[] s = p.cells.clone();
		Arrays.sort( s );
		assertEquals( Arrays.toString( shard ), Arrays.toString( s ) );
	}
}
