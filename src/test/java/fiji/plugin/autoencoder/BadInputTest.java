package fiji.plugin.autoencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.convert.ImagePlusImages;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.io.OutputCheck;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.TensorFlowThreads;
import fiji.plugin.autoencoder.segment.SupervisedSegmenter;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * The bad inputs of issue 15 that passed silently or got unclear messages,
 * each through the entry point a macro or a command uses: every one is now
 * refused before any work, with a message naming the problem and the fix.
 */
class BadInputTest
{
	@TempDir
	Path dir;

	Path noisyTiff( final String name, final float special ) throws Exception
	{
		final float[] px = new float[ 64 * 64 ];
		final SplittableRandom r = new SplittableRandom( 1 );
		for ( int i = 0; i < px.length; i++ )
			px[ i ] = ( float ) ( 100 + 20 * r.nextDouble() );
		px[ 64 * 3 + 5 ] = special;
		px[ 64 * 10 + 7 ] = special;
		final Path f = dir.resolve( name );
		assertTrue(
				new FileSaver( new ImagePlus( name, new FloatProcessor( 64, 64, px ) ) ).saveAsTiff( f.toString() ) );
		return f;
	}

	static void assertError( final String result, final String... parts )
	{
		assertTrue( result.startsWith( "error: " ), result );
		for ( final String p : parts )
			assertTrue( result.contains( p ), "'" + p + "' in: " + result );
	}

	@Test
	void aMistypedKeyStopsEveryEntryPointNamingTheClosestKey() throws Exception
	{
		final Path in = noisyTiff( "in.tif", 1 ), model = dir.resolve( "m.aemodel.zip" );
		assertError( MacroCalls.train( "input=[" + in + "] model_file=[" + model + "] epoch=5" ), "unknown key 'epoch'",
				"did you mean epochs=" );
		assertFalse( Files.exists( model ), "nothing trained" );
		assertError( MacroCalls.denoise( "input=[" + in + "] model_file=[" + model + "] tile_sise=64" ),
				"unknown key 'tile_sise'", "did you mean tile_size=" );
		assertError(
				MacroCalls.denoiseFolder(
						"input_folder=[" + dir + "] output_folder=[" + dir + "] model_file=[" + model + "] suffx=d" ),
				"'suffx'", "did you mean suffix=" );
		assertError( MacroCalls.segment( "input=[" + in + "] model_file=[" + model + "] min_sise=3" ), "'min_sise'",
				"did you mean min_size=" );
		assertError( MacroCalls.segmentFolder( "input_folder=[" + dir + "] output_folder=[" + dir + "] model_file=["
				+ model + "] tresholdmethod=Value" ), "did you mean threshold_method=" );
		assertError( MacroCalls.train( "input=[" + in + "] model_file=[" + model + "] epochs=5 epochs=6" ),
				"epochs= is given twice" );
	}

	@Test
	void badNumbersGetMessagesABiologistCanActOn() throws Exception
	{
		final Path in = noisyTiff( "in.tif", 1 ), model = dir.resolve( "m.aemodel.zip" );
		assertError( MacroCalls.train( "input=[" + in + "] model_file=[" + model + "] learning_rate=abc" ),
				"learning_rate=abc is not a number; use e.g. learning_rate=0.001" );
		final String nan = MacroCalls.train( "input=[" + in + "] model_file=[" + model + "] learning_rate=NaN" );
		assertError( nan, "learning_rate=NaN is not a finite number" );
		assertFalse( nan.contains( "serialize" ), "no Gson developer hint: " + nan );
		assertError( MacroCalls.train( "input=[" + in + "] model_file=[" + model + "] seed=1.5" ),
				"seed=1.5 is not a whole number" );
		assertError( MacroCalls.train( "input=[" + in + "] model_file=[" + model + "] epochs=0" ),
				"epochs=0 is too small" );
		assertError( MacroCalls.denoise( "input=[" + in + "] model_file=[" + model + "] tile_size=-5" ),
				"tile_size=-5 is too small", "0: automatic" );
		assertError( MacroCalls.denoise( "input=[" + in + "] model_file=[" + model + "] output_type=16bit" ),
				"output_type=16bit is not one of the choices" );
		assertFalse( Files.exists( model ) );
	}

