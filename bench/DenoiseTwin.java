import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import com.google.gson.GsonBuilder;

import fiji.plugin.autoencoder.convert.ImageTensors;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.PatchSampler;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.process.FloatProcessor;

/**
 * Java side of the PyTorch twin ({@code bench/torch_denoiser.py}): the supervised
 * denoiser of {@code TrainingMode.DENOISE_SYNTHETIC} (its spec, normalisation,
 * patch size and batch size), trained with our {@link Trainer} on a FIXED set of
 * patches that is exported for PyTorch: training and validation patches (noisy
 * input, clean target, normalised) as raw little-endian float32, the initial
 * weights, the mini-batch order of every epoch, and the normalised noisy test
 * image with its clean reference, plus a JSON header. Both sides thus start from
 * the same weights and see the same batches in the same order.
 * <p>
 * Usage: {@code DenoiseTwin <export dir>} (see {@code bench/run-denoise-twin.sh});
 * settings {@code -Dtwin.*}. Not part of the test suite.
 */
public class DenoiseTwin
{
	public static void main( final String[] args ) throws IOException
	{
		try
		{
			run( Paths.get( args.length > 0 ? args[ 0 ] : "/tmp/build-dnbench/twin" ) );
		}
		finally
		{
			ij.util.ThreadUtil.threadPoolExecutor.shutdown();
		}
	}

