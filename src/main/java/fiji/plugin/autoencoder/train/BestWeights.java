package fiji.plugin.autoencoder.train;

import java.util.Map;

import fiji.plugin.autoencoder.model.Model;

/**
 * The stopping and best-weights policy of a training run: keeps a snapshot of
 * the weights with the lowest criterion (validation loss, or training loss
 * without validation), counts the epochs since it last improved by more than
 * {@link TrainingConfig#minImprovement} (relative) for early stopping, and
 * writes the snapshot back when training ends. The criterion may be smoothed
 * over epochs, with a minimum number of epochs ({@link ModelSelection}).
 */
final class BestWeights
{
	private final Model model;

	private final ModelSelection selection;

	private Map< String, float[] > weights;

	/** Starts from the model's current weights with criterion {@code initial} (NaN: none yet); smoothing and minimum epochs from {@code config}. */
	BestWeights( final Model model, final double initial, final TrainingConfig config )
	{
		this.model = model;
		this.selection = new ModelSelection( initial, config.minImprovement, config.smoothing, config.minEpochs );
		this.weights = model.readParameters();
	}

	/** Takes a snapshot if {@code criterion} improves on the best ({@link ModelSelection}); returns true if it did. */
	boolean offer( final double criterion, final int epochNumber )
	{
		if ( !selection.offer( criterion, epochNumber ) )
			return false;
		weights = model.readParameters();
		return true;
	}

	/** True when early stopping is on ({@code patience > 0}) and the last {@code patience} epochs brought no improvement. */
	boolean patienceExhausted( final int patience )
	{
		return selection.patienceExhausted( patience );
	}

	/** Epochs since the criterion last improved. */
	int sinceBest()
	{
		return selection.sinceBest();
	}

	/** Writes the best weights back into the model. */
	void restore()
	{
		model.writeParameters( weights );
	}

	double loss()
	{
		return selection.loss();
	}

	/** Epoch of the best weights in this run, 0 for the weights before training. */
	int epoch()
	{
		return selection.epoch();
	}
}
