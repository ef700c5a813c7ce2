package fiji.plugin.autoencoder.train;

import java.util.Locale;

/**
 * Training by a time budget: after each epoch, if another epoch as long as the
 * longest so far would end after the budget, the trainer is asked to stop
 * ({@link Trainer#requestStop}); it keeps the best weights, and
 * {@link #explain} turns its "stopped on request" into "time budget reached"
 * (reason {@link Trainer.StopReason#COMPLETED}).
 */
public final class TimeBudget
{
	private final double minutes;

	private final Trainer trainer;

	private volatile boolean reached;

	/** A budget of {@code minutes} (0 or less: none). */
	public TimeBudget( final double minutes, final Trainer trainer )
	{
		this.minutes = minutes;
		this.trainer = trainer;
	}

	/** {@code listener}, passing every call on, that stops the trainer when the budget is spent. */
	public TrainingListener wrap( final TrainingListener listener )
	{
		if ( !( minutes > 0 ) )
			return listener;
		final long start = System.nanoTime(), budget = ( long ) ( minutes * 60e9 );
		return new ForwardingListener( listener )
		{
			private long last = start, longest = 0;

			@Override
			public void epochEnded( final History.Epoch e, final History h )
			{
				super.epochEnded( e, h );
				final long now = System.nanoTime();
				longest = Math.max( longest, now - last );
				last = now;
				if ( now - start + longest > budget && !trainer.isStopRequested() )
				{
					reached = true;
					trainer.requestStop();
				}
			}
		};
	}

	/** The trainer's result, with the time budget named when it ended the training. */
	public Trainer.Result explain( final Trainer.Result r )
	{
		if ( !reached || r.reason != Trainer.StopReason.CANCELLED )
			return r;
		return new Trainer.Result( Trainer.StopReason.COMPLETED,
				String.format( Locale.ROOT, "Time budget of %s min reached: ", minutes )
						+ r.message.replaceFirst( "^Stopped on request in", "stopped in" ),
				r.bestLoss, r.bestEpoch );
	}
}
