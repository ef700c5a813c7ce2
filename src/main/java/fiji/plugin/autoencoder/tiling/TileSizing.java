package fiji.plugin.autoencoder.tiling;

import java.util.Arrays;

import fiji.plugin.autoencoder.model.ImagePredictor;

/**
 * Chooses tile sizes: the largest roughly cubic tile whose buffers and network
 * activations fit a memory budget ({@link #fromBudget}), or a tile whose core
 * is a whole number of output chunks ({@link #chunkAligned}), so that every
 * output chunk is written by exactly one tile, once.
 */
final class TileSizing
{
	private TileSizing()
	{}

	/**
	 * Bytes per voxel of a tile, for all workers: the float in + out batch
	 * buffers, the one-channel window and the network's own activations.
	 */
	static long bytesPerVoxel( final ImagePredictor predictor, final int batchSize, final int workers )
	{
		return workers * ( 4L * ( ( long ) batchSize * ( predictor.inputChannels() + predictor.outputChannels() ) + 1 )
				+ ( long ) batchSize * predictor.activationBytesPerPixel() );
	}

	/**
	 * Largest roughly cubic tile whose buffers and network activations fit the memory budget, capped
	 * per axis by the untiled window and balanced so all cells along an axis
	 * have about the same core.
	 */
	static int[] fromBudget( final ImagePredictor predictor, final long[] imageSize, final int workers,
			final int batchSize, final long memoryBudget )
	{
		final int n = imageSize.length;
		final int halo = predictor.halo();
		final int m = predictor.sizeMultiple();
		final int min = TileGrid.minTileSize( halo, m );
		final long bytesPerVoxel = bytesPerVoxel( predictor, batchSize, workers );
		final double voxels = ( double ) memoryBudget / bytesPerVoxel;
		if ( voxels < Math.pow( min, n ) )
			throw new IllegalArgumentException( "The memory budget of " + memoryBudget
					+ " bytes is too small for the smallest tile (" + min + " pixels per axis) with batch size "
					+ batchSize + " and " + workers + " threads; it needs "
					+ ( long ) Math.ceil( Math.pow( min, n ) * bytesPerVoxel )
					+ " bytes. Raise the budget, or lower the batch size or the thread count." );
		final int[] untiled = TileGrid.untiledSize( imageSize, halo, m );
		final int[] tile = new int[ n ];
		final boolean[] capped = new boolean[ n ];
		double budget = voxels;
		int free = n;
		boolean changed = true;
		while ( changed && free > 0 )
		{
			changed = false;
			final double side = Math.pow( budget, 1.0 / free );
			for ( int d = 0; d < n; d++ )
				if ( !capped[ d ] && untiled[ d ] <= side )
				{
					capped[ d ] = true;
					tile[ d ] = untiled[ d ];
					budget /= untiled[ d ];
					free--;
					changed = true;
				}
		}
		final double side = free > 0 ? Math.pow( budget, 1.0 / free ) : 0;
		final int t = Math.max( min, ( int ) Math.min( Integer.MAX_VALUE / 2, ( long ) ( side + 1e-9 ) ) / m * m );
		for ( int d = 0; d < n; d++ )
		{
			if ( capped[ d ] )
				continue;
			// balance: same number of cells, cores as equal as the size multiple allows
			final long core = t - 2L * halo;
			final long cells = ( imageSize[ d ] + core - 1 ) / core;
			final long balancedCore = TileGrid.roundUp( ( imageSize[ d ] + cells - 1 ) / cells, m );
			tile[ d ] = ( int ) Math.min( t, balancedCore + 2L * halo );
		}
		return tile;
	}

	/**
	 * A tile (network input, X, Y[, Z]) whose core is {@code k} output chunks
	 * per axis: the core is the smallest common multiple of the chunk size and
	 * the network's size multiple, times the smallest whole factor that makes
	 * the core at least {@code 4 * halo} (so the halo costs at most 2.25x),
	 * as long as the tile fits {@code memoryBudget} for one worker and batch 1.
	 * Small cores keep the work items many (shards, Spark tasks) and resumes cheap.
	 * Cores then start on chunk borders, so each chunk lies in exactly one core.
	 */
	static int[] chunkAligned( final ImagePredictor predictor, final int[] chunk, final long memoryBudget )
	{
		final int n = chunk.length;
		if ( n != predictor.spatialDims() )
			throw new IllegalArgumentException( "Give " + predictor.spatialDims() + " chunk sizes, not " + n );
		final int halo = predictor.halo();
		final int m = predictor.sizeMultiple();
		final int[] unit = new int[ n ];
		for ( int d = 0; d < n; d++ )
		{
			if ( chunk[ d ] < 1 )
				throw new IllegalArgumentException( "Chunk size " + Arrays.toString( chunk ) + " is invalid" );
			unit[ d ] = lcm( chunk[ d ], m );
		}
		final long perVoxel = bytesPerVoxel( predictor, 1, 1 );
		int k = 1;
		while ( minCore( unit, k ) < 4L * halo && fits( unit, k + 1, halo, perVoxel, memoryBudget ) && k < 64 )
			k++;
		final int[] tile = new int[ n ];
		for ( int d = 0; d < n; d++ )
			tile[ d ] = Math.toIntExact( ( long ) unit[ d ] * k + 2L * halo );
		return tile;
	}

	private static long minCore( final int[] unit, final int k )
	{
		long m = Long.MAX_VALUE;
		for ( final int u : unit )
			m = Math.min( m, ( long ) u * k );
		return m;
	}

	private static boolean fits( final int[] unit, final int k, final int halo, final long perVoxel, final long budget )
	{
		double voxels = 1;
		for ( final int u : unit )
			voxels *= ( double ) u * k + 2.0 * halo;
		return voxels * perVoxel <= budget;
	}

	private static int lcm( final int a, final int b )
	{
		int x = a, y = b;
		while ( y != 0 )
		{
			final int t = x % y;
			x = y;
			y = t;
		}
		return Math.toIntExact( ( long ) a / x * b );
	}
}
