package fiji.plugin.autoencoder.macro;

import java.util.function.BooleanSupplier;

import fiji.plugin.autoencoder.core.Progress;
import ij.IJ;

/**
 * The cancel of a training started from a plain macro or the command line: Esc in ImageJ (which also aborts the
 * macro), an interrupt of the training thread, or a caller's request (the CLI's SIGTERM/SIGINT hook). The trainer
 * asks before every step, then stops and keeps its best model. An interrupt is taken from the thread when noticed
 * there, so the best model can still be written (NIO channels refuse to write on an interrupted thread). Reports
 * nothing.
 */
public final class MacroStop implements Progress
{
	private final Thread owner = Thread.currentThread();

	private final BooleanSupplier requested;

	private volatile boolean stopped;

	/** A stop made on the calling thread; Esc pressed before it was made does not count. */
	public MacroStop( final BooleanSupplier requested )
	{
		this.requested = requested == null ? () -> false : requested;
		IJ.resetEscape();
	}

	@Override
	public void report( final long done, final long total, final String message )
	{}

	@Override
	public boolean isCancelled()
	{
		if ( stopped )
			return true;
		if ( Thread.currentThread() == owner ? Thread.interrupted() : owner.isInterrupted() )
			stopped = true;
		if ( IJ.escapePressed() || requested.getAsBoolean() )
			stopped = true;
		return stopped;
	}
}
