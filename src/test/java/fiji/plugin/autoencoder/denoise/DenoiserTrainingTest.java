package fiji.plugin.autoencoder.denoise;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;

@Tag( "slow" ) // training quality: excluded from the fast tier (mvn test -Pfast)
class DenoiserTrainingTest
{
	@TempDir
	Path dir;

	/** The graph's weighted loss is the masked MSE: only masked pixels count. */
	@Test
	void blindSpotLossCountsOnlyMaskedPixels()
	{
		final ModelSpec spec = Presets.denoiser( 1 );
		spec.height = 32;
		spec.width = 32;
		spec.weightedLoss = true;
		final int n = 4, size = n * 32 * 32;
		final Random r = new Random( 3 );
		final float[] noisy = new float[ size ];
		for ( int i = 0; i < size; i++ )
			noisy[ i ] = r.nextFloat();
		final BlindSpotMasker.Batch b = new BlindSpotMasker().mask( noisy, n, 32, 32, 1, 7 );
		try ( Model m = Model.create( spec, 1, 1 ) )
		{
			final float[] pred = new float[ size ];
			m.predict( b.input(), pred, n, new int[] { 32, 32 } );
			final double expected = BlindSpotMasker.maskedMse( pred, b.target(), b.weight() );
			final float[] changedTarget = b.target().clone();
			for ( int i = 0; i < size; i++ )
				if ( b.weight()[ i ] == 0 )
					changedTarget[ i ] += 100; // unmasked targets must not matter
			final Shape shape = Shape.of( n, 32, 32, 1 );
			try ( TFloat32 x = Model.tensor( b.input(), shape );
					TFloat32 t = Model.tensor( changedTarget, shape );
					TFloat32 w = Model.tensor( b.weight(), shape ) )
			{
				final double graphLoss = m.loss( Endpoints.LOSS, x, t, w );
				assertEquals( expected, graphLoss, 1e-5 * expected,
						"graph loss = masked MSE, unmasked targets ignored" );
			}
			final float[] moved = b.target().clone();
			for ( int i = 0; i < size; i++ )
				if ( b.weight()[ i ] == 1 )
				{
					moved[ i ] += 1;
					break;
				}
			try ( TFloat32 x = Model.tensor( b.input(), shape );
					TFloat32 t = Model.tensor( moved, shape );
					TFloat32 w = Model.tensor( b.weight(), shape ) )
			{
				assertTrue( m.loss( Endpoints.LOSS, x, t, w ) > expected, "a masked target changes the loss" );
			}
		}
	}

	static ImagePlus testImage( final String name )
	{
		final Path p = Paths.get( "test-images", name );
		final ImagePlus imp = IJ.openImage( p.toString() );
		if ( imp == null )
			throw new IllegalStateException( "missing " + p.toAbsolutePath() );
		return imp;
	}

	static ImagePlus noisy( final ImagePlus clean, final NoiseModel noise, final long seed )
	{
		final float[] px = ( float[] ) clean.getProcessor().convertToFloat().getPixels();
		return new ImagePlus( clean.getTitle() + "-noisy", new FloatProcessor( clean.getWidth(), clean.getHeight(),
				noise.apply( px, 255, new java.util.SplittableRandom( seed ) ) ) );
	}

	static double psnr( final ImagePlus clean, final ImagePlus test )
	{
		return Metrics.psnr( ( float[] ) clean.getProcessor().convertToFloat().getPixels(),
				( float[] ) test.getProcessor().convertToFloat().getPixels(), 255 );
	}

	/** Supervised (synthetic noise) on one real image, evaluated on a different real image. */
	@Test
	void briefSupervisedTrainingBeatsTheNoisyInputOnAHeldOutImage() throws Exception
	{
		final NoiseModel noise = NoiseModel.gaussian( 25 );
		final ImagePlus train = testImage( "hubble_deep_field_256.tif" ), test = testImage( "cell_256.tif" );
		final Path file = dir.resolve( "dae.aemodel.zip" );
		final ImageTrainingJob job = TrainingMode.DENOISE_SYNTHETIC.job( Collections.singletonList( train ), file,
				noise, 4 );
		job.patchSize = 48;
		job.patchesPerEpoch = 768;
		job.config.epochs( 4 ).batchSize( 16 );
		final ImageTrainingJob.Result r = job.run( Collections.singletonList( train ), null, TrainingListener.none() );
		assertTrue( r.training.reason == Trainer.StopReason.COMPLETED
				|| r.training.reason == Trainer.StopReason.EARLY_STOPPED, r.training.message );
		final ImagePlus noisyTest = noisy( test, noise, 99 );
		try ( ModelFile.Loaded m = ModelFile.load( file, 2 ) )
		{
			final ImagePlus out = ModelFileRunner.apply( m, noisyTest, OutputType.FLOAT_32, "denoised",
					new ImageRunner.Options(), Progress.none() );
			final double before = psnr( test, noisyTest ), after = psnr( test, out );
			System.out.println( String.format( "supervised DAE on held-out cell_256: noisy %.2f dB -> denoised %.2f dB",
					before, after ) );
			assertTrue( after > before + 4, "denoised " + after + " dB vs noisy " + before + " dB" );
		}
	}

