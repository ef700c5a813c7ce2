import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingData;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

/**
 * Training and inference speed of the product's U-Nets, for bench/run-speed.sh
 * (the PyTorch twin is bench/torch_unet.py, same layers, batch and optimiser):
 * <ul>
 * <li>{@code train}: Trainer.train as the plugin trains image models (one step per
 * session run), 256 patches of 64x64 per epoch, batch 16, Adam; epoch 1 is warm-up, then whole
 * epochs until {@code --min-seconds};</li>
 * <li>{@code infer2d}: ImageRunner.run (the Denoise / Segment Image path: tiles
 * from the default 768 MB budget, one tile per run) on a 2048^2 image;</li>
 * <li>{@code infer3d}: the same on a 512x512x64 stack (a 2D model, plane by plane).</li>
 * </ul>
 * With {@code --precision bfloat16} the convolutions run in bfloat16 (inference: precision=bfloat16; training:
 * training_precision=bfloat16, mixed precision) and the line starts "RESULT ours-bfloat16"; {@code --steps-per-run K}
 * (training) runs K steps per session run and appends "-stepsK"; with {@code --feed true} the patches are fed per run
 * (reused tensors, as image training's patches are) instead of uploaded once, and "fed" is appended.
 * Prints "RESULT ours net task units_per_wall_s units_per_cpu_s wall_s cpu_s" with
 * units = samples (train) or megapixels (infer); CPU time is the process's (all threads).
 * <pre>
 * java UNetSpeedBench --net denoiser|segmenter --task train|infer2d|infer3d [--threads 2] [--min-seconds 10] [--precision float32|bfloat16] [--steps-per-run 1]
 * </pre>
 */
public class UNetSpeedBench
{
	public static void main( final String[] args ) throws Exception
	{
		run( args );
		System.exit( 0 ); // NB: TensorFlow's and ImgLib2's pools
	}

	static void run( final String[] args ) throws Exception
	{
		String net = "denoiser", task = "train", precision = "float32";
		int threads = 2, stepsPerRun = 1;
		boolean feed = false;
		double minSeconds = 10;
		for ( int i = 0; i + 1 < args.length; i += 2 )
			switch ( args[ i ] )
			{
			case "--net": net = args[ i + 1 ]; break;
			case "--task": task = args[ i + 1 ]; break;
			case "--threads": threads = Integer.parseInt( args[ i + 1 ] ); break;
			case "--min-seconds": minSeconds = Double.parseDouble( args[ i + 1 ] ); break;
			case "--precision": precision = args[ i + 1 ]; break;
			case "--steps-per-run": stepsPerRun = Integer.parseInt( args[ i + 1 ] ); break;
			case "--feed": feed = Boolean.parseBoolean( args[ i + 1 ] ); break;
			default: throw new IllegalArgumentException( args[ i ] );
			}
		final ModelSpec spec = InferenceBench.spec( net );
		final com.sun.management.OperatingSystemMXBean os = ( com.sun.management.OperatingSystemMXBean ) ManagementFactory.getOperatingSystemMXBean();
		try ( Model model = Model.create( spec, 1, threads ) )
		{
			if ( task.equals( "train" ) )
			{
				final int n = 256, s = 64;
				final float[] x = smooth( n, s, s, 1 );
				final Trainer trainer = new Trainer();
				final double[] timed = new double[ 3 ]; // wall s, samples, cpu s
				final long[] cpu0 = { 0 };
				final double min = minSeconds;
				final TrainingData data = feed ? fed( new ArrayTrainingData( x, n, s, s, 1 ) ) : new ArrayTrainingData( x, n, s, s, 1 );
				trainer.train( model, data, null, new TrainingConfig().epochs( 1000 ).batchSize( 16 ).validationFraction( 0 ).seed( 1 )
						.stepsPerRun( stepsPerRun ).precision( fiji.plugin.autoencoder.model.Precision.of( precision ) ), new History(),
						new TrainingListener()
						{
							@Override
							public void epochEnded( final History.Epoch e, final History history )
							{
								final long c = os.getProcessCpuTime();
								if ( e.epoch >= 2 && !trainer.isStopRequested() )
								{
									timed[ 0 ] += e.seconds;
									timed[ 1 ] += e.samplesPerSecond * e.seconds;
									timed[ 2 ] += ( c - cpu0[ 0 ] ) * 1e-9;
									if ( timed[ 0 ] >= min )
										trainer.requestStop();
								}
								cpu0[ 0 ] = c;
							}
						} );
				print( "ours" + ( precision.equals( "float32" ) ? "" : "-" + precision ) + ( stepsPerRun > 1 ? "-steps" + stepsPerRun + ( feed ? "fed" : "" ) : "" ), net, task, timed[ 1 ], timed[ 0 ], timed[ 2 ] );
				return;
			}
			final ImagePlus imp = image( task );
			final ImageRunner.Options o = new ImageRunner.Options();
			o.precision = fiji.plugin.autoencoder.model.Precision.of( precision );
			ImageRunner.run( model, Normalization.none(), crop( imp ), OutputType.FLOAT_32, "w", false, o, Progress.none() ); // warm-up
			final long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
			ImageRunner.run( model, Normalization.none(), imp, OutputType.FLOAT_32, "out", false, o, Progress.none() );
			print( o.precision.key.equals( "float32" ) ? "ours" : "ours-" + o.precision.key, net, task, megapixels( imp ), ( System.nanoTime() - w0 ) * 1e-9, ( os.getProcessCpuTime() - c0 ) * 1e-9 );
		}
		finally
		{
			System.out.flush();
		}
	}

