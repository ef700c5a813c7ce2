package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The sub-pixel formulation of the stride-2 'SAME' transposed convolution
 * ({@link SubPixelConv}) against {@code Conv2DBackpropInput} itself on random
 * inputs, filters and biases: outputs, and the gradients of a random weighted
 * sum of the output with respect to the input, filter and bias, agree within
 * 1e-5 for kernels 2 to 5 and several channel counts.
 */
class SubPixelConvTest
{
	@Test
	void equalsTheTransposedConvolutionAndItsGradients()
	{
		final Random rnd = new Random( 7 );
		for ( final int[] c : new int[][] { { 3, 32, 16 }, { 3, 16, 1 }, { 2, 4, 3 }, { 4, 5, 2 }, { 5, 3, 4 } } )
		{
			final int k = c[ 0 ], cin = c[ 1 ], cout = c[ 2 ], n = 3, h = 7, w = 5;
			try ( Graph g = new Graph(); Session s = new Session( g ) )
			{
				final Ops tf = Ops.create( g );
				final Operand< TFloat32 > x = random( tf, rnd, n, h, w, cin );
				final Operand< TFloat32 > f = random( tf, rnd, k, k, cout, cin );
				final Operand< TFloat32 > b = random( tf, rnd, cout );
				final Operand< TFloat32 > r = random( tf, rnd, n, 2 * h, 2 * w, cout );
				final Operand< TFloat32 > ref = tf.nn.biasAdd( tf.nn.conv2dBackpropInput(
						tf.constant( new int[] { n, 2 * h, 2 * w, cout } ), f, x, Arrays.asList( 1L, 2L, 2L, 1L ), "SAME" ), b );
				final Operand< TFloat32 > sub = SubPixelConv.transposed( tf, x, f, b, k, cin, cout );
				final Output< ? >[] gRef = g.addGradients( tf.reduceSum( tf.math.mul( ref, r ), tf.constant( new int[] { 0, 1, 2, 3 } ) ).asOutput(),
						new Output< ? >[] { x.asOutput(), f.asOutput(), b.asOutput() } );
				final Output< ? >[] gSub = g.addGradients( tf.reduceSum( tf.math.mul( sub, r ), tf.constant( new int[] { 0, 1, 2, 3 } ) ).asOutput(),
						new Output< ? >[] { x.asOutput(), f.asOutput(), b.asOutput() } );
				try ( Result out = s.runner().fetch( ref ).fetch( sub ).fetch( gRef[ 0 ] ).fetch( gSub[ 0 ] ).fetch( gRef[ 1 ] )
						.fetch( gSub[ 1 ] ).fetch( gRef[ 2 ] ).fetch( gSub[ 2 ] ).run() )
				{
					final String what = "kernel " + k + ", " + cin + " -> " + cout + " channels";
					assertEquals( Shape.of( n, 2 * h, 2 * w, cout ), ( ( TFloat32 ) out.get( 1 ) ).shape(), what );
					final String[] names = { "output", "input gradient", "filter gradient", "bias gradient" };
					for ( int i = 0; i < 4; i++ )
					{
						final float[] a = values( ( TFloat32 ) out.get( 2 * i ) ), e = values( ( TFloat32 ) out.get( 2 * i + 1 ) );
						assertEquals( a.length, e.length );
						double maxDiff = 0, maxAbs = 0;
						for ( int j = 0; j < a.length; j++ )
						{
							maxDiff = Math.max( maxDiff, Math.abs( a[ j ] - e[ j ] ) );
							maxAbs = Math.max( maxAbs, Math.abs( a[ j ] ) );
						}
						System.out.println( what + ", " + names[ i ] + ": max |difference| " + maxDiff + " (max |value| " + maxAbs + ")" );
						assertTrue( maxAbs > 0.1, what + ", " + names[ i ] + " all zero" );
						assertTrue( maxDiff <= 1e-5 * Math.max( 1, maxAbs ), what + ", " + names[ i ] + ": max |difference| " + maxDiff );
					}
				}
			}
		}
	}

	private static Operand< TFloat32 > random( final Ops tf, final Random rnd, final long... shape )
	{
		final float[] v = new float[ ( int ) Shape.of( shape ).size() ];
		for ( int i = 0; i < v.length; i++ )
			v[ i ] = ( float ) rnd.nextGaussian();
		return tf.constant( Shape.of( shape ), DataBuffers.of( v ) );
	}

	private static float[] values( final TFloat32 t )
	{
		final float[] v = new float[ ( int ) t.size() ];
		t.copyTo( DataBuffers.of( v ) );
		return v;
	}
}