	static void run( final Path dir ) throws IOException
	{
		Files.createDirectories( dir );
		final NoiseModel noise = NoiseModel.parse( System.getProperty( "twin.noise", "poisson-gaussian:peak=30,sigma=0.02" ) );
		final String testPath = System.getProperty( "twin.test", "test-images/hubble_deep_field_256.tif" );
		final int nTrain = Integer.getInteger( "twin.train", 4096 );
		final int nVal = Integer.getInteger( "twin.val", 256 );
		final int epochsOverride = Integer.getInteger( "twin.epochs", 0 );
		final long seed = 7L;
		final List< ImagePlus > train = new ArrayList<>();
		for ( final String p : System.getProperty( "twin.images", DenoiseBench.SKIMAGE + "camera.png;" + DenoiseBench.SKIMAGE + "coins.png;" + DenoiseBench.SKIMAGE + "moon.png;"
				+ DenoiseBench.SKIMAGE + "brick.png" ).split( ";" ) )
			train.add( DenoiseBench.unitImage( p ) );

		// the user's job, for its spec, normalisation, patch size, batch size and epochs
		final ImageTrainingJob job = TrainingMode.DENOISE_SYNTHETIC.job( train, dir.resolve( "unused.aemodel.zip" ), noise, seed );
		final int patch = job.patchSize;
		final ModelSpec spec = job.spec.copy();
		spec.height = patch;
		spec.width = patch;
		spec.channels = 1;
		spec.validate();
		final TrainingConfig config = job.config.copy().validationFraction( 0 ).patience( 0 );
		if ( epochsOverride > 0 )
			config.epochs( epochsOverride );

		// fixed patches drawn exactly as ImageTrainingJob draws them (noisy input, normalised clean target)
		final PatchSampler sampler = new PatchSampler( patch, patch, nTrain, nVal / ( double ) nTrain, seed );
		for ( final ImagePlus clean : train )
		{
			final Normalization norm = Normalizer.fit( job.normalization, job.normalizationImage.apply( clean ) );
			sampler.add( ImageTensors.reader( clean ), ImageTensors.reader( clean ), norm, norm );
		}
		sampler.rawTransform( job.rawTransform );
		final int size = patch * patch;
		final float[] trainIn = new float[ nTrain * size ], trainOut = new float[ nTrain * size ];
		final int[] identity = new int[ Math.max( nTrain, nVal ) ];
		for ( int i = 0; i < identity.length; i++ )
			identity[ i ] = i;
		final Random patchRandom = new Random( seed );
		for ( int from = 0; from < nTrain; from += 256 )
		{
			final int n = Math.min( 256, nTrain - from );
			final float[] in = new float[ n * size ], out = new float[ n * size ];
			sampler.fill( identity, from, n, in, out, null, patchRandom );
			System.arraycopy( in, 0, trainIn, from * size, n * size );
			System.arraycopy( out, 0, trainOut, from * size, n * size );
		}
		final float[] valIn = new float[ nVal * size ], valOut = new float[ nVal * size ];
		sampler.validation().fill( identity, 0, nVal, valIn, valOut, null, new Random( seed ) );

		// the noisy test image, normalised as Denoiser does (fitted on the noisy image itself)
		final ImagePlus cleanImp = DenoiseBench.unitImage( testPath );
		final int w = cleanImp.getWidth(), h = cleanImp.getHeight();
		final float[] clean = ( float[] ) cleanImp.getProcessor().getPixels();
		final float[] noisy = noise.apply( clean, DenoiseBench.NOISE_SEED );
		final Normalization testNorm = Normalizer.fit( job.normalization, new ImagePlus( "noisy", new FloatProcessor( w, h, noisy.clone() ) ) );
		final float[] testIn = noisy.clone();
		testNorm.apply( testIn, 0, testIn.length, 1 );

		// the mini-batch order the Trainer will use: one permutation per epoch from Random(config.seed)
		final Random orderRandom = new Random( config.seed );
		final int[][] orders = new int[ config.epochs ][];
		for ( int e = 0; e < config.epochs; e++ )
			orders[ e ] = permutation( nTrain, orderRandom );

		try ( Model model = Model.create( spec, seed, 0 ) )
		{
			final Map< String, float[] > initial = model.readParameters();
			final Map< String, Object > params = new LinkedHashMap<>();
			for ( final Map.Entry< String, long[] > e : model.parameterShapes().entrySet() )
			{
				final String file = "param_" + e.getKey().replace( '/', '_' ) + ".f32";
				write( dir.resolve( file ), initial.get( e.getKey() ) );
				final Map< String, Object > p = new LinkedHashMap<>();
				p.put( "file", file );
				p.put( "shape", e.getValue() );
				params.put( e.getKey(), p );
			}
			write( dir.resolve( "train_input.f32" ), trainIn );
			write( dir.resolve( "train_target.f32" ), trainOut );
			write( dir.resolve( "val_input.f32" ), valIn );
			write( dir.resolve( "val_target.f32" ), valOut );
			write( dir.resolve( "test_input.f32" ), testIn );
			write( dir.resolve( "test_clean.f32" ), clean );
			final float[] flatOrders = new float[ config.epochs * nTrain ];
			for ( int e = 0; e < config.epochs; e++ )
				for ( int i = 0; i < nTrain; i++ )
					flatOrders[ e * nTrain + i ] = orders[ e ][ i ];
			write( dir.resolve( "orders.f32" ), flatOrders );

			// train on the same arrays with our Trainer (keeps the weights of the best validation epoch)
			final ArrayTrainingData trainData = new ArrayTrainingData( trainIn, trainOut, 1, nTrain, patch, patch, 1 );
			final ArrayTrainingData valData = new ArrayTrainingData( valIn, valOut, 1, nVal, patch, patch, 1 );
			final History history = new History();
			final long t0 = System.nanoTime(), cpu0 = processCpuNanos();
			final Trainer.Result r = new Trainer().train( model, trainData, valData, config, history, new TrainingListener()
			{
				@Override
				public void epochEnded( final History.Epoch e, final History h )
				{
					System.out.println( "  java " + e );
				}
			} );
			final double trainSeconds = ( System.nanoTime() - t0 ) / 1e9, trainCpuSeconds = ( processCpuNanos() - cpu0 ) / 1e9;
			final float[] pred = new float[ w * h ];
			model.predict( testIn, pred, 1, new int[] { h, w } );
			testNorm.invert( pred, 0, pred.length, 1 );
			final double psnr = Metrics.psnr( clean, pred, 1 );
			final double ssim = Metrics.ssim( clean, pred, w, h, 1 );
			System.out.println( String.format( Locale.ROOT, "java: %s; test PSNR %.2f dB, SSIM %.4f; training %.1f s (CPU %.1f s)", r, psnr, ssim, trainSeconds, trainCpuSeconds ) );

			final Map< String, Object > header = new LinkedHashMap<>();
			header.put( "spec", new com.google.gson.JsonParser().parse( spec.toJson() ) );
			header.put( "noise", noise.describe() );
			header.put( "test_image", testPath );
			header.put( "patch", patch );
			header.put( "n_train", nTrain );
			header.put( "n_val", nVal );
			header.put( "test_height", h );
			header.put( "test_width", w );
			header.put( "test_offset", testNorm.offsets()[ 0 ] );
			header.put( "test_scale", testNorm.scales()[ 0 ] );
			header.put( "epochs", config.epochs );
			header.put( "batch_size", config.batchSize );
			header.put( "eval_batch_size", Math.max( config.batchSize, 256 ) );
			header.put( "adam", adam() );
			header.put( "params", params );
			final Map< String, Object > java = new LinkedHashMap<>();
			java.put( "psnr", psnr );
			java.put( "ssim", ssim );
			java.put( "train_seconds", trainSeconds );
			java.put( "train_cpu_seconds", trainCpuSeconds );
			java.put( "best_epoch", r.bestEpoch );
			java.put( "best_validation_loss", r.bestLoss );
			java.put( "initial_validation_loss", history.initialValidationLoss );
			final List< Object > epochs = new ArrayList<>();
			for ( final History.Epoch e : history.epochs )
			{
				final Map< String, Object > m = new LinkedHashMap<>();
				m.put( "epoch", e.epoch );
				m.put( "train_loss", e.trainLoss );
				m.put( "validation_loss", e.validationLoss );
				m.put( "seconds", e.seconds );
				epochs.add( m );
			}
			java.put( "epochs", epochs );
			java.put( "load_average", DenoiseBench.loadAverage() );
			header.put( "java", java );
			Files.write( dir.resolve( "header.json" ), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson( header ).getBytes( StandardCharsets.UTF_8 ) );
			System.out.println( "exported to " + dir );
		}
	}

