import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * The classic autoencoder experiments on the full Fashion-MNIST training set
 * (60,000 images, 20% held out for validation), trained with the plugin's own
 * engine (Model + Trainer): dense 784-32-784, tied vs untied, the stride-2
 * conv AE with MSE, zero-fill vs nearest unpooling, deep from scratch vs
 * stacked with greedy pretraining. Writes a markdown table.
 * Run with bench/run-experiments.sh.
 *
 * <pre>
 * java ClassicExperiments [--epochs 20] [--pretrain-epochs 2] [--batch 128] [--steps-per-run 8]
 *     [--threads 2] [--presets dense,dense_tied,...] [--out bench/results/experiments.md]
 * </pre>
 */
public class ClassicExperiments
{
	public static void main( final String[] args ) throws IOException
	{
		int epochs = 20, pretrainEpochs = 2, batch = 128, stepsPerRun = 8, threads = 2;
		String presets = "dense,dense_tied,conv_strided,conv_pool,conv_pool_zero_fill,deep_dense,deep_stacked";
		Path out = Paths.get( "bench/results/experiments.md" );
		for ( int i = 0; i < args.length; i += 2 )
		{
			if ( i + 1 >= args.length )
				throw new IllegalArgumentException( "Option " + args[ i ] + " needs a value" );
			final String v = args[ i + 1 ];
			switch ( args[ i ] )
			{
			case "--epochs":
				epochs = Integer.parseInt( v );
				break;
			case "--pretrain-epochs":
				pretrainEpochs = Integer.parseInt( v );
				break;
			case "--batch":
				batch = Integer.parseInt( v );
				break;
			case "--steps-per-run":
				stepsPerRun = Integer.parseInt( v );
				break;
			case "--threads":
				threads = Integer.parseInt( v );
				break;
			case "--presets":
				presets = v;
				break;
			case "--out":
				out = Paths.get( v );
				break;
			default:
				throw new IllegalArgumentException( "Unknown option " + args[ i ] + ": use --epochs, --pretrain-epochs, --batch, --steps-per-run, --threads, --presets, --out" );
			}
		}
		final IdxReader.Images images = IdxReader.readImages( IdxReader.fashionMnist( "train-images-idx3-ubyte.gz" ) );
		final float[] x = images.toFloats( 0 );
		final ArrayTrainingData data = new ArrayTrainingData( x, images.count, 28, 28, 1 );
		final String loadBefore = loadAverage();
		final long start = System.nanoTime();
		final List< String > rows = new ArrayList<>();
		for ( final String name : presets.split( "," ) )
		{
			final ModelSpec spec = Presets.byName( name.trim() );
			final boolean stacked = spec.layerwisePretraining;
			final TrainingConfig config = new TrainingConfig().epochs( epochs ).batchSize( batch ).validationFraction( 0.2 )
					.pretrainEpochs( stacked ? pretrainEpochs : 0 ).stepsPerRun( stepsPerRun ).seed( 1 );
			try ( Model model = Model.create( spec, 1, threads ) )
			{
				final History h = new History();
				final long t0 = System.nanoTime();
				final Trainer.Result r = new Trainer().train( model, data, null, config, h, new TrainingListener()
				{
					@Override
					public void epochEnded( final History.Epoch e, final History history )
					{
						System.out.println( "  " + name + " " + e );
					}
				} );
				final double wall = ( System.nanoTime() - t0 ) / 1e9;
				final History.Epoch last = h.last( "train" );
				long trainSamples = 0;
				double trainSeconds = 0;
				for ( final History.Epoch e : h.epochs )
				{
					trainSamples += Math.round( e.samplesPerSecond * e.seconds );
					trainSeconds += e.seconds;
				}
				final String row = String.format( Locale.ROOT, "| %s | %s | %d%s | %.4g | %.4g | %.4g | %.4g | %.0f | %.0f | %,d |",
						name, ModelSpec.name( spec.loss ), epochs, stacked ? " + " + pretrainEpochs + "/layer" : "",
						last.trainLoss, last.validationLoss, h.initialValidationLoss, h.bestValidationLoss(), wall, trainSamples / trainSeconds, model.parameterCount() );
				System.out.println( row + "   " + r );
				rows.add( row );
			}
		}
		final double total = ( System.nanoTime() - start ) / 1e9;
		final StringBuilder md = new StringBuilder();
		md.append( "# Classic autoencoder experiments (Fashion-MNIST)\n\n" );
		md.append( String.format( Locale.ROOT, "All 60,000 training images, 20%% held out for validation (seeded split), batch %d, Adam lr 1e-3, "
				+ "%d steps per Session.run, %d TensorFlow threads, weights of the best validation epoch kept. Trained with the plugin's engine "
				+ "(Model + Trainer) by bench/run-experiments.sh; total %.0f s.\n\n", batch, stepsPerRun, threads, total ) );
		md.append( String.format( Locale.ROOT, "Machine: %d CPUs (%s), shared with other jobs: load average %s at the start, %s at the end "
				+ "(wall times and samples/s are therefore pessimistic and noisy).\n\n", Runtime.getRuntime().availableProcessors(), cpuName(), loadBefore, loadAverage() ) );
		md.append( "Losses are per pixel (BCE on the logits for sigmoid outputs, MSE for conv_strided) on [0, 1] intensities; "
				+ "\"best val\" is the kept model's. samples/s counts training samples per second of epoch time "
				+ "(including the validation pass of each epoch and, for deep_stacked, the pretraining epochs).\n\n" );
		md.append( "| preset | loss | epochs | final train loss | final val loss | untrained val loss | best val loss | wall s | samples/s | parameters |\n" );
		md.append( "|---|---|---|---|---|---|---|---|---|---|\n" );
		for ( final String r : rows )
			md.append( r ).append( '\n' );
		if ( out.getParent() != null )
			Files.createDirectories( out.getParent() );
		Files.write( out, md.toString().getBytes( StandardCharsets.UTF_8 ) );
		System.out.println( "wrote " + out.toAbsolutePath() );
	}

	static String loadAverage()
	{
		try
		{
			return Arrays.toString( Arrays.copyOf( new String( Files.readAllBytes( Paths.get( "/proc/loadavg" ) ), StandardCharsets.US_ASCII ).trim().split( " " ), 3 ) );
		}
		catch ( final IOException e )
		{
			return "unknown";
		}
	}

	static String cpuName()
	{
		try
		{
			for ( final String l : Files.readAllLines( Paths.get( "/proc/cpuinfo" ) ) )
				if ( l.startsWith( "model name" ) )
					return l.substring( l.indexOf( ':' ) + 1 ).trim();
		}
		catch ( final IOException e )
		{
			// fall through
		}
		return "unknown CPU";
	}
}
