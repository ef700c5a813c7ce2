package fiji.plugin.autoencoder.denoise;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

import fiji.plugin.autoencoder.tiling.InputRecorruption;

/**
 * Standard normal samples from a {@link SplittableRandom} (which has no
 * {@code nextGaussian} in Java 11), by Marsaglia's polar method
 * ({@link InputRecorruption#normal}). Not thread-safe: one per loop.
 */
final class GaussianSampler
{
	private final DoubleSupplier normal;

	GaussianSampler( final SplittableRandom random )
	{
		this.normal = InputRecorruption.normal( random );
	}

	double next()
	{
		return normal.getAsDouble();
	}
}
