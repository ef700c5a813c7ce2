package fiji.plugin.autoencoder.macro;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

import ij.util.ThreadUtil;

/**
 * Makes ImageJ 1's shared filter pool ({@link ThreadUtil#threadPoolExecutor},
 * used by {@code GaussianBlur} and {@code RankFilters}) create daemon threads.
 * <p>
 * The pool keeps as many core threads as there are CPUs, alive for ever, and
 * creates them with the default factory as non-daemon {@code pool-N-thread-M}
 * threads: once a Gaussian blur ran (Segment by Reconstruction smooths its map
 * with one), a plain Java program that called {@code MacroCalls.segment} did
 * not exit when its {@code main} returned. ImageJ itself ends with
 * {@code System.exit}, so it never noticed. With daemon threads, and core
 * threads that time out when idle (for threads made before this ran), such a
 * program exits.
 */
public final class ImageJThreads
{
	private static final AtomicInteger COUNT = new AtomicInteger();

	private ImageJThreads()
	{}

	/** Idempotent; safe to call from any thread. */
	public static synchronized void useDaemonThreads()
	{
		final ThreadPoolExecutor pool = ThreadUtil.threadPoolExecutor;
		if ( pool == null || pool.getThreadFactory() instanceof Daemons )
			return;
		pool.setThreadFactory( new Daemons() );
		if ( pool.getKeepAliveTime( java.util.concurrent.TimeUnit.NANOSECONDS ) > 0 )
			pool.allowCoreThreadTimeOut( true );
	}

	private static final class Daemons implements ThreadFactory
	{
		@Override
		public Thread newThread( final Runnable r )
		{
			final Thread t = new Thread( r, "ImageJ-filter-" + COUNT.incrementAndGet() );
			t.setDaemon( true );
			return t;
		}
	}
}