	/** Adam as GraphBuilder builds it (TF ApplyAdam: epsilon added to sqrt(v) before the bias-corrected step). */
	static Map< String, Object > adam()
	{
		final Map< String, Object > m = new LinkedHashMap<>();
		m.put( "beta1", 0.9 );
		m.put( "beta2", 0.999 );
		m.put( "epsilon", 1e-7 );
		return m;
	}

	/** CPU time of this process (all threads, TensorFlow's native ones included). */
	static long processCpuNanos()
	{
		return ( ( com.sun.management.OperatingSystemMXBean ) java.lang.management.ManagementFactory.getOperatingSystemMXBean() ).getProcessCpuTime();
	}

	/** Trainer.permutation: Fisher-Yates from the end. */
	static int[] permutation( final int n, final Random random )
	{
		final int[] p = new int[ n ];
		for ( int i = 0; i < n; i++ )
			p[ i ] = i;
		for ( int i = n - 1; i > 0; i-- )
		{
			final int j = random.nextInt( i + 1 );
			final int t = p[ i ];
			p[ i ] = p[ j ];
			p[ j ] = t;
		}
		return p;
	}

	static void write( final Path file, final float[] data ) throws IOException
	{
		final ByteBuffer b = ByteBuffer.allocate( data.length * 4 ).order( ByteOrder.LITTLE_ENDIAN );
		b.asFloatBuffer().put( data );
		Files.write( file, b.array() );
	}
}
