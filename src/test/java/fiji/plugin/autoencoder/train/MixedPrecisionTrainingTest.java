package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.macro.MacroSettings;
import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Precision;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * {@code training_precision=bfloat16} (mixed precision: the convolutions forward and backward in bfloat16, the
 * parameters, loss and optimiser in float32) against float32 training, and several steps per session run on image
 * patches against one step per run.
 */
class MixedPrecisionTrainingTest
{
	@TempDir
	Path dir;

	/**
	 * The U-Net denoiser trained on the top half of scikit-image's camera (Gaussian noise sigma 25, paired), once in
	 * float32 and once in bfloat16 mixed precision, both predicting in float32 on the unseen bottom half: bfloat16
	 * training reaches float32 training's PSNR within 0.3 dB.
	 */
	@Test
	@Tag( "slow" )
	void bfloat16TrainingReachesFloat32Psnr() throws Exception
	{
		final ImageProcessor camera = TestImages.open( "camera.png" ).getProcessor().convertToFloat();
		final ImagePlus trainClean = TestImages.crop( camera, 0, 0, 512, 256 ),
				testClean = TestImages.crop( camera, 0, 256, 512, 256 );
		final ImagePlus testNoisy = TestImages.withGaussianNoise( testClean, 25, 2 );
		final float[] clean = TestImages.pixels( testClean );
		final double[] db = new double[ 2 ];
		final double[] finalLoss = new double[ 2 ];
		for ( final Precision p : Precision.values() )
		{
			final Path file = dir.resolve( p.key + ".aemodel.zip" );
			final ImageTrainingJob job = new ImageTrainingJob( Presets.denoiser( 1 ), file );
			job.config.epochs( 6 ).batchSize( 8 ).precision( p );
			job.patchSize = 48;
			job.patchesPerEpoch = 128;
			job.threads = 2;
			job.storeNormalization = true;
			final ImageTrainingJob.Result r = job.run( List.of( TestImages.withGaussianNoise( trainClean, 25, 1 ) ),
					List.of( trainClean ),
					TrainingListener.none() );
			finalLoss[ p.ordinal() ] = r.history.last( "train" ).trainLoss;
			try ( ModelFile.Loaded m = ModelFile.load( file, 2 ) )
			{
				db[ p.ordinal() ] = Metrics.psnr( clean, TestImages.pixels( ModelFileRunner.apply( m, testNoisy,
						OutputType.FLOAT_32, "d", new ImageRunner.Options(), Progress.none() ) ), 255 );
			}
		}
		final double noisyDb = Metrics.psnr( clean, TestImages.pixels( testNoisy ), 255 );
		System.out.printf( "camera's unseen half: noisy %.3f dB; trained in float32 %.3f dB (last training loss %.5f), "
				+ "in bfloat16 %.3f dB (%.5f)%n", noisyDb, db[ 0 ], finalLoss[ 0 ], db[ 1 ], finalLoss[ 1 ] );
		assertTrue( db[ 0 ] > noisyDb + 3, "float32 training denoises: " + db[ 0 ] + " vs noisy " + noisyDb );
		assertEquals( db[ 0 ], db[ 1 ], 0.3, "PSNR after bfloat16 training against float32 training" );
	}

