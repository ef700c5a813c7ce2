package fiji.plugin.autoencoder.convert;

import java.util.function.LongToDoubleFunction;

/**
 * The percentile walk that {@link IntegerHistogram} and {@link FloatHistogram}
 * share: numpy's default linear interpolation between the order statistics
 * at ranks {@code floor(q)} and {@code floor(q) + 1}, {@code q = p / 100 * (n - 1)}.
 */
final class OrderStatistics
{
	private OrderStatistics()
	{}

	/** The number of counted values, or the exception {@code noValues} when there are none. */
	static long counted( final long[] counts, final String noValues )
	{
		final long n = total( counts );
		if ( n == 0 )
			throw new IllegalArgumentException( noValues );
		return n;
	}

	static long total( final long[] counts )
	{
		long n = 0;
		for ( final long c : counts )
			n += c;
		return n;
	}

	/** Percentile {@code p} in [0, 100] of {@code n} values, given the value at each 0-based rank in sorted order. */
	static double percentile( final long n, final double p, final LongToDoubleFunction valueAtRank )
	{
		final double q = p / 100.0 * ( n - 1 );
		final long k = ( long ) Math.floor( q );
		final double fraction = q - k;
		final double lo = valueAtRank.applyAsDouble( k );
		if ( fraction == 0 || k + 1 >= n )
			return lo;
		return lo + fraction * ( valueAtRank.applyAsDouble( k + 1 ) - lo );
	}
}
