package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

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
 * {@link SingleChannelConv} (the transposed form of a convolution to one channel) against {@code Conv2D}: outputs
 * and both gradients of sum(r * y) (fixed random r) within 1e-5, on odd image sizes (uneven SAME padding), a batch
 * of 2 fed through a placeholder of unknown batch size, 3x3 and 5x5 kernels.
 */
class SingleChannelConvTest
{
	@Test
	void transposedFormEqualsConv2dAndItsGradients()
	{
		for ( final int k : new int[] { 3, 5 } )
		{
			final double diff = maxDifference( new long[] { 2, 13, 11, 16 }, new long[] { k, k, 16, 1 } );
			System.out.println( "SingleChannelConv " + k + "x" + k + ": max abs difference to Conv2D " + diff );
			assertTrue( diff < 1e-5, k + "x" + k + ": max abs difference " + diff );
		}
	}

	@SuppressWarnings( "unchecked" )
	private static double maxDifference( final long[] xShape, final long[] wShape )
	{
		final Random random = new Random( 11 );
		try ( Graph g = new Graph();
				Session s = new Session( g );
				TFloat32 xv = TFloat32.tensorOf( Shape.of( xShape ), d -> fill( d, random ) );
				TFloat32 wv = TFloat32.tensorOf( Shape.of( wShape ), d -> fill( d, random ) ) )
		{
			final Ops tf = Ops.create( g );
			final Operand< TFloat32 > x = tf.withName( "x" ).placeholder( TFloat32.class,
					Placeholder.shape( Shape.of( -1, xShape[ 1 ], xShape[ 2 ], xShape[ 3 ] ) ) );
			final Operand< TFloat32 > w = tf.withName( "w" ).placeholder( TFloat32.class,
					Placeholder.shape( Shape.of( wShape ) ) );
			final Operand< TFloat32 > a = tf.nn.conv2d( x, w, Arrays.asList( 1L, 1L, 1L, 1L ), "SAME" );
			final Operand< TFloat32 > b = SingleChannelConv.conv( tf, x, w );
			final Operand< TFloat32 > r = tf.stopGradient( tf.random.statelessRandomUniform( tf.shape( a ),
					tf.constant( new long[] { 3, 4 } ), TFloat32.class ) );
			final Output< ? >[] ga = g.addGradients(
					tf.sum( tf.math.mul( a, r ), tf.constant( new int[] { 0, 1, 2, 3 } ) ).asOutput(),
					new Output< ? >[] { x.asOutput(), w.asOutput() } );
			final Output< ? >[] gb = g.addGradients(
					tf.sum( tf.math.mul( b, r ), tf.constant( new int[] { 0, 1, 2, 3 } ) ).asOutput(),
					new Output< ? >[] { x.asOutput(), w.asOutput() } );
			final List< Operand< ? > > pairs = Arrays.asList( a, b, ga[ 0 ], gb[ 0 ], ga[ 1 ], gb[ 1 ] );
			final Session.Runner run = s.runner().feed( x, xv ).feed( w, wv );
			pairs.forEach( run::fetch );
			double max = 0;
			try ( Result res = run.run() )
			{
				for ( int p = 0; p < pairs.size(); p += 2 )
				{
					final TFloat32 u = ( TFloat32 ) res.get( p ), v = ( TFloat32 ) res.get( p + 1 );
					assertTrue( u.shape().equals( v.shape() ), u.shape() + " vs " + v.shape() );
					final float[] fu = new float[ ( int ) u.size() ], fv = new float[ fu.length ];
					u.copyTo( org.tensorflow.ndarray.buffer.DataBuffers.of( fu, false, false ) );
					v.copyTo( org.tensorflow.ndarray.buffer.DataBuffers.of( fv, false, false ) );
					for ( int i = 0; i < fu.length; i++ )
						max = Math.max( max, Math.abs( fu[ i ] - fv[ i ] ) );
				}
			}
			return max;
		}
	}

	private static void fill( final org.tensorflow.ndarray.FloatNdArray d, final Random random )
	{
		d.scalars().forEach( e -> e.setFloat( random.nextFloat() * 2 - 1 ) );
	}
}
