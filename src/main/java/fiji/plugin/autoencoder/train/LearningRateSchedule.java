package fiji.plugin.autoencoder.train;

import java.util.function.LongSupplier;

import fiji.plugin.autoencoder.model.ModelSpec;

/**
 * The learning-rate schedule of a training (spec key {@code learning_rate_schedule}): the factor that
 * {@link Trainer} feeds to every training step ({@code Model#learningRateMultiplier}). {@code constant}: 1;
 * {@code cosine}: 0.5 (1 + cos(pi f)), from 1 at the start to 0 at the end, where f is the fraction of the schedule
 * done: {@code done + (1 - done) p}. {@code done} is the fraction that an earlier run of the same model stopped at
 * ({@link History#scheduleDone}: 0 for a new model, and 0 again once a run finished its schedule, so a resumed
 * finished training starts a new cosine); p is this run's progress, the larger of its epochs done / epochs and, with a
 * time budget, its elapsed time / budget, asked before every training run of steps.
 *
 * <pre>{@code
 * LearningRateSchedule.multiplier( "cosine", 0.25 ) // 0.854
 * }</pre>
 */
public final class LearningRateSchedule
{
	private final boolean cosine;

	/** Fraction done when this run started. */
	private final double start;

	private final int epochs;

	private final long budgetNanos;

	private final LongSupplier clock;

	private final long t0;

	/**
	 * @param schedule {@link ModelSpec#CONSTANT} or {@link ModelSpec#COSINE}
	 * @param done     the fraction an earlier run reached ({@link History#scheduleDone}; 1 or more: finished)
	 * @param epochs   the epochs of this run
	 * @param minutes  its time budget, 0: none
	 * @param clock    nanoseconds (System::nanoTime)
	 */
	LearningRateSchedule( final String schedule, final double done, final int epochs, final double minutes,
			final LongSupplier clock )
	{
		if ( !ModelSpec.CONSTANT.equals( schedule ) && !ModelSpec.COSINE.equals( schedule ) )
			throw new IllegalArgumentException( "learning_rate_schedule must be " + ModelSpec.CONSTANT + " or "
					+ ModelSpec.COSINE + ", got " + schedule );
		this.cosine = ModelSpec.COSINE.equals( schedule );
		this.start = done >= 1 || !( done > 0 ) ? 0 : done;
		this.epochs = Math.max( 1, epochs );
		this.budgetNanos = minutes > 0 ? ( long ) ( minutes * 60e9 ) : 0;
		this.clock = clock;
		this.t0 = clock.getAsLong();
	}

	/** The factor on the learning rate at {@code fraction} of the schedule done (clamped to [0, 1]). */
	public static double multiplier( final String schedule, final double fraction )
	{
		if ( !ModelSpec.COSINE.equals( schedule ) )
			return 1;
		final double f = Math.min( 1, Math.max( 0, fraction ) );
		return 0.5 * ( 1 + Math.cos( Math.PI * f ) );
	}

	/** The fraction of the schedule done at step {@code step} of {@code steps} in epoch {@code epoch} (0-based) of this run. */
	double fraction( final int epoch, final int step, final int steps )
	{
		double p = ( epoch + ( steps > 0 ? ( double ) step / steps : 0 ) ) / epochs;
		if ( budgetNanos > 0 )
			p = Math.max( p, ( clock.getAsLong() - t0 ) / ( double ) budgetNanos );
		return start + ( 1 - start ) * Math.min( 1, p );
	}

	/** The factor on the learning rate at {@link #fraction}. */
	double multiplier( final int epoch, final int step, final int steps )
	{
		return cosine ? multiplier( ModelSpec.COSINE, fraction( epoch, step, steps ) ) : 1;
	}
}
