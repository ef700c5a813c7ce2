package fiji.plugin.autoencoder.denoise;

import java.util.SplittableRandom;

/**
 * Standard normal samples from a {@link SplittableRandom} (which has no
 * {@code nextGaussian} in Java 11), by Marsaglia's polar method. Not thread-safe:
 * one per loop.
 */
final class GaussianSampler
{
	private final SplittableRandom random;

	private double spare;

	private boolean hasSpare;

	GaussianSampler( final SplittableRandom random )
	{
		this.random = random;
	}

	double next()
	{
		if ( hasSpare )
		{
			hasSpare = false;
			return spare;
		}
		double u, v, s;
		do
		{
			u = 2 * random.nextDouble() - 1;
			v = 2 * random.nextDouble() - 1;
			s = u * u + v * v;
		}
		while ( s >= 1 || s == 0 );
		final double f = Math.sqrt( -2 * Math.log( s ) / s );
		spare = v * f;
		hasSpare = true;
		return u * f;
	}
}
