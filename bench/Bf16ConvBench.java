import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.model.Model;

/**
 * Is a bfloat16 convolution faster than float32 on this CPU (issue #19, bf16 inference)? One 3x3 conv + bias + ReLU
 * (CIN to COUT channels, SIZE^2, batch 1, NHWC) as the U-Nets' level-0 convs are, in float32 and with input, weights
 * and bias cast to bfloat16 (output cast back), in one graph, interleaved round by round; prints per variant the
 * median GFLOP per process CPU second and the max |difference| of the outputs.
 * <pre>
 * java Bf16ConvBench [SIZE=1024] [CIN=32] [COUT=32] [ROUNDS=5]
 * </pre>
 */
public class Bf16ConvBench
{
	public static void main( final String[] a ) throws Exception
	{
		final int size = a.length > 0 ? Integer.parseInt( a[ 0 ] ) : 1024, cin = a.length > 1 ? Integer.parseInt( a[ 1 ] ) : 32,
				cout = a.length > 2 ? Integer.parseInt( a[ 2 ] ) : 32, rounds = a.length > 3 ? Integer.parseInt( a[ 3 ] ) : 5;
		final com.sun.management.OperatingSystemMXBean os = ( com.sun.management.OperatingSystemMXBean ) ManagementFactory.getOperatingSystemMXBean();
		final Random r = new Random( 1 );
		final float[] w = new float[ 9 * cin * cout ], b = new float[ cout ], x = new float[ size * size * cin ];
		for ( int i = 0; i < w.length; i++ )
			w[ i ] = ( float ) ( r.nextGaussian() * Math.sqrt( 2.0 / ( 9 * cin ) ) );
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = r.nextFloat();
		try ( Graph g = new Graph() )
		{
			final Ops tf = Ops.create( g );
			final Placeholder< TFloat32 > in = tf.withName( "in" ).placeholder( TFloat32.class );
			final Operand< TFloat32 > wc = tf.constant( Shape.of( 3, 3, cin, cout ), DataBuffers.of( w ) ), bc = tf.constant( b );
			final Operand< TFloat32 > f32 = tf.withName( "f32" ).nn.relu( tf.nn.biasAdd( tf.nn.conv2d( in, wc, Arrays.asList( 1L, 1L, 1L, 1L ), "SAME" ), bc ) );
			final Operand< TBfloat16 > xb = tf.dtypes.cast( in, TBfloat16.class );
			final Operand< TBfloat16 > yb = tf.nn.relu( tf.nn.biasAdd( tf.nn.conv2d( xb, tf.dtypes.cast( wc, TBfloat16.class ), Arrays.asList( 1L, 1L, 1L, 1L ), "SAME" ),
					tf.dtypes.cast( bc, TBfloat16.class ) ) );
			final Operand< TFloat32 > bf16 = tf.withName( "bf16" ).dtypes.cast( yb, TFloat32.class );
			try ( Session s = new Session( g, Model.sessionConfig( 2 ) );
					TFloat32 t = TFloat32.tensorOf( Shape.of( 1, size, size, cin ), DataBuffers.of( x, true, false ) ) )
			{
				final String[] names = { "f32", "bf16" };
				final double[][] rate = new double[ 2 ][ rounds ];
				final float[][] out = new float[ 2 ][ size * size * cout ];
				final double flop = 2.0 * 9 * cin * cout * size * size;
				for ( int k = 0; k < 2; k++ )
					run( s, names[ k ], t, out[ k ] ); // warm-up
				for ( int i = 0; i < rounds; i++ )
					for ( int k = 0; k < 2; k++ )
					{
						final long c0 = os.getProcessCpuTime();
						for ( int rep = 0; rep < 3; rep++ )
							run( s, names[ k ], t, out[ k ] );
						rate[ k ][ i ] = 3 * flop / ( os.getProcessCpuTime() - c0 );
					}
				double diff = 0, max = 0;
				for ( int i = 0; i < out[ 0 ].length; i++ )
				{
					diff = Math.max( diff, Math.abs( out[ 0 ][ i ] - out[ 1 ][ i ] ) );
					max = Math.max( max, Math.abs( out[ 0 ][ i ] ) );
				}
				for ( int k = 0; k < 2; k++ )
				{
					Arrays.sort( rate[ k ] );
					System.out.println( String.format( Locale.ROOT, "RESULT bf16conv %d^2 %d->%d %s GFLOP/cpu_s %.1f", size, cin, cout, names[ k ], rate[ k ][ rounds / 2 ] ) );
				}
				System.out.println( String.format( Locale.ROOT, "max |f32 - bf16| %.4g of max |f32| %.4g", diff, max ) );
			}
		}
		System.exit( 0 );
	}

	static void run( final Session s, final String name, final TFloat32 in, final float[] out )
	{
		try ( Tensor y = s.runner().feed( "in", in ).fetch( name ).run().get( 0 ) )
		{
			y.asRawTensor().data().asFloats().read( out, 0, out.length );
		}
	}
}
