package fiji.plugin.autoencoder.macro;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import fiji.plugin.autoencoder.core.Progress;
import ij.IJ;

/**
 * Progress for a run without a window (ImageJ {@code -batch}, a cluster job):
 * a line about every {@link #INTERVAL_SECONDS} seconds with the percentage,
 * the speed and the time left, e.g.
 * {@code Autoencoder: denoise: 42% (120 of 286 tiles), 3.1 per s, about 53 s left}.
 * Never cancelled. Thread-safe (tiles report from worker threads).
 *
 * <pre>{@code
 * ModelFileRunner.apply( model, image, type, "denoised", tiles, BatchProgress.forMacro( "denoise" ) );
 * }</pre>
 */
public final class BatchProgress implements Progress
{
	/** Seconds between two lines. */
	public static final int INTERVAL_SECONDS = 10;

	private final String task;

	private final Consumer< String > out;

	private final LongSupplier nanoTime;

	private final long interval;

	private long start = -1, last;

	/**
	 * @param out      receives each line
	 * @param nanoTime the clock ({@code System::nanoTime})
	 * @param interval nanoseconds between lines
	 */
	public BatchProgress( final String task, final Consumer< String > out, final LongSupplier nanoTime,
			final long interval )
	{
		this.task = task;
		this.out = out;
		this.nanoTime = nanoTime;
		this.interval = interval;
	}

	/** Lines to the ImageJ log (stdout in -batch) when ImageJ has no window, else no progress lines (the status bar has its own). */
	public static Progress forMacro( final String task )
	{
		return IJ.getInstance() != null ? Progress.none()
				: new BatchProgress( task, line -> IJ.log( "Autoencoder: " + line ), System::nanoTime,
						TimeUnit.SECONDS.toNanos( INTERVAL_SECONDS ) );
	}

	@Override
	public synchronized void report( final long done, final long total, final String message )
	{
		final long now = nanoTime.getAsLong();
		if ( start < 0 )
		{
			start = now;
			last = now;
		}
		if ( now - last < interval || total <= 0 || done >= total || done <= 0 )
			return;
		last = now;
		final double seconds = ( now - start ) / 1e9, rate = done / seconds;
		out.accept( String.format( Locale.ROOT, "%s: %d%% (%d of %d %s), %.3g per s, about %s left", task,
				100 * done / total, done, total,
				message == null || message.isEmpty() ? "steps" : message, rate, duration( ( total - done ) / rate ) ) );
	}

	@Override
	public boolean isCancelled()
	{
		return false;
	}

	static String duration( final double seconds )
	{
		if ( seconds < 90 )
			return Math.round( seconds ) + " s";
		if ( seconds < 5400 )
			return Math.round( seconds / 60 ) + " min";
		return String.format( Locale.ROOT, "%.1f h", seconds / 3600 );
	}
}
