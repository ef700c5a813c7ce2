package fiji.plugin.autoencoder.commands;

import org.scijava.app.StatusService;

import fiji.plugin.autoencoder.core.Progress;

/**
 * {@link Progress} on SciJava's status bar, cancelled when its command is
 * cancelled ({@code Cancelable.cancel}), when the thread that made it (the
 * command's thread) is interrupted (e.g. the command's {@code Future}
 * cancelled with {@code cancel(true)}), or on {@link #stop()} (a GUI Stop
 * button). Once cancelled it stays cancelled.
 * <p>
 * An interrupt is taken from the thread when noticed there (the command
 * handles it: it stops and keeps its results), so the work can still write its
 * results (NIO channels refuse to write on an interrupted thread) and SciJava's
 * post-processing on that thread runs as usual.
 */
final class StatusProgress implements Progress
{
	private final StatusService status;

	private final org.scijava.Cancelable command;

	private final Thread owner = Thread.currentThread();

	private volatile boolean stopped, interrupted;

	StatusProgress( final StatusService status, final org.scijava.Cancelable command )
	{
		this.status = status;
		this.command = command;
	}

	@Override
	public void report( final long done, final long total, final String message )
	{
		if ( status != null )
			status.showStatus( ( int ) Math.min( Integer.MAX_VALUE, done ),
					( int ) Math.min( Integer.MAX_VALUE, total ), message );
	}

	@Override
	public boolean isCancelled()
	{
		if ( Thread.currentThread() == owner ? Thread.interrupted() : owner.isInterrupted() )
			interrupted = true;
		return stopped || interrupted || command.isCanceled();
	}

	/** Cancels, as the Stop button of the training monitor does. */
	void stop()
	{
		stopped = true;
	}
}
