package fiji.plugin.autoencoder.core;

/**
 * Progress and cancel for long work: logic reports how far it is and asks whether to stop.
 * <p>
 * Passed into every long-running method (training, tiled prediction, batch
 * processing) so the same code reports to a console, a log, the ImageJ status
 * bar or a SciJava {@code StatusService}. Implementations must be thread-safe:
 * tiles report from worker threads.
 *
 * <pre>{@code
 * Progress p = Progress.console("denoise");
 * predictor.run(image, p);
 * }</pre>
 */
public interface Progress
{
	/** Reports that {@code done} of {@code total} units are finished. */
	void report( long done, long total, String message );

	/** True once the user asked to stop; work checks it between steps or tiles. */
	boolean isCancelled();

	/** Progress that reports nothing and is never cancelled. */
	static Progress none()
	{
		return new Progress()
		{
			@Override
			public void report( final long done, final long total, final String message )
			{}

			@Override
			public boolean isCancelled()
			{
				return false;
			}
		};
	}

	/** Progress that prints at most one line per second to standard error, never cancelled. */
	static Progress console( final String task )
	{
		return new Progress()
		{
			private long lastPrint;

			@Override
			public synchronized void report( final long done, final long total, final String message )
			{
				final long now = System.currentTimeMillis();
				if ( now - lastPrint < 1000 && done < total )
					return;
				lastPrint = now;
				System.err.println( "[" + task + "] " + done + "/" + total
						+ ( message == null || message.isEmpty() ? "" : " " + message ) );
			}

			@Override
			public boolean isCancelled()
			{
				return false;
			}
		};
	}
}