	/** Self-supervised (blind-spot) on the noisy image alone, scored against its clean version. */
	@Test
	void briefBlindSpotTrainingBeatsTheNoisyInput() throws Exception
	{
		final NoiseModel noise = NoiseModel.poissonGaussian( 20, 5 );
		final ImagePlus clean = testImage( "cell_256.tif" );
		final ImagePlus noisyImage = noisy( clean, noise, 5 );
		final Path file = dir.resolve( "n2v.aemodel.zip" );
		final ImageTrainingJob job = TrainingMode.DENOISE_SELF_SUPERVISED.job( Collections.singletonList( noisyImage ),
				file, null, 4 );
		job.patchSize = 48;
		job.patchesPerEpoch = 768;
		job.config.epochs( 5 ).batchSize( 16 );
		job.run( Collections.singletonList( noisyImage ), null, TrainingListener.none() );
		try ( ModelFile.Loaded m = ModelFile.load( file, 2 ) )
		{
			final ImagePlus out = ModelFileRunner.apply( m, noisyImage, OutputType.FLOAT_32, "denoised",
					new ImageRunner.Options(), Progress.none() );
			final double before = psnr( clean, noisyImage ), after = psnr( clean, out );
			System.out.println(
					String.format( "blind-spot on cell_256: noisy %.2f dB -> denoised %.2f dB", before, after ) );
			assertTrue( after > before + 3, "denoised " + after + " dB vs noisy " + before + " dB" );
			// the gain over the best Gaussian that the training reports (Noise2Self, from the noisy image alone, on the
			// whole image) against the true gain there
			final float[] x = ( float[] ) noisyImage.getProcessor().convertToFloat().getPixels();
			final float[] y = ( float[] ) clean.getProcessor().convertToFloat().getPixels();
			final float[] d = ( float[] ) out.getProcessor().getPixels();
			final GainEstimate.Result truth = GainEstimate.measured( x, y, 256, 256, img -> d );
			final GainEstimate.Result reported = DenoiseQuality.afterTraining( TrainingMode.DENOISE_SELF_SUPERVISED,
					job, noisyImage, null, null );
			System.out
					.println( String.format( "blind-spot gain over the best Gaussian: reported %+.2f dB, true %+.2f dB",
							reported.gainDb(), truth.gainDb() ) );
			// measured: reported -2.16 dB, true -2.84 dB for this brief 5-epoch net (far below the Gaussian, where
			// Stein's estimate is least exact; GainEstimateTest holds classic filters to 0.5 dB)
			assertTrue( reported.gainDb() < 0,
					"a net worse than the Gaussian is reported as worse: " + reported.gainDb() );
			assertEquals( truth.gainDb(), reported.gainDb(), 1.0, "reported vs true gain" );
		}
	}

	/** A segmenter file (Dice loss) given to Denoise: a message that names it and the command to use instead. */
	@Test
	void refusesASegmenterModel() throws Exception
	{
		final ModelSpec spec = Presets.segmenter( 1 );
		spec.loss = ModelSpec.Loss.DICE;
		final Path file = dir.resolve( "nuclei.aemodel.zip" );
		try ( Model m = Model.create( spec.validate(), 1, 1 ) )
		{
			ModelFile.save( m, file, Collections.emptyMap() );
		}
		try ( ModelFile.Loaded m = ModelFile.load( file, 1 ) )
		{
			final ImagePlus image = new ImagePlus( "image", new FloatProcessor( 32, 32 ) );
			final String msg = org.junit.jupiter.api.Assertions.assertThrows( IllegalArgumentException.class,
					() -> ModelFileRunner.apply( m, image, OutputType.FLOAT_32, "denoised", new ImageRunner.Options(),
							Progress.none() ) )
					.getMessage();
			assertTrue( msg.contains( "is a segmenter" ) && msg.contains( "Segment Image" ), msg );
		}
	}
}
