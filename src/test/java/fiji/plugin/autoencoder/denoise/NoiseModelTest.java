package fiji.plugin.autoencoder.denoise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.junit.jupiter.api.Test;

import com.google.gson.Gson;

class NoiseModelTest
{
	private static final int N = 1 << 16;

	private static float[] constant( final int n, final float v )
	{
		final float[] a = new float[ n ];
		Arrays.fill( a, v );
		return a;
	}

	/** {mean, variance, excess kurtosis} of a - b. */
	private static double[] moments( final float[] a, final float[] b )
	{
		double s = 0;
		for ( int i = 0; i < a.length; i++ )
			s += ( double ) a[ i ] - b[ i ];
		final double mean = s / a.length;
		double m2 = 0, m4 = 0;
		for ( int i = 0; i < a.length; i++ )
		{
			final double d = ( double ) a[ i ] - b[ i ] - mean;
			m2 += d * d;
			m4 += d * d * d * d;
		}
		m2 /= a.length;
		m4 /= a.length;
		return new double[] { mean, m2, m4 / ( m2 * m2 ) - 3 };
	}

	@Test
	void sameSeedSameNoiseAndInputUntouched()
	{
		final float[] clean = new float[ 4096 ];
		for ( int i = 0; i < clean.length; i++ )
			clean[ i ] = ( i % 64 ) / 63f;
		final float[] copy = clean.clone();
		for ( final String spec : new String[] { "gaussian:sigma=0.1", "poisson:peak=20",
				"poisson-gaussian:peak=30,sigma=0.02", "salt-and-pepper:fraction=0.1,low=0,high=1",
				"speckle:sigma=0.3" } )
		{
			final NoiseModel m = NoiseModel.parse( spec );
			final float[] a = m.apply( clean, 7L );
			final float[] b = m.apply( clean, 7L );
			final float[] c = m.apply( clean, 8L );
			assertArrayEquals( a, b, spec );
			assertFalse( Arrays.equals( a, c ), spec + ": another seed must give other noise" );
			assertFalse( Arrays.equals( a, clean ), spec + ": output must be noisy" );
			assertArrayEquals( copy, clean, spec + ": input must not change" );
		}
	}

	@Test
	void gaussianHasRequestedSigmaAndShape()
	{
		final float[] clean = constant( N, 0.5f );
		final double[] m = moments( NoiseModel.gaussian( 0.1 ).apply( clean, 1L ), clean );
		assertEquals( 0, m[ 0 ], 5 * 0.1 / Math.sqrt( N ) );
		assertEquals( 0.1, Math.sqrt( m[ 1 ] ), 0.002 );
		assertEquals( 0, m[ 2 ], 0.1, "excess kurtosis of a normal is 0" );
	}

	@Test
	void poissonSamplerMatchesMeanAndVariance()
	{
		final SplittableRandom r = new SplittableRandom( 3 );
		for ( final double lambda : new double[] { 0.05, 0.7, 4, 9.99, 10, 37.5, 1000, 1e6 } )
		{
			final int n = 100_000;
			double s = 0, s2 = 0;
			for ( int i = 0; i < n; i++ )
			{
				final long k = PoissonSampler.sample( lambda, r );
				assertTrue( k >= 0 );
				s += k;
				s2 += ( double ) k * k;
			}
			final double mean = s / n, var = s2 / n - mean * mean;
			assertEquals( lambda, mean, 5 * Math.sqrt( lambda / n ), "mean at lambda " + lambda );
			// standard error of the sample variance ~ lambda * sqrt(2/n) (+ lambda/n for small lambda)
			assertEquals( lambda, var, 6 * ( lambda * Math.sqrt( 2.0 / n ) + Math.sqrt( lambda / n ) ),
					"variance at lambda " + lambda );
		}
		assertEquals( 0, PoissonSampler.sample( 0, r ) );
	}

