import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;

import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.framework.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Inference speed of our exported SavedModel (bioimageio.InferenceSavedModel: signature serving_default, input
 * "input", NHWC) in TensorFlow Java 0.5.0 (TF 2.10, deepImageJ/JDLL's TF2 engine): infer2d = one pass over a 2048^2
 * image, infer3d = a 512x512x64 stack, 4 planes per pass (as bench/torch_unet.py), after a 256^2 warm-up; THREADS
 * intra-op threads, 1 inter-op thread. Prints "RESULT tf210 net task Mpix/wall_s Mpix/cpu_s wall_s cpu_s".
 * <pre>
 * java Tf210Speed saved_model_dir net infer2d|infer3d threads
 * </pre>
 */
public class Tf210Speed
{
	public static void main( final String[] a ) throws Exception
	{
		final String net = a[ 1 ], task = a[ 2 ];
		final int threads = Integer.parseInt( a[ 3 ] );
		final com.sun.management.OperatingSystemMXBean os = ( com.sun.management.OperatingSystemMXBean ) ManagementFactory.getOperatingSystemMXBean();
		final ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads( threads ).setInterOpParallelismThreads( 1 ).build();
		try ( SavedModelBundle b = SavedModelBundle.loader( a[ 0 ] ).withTags( "serve" ).withConfigProto( config ).load() )
		{
			run( b, 1, 256, 256 ); // warm-up
			final boolean planar = task.equals( "infer2d" );
			final int n = planar ? 1 : 64, hw = planar ? 2048 : 512, per = planar ? 1 : 4;
			final long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
			for ( int i = 0; i < n; i += per )
				run( b, per, hw, hw );
			final double wall = ( System.nanoTime() - w0 ) * 1e-9, cpu = ( os.getProcessCpuTime() - c0 ) * 1e-9;
			final double mpix = n * ( double ) hw * hw / 1e6;
			System.out.println( String.format( Locale.ROOT, "RESULT tf210 %s %s %.3f %.3f %.2f %.2f", net, task, mpix / wall, mpix / cpu, wall, cpu ) );
		}
		System.exit( 0 );
	}

	static void run( final SavedModelBundle b, final int n, final int h, final int w )
	{
		final float[] x = new float[ n * h * w ];
		final Random r = new Random( 1 );
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = r.nextFloat();
		try ( TFloat32 t = TFloat32.tensorOf( Shape.of( n, h, w, 1 ), DataBuffers.of( x, true, false ) );
				Tensor y = b.function( "serving_default" ).call( t ) )
		{
			final float[] out = new float[ ( int ) y.shape().size() ];
			( ( TFloat32 ) y ).read( DataBuffers.of( out, false, false ) );
		}
	}
}
