import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * Inference speed of an ONNX model (the PyTorch twin of a U-Net exported by bench/torch_unet.py --export-onnx) in ONNX
 * Runtime for Java: infer2d = one pass over a 2048^2 image, infer3d = a 512x512x64 stack, 4 planes per pass (as
 * torch_unet.py), after a 256^2 warm-up; sequential execution, all graph optimisations, THREADS intra-op threads.
 * Prints "RESULT ort net task Mpix/wall_s Mpix/cpu_s wall_s cpu_s" (CPU time of the whole process).
 * <pre>
 * java OrtSpeed model.onnx net infer2d|infer3d threads
 * </pre>
 */
public class OrtSpeed
{
	public static void main( final String[] a ) throws Exception
	{
		final String net = a[ 1 ], task = a[ 2 ];
		final int threads = Integer.parseInt( a[ 3 ] );
		final com.sun.management.OperatingSystemMXBean os = ( com.sun.management.OperatingSystemMXBean ) ManagementFactory.getOperatingSystemMXBean();
		final OrtEnvironment env = OrtEnvironment.getEnvironment();
		try ( OrtSession.SessionOptions o = new OrtSession.SessionOptions() )
		{
			o.setIntraOpNumThreads( threads );
			o.setInterOpNumThreads( 1 );
			o.setExecutionMode( OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL );
			o.setOptimizationLevel( OrtSession.SessionOptions.OptLevel.ALL_OPT );
			try ( OrtSession s = env.createSession( a[ 0 ], o ) )
			{
				final String in = s.getInputNames().iterator().next();
				run( env, s, in, 1, 256, 256 ); // warm-up
				final boolean planar = task.equals( "infer2d" );
				final int n = planar ? 1 : 64, hw = planar ? 2048 : 512, per = planar ? 1 : 4;
				final long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
				for ( int i = 0; i < n; i += per )
					run( env, s, in, per, hw, hw );
				final double wall = ( System.nanoTime() - w0 ) * 1e-9, cpu = ( os.getProcessCpuTime() - c0 ) * 1e-9;
				final double mpix = n * ( double ) hw * hw / 1e6;
				System.out.println( String.format( Locale.ROOT, "RESULT ort %s %s %.3f %.3f %.2f %.2f", net, task, mpix / wall, mpix / cpu, wall, cpu ) );
			}
		}
		System.exit( 0 );
	}

	static void run( final OrtEnvironment env, final OrtSession s, final String in, final int n, final int h, final int w ) throws Exception
	{
		final float[] x = new float[ n * h * w ];
		final Random r = new Random( 1 );
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = r.nextFloat();
		try ( OnnxTensor t = OnnxTensor.createTensor( env, FloatBuffer.wrap( x ), new long[] { n, 1, h, w } );
				OrtSession.Result y = s.run( Map.of( in, t ) ) )
		{
			( ( OnnxTensor ) y.get( 0 ) ).getFloatBuffer(); // read the output, as a user would
		}
	}
}
