package fiji.plugin.autoencoder.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.stat.correlation.Covariance;
import org.junit.jupiter.api.Test;

class PcaTest
{
	/** A rotation of R^3 (Euler angles 0.3, -0.7, 1.1), columns orthonormal. */
	static double[][] rotation()
	{
		final double a = 0.3, b = -0.7, c = 1.1;
		final double[][] rz = { { Math.cos( a ), -Math.sin( a ), 0 }, { Math.sin( a ), Math.cos( a ), 0 },
				{ 0, 0, 1 } };
		final double[][] ry = { { Math.cos( b ), 0, Math.sin( b ) }, { 0, 1, 0 },
				{ -Math.sin( b ), 0, Math.cos( b ) } };
		final double[][] rx = { { 1, 0, 0 }, { 0, Math.cos( c ), -Math.sin( c ) },
				{ 0, Math.sin( c ), Math.cos( c ) } };
		return mul( mul( rz, ry ), rx );
	}

	static double[][] mul( final double[][] p, final double[][] q )
	{
		final double[][] r = new double[ 3 ][ 3 ];
		for ( int i = 0; i < 3; i++ )
			for ( int j = 0; j < 3; j++ )
				for ( int k = 0; k < 3; k++ )
					r[ i ][ j ] += p[ i ][ k ] * q[ k ][ j ];
		return r;
	}

	/** Gaussian points with standard deviations 5, 2, 0.5 along the rotation's columns, shifted by (10, -3, 7). */
	static double[][] anisotropic( final int n, final long seed )
	{
		final double[][] rot = rotation();
		final double[] sd = { 5, 2, 0.5 }, shift = { 10, -3, 7 };
		final Random r = new Random( seed );
		final double[][] x = new double[ n ][ 3 ];
		for ( int i = 0; i < n; i++ )
		{
			final double[] z = { sd[ 0 ] * r.nextGaussian(), sd[ 1 ] * r.nextGaussian(), sd[ 2 ] * r.nextGaussian() };
			for ( int d = 0; d < 3; d++ )
				x[ i ][ d ] = shift[ d ] + rot[ d ][ 0 ] * z[ 0 ] + rot[ d ][ 1 ] * z[ 1 ] + rot[ d ][ 2 ] * z[ 2 ];
		}
		return x;
	}

	@Test
	void recoversKnownAxesAndVariances()
	{
		final double[][] x = anisotropic( 20000, 7 );
		final Pca pca = Pca.fit( x, 3 );
		final double[] ratios = pca.explainedVarianceRatios();
		final double total = 25 + 4 + 0.25;
		assertEquals( 25 / total, ratios[ 0 ], 0.01 );
		assertEquals( 4 / total, ratios[ 1 ], 0.01 );
		assertEquals( 0.25 / total, ratios[ 2 ], 0.002 );
		assertEquals( 1.0, ratios[ 0 ] + ratios[ 1 ] + ratios[ 2 ], 1e-12 );
		final double[][] rot = rotation();
		for ( int c = 0; c < 3; c++ )
		{
			double dot = 0;
			for ( int d = 0; d < 3; d++ )
				dot += pca.component( c )[ d ] * rot[ d ][ c ];
			assertTrue( Math.abs( dot ) > 0.999, "component " + c + " vs the true axis: |cos| = " + Math.abs( dot ) );
		}
		// the eigenvalues equal those of Commons Math's sample covariance
		final double[][] cov = new Covariance( new Array2DRowRealMatrix( x ) ).getCovarianceMatrix().getData();
		assertEquals( cov[ 0 ][ 0 ] + cov[ 1 ][ 1 ] + cov[ 2 ][ 2 ],
				pca.variances()[ 0 ] + pca.variances()[ 1 ] + pca.variances()[ 2 ], 1e-9 );
		// projections: mean 0, variance = eigenvalue, uncorrelated
		final double[][] p = pca.project( x );
		for ( int a = 0; a < 3; a++ )
			for ( int b = a; b < 3; b++ )
			{
				double s = 0, ma = 0, mb = 0;
				for ( final double[] row : p )
				{
					ma += row[ a ] / p.length;
					mb += row[ b ] / p.length;
				}
				for ( final double[] row : p )
					s += ( row[ a ] - ma ) * ( row[ b ] - mb );
				s /= p.length - 1;
				assertEquals( a == b ? pca.variances()[ a ] : 0, s, 1e-9 * pca.variances()[ 0 ],
						"covariance of PC" + ( a + 1 ) + " and PC" + ( b + 1 ) );
				assertEquals( 0, ma, 1e-9 );
			}
	}

	@Test
	void planarDataKeepsDistancesInTwoComponents()
	{
		final Random r = new Random( 3 );
		final double[] u = { 0.6, 0.0, 0.8, 0.0 }, v = { 0.0, 1.0, 0.0, 0.0 };
		final double[][] x = new double[ 50 ][ 4 ];
		for ( int i = 0; i < x.length; i++ )
		{
			final double s = 3 * r.nextGaussian(), t = r.nextGaussian();
			for ( int d = 0; d < 4; d++ )
				x[ i ][ d ] = 1 + s * u[ d ] + t * v[ d ];
		}
		final Pca pca = Pca.fit( x, 2 );
		final double[][] p = pca.project( x );
		double worst = 0;
		for ( int i = 0; i < x.length; i++ )
			for ( int j = 0; j < i; j++ )
			{
				double d4 = 0, d2 = 0;
				for ( int d = 0; d < 4; d++ )
					d4 += ( x[ i ][ d ] - x[ j ][ d ] ) * ( x[ i ][ d ] - x[ j ][ d ] );
				for ( int d = 0; d < 2; d++ )
					d2 += ( p[ i ][ d ] - p[ j ][ d ] ) * ( p[ i ][ d ] - p[ j ][ d ] );
				worst = Math.max( worst, Math.abs( Math.sqrt( d4 ) - Math.sqrt( d2 ) ) );
			}
		assertTrue( worst < 1e-9, "distance changed by " + worst );
		assertEquals( 1.0, pca.explainedVarianceRatios()[ 0 ] + pca.explainedVarianceRatios()[ 1 ], 1e-12 );
	}

	@Test
	void badInput()
	{
		final IllegalArgumentException one = assertThrows( IllegalArgumentException.class,
				() -> Pca.fit( new double[][] { { 1, 2 } }, 1 ) );
		assertTrue( one.getMessage().contains( "at least 2 items" ), one.getMessage() );
		final IllegalArgumentException k = assertThrows( IllegalArgumentException.class,
				() -> Pca.fit( new double[][] { { 1, 2 }, { 3, 4 } }, 3 ) );
		assertTrue( k.getMessage().contains( "choose 1 to 2" ), k.getMessage() );
		final IllegalArgumentException nan = assertThrows( IllegalArgumentException.class,
				() -> Pca.fit( new double[][] { { 1, Double.NaN }, { 3, 4 } }, 1 ) );
		assertTrue( nan.getMessage().contains( "non-finite" ), nan.getMessage() );
	}
}