	@Test
	void theCommandsSettingsRefuseEpochs0AndANaNLearningRate()
	{
		final ImagePlus imp = new ImagePlus( "x", new ByteProcessor( 64, 64 ) );
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 0;
		assertTrue( assertThrows( IllegalArgumentException.class, () -> s.job( imp, null, dir.resolve( "m.zip" ) ) )
				.getMessage().contains( "epochs=0 would save an untrained model" ) );
		s.epochs = 2;
		s.learningRate = Double.NaN;
		final String m = assertThrows( IllegalArgumentException.class,
				() -> s.job( imp, null, dir.resolve( "m.zip" ) ) ).getMessage();
		assertTrue(
				m.contains( "learning_rate=NaN must be a positive number, e.g. 0.001" ) && !m.contains( "serialize" ),
				m );
	}

	@Test
	void nonFiniteTrainingPixelsAreRefusedBeforeTrainingNamingCountAndPosition() throws Exception
	{
		final Path model = dir.resolve( "m.aemodel.zip" );
		for ( final float bad : new float[] { Float.NaN, Float.POSITIVE_INFINITY } )
		{
			final Path in = noisyTiff( "bad.tif", bad );
			assertError( MacroCalls.train( "input=[" + in + "] model_file=[" + model + "] epochs=1" ),
					"'bad.tif' has 2 NaN or infinite pixel(s), the first " + ( Float.isNaN( bad ) ? "NaN" : "infinite" )
							+ " at x=5, y=3",
					"Remove NaNs" );
			assertFalse( Files.exists( model ), "no untrained model saved" );
		}
	}

	@Test
	void aConstantTrainingImageIsRefused() throws Exception
	{
		final Path in = dir.resolve( "flat.tif" ), model = dir.resolve( "m.aemodel.zip" );
		final ByteProcessor flat = new ByteProcessor( 64, 64 );
		flat.setValue( 7 );
		flat.fill();
		assertTrue( new FileSaver( new ImagePlus( "flat", flat ) ).saveAsTiff( in.toString() ) );
		assertError( MacroCalls.train( "input=[" + in + "] model_file=[" + model + "] epochs=1" ),
				"'flat.tif' has the same value (7.0) in every pixel: there is nothing to learn" );
		assertFalse( Files.exists( model ) );
	}

	@Test
	void aTrainingThatNeverImprovesOnItsStartingWeightsFailsTheMacro() throws Exception
	{
		final Path in = noisyTiff( "in.tif", 110 ), model = dir.resolve( "m.aemodel.zip" );
		final String r = MacroCalls.train( "input=[" + in + "] model_file=[" + model
				+ "] epochs=1 patches_per_epoch=32 patch_size=32 batch_size=8 learning_rate=1e12 threads=1" );
		assertError( r, "never improved on its starting weights", "untrained model" );
	}

	@Test
	void anUnwritableModelPathIsFoundBeforeTraining() throws Exception
	{
		final Path in = noisyTiff( "in.tif", 110 ), file = noisyTiff( "a-file.tif", 1 );
		final long t0 = System.nanoTime();
		assertError(
				MacroCalls.train( "input=[" + in + "] model_file=[" + file.resolve( "m.aemodel.zip" ) + "] epochs=50" ),
				"does not exist; create it or choose another location" );
		assertTrue( System.nanoTime() - t0 < 5e9, "refused before the first epoch" );
		assertTrue(
				assertThrows( IllegalArgumentException.class, () -> OutputCheck.requireWritable( dir, "model_file" ) )
						.getMessage().contains( "is a folder" ) );
		assertThrows( IllegalArgumentException.class,
				() -> OutputCheck.requireWritable( Path.of( "/proc/m.aemodel.zip" ), "model_file" ),
				"procfs takes no new files, not even from root" );
		OutputCheck.requireWritable( dir.resolve( "ok.aemodel.zip" ), "model_file" );
		assertEquals( 2, Files.list( dir ).count(), "the probe file is gone" );
	}

