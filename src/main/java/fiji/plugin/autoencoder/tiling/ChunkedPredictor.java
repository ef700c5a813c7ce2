package fiji.plugin.autoencoder.tiling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;

/**
 * Out-of-core tiled prediction: reads each tile plus its halo from a
 * {@link BlockSource} and writes each core to a {@link ChunkSink}, so memory
 * depends on the tile size, not on the image. Tiles are chunk-aligned: every
 * core is a whole number of output chunks (by default the smallest multiple of
 * the chunk size that the network's size multiple allows, grown while the tile
 * fits the memory budget), so each output chunk is computed by one tile and
 * written once, whole. The values are those of {@link TiledPredictor} (the same
 * grid kind, mirror extension and normalisation), so they equal an in-memory
 * tiled run up to float round-off.
 * <p>
 * Resume: a cell whose chunks all exist is skipped, and chunks are written
 * atomically by the sink, so a run that was killed and started again redoes at
 * most the cells that were in flight. A subset of cells ({@link #run} with
 * cell indices) lets shards, array tasks or Spark tasks split the grid.
 *
 * <pre>{@code
 * ChunkedPredictor p = new ChunkedPredictor( TiledPredictor.builder( model ).normalization( o, s ).build() );
 * ChunkedPredictor.Result r = p.run( source, sink, null, Progress.console( "denoise" ) );
 * }</pre>
 * Reads: the cells are visited in the order of a {@link ReadPlan} (grid
 * order, or strips of tile columns for images too wide for the cache bound),
 * and each reader's chunk cache is sized from it, so each input chunk is
 * decoded once per pass (per worker: workers share the cells, not the caches).
 * <p>
 * Thread-safe; one worker per thread of the tiler ({@code threads}), each with its own reader.
 */
public final class ChunkedPredictor
{
	private final TiledPredictor tiler;

	private final ImagePredictor predictor;

	private final long cacheBytes;

	/** A predictor whose readers keep at most {@link ReadPlan#defaultCacheBytes()} of decoded input chunks each. */
	public ChunkedPredictor( final TiledPredictor tiler )
	{
		this( tiler, ReadPlan.defaultCacheBytes() );
	}

	/**
	 * A predictor whose readers keep at most {@code cacheBytes} of decoded
	 * input chunks each: tiles are visited in an order, and each reader's cache
	 * sized, so that each input chunk is decoded once per pass if that fits
	 * ({@link ReadPlan}); the output does not depend on it.
	 */
	public ChunkedPredictor( final TiledPredictor tiler, final long cacheBytes )
	{
		this.tiler = tiler;
		this.cacheBytes = cacheBytes;
		this.predictor = tiler.predictor();
		if ( TileGrid.fixedTileSize( predictor ) != null )
			throw new IllegalArgumentException(
					"The model takes only a fixed input size (dense layers); out-of-core prediction needs a fully convolutional model" );
	}

	/** This predictor with another bound on each reader's decoded chunks (the output is the same). */
	public ChunkedPredictor withCacheBytes( final long bytes )
	{
		return new ChunkedPredictor( tiler, bytes );
	}

	/** Cells done and skipped by one {@link #run}, and input chunks decoded (-1: not counted by the source). */
	public static final class Result
	{
		public final long computed, skipped, chunksDecoded;

		public Result( final long computed, final long skipped )
		{
			this( computed, skipped, -1 );
		}

		public Result( final long computed, final long skipped, final long chunksDecoded )
		{
			this.computed = computed;
			this.skipped = skipped;
			this.chunksDecoded = chunksDecoded;
		}

		@Override
		public String toString()
		{
			return computed + " tiles computed, " + skipped + " already written"
					+ ( chunksDecoded >= 0 ? ", " + chunksDecoded + " input chunks decoded" : "" );
		}
	}

