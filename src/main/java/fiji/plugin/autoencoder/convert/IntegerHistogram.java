package fiji.plugin.autoencoder.convert;

/**
 * Exact histogram of integer values 0..65535 with {@code long} counts, so any
 * number of pixels (beyond 2^31) can be counted without overflow.
 * Percentiles use numpy's default linear interpolation between order statistics.
 */
// NB: package-private to allow testing
final class IntegerHistogram
{
	static final int BINS = 65536;

	final long[] counts = new long[ BINS ];

	/** Adds {@code count} occurrences of {@code value}. */
	void add( final int value, final long count )
	{
		if ( value < 0 || value >= BINS || count < 0 )
			throw new IllegalArgumentException(
					"Value " + value + " (count " + count + ") is outside 0.." + ( BINS - 1 ) + "." );
		counts[ value ] += count;
	}

	/** Adds another histogram's counts. */
	void add( final IntegerHistogram other )
	{
		for ( int i = 0; i < BINS; i++ )
			counts[ i ] += other.counts[ i ];
	}

	long total()
	{
		return OrderStatistics.total( counts );
	}

	/** The value at 0-based {@code rank} in sorted order. */
	int valueAtRank( final long rank )
	{
		long cumulative = 0;
		for ( int v = 0; v < BINS; v++ )
		{
			cumulative += counts[ v ];
			if ( cumulative > rank )
				return v;
		}
		throw new IllegalArgumentException( "Rank " + rank + " is beyond the " + cumulative + " counted values." );
	}

	/** Percentile {@code p} in [0, 100], like {@code numpy.percentile( x, p )}. */
	double percentile( final double p )
	{
		return OrderStatistics.percentile(
				OrderStatistics.counted( counts, "No values were counted: the image is empty." ), p,
				this::valueAtRank );
	}

	int min()
	{
		return valueAtRank( 0 );
	}

	int max()
	{
		return valueAtRank( total() - 1 );
	}

	/** Mean and population standard deviation. */
	double[] meanStd()
	{
		final long n = total();
		double sum = 0;
		for ( int v = 0; v < BINS; v++ )
			sum += ( double ) v * counts[ v ];
		final double mean = sum / n;
		double squares = 0;
		for ( int v = 0; v < BINS; v++ )
			squares += ( v - mean ) * ( v - mean ) * counts[ v ];
		return new double[] { mean, Math.sqrt( squares / n ) };
	}
}