	/** The data as image training sees patches: not fixed samples, so multi-step runs feed them (reused tensors) instead of uploading them. */
	static TrainingData fed( final TrainingData d )
	{
		return new TrainingData()
		{
			@Override
			public int size() { return d.size(); }

			@Override
			public int[] inputShape() { return d.inputShape(); }

			@Override
			public int targetChannels() { return d.targetChannels(); }

			@Override
			public boolean hasTargets() { return d.hasTargets(); }

			@Override
			public boolean hasWeights() { return d.hasWeights(); }

			@Override
			public void fill( final int[] idx, final int from, final int n, final float[] in, final float[] t, final float[] w, final Random r ) { d.fill( idx, from, n, in, t, w, r ); }
		};
	}

	static ImagePlus crop( final ImagePlus imp )
	{
		return new ImagePlus( "warm", imp.getStack().getProcessor( 1 ).crop().resize( 256, 256 ) );
	}

	static void print( final String who, final String net, final String task, final double units, final double wall, final double cpu )
	{
		System.out.println( String.format( Locale.ROOT, "RESULT %s %s %s %.3f %.3f %.2f %.2f", who, net, task, units / wall, units / cpu, wall, cpu ) );
	}

	/** The inference task's image: a smooth 2048^2 plane ({@code infer2d}) or a 512 x 512 x 64 stack ({@code infer3d}). */
	static ImagePlus image( final String task )
	{
		final int w = task.equals( "infer2d" ) ? 2048 : 512, z = task.equals( "infer2d" ) ? 1 : 64;
		final ImageStack stack = new ImageStack( w, w );
		final float[] all = smooth( z, w, w, 1 );
		for ( int k = 0; k < z; k++ )
			stack.addSlice( new FloatProcessor( w, w, java.util.Arrays.copyOfRange( all, k * w * w, ( k + 1 ) * w * w ) ) );
		return new ImagePlus( "bench", stack );
	}

	/** Megapixels of an image, all slices. */
	static double megapixels( final ImagePlus imp )
	{
		return ( double ) imp.getWidth() * imp.getHeight() * imp.getStackSize() / 1e6;
	}

	/** Smooth random images in [0, 1] (sums of a few sines), n x h x w x c. */
	static float[] smooth( final int n, final int h, final int w, final int c )
	{
		final Random r = new Random( 1 );
		final float[] x = new float[ n * h * w * c ];
		for ( int i = 0; i < n; i++ )
		{
			final double a = r.nextDouble() * 0.3, b = r.nextDouble() * 0.3, p = r.nextDouble() * 6;
			for ( int y = 0; y < h; y++ )
				for ( int xx = 0; xx < w; xx++ )
					x[ ( i * h + y ) * w + xx ] = ( float ) ( 0.5 + 0.25 * Math.sin( a * xx + p ) * Math.cos( b * y ) + 0.1 * r.nextGaussian() );
		}
		return x;
	}
}
