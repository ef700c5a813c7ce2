package fiji.plugin.autoencoder.train;

import fiji.plugin.autoencoder.model.Model;

/**
 * Receives training progress: every step's loss, every epoch's losses (for
 * progress bars, status lines and live loss plots), and each new best model
 * (for checkpoints). Called on the training thread; keep it quick.
 */
public interface TrainingListener
{
	/** After each optimiser step. */
	default void stepEnded( final String phase, final int epoch, final int step, final int stepsPerEpoch,
			final double loss )
	{}

	/** After each epoch, with the whole history so far. */
	default void epochEnded( final History.Epoch epoch, final History history )
	{}

	/** When the validation loss reached a new best; the model holds the best weights at this moment. */
	default void bestImproved( final Model model, final History history )
	{}

	/** A listener that ignores everything. */
	static TrainingListener none()
	{
		return new TrainingListener()
		{};
	}
}