	@Test
	void poissonSamplerMatchesExactDistribution()
	{
		// chi-square goodness of fit against the exact pmf, for both samplers (Knuth below 10, PTRS above)
		final SplittableRandom r = new SplittableRandom( 11 );
		for ( final double lambda : new double[] { 3.3, 25, 140 } )
		{
			final int n = 200_000;
			final PoissonDistribution exact = new PoissonDistribution( lambda );
			final int lo = Math.max( 0, ( int ) ( lambda - 5 * Math.sqrt( lambda ) ) ),
					hi = ( int ) ( lambda + 5 * Math.sqrt( lambda ) ) + 1;
			final long[] counts = new long[ hi - lo + 1 ];
			for ( int i = 0; i < n; i++ )
			{
				final long k = PoissonSampler.sample( lambda, r );
				counts[ ( int ) Math.min( hi, Math.max( lo, k ) ) - lo ]++;
			}
			double chi2 = 0;
			int bins = 0;
			for ( int k = lo; k <= hi; k++ )
			{
				final double p = k == lo ? exact.cumulativeProbability( lo )
						: k == hi ? 1 - exact.cumulativeProbability( hi - 1 ) : exact.probability( k );
				final double expected = n * p;
				if ( expected < 5 )
					continue;
				final double d = counts[ k - lo ] - expected;
				chi2 += d * d / expected;
				bins++;
			}
			final double critical = new ChiSquaredDistribution( bins - 1 ).inverseCumulativeProbability( 0.999 );
			assertTrue( chi2 < critical,
					"lambda " + lambda + ": chi2 " + chi2 + " over " + bins + " bins exceeds " + critical );
		}
	}

	@Test
	void poissonScalesMaxToPeakPhotons()
	{
		final float[] clean = constant( N, 0.5f );
		clean[ 0 ] = 2f; // the maximum: 2 -> 40 photons, so 0.5 -> 10 photons
		final float[] noisy = NoiseModel.poisson( 40 ).apply( clean, 5L );
		for ( final float v : noisy )
		{
			final double photons = v * 20.0;
			assertEquals( Math.rint( photons ), photons, 1e-4, "values are whole photons / 20" );
		}
		final double[] m = moments( Arrays.copyOfRange( noisy, 1, N ), Arrays.copyOfRange( clean, 1, N ) );
		assertEquals( 0, m[ 0 ], 5 * Math.sqrt( 0.5 / 20 / N ) );
		assertEquals( 0.5 / 20, m[ 1 ], 0.001 ); // variance = v / (peak / max)
	}

	@Test
	void poissonUsesGivenSignalMaxAndTreatsNegativeAsZero()
	{
		final float[] clean = { 1f, 1f, 1f, -3f };
		final float[] noisy = NoiseModel.poisson( 10 ).apply( clean, 100.0, new SplittableRandom( 1 ) );
		for ( int i = 0; i < 3; i++ )
			assertEquals( 0, noisy[ i ] % 10, 1e-4,
					"signal max 100 -> 0.1 photons per unit, so values are multiples of 10" );
		assertEquals( 0f, noisy[ 3 ] );
		assertArrayEquals( new float[ 3 ], NoiseModel.poisson( 10 ).apply( new float[ 3 ], 9L ),
				"no signal, no photons" );
	}

	@Test
	void poissonGaussianAddsReadNoise()
	{
		final float[] clean = constant( N, 1f ); // max 1 -> 30 photons
		final double[] m = moments( NoiseModel.poissonGaussian( 30, 0.05 ).apply( clean, 2L ), clean );
		assertEquals( 1.0 / 30 + 0.05 * 0.05, m[ 1 ], 0.0012 );
		assertEquals( 0, m[ 0 ], 0.003 );
	}