	/** The chunk-aligned grid for this source and sink (checks that they fit the model and each other). */
	public TileGrid grid( final BlockSource in, final ChunkSink out )
	{
		final long[] size = in.size();
		if ( size.length != predictor.spatialDims() )
			throw new IllegalArgumentException( "The image has " + size.length + " spatial axes but the model is "
					+ predictor.spatialDims() + "D" );
		if ( in.channels() != predictor.inputChannels() )
			throw new IllegalArgumentException( "The image has " + in.channels()
					+ " channel(s) but the model was trained on " + predictor.inputChannels()
					+ ": use an image with " + predictor.inputChannels() + " channel(s), or a model trained on "
					+ in.channels() );
		if ( !Arrays.equals( size, out.size() ) || out.channels() != predictor.outputChannels() )
			throw new IllegalArgumentException( "The output is " + Arrays.toString( out.size() ) + " with "
					+ out.channels() + " channel(s) but the image is " + Arrays.toString( size )
					+ " and the model gives " + predictor.outputChannels() + "; give an output of the input's size" );
		final int[] chunk = out.chunkSize();
		final int[] tile = tiler.tileSize != null ? tiler.tileSize
				: TileSizing.chunkAligned( predictor, chunk, tiler.memoryBudget );
		final TileGrid grid = TileGrid.forPredictor( predictor, size, tile );
		for ( int d = 0; d < size.length; d++ )
			if ( grid.coreSize()[ d ] % chunk[ d ] != 0 && grid.cellsPerDimension()[ d ] > 1 )
				throw new IllegalArgumentException( "The tile size " + Arrays.toString( tile ) + " gives cores of "
						+ Arrays.toString( grid.coreSize() ) + ", which are not whole output chunks of "
						+ Arrays.toString( chunk ) + "; use a tile size of k * chunk + 2 * " + predictor.halo()
						+ " (halo), or 0 for automatic" );
		return grid;
	}

	/** The cell indices of shard {@code index} of {@code count} (every count-th cell, so shards get similar work). */
	public static long[] shard( final TileGrid grid, final int index, final int count )
	{
		if ( count < 1 || index < 0 || index >= count )
			throw new IllegalArgumentException(
					"Shard " + index + "/" + count + " is invalid; use i/n with 0 <= i < n" );
		final List< Long > cells = new ArrayList<>();
		for ( long i = index; i < grid.numCells(); i += count )
			cells.add( i );
		return cells.stream().mapToLong( Long::longValue ).toArray();
	}

	/**
	 * Predicts the given cells (null: all) of {@link #grid} from {@code in} into
	 * {@code out}, skipping cells whose chunks are all written.
	 *
	 * @throws CancellationException
	 *             when {@code progress} asked to stop; written chunks stay
	 */
	public Result run( final BlockSource in, final ChunkSink out, final long[] cells, final Progress progress )
	{
		final TileGrid grid = grid( in, out );
		final ReadPlan plan = plan( grid, in, cells );
		final long[] todo = plan.cells;
		final long decodedBefore = in.chunksDecoded();
		final Progress p = progress == null ? Progress.none() : progress;
		final AtomicInteger next = new AtomicInteger();
		final AtomicLong computed = new AtomicLong(), skipped = new AtomicLong();
		final AtomicBoolean cancelled = new AtomicBoolean();
		final AtomicReference< Throwable > failure = new AtomicReference<>();
		final TileReader shared = new TileReader( in, tiler.inOffset, tiler.inScale );
		final int workers = ( int ) Math.max( 1, Math.min( tiler.workerCount(), todo.length ) );
		final Runnable work = () -> {
			final TileReader reader = plan.cachedChunks > 0 ? shared.independentCopy( plan.cachedChunks )
					: shared.independentCopy();
			try
			{
				int i;
				while ( failure.get() == null && !cancelled.get() && ( i = next.getAndIncrement() ) < todo.length )
				{
					if ( p.isCancelled() )
					{
						cancelled.set( true );
						return;
					}
					final TileCell cell = grid.cell( todo[ i ] );
					if ( written( cell, out ) )
						skipped.incrementAndGet();
					else
					{
						predictCell( cell, reader, out );
						computed.incrementAndGet();
					}
					p.report( computed.get() + skipped.get(), todo.length, "tiles" );
				}
			}
			catch ( final RuntimeException | Error e )
			{
				failure.compareAndSet( null, e );
			}
		};
		p.report( 0, todo.length, "tiles" );
		final List< Thread > threads = new ArrayList<>();
		for ( int t = 1; t < workers; t++ )
		{
			final Thread th = new Thread( work, "chunked-predictor-" + t );
			th.start();
			threads.add( th );
		}
		work.run();
		for ( final Thread th : threads )
			try
			{
				th.join();
			}
			catch ( final InterruptedException e )
			{
				cancelled.set( true );
				Thread.currentThread().interrupt();
			}
		final Throwable f = failure.get();
		if ( f instanceof RuntimeException )
			throw ( RuntimeException ) f;
		if ( f instanceof Error )
			throw ( Error ) f;
		if ( cancelled.get() )
			throw new CancellationException( "Prediction cancelled after " + ( computed.get() + skipped.get() ) + " of "
					+ todo.length + " tiles; the chunks written stay, a rerun resumes" );
		return new Result( computed.get(), skipped.get(),
				decodedBefore < 0 ? -1 : in.chunksDecoded() - decodedBefore );
	}