	@Test
	void aFolderGivenAsTheModelIsCalledAFolder() throws Exception
	{
		final Path in = noisyTiff( "in.tif", 1 );
		assertError( MacroCalls.denoise( "input=[" + in + "] model_file=[" + dir + "]" ),
				"is a folder, not a model file" );
		assertTrue( assertThrows( java.io.IOException.class, () -> ModelFile.load( dir, 0 ) ).getMessage()
				.contains( "is a folder, not a model file" ) );
	}

	@Test
	void aFolderWithoutImagesIsAnErrorNamingTheExtensions() throws Exception
	{
		final Path empty = Files.createDirectories( dir.resolve( "empty" ) ),
				text = Files.createDirectories( dir.resolve( "text" ) );
		Files.write( text.resolve( "notes.txt" ), new byte[] { 1, 2 } );
		for ( final Path f : new Path[] { empty, text } )
		{
			final String m = assertThrows( IllegalArgumentException.class,
					() -> new FolderProcessor( f, dir.resolve( "out" ), "denoised" ).files() ).getMessage();
			assertTrue( m.contains( "Input folder " + f + " has no images (looked for .tif, .tiff, .png" ), m );
		}
	}

	@Test
	void anEmptyImageIsCalledEmpty()
	{
		final String m = assertThrows( IllegalArgumentException.class, () -> ImagePlusImages.wrap( new ImagePlus() ) )
				.getMessage();
		assertTrue( m.contains( "is empty (0 x 0 pixels" ) && !m.contains( "Image > Properties" ), m );
	}

	@Test
	void aMaskWithoutBackgroundSaysWhatAMaskNeeds()
	{
		final ImagePlus image = new ImagePlus( "img", new ByteProcessor( 8, 8 ) );
		final ByteProcessor labels = new ByteProcessor( 8, 8 );
		for ( int i = 0; i < 64; i++ )
			labels.set( i, 1 + i % 3 );
		final String m = assertThrows( IllegalArgumentException.class,
				() -> SupervisedSegmenter.binaryTarget( image, new ImagePlus( "labels", labels ) ) ).getMessage();
		assertTrue( m.contains( "has no background: no pixel is 0 (its values: 1, 2, 3)" )
				&& m.contains( "needs 0 for background" ) && !m.contains( "besides 0" ), m );
	}

	@Test
	void theThreadsKeyAndTheSystemPropertyCapTensorFlowsThreads()
	{
		final String old = System.getProperty( TensorFlowThreads.PROPERTY );
		try
		{
			System.clearProperty( TensorFlowThreads.PROPERTY );
			assertEquals( Runtime.getRuntime().availableProcessors(),
					Model.sessionConfig( 0 ).getIntraOpParallelismThreads() );
			System.setProperty( TensorFlowThreads.PROPERTY, "3" );
			assertEquals( 3, Model.sessionConfig( 0 ).getIntraOpParallelismThreads(), "the property is the default" );
			assertEquals( 2, Model.sessionConfig( 2 ).getIntraOpParallelismThreads(),
					"threads= wins over the property" );
			System.setProperty( TensorFlowThreads.PROPERTY, "many" );
			assertTrue( assertThrows( IllegalArgumentException.class, () -> Model.sessionConfig( 0 ) ).getMessage()
					.contains( "-Dautoencoder.threads=many is not a positive whole number" ) );
		}
		finally
		{
			if ( old == null )
				System.clearProperty( TensorFlowThreads.PROPERTY );
			else
				System.setProperty( TensorFlowThreads.PROPERTY, old );
		}
		assertEquals( 2, fiji.plugin.autoencoder.macro.MacroSettings.threads( fiji.plugin.autoencoder.macro.MacroOptions
				.parse( "threads=2", "denoise", fiji.plugin.autoencoder.macro.MacroSettings.DENOISE_KEYS ) ) );
		final TrainingSettings s = new TrainingSettings();
		s.threads = 3;
		assertEquals( 3,
				s.job( new ImagePlus( "x", new ByteProcessor( 64, 64 ) ), null, dir.resolve( "m.zip" ) ).threads,
				"the training job gets threads=" );
		assertEquals( 3, s.secondStage().threads );
		assertError( MacroCalls.denoise( "model_file=[" + dir + "] threads=-1" ), "threads=-1 is too small" );
	}
}
