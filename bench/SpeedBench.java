import java.util.Locale;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.IdxReader;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingListener;

/**
 * Training throughput of the plugin's engine (Model + Trainer, as the plugin
 * trains) on all 60,000 Fashion-MNIST training images: the dense 784-32-784
 * autoencoder (batch 128) or the stride-2 conv autoencoder (batch 64).
 * Epoch 1 is warm-up (graph extension, data upload, first runs); then whole
 * epochs are timed until at least {@code --min-seconds}. The PyTorch twin is
 * bench/torch_twin.py; bench/run-speed.sh runs both interleaved.
 * Prints one line: "RESULT framework arch batch samples_per_s seconds epochs final_loss steps_per_run=K per_cpu_s=S"
 * (S: samples per second of process CPU time over the timed epochs).
 *
 * <pre>
 * java SpeedBench --arch dense|conv_strided [--steps-per-run 8] [--threads 2] [--min-seconds 10]
 * </pre>
 */
public class SpeedBench
{
	public static void main( final String[] args ) throws Exception
	{
		String arch = "dense", precision = "float32";
		int stepsPerRun = 8, threads = 2;
		double minSeconds = 10;
		for ( int i = 0; i + 1 < args.length; i += 2 )
		{
			switch ( args[ i ] )
			{
			case "--arch":
				arch = args[ i + 1 ];
				break;
			case "--steps-per-run":
				stepsPerRun = Integer.parseInt( args[ i + 1 ] );
				break;
			case "--precision": // training_precision: bfloat16 runs one step per run (multi-step runs are float32 only)
				precision = args[ i + 1 ];
				break;
			case "--threads":
				threads = Integer.parseInt( args[ i + 1 ] );
				break;
			case "--min-seconds":
				minSeconds = Double.parseDouble( args[ i + 1 ] );
				break;
			default:
				throw new IllegalArgumentException( "Unknown option " + args[ i ] + ": use --arch, --steps-per-run, --precision, --threads, --min-seconds" );
			}
		}
		final ModelSpec spec;
		final int batch;
		if ( arch.equals( "dense" ) )
		{
			spec = Presets.dense( false );
			batch = 128;
		}
		else if ( arch.equals( "conv_strided" ) )
		{
			spec = Presets.convStrided();
			batch = 64;
		}
		else
			throw new IllegalArgumentException( "Unknown --arch " + arch + ": use dense or conv_strided" );

		final IdxReader.Images images = IdxReader.readImages( IdxReader.fashionMnist( "train-images-idx3-ubyte.gz" ) );
		final ArrayTrainingData data = new ArrayTrainingData( images.toFloats( 0 ), images.count, 28, 28, 1 );
		final double min = minSeconds;
		final Trainer trainer = new Trainer();
		final double[] timed = new double[ 3 ]; // seconds, samples, epochs
		final double[] lastLoss = { Double.NaN };
		final com.sun.management.OperatingSystemMXBean os = ( com.sun.management.OperatingSystemMXBean ) java.lang.management.ManagementFactory
				.getOperatingSystemMXBean();
		final long[] cpu = new long[ 2 ]; // process CPU ns at the end of warm-up, CPU ns of the timed epochs
		try ( Model model = Model.create( spec, 1, threads ) )
		{
			trainer.train( model, data, null, new TrainingConfig().epochs( 1000 ).batchSize( batch ).validationFraction( 0 ).stepsPerRun( stepsPerRun ).seed( 1 )
					.precision( fiji.plugin.autoencoder.model.Precision.of( precision ) ),
					new History(), new TrainingListener()
					{
						@Override
						public void epochEnded( final History.Epoch e, final History history )
						{
							lastLoss[ 0 ] = e.trainLoss;
							if ( e.epoch < 2 || trainer.isStopRequested() )
							{
								if ( e.epoch < 2 )
									cpu[ 0 ] = os.getProcessCpuTime();
								return; // warm-up, or the partial epoch after the stop
							}
							cpu[ 1 ] = os.getProcessCpuTime() - cpu[ 0 ];
							timed[ 0 ] += e.seconds;
							timed[ 1 ] += e.samplesPerSecond * e.seconds;
							timed[ 2 ]++;
							if ( timed[ 0 ] >= min )
								trainer.requestStop();
						}
					} );
		}
		System.out.println( String.format( Locale.ROOT, "RESULT ours" + ( precision.equals( "float32" ) ? "" : "-" + precision ) + " %s %d %.0f %.2f %d %.5f steps_per_run=%d per_cpu_s=%.0f", arch, batch, timed[ 1 ] / timed[ 0 ], timed[ 0 ], ( int ) timed[ 2 ], lastLoss[ 0 ], stepsPerRun, timed[ 1 ] / ( cpu[ 1 ] * 1e-9 ) ) );
	}
}