	/** The order of the cells (null: all) and the readers' cache size for {@code in} ({@link ReadPlan}). */
	ReadPlan plan( final TileGrid grid, final BlockSource in, final long[] cells )
	{
		final long[] todo = cells != null ? cells : shard( grid, 0, 1 );
		return ReadPlan.of( grid, todo, in.chunkSize(), ReadPlan.maxChunks( in.chunkBytes(), cacheBytes ) );
	}

	/** Whether every output chunk of the cell's core is on disk. */
	static boolean written( final TileCell cell, final ChunkSink out )
	{
		final int[] chunk = out.chunkSize();
		final long[] min = cell.coreMin();
		final int[] size = cell.coreSize();
		final int n = min.length;
		final long[] first = new long[ n ], last = new long[ n ], g = new long[ n ];
		for ( int d = 0; d < n; d++ )
		{
			first[ d ] = min[ d ] / chunk[ d ];
			last[ d ] = ( min[ d ] + size[ d ] - 1 ) / chunk[ d ];
		}
		System.arraycopy( first, 0, g, 0, n );
		while ( true )
		{
			if ( !out.isWritten( g.clone() ) )
				return false;
			int d = 0;
			while ( d < n && ++g[ d ] > last[ d ] )
			{
				g[ d ] = first[ d ];
				d++;
			}
			if ( d == n )
				return true;
		}
	}

	private void predictCell( final TileCell cell, final TileReader reader, final ChunkSink out )
	{
		final int cin = predictor.inputChannels(), cout = predictor.outputChannels();
		final int[] window = cell.windowSize();
		final int voxels = Math.toIntExact( cell.windowVoxels() );
		final float[] in = new float[ voxels * cin ];
		final float[] result = new float[ voxels * cout ];
		reader.read( cell, in, 0 );
		predictor.predict( in, result, 1, TiledPredictor.reversed( window ) );
		// the core, de-normalised as TileWriter does (float arithmetic), per channel, X fastest
		final long[] coreMin = cell.coreMin(), windowMin = cell.windowMin();
		final int[] core = cell.coreSize();
		final int n = core.length;
		final int sx = core[ 0 ], sy = core[ 1 ], sz = n > 2 ? core[ 2 ] : 1;
		final int ox = ( int ) ( coreMin[ 0 ] - windowMin[ 0 ] ), oy = ( int ) ( coreMin[ 1 ] - windowMin[ 1 ] ),
				oz = n > 2 ? ( int ) ( coreMin[ 2 ] - windowMin[ 2 ] ) : 0;
		final float[][] data = new float[ cout ][ sx * sy * sz ];
		for ( int c = 0; c < cout; c++ )
		{
			final float o = tiler.outOffset[ c ], s = tiler.outScale[ c ];
			int k = 0;
			for ( int z = 0; z < sz; z++ )
				for ( int y = 0; y < sy; y++ )
				{
					int j = ( ( ( z + oz ) * window[ 1 ] + ( y + oy ) ) * window[ 0 ] + ox ) * cout + c;
					for ( int x = 0; x < sx; x++, j += cout )
						data[ c ][ k++ ] = result[ j ] / s + o;
				}
		}
		try
		{
			out.write( coreMin, core, data );
		}
		catch ( final IOException e )
		{
			throw new UncheckedIOException(
					"Cannot write the output chunks at " + Arrays.toString( coreMin ) + ": " + e.getMessage(), e );
		}
	}
}
