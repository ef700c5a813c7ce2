package fiji.plugin.autoencoder.train;

import java.util.concurrent.atomic.AtomicLong;

import fiji.plugin.autoencoder.convert.ImageAxes;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.TensorReader;

/** One training image of a {@link PatchSampler}: its readers, normalisations, size and held-out blocks. */
final class PatchSource
{
	final TensorReader input, target;

	final Normalization inputNorm, targetNorm;

	final long width, height, planes, trainRows;

	HeldOutBlocks blocks;

	/** Training patches drawn from this image so far. */
	final AtomicLong drawn = new AtomicLong();

	PatchSource( final TensorReader input, final TensorReader target, final Normalization inputNorm,
			final Normalization targetNorm, final long trainRows )
	{
		this.input = input;
		this.target = target;
		this.inputNorm = inputNorm;
		this.targetNorm = targetNorm;
		final long[] d = input.dimensions();
		this.width = d[ ImageAxes.X ];
		this.height = d[ ImageAxes.Y ];
		this.planes = d[ ImageAxes.Z ] * d[ ImageAxes.T ];
		this.trainRows = trainRows;
	}
}
