package fiji.plugin.autoencoder.denoise;

import java.util.SplittableRandom;

import org.apache.commons.math3.special.Gamma;

/**
 * Exact Poisson sampling: multiplication of uniforms (Knuth) for small means and
 * transformed rejection with squeeze, PTRS (Hörmann 1993), for means of 10 and more.
 * Both are exact samplers, not approximations.
 */
final class PoissonSampler
{
	/** Means below this use Knuth's method (expected cost ~ lambda uniforms). */
	static final double PTRS_THRESHOLD = 10;

	private PoissonSampler()
	{}

	/** One Poisson(lambda) sample, lambda >= 0 and finite. */
	static long sample( final double lambda, final SplittableRandom random )
	{
		if ( lambda <= 0 )
			return 0;
		return lambda < PTRS_THRESHOLD ? knuth( lambda, random ) : ptrs( lambda, random );
	}

	private static long knuth( final double lambda, final SplittableRandom random )
	{
		final double limit = Math.exp( -lambda );
		double prod = random.nextDouble();
		long k = 0;
		while ( prod > limit )
		{
			prod *= random.nextDouble();
			k++;
		}
		return k;
	}

	/** W. Hörmann, "The transformed rejection method for generating Poisson random variables", 1993. */
	private static long ptrs( final double lambda, final SplittableRandom random )
	{
		final double slam = Math.sqrt( lambda );
		final double loglam = Math.log( lambda );
		final double b = 0.931 + 2.53 * slam;
		final double a = -0.059 + 0.02483 * b;
		final double invalpha = 1.1239 + 1.1328 / ( b - 3.4 );
		final double vr = 0.9277 - 3.6224 / ( b - 2 );
		while ( true )
		{
			final double u = random.nextDouble() - 0.5;
			final double v = random.nextDouble();
			final double us = 0.5 - Math.abs( u );
			final long k = ( long ) Math.floor( ( 2 * a / us + b ) * u + lambda + 0.43 );
			if ( us >= 0.07 && v <= vr )
				return k;
			if ( k < 0 || ( us < 0.013 && v > us ) )
				continue;
			if ( Math.log( v ) + Math.log( invalpha ) - Math.log( a / ( us * us ) + b ) <= -lambda + k * loglam
					- Gamma.logGamma( k + 1.0 ) )
				return k;
		}
	}
}
