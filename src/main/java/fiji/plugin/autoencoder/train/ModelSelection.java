package fiji.plugin.autoencoder.train;

/**
 * Which epoch to keep, robust to a noisy validation loss: the criterion is an
 * exponential moving average of the per-epoch losses ({@code smoothed = s * smoothed + (1 - s) * loss},
 * started at the first epoch's loss; {@code s = 0} is the raw loss), an epoch is
 * the new best when its smoothed value improves on the best by more than the
 * relative {@code minImprovement}, patience counts epochs since the smoothed
 * best, and early stopping never comes before {@code minEpochs} epochs.
 *
 * <pre>{@code
 * ModelSelection m = new ModelSelection( initialLoss, 0, 0.5, 10 );
 * if ( m.offer( valLoss, epoch ) ) snapshot(); if ( m.patienceExhausted( 5 ) ) stop();
 * }</pre>
 */
final class ModelSelection
{
	private final double minImprovement, smoothing;

	private final int minEpochs;

	private double best, smoothed = Double.NaN, bestRaw;

	private int epoch, sinceBest, seen;

	/**
	 * @param initial   criterion of the weights before training (NaN or infinite: none)
	 * @param smoothing weight of the past in the moving average, in [0, 1) (0: the raw loss)
	 * @param minEpochs epochs before early stopping may stop
	 */
	ModelSelection( final double initial, final double minImprovement, final double smoothing, final int minEpochs )
	{
		if ( !( smoothing >= 0 && smoothing < 1 ) )
			throw new IllegalArgumentException(
					"The validation loss smoothing must be in [0, 1) (0: none, e.g. 0.5), got " + smoothing );
		this.minImprovement = minImprovement;
		this.smoothing = smoothing;
		this.minEpochs = minEpochs;
		this.best = Double.isNaN( initial ) ? Double.POSITIVE_INFINITY : initial;
		this.bestRaw = best;
	}

	/** Adds an epoch's criterion; true when the epoch is the new best (keep its weights). */
	boolean offer( final double criterion, final int epochNumber )
	{
		seen++;
		smoothed = Double.isNaN( smoothed ) || !Double.isFinite( smoothed ) ? criterion
				: smoothing * smoothed + ( 1 - smoothing ) * criterion;
		if ( smoothed < best - Math.abs( best ) * minImprovement || ( Double.isInfinite( best ) && smoothed < best ) )
		{
			best = smoothed;
			bestRaw = criterion;
			epoch = epochNumber;
			sinceBest = 0;
			return true;
		}
		sinceBest++;
		return false;
	}

	/** True when early stopping is on ({@code patience > 0}), at least {@code minEpochs} epochs ran, and the last {@code patience} brought no improvement. */
	boolean patienceExhausted( final int patience )
	{
		return patience > 0 && seen >= minEpochs && sinceBest >= patience;
	}

	/** Epochs offered since the last improvement. */
	int sinceBest()
	{
		return sinceBest;
	}

	/** The kept epoch's own (unsmoothed) criterion. */
	double loss()
	{
		return bestRaw;
	}

	/** Epoch of the kept weights, 0 for the weights before training. */
	int epoch()
	{
		return epoch;
	}
}
