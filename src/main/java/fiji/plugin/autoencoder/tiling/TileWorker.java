package fiji.plugin.autoencoder.tiling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;

/**
 * Shared state of one {@link TiledPredictor#predict} call: the batches of
 * cells, the next one to take, progress, cancel and the first failure.
 * {@link #work()} runs on each worker thread, each with its own reader copy
 * and buffers; workers write disjoint cells.
 */
final class TileWorker
{
	/** Cells grouped by window shape (one network call needs one shape), cut into batches. */
	static List< long[] > batches( final TileGrid grid, final int batchSize )
	{
		final Map< String, List< Long > > groups = new LinkedHashMap<>();
		final long n = grid.numCells();
		for ( long i = 0; i < n; i++ )
			groups.computeIfAbsent( Arrays.toString( grid.cell( i ).windowSize() ), k -> new ArrayList<>() ).add( i );
		final List< long[] > batches = new ArrayList<>();
		for ( final List< Long > group : groups.values() )
			for ( int start = 0; start < group.size(); start += batchSize )
			{
				final long[] batch = new long[ Math.min( batchSize, group.size() - start ) ];
				for ( int j = 0; j < batch.length; j++ )
					batch[ j ] = group.get( start + j );
				batches.add( batch );
			}
		return batches;
	}

	final ImagePredictor predictor;

	final TileGrid grid;

	final List< long[] > batches;

	final TileReader reader;

	final TileWriter< ? > writer;

	final Progress progress;

	final AtomicInteger next = new AtomicInteger();

	final AtomicLong done = new AtomicLong();

	final AtomicBoolean cancelled = new AtomicBoolean();

	/** The first exception of any worker, rethrown as is once all workers stopped. */
	final AtomicReference< Throwable > failure = new AtomicReference<>();

	TileWorker( final ImagePredictor predictor, final TileGrid grid, final List< long[] > batches,
			final TileReader reader, final TileWriter< ? > writer, final Progress progress )
	{
		this.predictor = predictor;
		this.grid = grid;
		this.batches = batches;
		this.reader = reader;
		this.writer = writer;
		this.progress = progress;
	}

	private boolean stop()
	{
		if ( cancelled.get() || failure.get() != null )
			return true;
		if ( progress.isCancelled() )
		{
			cancelled.set( true );
			return true;
		}
		return false;
	}

	/** Runs on each worker thread: takes batches until none is left, the run is cancelled or a worker failed. */
	void work()
	{
		final TileReader myReader = reader.independentCopy();
		final int cin = predictor.inputChannels();
		final int cout = predictor.outputChannels();
		float[] in = new float[ 0 ];
		float[] out = new float[ 0 ];
		try
		{
			while ( !stop() )
			{
				final int b = next.getAndIncrement();
				if ( b >= batches.size() )
					return;
				final long[] batch = batches.get( b );
				final TileCell[] cells = new TileCell[ batch.length ];
				for ( int i = 0; i < batch.length; i++ )
					cells[ i ] = grid.cell( batch[ i ] );
				final int voxels = ( int ) cells[ 0 ].windowVoxels();
				// NB: exact lengths (batch * voxels * channels), as ImagePredictor.predict specifies
				if ( in.length != batch.length * voxels * cin )
					in = new float[ batch.length * voxels * cin ];
				if ( out.length != batch.length * voxels * cout )
					out = new float[ batch.length * voxels * cout ];
				for ( int i = 0; i < cells.length; i++ )
					myReader.read( cells[ i ], in, i * voxels * cin );
				predictor.predict( in, out, batch.length, TiledPredictor.reversed( cells[ 0 ].windowSize() ) );
				if ( stop() )
					return;
				for ( int i = 0; i < cells.length; i++ )
					writer.write( cells[ i ], out, i * voxels * cout );
				progress.report( done.addAndGet( batch.length ), grid.numCells(), "tiles" );
			}
		}
		catch ( final RuntimeException | Error e )
		{
			failure.compareAndSet( null, e );
		}
	}
}