	/** One mixed-precision step: it reports its own (bfloat16) loss close to float32's, trains, and shares the step counter. */
	@Test
	void bfloat16StepTrainsTheFloat32Parameters()
	{
		final ModelSpec spec = Presets.denoiser( 1 );
		try ( Model m = Model.create( spec, 5, 2 ) )
		{
			final int n = 4, s = 32;
			final float[] x = new float[ n * s * s ];
			final Random r = new Random( 3 );
			for ( int i = 0; i < x.length; i++ )
				x[ i ] = ( float ) ( 0.5 + 0.3 * Math.sin( i * 0.07 ) + 0.05 * r.nextGaussian() );
			try ( org.tensorflow.types.TFloat32 t = Model.tensor( x,
					org.tensorflow.ndarray.Shape.of( n, s, s, 1 ) ) )
			{
				final float f32 = m.loss( Endpoints.LOSS, t, t, null );
				assertEquals( Endpoints.TRAIN_BF16, Precision.BFLOAT16.trainOp( m ) );
				final float bf16 = m.loss( Precision.BFLOAT16.trainingLoss(), t, t, null );
				assertEquals( f32, bf16, 0.03 * f32, "the bfloat16 forward pass's loss" );
				assertTrue( bf16 != f32, "the loss comes from the bfloat16 pass" );
				final float[] before = m.readParameters().get( "params/enc0_w" );
				float last = bf16;
				for ( int k = 0; k < 20; k++ )
					last = m.trainStep( Endpoints.TRAIN_BF16, Endpoints.LOSS_BF16, t, t, null );
				assertEquals( 20, m.step(), "the float32 step counter counts the bfloat16 steps" );
				assertTrue( last < 0.5 * bf16, "20 bfloat16 steps lower the loss: " + bf16 + " -> " + last );
				final float[] after = m.readParameters().get( "params/enc0_w" );
				double d = 0;
				for ( int i = 0; i < after.length; i++ )
					d = Math.max( d, Math.abs( after[ i ] - before[ i ] ) );
				assertTrue( d > 1e-3, "the float32 parameters moved: " + d );
				assertTrue( m.loss( Endpoints.LOSS, t, t, null ) < 0.5 * f32, "float32 sees the trained parameters" );
			}
		}
	}

	@Test
	void bfloat16TrainingIsDefinedOnceAndRefusedWhereItDoesNotSuit()
	{
		assertEquals( "bfloat16", MacroSettings.trainingPrecision(
				MacroOptions.parse( "training_precision=bfloat16", "train", MacroSettings.TRAIN_KEYS ) ) );
		assertEquals( "float32", MacroSettings.trainingPrecision(
				MacroOptions.parse( "", "train segmenter", MacroSettings.TRAIN_SEGMENTER_KEYS ) ) );
		assertThrows( IllegalArgumentException.class, () -> MacroSettings.trainingPrecision(
				MacroOptions.parse( "training_precision=float16", "train", MacroSettings.TRAIN_KEYS ) ) );
		try ( Model dense = Model.create( Presets.dense( false ), 1, 1 ) )
		{
			assertTrue( assertThrows( IllegalArgumentException.class, () -> Precision.BFLOAT16.trainOp( dense ) )
					.getMessage().contains( "use precision=float32" ) );
			assertEquals( Endpoints.TRAIN, Precision.FLOAT32.trainOp( dense ) );
		}
	}

	/**
	 * Image training (random patches with random orientations, fed per run through reused tensors) with 4 steps per
	 * session run draws the same patches and follows the same loss trajectory as one step per run.
	 */
	@Test
	void patchTrainingWithStepsPerRunMatchesSingleSteps() throws Exception
	{
		final ImageProcessor camera = TestImages.open( "camera.png" ).getProcessor().convertToFloat();
		final ImagePlus clean = TestImages.crop( camera, 0, 0, 256, 256 );
		final List< List< Float > > losses = new ArrayList<>();
		for ( final int k : new int[] { 1, 4 } )
		{
			final ImageTrainingJob job = new ImageTrainingJob( Presets.denoiser( 1 ),
					dir.resolve( "steps" + k + ".aemodel.zip" ) );
			job.config.epochs( 2 ).batchSize( 4 ).stepsPerRun( k );
			job.patchSize = 32;
			job.patchesPerEpoch = 32;
			job.threads = 2;
			final List< Float > l = new ArrayList<>();
			job.run( List.of( TestImages.withGaussianNoise( clean, 25, 1 ) ), List.of( clean ), new TrainingListener()
			{
				@Override
				public void stepEnded( final String phase, final int epoch, final int step, final int total,
						final double loss )
				{
					l.add( ( float ) loss );
				}
			} );
			losses.add( l );
		}
		assertEquals( 16, losses.get( 0 ).size(), "2 epochs of 8 steps" );
		assertEquals( losses.get( 0 ).size(), losses.get( 1 ).size() );
		for ( int i = 0; i < losses.get( 0 ).size(); i++ )
			assertEquals( losses.get( 0 ).get( i ), losses.get( 1 ).get( i ), 2e-3 * losses.get( 0 ).get( i ),
					"loss of step " + i );
	}

}
