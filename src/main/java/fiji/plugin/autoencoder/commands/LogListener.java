package fiji.plugin.autoencoder.commands;

import java.util.function.Consumer;

import org.scijava.app.StatusService;

import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.TrainingListener;

/** Training progress for headless and macro runs: a log line per epoch, the status bar per step. */
final class LogListener implements TrainingListener
{
	private final Consumer< String > log;

	private final StatusService status;

	private long last;

	LogListener( final Consumer< String > log, final StatusService status )
	{
		this.log = log;
		this.status = status;
	}

	@Override
	public void stepEnded( final String phase, final int epoch, final int step, final int steps, final double loss )
	{
		final long now = System.currentTimeMillis();
		if ( status != null && now - last > 500 )
		{
			last = now;
			status.showStatus( step, steps,
					phase + " epoch " + epoch + ": loss " + String.format( java.util.Locale.ROOT, "%.4g", loss ) );
		}
	}

	@Override
	public void epochEnded( final History.Epoch e, final History h )
	{
		log.accept( "Autoencoder: " + e );
	}
}
