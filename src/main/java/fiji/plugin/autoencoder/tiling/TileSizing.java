package fiji.plugin.autoencoder.tiling;

import java.util.Arrays;

import fiji.plugin.autoencoder.model.ImagePredictor;

/**
 * Chooses tile sizes: the grid of least modelled time (halo overhead and a fixed cost per run) whose largest
 * window's buffers and network activations fit a memory budget ({@link #fromBudget}), or a tile whose core
 * is a whole number of output chunks ({@link #chunkAligned}), so that every
 * output chunk is written by exactly one tile, once.
 */
final class TileSizing
{
	private TileSizing()
	{}

	/**
	 * What TensorFlow's CPU allocator really takes from the system for the activations, against the bytes live at
	 * its peak ({@link ImagePredictor#activationBytesPerPixel()}): its pool grows in regions of doubling size and does
	 * not fit every large map into the holes of earlier ones. Measured as the peak resident memory above the start of
	 * one run against the live peak (bench/results/speed.md, section 10): 0.98-1.08 up to 1.1 Mpixel windows,
	 * 1.30-1.32 at 2.2-2.8 Mpixel, 1.38-1.48 at 4.3-4.9 Mpixel (denoiser, segmenter).
	 */
	static final double ALLOCATOR_SLACK = 1.5;

	/**
	 * Bytes per voxel of a tile, for all workers: the float in + out batch buffers, the one-channel window and the
	 * network's own activations as the allocator holds them ({@link #ALLOCATOR_SLACK}).
	 */
	static long bytesPerVoxel( final ImagePredictor predictor, final int batchSize, final int workers )
	{
		return workers * ( 4L * ( ( long ) batchSize * ( predictor.inputChannels() + predictor.outputChannels() ) + 1 )
				+ ( long ) Math.ceil( batchSize * predictor.activationBytesPerPixel() * ALLOCATOR_SLACK ) );
	}

	/**
	 * Fixed cost of one network run (one tile), in the time of this many window pixels: the session call, the
	 * copies' set-up and oneDNN's per-call work. Measured on the U-Net denoiser (bench/results/speed.md): 128^2
	 * windows ran about 5 % slower per pixel than 1024^2 ones, i.e. about 1000 pixels of fixed cost per run.
	 */
	static final double RUN_COST_PIXELS = 1024;

	/**
	 * The fastest grid whose largest window fits the memory budget: the time of a grid is modelled as the pixels of
	 * all its windows (each core plus its halo, the last window along an axis shrunk to its core) plus
	 * {@link #RUN_COST_PIXELS} per window; every combination of cell counts per axis is weighed (cores balanced
	 * along each axis, tiles not necessarily square), so the halo's overhead, not a fixed shape, decides. Returns the
	 * tile size (network input X, Y[, Z]); along an axis the image fits, the untiled window.
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
		final AxisChoice[][] choices = new AxisChoice[ n ][];
		for ( int d = 0; d < n; d++ )
		{
			// no axis can take more than the budget leaves when every other axis has the smallest tile
			final double cap = voxels / Math.pow( min, n - 1.0 );
			choices[ d ] = AxisChoice.all( imageSize[ d ], untiled[ d ], halo, m, min, cap );
		}
		final Search s = new Search( choices, voxels, imageSize );
		s.search( 0, new int[ n ], 1, 1, 1 );
		final int[] tile = new int[ n ];
		for ( int d = 0; d < n; d++ )
			tile[ d ] = choices[ d ][ s.best[ d ] ].tile;
		return tile;
	}

	/**
	 * One way to cut an axis: the tile (network input) size, the number of cells it gives and the sum of their
	 * window sizes (the last window shrunk to its core plus halos, as {@link TileGrid} does).
	 */
	static final class AxisChoice
	{
		final int tile;

		final long cells, windows;

		/** {@code size + 2 * halo * cells}: no choice with as many cells or more has fewer window pixels. */
		final long lowerBound;

		AxisChoice( final long size, final int tile, final int halo, final int m )
		{
			this.tile = tile;
			final long core = tile - 2L * halo;
			cells = ( size + core - 1 ) / core;
			final long last = size - ( cells - 1 ) * core;
			windows = ( cells - 1 ) * tile + TileGrid.roundUp( last + 2L * halo, m );
			lowerBound = size + 2L * halo * cells;
		}

		/** Every tile size with balanced cores, from the fewest cells (largest tile, at most {@code cap}) to the smallest tile. */
		static AxisChoice[] all( final long size, final int untiled, final int halo, final int m, final int min,
				final double cap )
		{
			final java.util.List< AxisChoice > list = new java.util.ArrayList<>();
			int previous = Integer.MAX_VALUE;
			for ( long c = 1; previous > min; c++ )
			{
				final long core = TileGrid.roundUp( ( size + c - 1 ) / c, m );
				final int tile = ( int ) Math.max( min, Math.min( untiled, core + 2L * halo ) );
				if ( tile < previous && tile <= cap )
					list.add( new AxisChoice( size, tile, halo, m ) );
				previous = Math.min( previous, tile );
			}
			return list.toArray( new AxisChoice[ 0 ] );
		}
	}

	/** Depth-first search over the axes' choices for the grid of the least modelled time. */
	private static final class Search
	{
		final AxisChoice[][] choices;

		final double voxels;

		final double[] usefulAfter; // image pixels of the axes after d (a lower bound of their window sums)

		final int[] best;

		double bestCost = Double.POSITIVE_INFINITY;

		Search( final AxisChoice[][] choices, final double voxels, final long[] imageSize )
		{
			this.choices = choices;
			this.voxels = voxels;
			final int n = choices.length;
			usefulAfter = new double[ n + 1 ];
			usefulAfter[ n ] = 1;
			for ( int d = n - 1; d >= 0; d-- )
				usefulAfter[ d ] = usefulAfter[ d + 1 ] * imageSize[ d ];
			best = new int[ n ];
		}

		void search( final int d, final int[] pick, final double tileVoxels, final double windows, final double cells )
		{
			if ( d == choices.length )
			{
				final double cost = windows + RUN_COST_PIXELS * cells;
				if ( cost < bestCost )
				{
					bestCost = cost;
					System.arraycopy( pick, 0, best, 0, pick.length );
				}
				return;
			}
			// tiles come largest first: skip those that do not fit (binary search), all after the first that fits do
			int lo = 0, hi = choices[ d ].length;
			while ( lo < hi )
			{
				final int mid = ( lo + hi ) >>> 1;
				if ( tileVoxels * choices[ d ][ mid ].tile > voxels )
					lo = mid + 1;
				else
					hi = mid;
			}
			for ( int i = lo; i < choices[ d ].length; i++ )
			{
				final AxisChoice c = choices[ d ][ i ];
				// choices come with more and more cells: once the lower bound of this one (the image's pixels on the
				// remaining axes, one cell each) cannot beat the best, no later choice can
				if ( windows * c.lowerBound * usefulAfter[ d + 1 ] + RUN_COST_PIXELS * cells * c.cells >= bestCost )
					break;
				pick[ d ] = i;
				search( d + 1, pick, tileVoxels * c.tile, windows * c.windows, cells * c.cells );
			}
		}
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
