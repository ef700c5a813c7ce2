package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The registered 3D gradients against central finite differences: for
 * L = sum( r * op( a, b ) ) with fixed random r, every entry of dL/da and dL/db
 * from {@code Graph.addGradients} must match (L(v + e) - L(v - e)) / 2e.
 * L is linear in each argument, so the differences are exact up to float
 * round-off.
 */
class Gradients3DTest
{
	private static final List< Long > STRIDE_2 = Arrays.asList( 1L, 2L, 2L, 2L, 1L );

	private static final List< Long > STRIDE_1 = Arrays.asList( 1L, 1L, 1L, 1L, 1L );

	/** Conv3D, stride 1 and 2: x [1, 5, 4, 6, 2] (odd sizes: SAME padding is uneven), filter [3, 3, 3, 2, 3]. */
	@Test
	void conv3dGradientMatchesFiniteDifferences()
	{
		for ( final List< Long > strides : Arrays.asList( STRIDE_1, STRIDE_2 ) )
		{
			final double err = check( new long[] { 1, 5, 4, 6, 2 }, new long[] { 3, 3, 3, 2, 3 },
					( tf, ab ) -> tf.nn.conv3d( ab[ 0 ], ab[ 1 ], strides, "SAME" ) );
			System.out.println( "Conv3D strides " + strides + ": max relative gradient error " + err );
			assertTrue( err < 2e-3, "Conv3D strides " + strides + ": max relative error " + err );
		}
	}

	/** The transposed conv of the strided decoder: dy [2, 2, 3, 2, 3] to an output of [2, 4, 6, 4, 2], filter [3, 3, 3, 2, 3]. */
	@Test
	void conv3dBackpropInputGradientMatchesFiniteDifferences()
	{
		final double err = check( new long[] { 2, 2, 3, 2, 3 }, new long[] { 3, 3, 3, 2, 3 },
				( tf, ab ) -> tf.nn.conv3dBackpropInput( tf.constant( new int[] { 2, 4, 6, 4, 2 } ), ab[ 1 ], ab[ 0 ],
						STRIDE_2, "SAME" ) );
		System.out.println( "Conv3DBackpropInputV2: max relative gradient error " + err );
		assertTrue( err < 2e-3, "Conv3DBackpropInputV2: max relative error " + err );
	}

	/**
	 * Max over all entries of both arguments of |analytic - numeric| / max(1, |numeric|).
	 */
	@SuppressWarnings( "unchecked" )
	private static double check( final long[] shapeA, final long[] shapeB,
			final BiFunction< Ops, Operand< TFloat32 >[], Operand< TFloat32 > > op )
	{
		assertTrue( Gradients3D.ensureRegistered() );
		final Random random = new Random( 7 );
		final float[][] values = { random( shapeA, random ), random( shapeB, random ) };
		final long[][] shapes = { shapeA, shapeB };
		try ( Graph g = new Graph() )
		{
			final Ops tf = Ops.create( g );
			final Operand< TFloat32 > a = tf.withName( "a" ).placeholder( TFloat32.class,
					Placeholder.shape( Shape.of( shapeA ) ) );
			final Operand< TFloat32 > b = tf.withName( "b" ).placeholder( TFloat32.class,
					Placeholder.shape( Shape.of( shapeB ) ) );
			final Operand< TFloat32 > y = op.apply( tf, new Operand[] { a, b } );
			// a fixed random weighting of the output, so every output entry counts differently
			final Operand< TFloat32 > r = tf.stopGradient( tf.random.statelessRandomUniform( tf.shape( y ),
					tf.constant( new long[] { 3, 4 } ), TFloat32.class ) );
			final Operand< TFloat32 > loss = tf.withName( "loss" ).sum( tf.math.mul( y, r ),
					tf.constant( new int[] { 0, 1, 2, 3, 4 } ) );
			final Output< ? >[] grads = g.addGradients( loss.asOutput(),
					new Output< ? >[] { a.asOutput(), b.asOutput() } );
			try ( Session s = new Session( g ) )
			{
				double worst = 0;
				for ( int which = 0; which < 2; which++ )
				{
					final float[] analytic = fetch( s, values, shapes, grads[ which ] );
					final float eps = 0.05f;
					for ( int i = 0; i < values[ which ].length; i++ )
					{
						final float v = values[ which ][ i ];
						values[ which ][ i ] = v + eps;
						final double plus = fetch( s, values, shapes, loss.asOutput() )[ 0 ];
						values[ which ][ i ] = v - eps;
						final double minus = fetch( s, values, shapes, loss.asOutput() )[ 0 ];
						values[ which ][ i ] = v;
						final double numeric = ( plus - minus ) / ( 2 * eps );
						worst = Math.max( worst,
								Math.abs( analytic[ i ] - numeric ) / Math.max( 1, Math.abs( numeric ) ) );
					}
					assertTrue( max( analytic ) > 0.1, "the gradient is not trivially zero" );
				}
				return worst;
			}
		}
	}

	private static float[] fetch( final Session s, final float[][] values, final long[][] shapes,
			final Output< ? > what )
	{
		try ( TFloat32 a = Model.tensor( values[ 0 ], Shape.of( shapes[ 0 ] ) );
				TFloat32 b = Model.tensor( values[ 1 ], Shape.of( shapes[ 1 ] ) );
				Result r = s.runner().feed( "a", a ).feed( "b", b ).fetch( what ).run() )
		{
			return FloatBatch.of( ( TFloat32 ) r.get( 0 ) ).data;
		}
	}

	private static float[] random( final long[] shape, final Random random )
	{
		final float[] v = new float[ ( int ) Shape.of( shape ).size() ];
		for ( int i = 0; i < v.length; i++ )
			v[ i ] = ( float ) random.nextGaussian();
		return v;
	}

	private static double max( final float[] v )
	{
		double m = 0;
		for ( final float x : v )
			m = Math.max( m, Math.abs( x ) );
		return m;
	}
}
