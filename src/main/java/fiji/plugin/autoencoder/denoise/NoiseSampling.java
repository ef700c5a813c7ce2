package fiji.plugin.autoencoder.denoise;

import java.util.Map;
import java.util.SplittableRandom;

import fiji.plugin.autoencoder.denoise.NoiseModel.Kind;

/** Draws the noise of a {@link NoiseModel} (see {@link NoiseModel#apply(float[], double, SplittableRandom)}). */
final class NoiseSampling
{
	private NoiseSampling()
	{}

	/** A new noisy copy of {@code clean}; for the Poisson kinds {@code signalMax} maps to the peak. */
	static float[] sample( final Kind kind, final Map< String, Double > parameters, final float[] clean,
			final double signalMax, final SplittableRandom random )
	{
		final float[] out = new float[ clean.length ];
		switch ( kind )
		{
		case GAUSSIAN:
		{
			final double sigma = parameters.get( "sigma" );
			final GaussianSampler g = new GaussianSampler( random );
			for ( int i = 0; i < clean.length; i++ )
				out[ i ] = ( float ) ( clean[ i ] + sigma * g.next() );
			break;
		}
		case POISSON:
		case POISSON_GAUSSIAN:
		{
			final double peak = parameters.get( "peak" );
			final double readSigma = kind == Kind.POISSON_GAUSSIAN ? parameters.get( "sigma" ) : 0;
			final GaussianSampler g = new GaussianSampler( random );
			if ( !( signalMax > 0 ) || !Double.isFinite( signalMax ) )
			{
				// no signal: zero photons everywhere, only read noise remains
				for ( int i = 0; i < clean.length; i++ )
					out[ i ] = ( float ) ( readSigma > 0 ? readSigma * g.next() : 0 );
				break;
			}
			final double toPhotons = peak / signalMax;
			for ( int i = 0; i < clean.length; i++ )
			{
				final double lambda = Math.max( 0, clean[ i ] * toPhotons );
				double v = PoissonSampler.sample( lambda, random ) / toPhotons;
				if ( readSigma > 0 )
					v += readSigma * g.next();
				out[ i ] = ( float ) v;
			}
			break;
		}
		case SALT_AND_PEPPER:
		{
			final double fraction = parameters.get( "fraction" );
			final float low = parameters.get( "low" ).floatValue();
			final float high = parameters.get( "high" ).floatValue();
			for ( int i = 0; i < clean.length; i++ )
			{
				final double u = random.nextDouble();
				out[ i ] = u < fraction ? ( u < fraction / 2 ? low : high ) : clean[ i ];
			}
			break;
		}
		case SPECKLE:
		{
			final double sigma = parameters.get( "sigma" );
			final GaussianSampler g = new GaussianSampler( random );
			for ( int i = 0; i < clean.length; i++ )
				out[ i ] = ( float ) ( clean[ i ] * ( 1 + sigma * g.next() ) );
			break;
		}
		default:
			throw new AssertionError( kind );
		}
		return out;
	}
}
