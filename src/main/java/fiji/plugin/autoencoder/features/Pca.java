package fiji.plugin.autoencoder.features;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * Principal component analysis: the eigenvectors of the sample covariance
 * (computed in double precision, then decomposed by Commons Math's
 * {@link EigenDecomposition}), sorted by decreasing variance. Each component's
 * sign is fixed so that its largest-magnitude loading is positive, so the same
 * data always gives the same axes.
 * <p>
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * Pca pca = Pca.fit( CodeTable.codes( table ), 3 );
 * double[][] xyz = pca.project( codes );         // [item][component]
 * double[] ratios = pca.explainedVarianceRatios(); // of each kept component
 * }</pre>
 */
public final class Pca
{
	private final double[] mean;

	/** [component][dimension], unit length. */
	private final double[][] components;

	private final double[] variances;

	private final double totalVariance;

	private Pca( final double[] mean, final double[][] components, final double[] variances,
			final double totalVariance )
	{
		this.mean = mean;
		this.components = components;
		this.variances = variances;
		this.totalVariance = totalVariance;
	}

	/**
	 * Fits the first {@code k} principal components of {@code data[row][dimension]}.
	 *
	 * @param k components to keep (at most the dimension)
	 */
	public static Pca fit( final double[][] data, final int k )
	{
		if ( data == null || data.length < 2 )
			throw new IllegalArgumentException(
					"PCA needs at least 2 items, got " + ( data == null ? 0 : data.length ) + ": encode more images." );
		final int n = data.length, d = data[ 0 ].length;
		if ( k < 1 || k > d )
			throw new IllegalArgumentException( "Cannot keep " + k + " principal components of " + d
					+ "-dimensional data: choose 1 to " + d + "." );
		final double[] mean = new double[ d ];
		for ( final double[] row : data )
		{
			if ( row.length != d )
				throw new IllegalArgumentException( "Rows of " + row.length + " and " + d
						+ " values: every item needs a code of the same length." );
			for ( int j = 0; j < d; j++ )
				mean[ j ] += row[ j ] / n;
		}
		// covariance: upper triangle of (X - mean)^T (X - mean) / (n - 1)
		final double[][] cov = new double[ d ][ d ];
		final double[] centred = new double[ d ];
		for ( final double[] row : data )
		{
			for ( int j = 0; j < d; j++ )
				centred[ j ] = row[ j ] - mean[ j ];
			for ( int a = 0; a < d; a++ )
			{
				final double ca = centred[ a ];
				if ( ca == 0 )
					continue;
				final double[] covA = cov[ a ];
				for ( int b = a; b < d; b++ )
					covA[ b ] += ca * centred[ b ];
			}
		}
		double total = 0;
		for ( int a = 0; a < d; a++ )
			for ( int b = a; b < d; b++ )
			{
				cov[ a ][ b ] /= n - 1;
				cov[ b ][ a ] = cov[ a ][ b ];
				if ( a == b )
					total += cov[ a ][ a ];
			}
		for ( int a = 0; a < d; a++ )
			if ( !Double.isFinite( cov[ a ][ a ] ) )
				throw new IllegalArgumentException( "Dimension " + a
						+ " has a non-finite variance (NaN or infinite values): check the model and the images." );
		final EigenDecomposition eigen = new EigenDecomposition( new Array2DRowRealMatrix( cov, false ) );
		final double[] values = eigen.getRealEigenvalues();
		final Integer[] order = new Integer[ d ];
		for ( int i = 0; i < d; i++ )
			order[ i ] = i;
		java.util.Arrays.sort( order, ( i, j ) -> Double.compare( values[ j ], values[ i ] ) );
		final double[][] comps = new double[ k ][];
		final double[] vars = new double[ k ];
		for ( int c = 0; c < k; c++ )
		{
			final RealVector v = eigen.getEigenvector( order[ c ] );
			final double[] u = v.mapDivide( v.getNorm() ).toArray();
			int largest = 0;
			for ( int j = 1; j < d; j++ )
				if ( Math.abs( u[ j ] ) > Math.abs( u[ largest ] ) )
					largest = j;
			if ( u[ largest ] < 0 )
				for ( int j = 0; j < d; j++ )
					u[ j ] = -u[ j ];
			comps[ c ] = u;
			vars[ c ] = Math.max( 0, values[ order[ c ] ] );
		}
		return new Pca( mean, comps, vars, total );
	}

	/** Converts float rows (e.g. codes or pixels) to double rows. */
	public static double[][] toDouble( final float[][] rows )
	{
		final double[][] out = new double[ rows.length ][];
		for ( int i = 0; i < rows.length; i++ )
		{
			out[ i ] = new double[ rows[ i ].length ];
			for ( int j = 0; j < rows[ i ].length; j++ )
				out[ i ][ j ] = rows[ i ][ j ];
		}
		return out;
	}

	/** Coordinates of each row in the kept components: {@code [row][component]}. */
	public double[][] project( final double[][] data )
	{
		final double[][] out = new double[ data.length ][ components.length ];
		for ( int i = 0; i < data.length; i++ )
		{
			if ( data[ i ].length != mean.length )
				throw new IllegalArgumentException( "Row " + i + " has " + data[ i ].length
						+ " values but the PCA was fitted on " + mean.length + ": project data of the same kind." );
			for ( int c = 0; c < components.length; c++ )
			{
				double s = 0;
				for ( int j = 0; j < mean.length; j++ )
					s += ( data[ i ][ j ] - mean[ j ] ) * components[ c ][ j ];
				out[ i ][ c ] = s;
			}
		}
		return out;
	}

	/** Number of kept components. */
	public int components()
	{
		return components.length;
	}

	/** Component {@code c} (unit length, a copy). */
	public double[] component( final int c )
	{
		return components[ c ].clone();
	}

	/** The data mean (a copy). */
	public double[] mean()
	{
		return mean.clone();
	}

	/** Variance along each kept component (the covariance eigenvalues, n - 1 denominator). */
	public double[] variances()
	{
		return variances.clone();
	}

	/** Fraction of the total variance along each kept component (0 for constant data). */
	public double[] explainedVarianceRatios()
	{
		final double[] r = new double[ variances.length ];
		for ( int c = 0; c < r.length; c++ )
			r[ c ] = totalVariance > 0 ? variances[ c ] / totalVariance : 0;
		return r;
	}
}
