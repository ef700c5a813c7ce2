package fiji.plugin.autoencoder.train;

import fiji.plugin.autoencoder.model.Model;

/**
 * A {@link TrainingListener} that passes every call on to another one;
 * subclasses override the calls they add to (saving each new best model, a
 * time budget) and call {@code super} to pass them on.
 */
public class ForwardingListener implements TrainingListener
{
	private final TrainingListener next;

	public ForwardingListener( final TrainingListener next )
	{
		this.next = next;
	}

	@Override
	public void stepEnded( final String phase, final int epoch, final int step, final int stepsPerEpoch,
			final double loss )
	{
		next.stepEnded( phase, epoch, step, stepsPerEpoch, loss );
	}

	@Override
	public void epochEnded( final History.Epoch epoch, final History history )
	{
		next.epochEnded( epoch, history );
	}

	@Override
	public void bestImproved( final Model model, final History history )
	{
		next.bestImproved( model, history );
	}
}