	@Test
	void saltAndPepperSetsFractionToLowOrHigh()
	{
		final float[] clean = constant( N, 0.5f );
		final float[] noisy = NoiseModel.saltAndPepper( 0.2, -1, 3 ).apply( clean, 4L );
		int low = 0, high = 0;
		for ( final float v : noisy )
		{
			if ( v == -1f )
				low++;
			else if ( v == 3f )
				high++;
			else
				assertEquals( 0.5f, v );
		}
		assertEquals( 0.1, low / ( double ) N, 0.005 );
		assertEquals( 0.1, high / ( double ) N, 0.005 );
	}

	@Test
	void speckleIsMultiplicative()
	{
		final float[] clean = constant( N, 2f );
		clean[ 0 ] = 0f;
		final float[] noisy = NoiseModel.speckle( 0.2 ).apply( clean, 6L );
		assertEquals( 0f, noisy[ 0 ], "zero stays zero under multiplicative noise" );
		final double[] m = moments( Arrays.copyOfRange( noisy, 1, N ), Arrays.copyOfRange( clean, 1, N ) );
		assertEquals( 0.4, Math.sqrt( m[ 1 ] ), 0.008 ); // 2 * 0.2
		assertEquals( 0, m[ 0 ], 0.008 );
	}

	@Test
	void describeAndParseRoundTrip()
	{
		final NoiseModel m = NoiseModel.poissonGaussian( 30, 0.02 );
		assertEquals( "poisson-gaussian:peak=30,sigma=0.02", m.describe() );
		assertEquals( m, NoiseModel.parse( " Poisson_Gaussian : sigma = 0.02 , peak=30 " ) );
		for ( final NoiseModel n : new NoiseModel[] { NoiseModel.gaussian( 0.125 ), NoiseModel.poisson( 5.5 ),
				NoiseModel.saltAndPepper( 0.05, 0, 255 ), NoiseModel.speckle( 0.3 ), m } )
		{
			assertEquals( n, NoiseModel.parse( n.describe() ) );
			// JSON: kind name plus a plain map of parameters
			final Gson gson = new Gson();
			@SuppressWarnings( "unchecked" )
			final Map< String, Double > back = gson.fromJson( gson.toJson( n.parameters() ), LinkedHashMap.class );
			assertEquals( n, NoiseModel.of( NoiseModel.Kind.valueOf( n.kind().name() ), back ) );
		}
		assertEquals( 0.02, m.parameter( "sigma" ) );
	}

	@Test
	void badSpecsGiveClearErrors()
	{
		assertMessage(
				"Unknown noise model 'gauss': use one of gaussian, poisson, poisson-gaussian, salt-and-pepper, speckle.",
				"gauss:sigma=1" );
		assertMessage( "Noise model 'poisson-gaussian' needs parameter 'sigma'", "poisson-gaussian:peak=30" );
		assertMessage( "Noise model 'gaussian' has no parameter 'peak'", "gaussian:sigma=1,peak=3" );
		assertMessage( "Noise parameter sigma='abc' in 'gaussian:sigma=abc' is not a number", "gaussian:sigma=abc" );
		assertMessage( "Noise parameter sigma=-0.1 of 'gaussian' must be >= 0", "gaussian:sigma=-0.1" );
		assertMessage( "Noise parameter peak=0 of 'poisson' must be > 0", "poisson:peak=0" );
		assertMessage( "fraction=1.5 of 'salt-and-pepper' is outside 0..1",
				"salt-and-pepper:fraction=1.5,low=0,high=1" );
		assertMessage( "low=2 > high=1", "salt-and-pepper:fraction=0.1,low=2,high=1" );
		assertMessage( "is given twice", "speckle:sigma=1,sigma=2" );
		assertMessage( "has no value", "speckle:sigma" );
		assertMessage( "give a finite number", "speckle:sigma=NaN" );
		assertMessage( "Empty noise model", "  " );
	}

	private static void assertMessage( final String expectedPart, final String spec )
	{
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> NoiseModel.parse( spec ) );
		assertTrue( e.getMessage().contains( expectedPart ), "message for '" + spec + "' was: " + e.getMessage() );
	}
}
