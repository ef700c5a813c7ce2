package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.bioimageio.TrainedModels;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.macro.MacroSettings;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Precision;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.segment.SegmenterPrediction;
import fiji.plugin.autoencoder.segment.SegmenterSettings;
import fiji.plugin.autoencoder.segment.SegmenterTrainer;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * {@code precision=bfloat16} (the convolutions in bfloat16) against float32 on real images, through the Denoise /
 * Segment Image path ({@link ModelFileRunner}, {@link SegmenterPrediction}, tiled): a denoiser trained on the top half
 * of scikit-image's camera keeps its PSNR on the unseen bottom half within 0.05 dB, and the masks (probability above
 * 0.5) of the Train Segmenter U-Net trained on scikit-image's coins agree with float32's to Dice 0.99 (an agreement
 * check, on the training image).
 */
class PrecisionTest
{
	@TempDir
	Path dir;

	@Test
	@Tag( "slow" )
	void bfloat16DenoisesWithin005DbOfFloat32() throws Exception
	{
		final ImageProcessor camera = TestImages.open( "camera.png" ).getProcessor().convertToFloat();
		final ImagePlus trainClean = TestImages.crop( camera, 0, 0, 512, 256 ),
				testClean = TestImages.crop( camera, 0, 256, 512, 256 );
		final Path file = dir.resolve( "denoiser.aemodel.zip" );
		final ImageTrainingJob job = new ImageTrainingJob( Presets.denoiser( 1 ), file );
		job.config.epochs( 6 ).batchSize( 8 );
		job.patchSize = 48;
		job.patchesPerEpoch = 128;
		job.threads = 2;
		job.storeNormalization = true;
		job.run( List.of( TestImages.withGaussianNoise( trainClean, 25, 1 ) ), List.of( trainClean ),
				TrainingListener.none() );
		final ImagePlus testNoisy = TestImages.withGaussianNoise( testClean, 25, 2 );
		final float[] clean = TestImages.pixels( testClean );
		try ( ModelFile.Loaded m = ModelFile.load( file, 2 ) )
		{
			final ImageRunner.Options o = new ImageRunner.Options();
			o.tileSize = new int[] { 160, 160 }; // tiled, as a large image would be
			final float[] f32 = TestImages.pixels( ModelFileRunner.apply( m, testNoisy, OutputType.FLOAT_32, "f", o,
					Progress.none() ) );
			o.precision = Precision.BFLOAT16;
			final float[] bf16 = TestImages.pixels( ModelFileRunner.apply( m, testNoisy, OutputType.FLOAT_32, "b", o,
					Progress.none() ) );
			final double noisyDb = Metrics.psnr( clean, TestImages.pixels( testNoisy ), 255 ),
					f32Db = Metrics.psnr( clean, f32, 255 ), bf16Db = Metrics.psnr( clean, bf16, 255 );
			double maxDiff = 0;
			for ( int i = 0; i < f32.length; i++ )
				maxDiff = Math.max( maxDiff, Math.abs( f32[ i ] - bf16[ i ] ) );
			System.out.printf( "denoiser on camera's unseen half: noisy %.3f dB, float32 %.3f dB, bfloat16 %.3f dB "
					+ "(max |diff| %.3f grey levels)%n", noisyDb, f32Db, bf16Db, maxDiff );
			assertTrue( f32Db > noisyDb + 3, "the denoiser denoises: " + f32Db + " vs noisy " + noisyDb );
			assertEquals( f32Db, bf16Db, 0.05, "bfloat16's PSNR against float32's" );
			assertTrue( maxDiff > 0, "bfloat16 ran (an output differs)" );
		}
	}

	@Test
	@Tag( "slow" )
	void bfloat16SegmentsWithDice099OfFloat32() throws Exception
	{
		final ImagePlus cell = TestImages.open( "coins.png" );
		final ImagePlus truth = TrainedModels.brightMask( cell );
		final SegmenterSettings s = new SegmenterSettings(); // the Train Segmenter U-Net, 16-32-64-128, 2 convs per level
		s.scale = 1;
		s.epochs = 12;
		s.learningRate = 3e-3;
		s.patchesPerEpoch = 64;
		s.patchSize = 64;
		s.patience = 0;
		final Path file = dir.resolve( "segmenter.aemodel.zip" );
		SegmenterTrainer.train( s, List.of( cell ), List.of( truth ), null, null, file,
				new Trainer(), TrainingListener.none() );
		try ( ModelFile.Loaded m = ModelFile.load( file, 2 ) )
		{
			final ImageRunner.Options o = new ImageRunner.Options();
			o.tileSize = new int[] { 288, 288 }; // tiled
			final float[] f32 = TestImages
					.pixels( SegmenterPrediction.probability( m, cell, false, o, Progress.none() ) );
			o.precision = Precision.BFLOAT16;
			final float[] bf16 = TestImages
					.pixels( SegmenterPrediction.probability( m, cell, false, o, Progress.none() ) );
			long a = 0, b = 0, both = 0, t = 0, tBoth = 0;
			double maxDiff = 0;
			for ( int i = 0; i < f32.length; i++ )
			{
				a += f32[ i ] > 0.5 ? 1 : 0;
				b += bf16[ i ] > 0.5 ? 1 : 0;
				both += f32[ i ] > 0.5 && bf16[ i ] > 0.5 ? 1 : 0;
				final boolean inside = truth.getProcessor().get( i ) > 0;
				t += inside ? 1 : 0;
				tBoth += inside && f32[ i ] > 0.5 ? 1 : 0;
				maxDiff = Math.max( maxDiff, Math.abs( f32[ i ] - bf16[ i ] ) );
			}
			final double dice = 2.0 * both / ( a + b ), learnt = 2.0 * tBoth / ( a + t );
			System.out.printf( "segmenter on coins: Dice float32 vs the mask it learnt %.3f, bfloat16 vs float32 %.5f, "
					+ "max |probability diff| %.4f%n", learnt, dice, maxDiff );
			assertTrue( learnt > 0.7, "a real segmenter: Dice " + learnt + " against its training mask" );
			assertTrue( dice >= 0.99, "Dice of the masks " + dice );
		}
	}

