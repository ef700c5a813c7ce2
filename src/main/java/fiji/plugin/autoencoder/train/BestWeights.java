package fiji.plugin.autoencoder.train;

import java.util.Map;

import fiji.plugin.autoencoder.model.Model;

/**
 * The stopping and best-weights policy of a training run: keeps a snapshot of
 * the weights with the lowest criterion (validation loss, or training loss
 * without validation), counts the epochs since it last improved by more than
 * {@link TrainingConfig#minImprovement} (relative) for early stopping, and
 * writes the snapshot back when training ends.
 */
final class BestWeights
{
	private final Model model;

	private final double minImprovement;

	private double best;

	private Map< String, float[] > weights;

	private int epoch;

	private int sinceBest;

	/** Starts from the model's current weights with criterion {@code initial} (NaN: none yet). */
	BestWeights( final Model model, final double initial, final double minImprovement )
	{
		this.model = model;
		this.minImprovement = minImprovement;
		this.best = Double.isNaN( initial ) ? Double.POSITIVE_INFINITY : initial;
		this.weights = model.readParameters();
	}

	/** Takes a snapshot if {@code criterion} improves on the best; returns true if it did. */
	boolean offer( final double criterion, final int epochNumber )
	{
		if ( criterion < best - Math.abs( best ) * minImprovement || ( Double.isInfinite( best ) && criterion < best ) )
		{
			best = criterion;
			weights = model.readParameters();
			epoch = epochNumber;
			sinceBest = 0;
			return true;
		}
		sinceBest++;
		return false;
	}

	/** True when early stopping is on ({@code patience > 0}) and the last {@code patience} epochs brought no improvement. */
	boolean patienceExhausted( final int patience )
	{
		return patience > 0 && sinceBest >= patience;
	}

	/** Writes the best weights back into the model. */
	void restore()
	{
		model.writeParameters( weights );
	}

	double loss()
	{
		return best;
	}

	/** Epoch of the best weights in this run, 0 for the weights before training. */
	int epoch()
	{
		return epoch;
	}
}
