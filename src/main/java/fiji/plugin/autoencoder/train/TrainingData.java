package fiji.plugin.autoencoder.train;

import java.util.Random;

/**
 * Samples for training, filled batch by batch so a data set never has to sit in
 * tensors at once. Layout is channels-last: each sample is {@code H x W x C},
 * or {@code D x H x W x C} for volumes (3D models).
 * <p>
 * Implementations may draw random augmentations or masks from the given
 * {@link Random}; the trainer seeds it, so runs repeat.
 */
public interface TrainingData
{
	/** Number of samples (per epoch, for streaming sources). */
	int size();

	/** Sample shape {H, W, C} of the network input, or {D, H, W, C} for volumes. */
	int[] inputShape();

	/** Channels of the target; meaningful only when {@link #hasTargets()}. */
	int targetChannels();

	/** False for plain autoencoding: the input is its own target. */
	boolean hasTargets();

	/** True when {@link #fill} writes per-element loss weights (e.g. blind-spot masks). */
	boolean hasWeights();

	/**
	 * Writes samples {@code indices[from .. from+n)} into the buffers, sample
	 * after sample. {@code target} and {@code weight} are null when not used.
	 */
	void fill( int[] indices, int from, int n, float[] input, float[] target, float[] weight, Random random );

	/**
	 * True when {@link #fill} always writes the same values for the same index
	 * (no random augmentation, masks or streaming), so the samples may be
	 * copied once (e.g. into the graph, see {@link TrainingConfig#stepsPerRun}).
	 */
	default boolean fixedSamples()
	{
		return false;
	}

	/** A view of the samples at {@code indices}. */
	default TrainingData subset( final int[] indices )
	{
		final TrainingData base = this;
		return new TrainingData()
		{
			@Override
			public int size()
			{
				return indices.length;
			}

			@Override
			public int[] inputShape()
			{
				return base.inputShape();
			}

			@Override
			public int targetChannels()
			{
				return base.targetChannels();
			}

			@Override
			public boolean hasTargets()
			{
				return base.hasTargets();
			}

			@Override
			public boolean hasWeights()
			{
				return base.hasWeights();
			}

			@Override
			public boolean fixedSamples()
			{
				return base.fixedSamples();
			}

			@Override
			public void fill( final int[] idx, final int from, final int n, final float[] input, final float[] target,
					final float[] weight, final Random random )
			{
				final int[] mapped = new int[ n ];
				for ( int i = 0; i < n; i++ )
					mapped[ i ] = indices[ idx[ from + i ] ];
				base.fill( mapped, 0, n, input, target, weight, random );
			}
		};
	}
}