	/** Every convolutional kind builds and runs in bfloat16 (3D, strided, batch norm, residual blur, softmax). */
	@Test
	void everyConvolutionalKindRunsInBfloat16()
	{
		final List< ModelSpec > specs = new ArrayList<>();
		specs.add( Presets.denoiser( 2 ) );
		specs.add( Presets.convStrided() );
		specs.add( Presets.denoiser3d( 1 ) );
		specs.add( Presets.conv3d() );
		final ModelSpec bn = Presets.segmenter( 1 );
		bn.batchNorm = true;
		bn.activation = ModelSpec.Activation.LEAKY_RELU;
		specs.add( bn.validate() );
		final ModelSpec blur = Presets.anomalyDetector( 1 );
		blur.residualBlur = 1;
		specs.add( blur.validate() );
		final ModelSpec classes = Presets.segmenter( 1 );
		classes.outputChannels = 3;
		classes.outputActivation = ModelSpec.Activation.SOFTMAX;
		specs.add( classes.validate() );
		for ( final ModelSpec spec : specs )
			try ( Model m = Model.create( spec, 3, 2 ) )
			{
				final int[] spatial = spec.is3D() ? new int[] { 16, 32, 32 } : new int[] { 48, 64 };
				final int n = spatial.length == 3 ? 16 * 32 * 32 : 48 * 64;
				final float[] in = new float[ n * spec.channels ];
				for ( int i = 0; i < in.length; i++ )
					in[ i ] = ( float ) ( 0.5 + 0.4 * Math.sin( i * 0.05 ) );
				final float[] f32 = new float[ n * spec.outChannels() ], bf16 = new float[ f32.length ];
				m.predict( in, f32, 1, spatial );
				Precision.BFLOAT16.apply( m ).predict( in, bf16, 1, spatial );
				double range = 0, diff = 0;
				for ( int i = 0; i < f32.length; i++ )
				{
					range = Math.max( range, Math.abs( f32[ i ] ) );
					diff = Math.max( diff, Math.abs( f32[ i ] - bf16[ i ] ) );
				}
				System.out.printf( "%s: max |bfloat16 - float32| %.5f of max |output| %.4f%n", spec.name, diff, range );
				assertTrue( diff > 0 && diff < 0.03 * range + 1e-3, spec.name + ": " + diff + " of " + range );
			}
	}

	@Test
	void badPrecisionsAreRefusedWithTheFix()
	{
		assertEquals( Precision.BFLOAT16, Precision.of( " BFloat16 " ) );
		assertTrue( assertThrows( IllegalArgumentException.class, () -> Precision.of( "float16" ) ).getMessage()
				.contains( "use float32 or bfloat16" ) );
		// the macro key (also the CLI's --precision), read by the one definition
		assertEquals( Precision.BFLOAT16, MacroSettings.tiles(
				MacroOptions.parse( "precision=bfloat16", "segmentImage",
						MacroSettings.SEGMENT_IMAGE_KEYS ) ).precision );
		assertEquals( Precision.FLOAT32, MacroSettings
				.denoiseTiles( MacroOptions.parse( "", "denoise", MacroSettings.DENOISE_KEYS ) ).precision );
		assertThrows( IllegalArgumentException.class, () -> MacroSettings
				.denoiseTiles( MacroOptions.parse( "precision=half", "denoise", MacroSettings.DENOISE_KEYS ) ) );
		try ( Model dense = Model.create( Presets.dense( false ), 1, 1 ) )
		{
			assertTrue( assertThrows( IllegalArgumentException.class, () -> Precision.BFLOAT16.apply( dense ) )
					.getMessage().contains( "use precision=float32" ) );
			assertEquals( dense, Precision.FLOAT32.apply( dense ) );
		}
		try ( Model zeroFill = Model.create( Presets.convPool( ModelSpec.Unpooling.ZERO_FILL ), 1, 1 ) )
		{
			assertTrue( assertThrows( IllegalArgumentException.class, () -> Precision.BFLOAT16.apply( zeroFill ) )
					.getMessage().contains( "zero-fill unpooling" ) );
		}
	}

}
