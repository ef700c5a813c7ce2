package fiji.plugin.autoencoder.convert;

/**
 * Fine histogram of finite float values over a known [min, max] (from a first
 * pass), {@code long} counts. Percentiles are exact to within one bin width,
 * {@code (max - min) / BINS}, by interpolating linearly inside the bin.
 */
// NB: package-private to allow testing
final class FloatHistogram
{
	static final int BINS = 1 << 18;

	final long[] counts = new long[ BINS ];

	final double min;

	final double max;

	private final double binsPerUnit;

	FloatHistogram( final double min, final double max )
	{
		this.min = min;
		this.max = max;
		binsPerUnit = max > min ? BINS / ( max - min ) : 0;
	}

	void add( final float[] values, final int n )
	{
		final long[] c = counts;
		final double m = min, s = binsPerUnit;
		for ( int i = 0; i < n; i++ )
		{
			final float v = values[ i ];
			if ( v >= m && v <= max ) // skips NaN
			{
				final int b = ( int ) ( ( v - m ) * s );
				c[ b < BINS ? b : BINS - 1 ]++;
			}
		}
	}

	long total()
	{
		return OrderStatistics.total( counts );
	}

	/** Approximate value at 0-based {@code rank}: the rank's position inside its bin, spread evenly. */
	double valueAtRank( final long rank )
	{
		if ( !( max > min ) )
			return min;
		long cumulative = 0;
		for ( int b = 0; b < BINS; b++ )
		{
			if ( cumulative + counts[ b ] > rank )
			{
				final double inside = ( rank - cumulative + 0.5 ) / counts[ b ];
				return min + ( b + inside ) / binsPerUnit;
			}
			cumulative += counts[ b ];
		}
		throw new IllegalArgumentException( "Rank " + rank + " is beyond the " + cumulative + " counted values." );
	}

	/** Percentile {@code p} in [0, 100], numpy-style linear interpolation between approximate order statistics; 0 and 100 are min and max exactly. */
	double percentile( final double p )
	{
		final long n = OrderStatistics.counted( counts,
				"No finite values were counted: the image is empty or all NaN." );
		final double q = p / 100.0 * ( n - 1 );
		if ( q >= n - 1 )
			return max; // the largest value is known exactly
		if ( q == 0 )
			return min;
		return Math.max( min, Math.min( max, OrderStatistics.percentile( n, p, this::valueAtRank ) ) );
	}
}
