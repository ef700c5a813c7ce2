package fiji.plugin.autoencoder.commands;

import org.scijava.app.StatusService;

import fiji.plugin.autoencoder.core.Progress;

/** {@link Progress} on SciJava's status bar; cancelled when its command is. */
final class StatusProgress implements Progress
{
	private final StatusService status;

	private final org.scijava.Cancelable command;

	StatusProgress( final StatusService status, final org.scijava.Cancelable command )
	{
		this.status = status;
		this.command = command;
	}

	@Override
	public void report( final long done, final long total, final String message )
	{
		if ( status != null )
			status.showStatus( ( int ) Math.min( Integer.MAX_VALUE, done ), ( int ) Math.min( Integer.MAX_VALUE, total ), message );
	}

	@Override
	public boolean isCancelled()
	{
		return command.isCanceled() || Thread.currentThread().isInterrupted();
	}
}
