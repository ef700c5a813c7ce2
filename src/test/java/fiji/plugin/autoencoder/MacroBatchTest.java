package fiji.plugin.autoencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/**
 * Runs the real ij.jar (the version the pom pins) in -batch mode, in a separate
 * JVM with no display, with the example macro: it trains a denoiser on one
 * noisy image and denoises a folder; the files and their PSNR are checked.
 */
@Tag( "slow" ) // training quality: excluded from the fast tier (mvn test -Pfast)
class MacroBatchTest
{
	@TempDir
	Path dir;

	static final NoiseModel NOISE = NoiseModel.poissonGaussian( 20, 5 );

	static void saveNoisy( final ImagePlus clean, final long seed, final Path file )
	{
		final float[] px = ( float[] ) clean.getProcessor().convertToFloat().getPixels();
		final ImagePlus n = new ImagePlus( file.getFileName().toString(), new FloatProcessor( clean.getWidth(),
				clean.getHeight(), NOISE.apply( px, 255, new SplittableRandom( seed ) ) ) );
		assertTrue( new FileSaver( n ).saveAsTiff( file.toString() ) );
	}

	static float[] pixels( final Path file )
	{
		return ( float[] ) IJ.openImage( file.toString() ).getProcessor().convertToFloat().getPixels();
	}

	/** Runs ImageJ in batch mode; returns its combined output. */
	static String runBatch( final Path macro, final String args, final int[] exit ) throws Exception
	{
		final String cp = System.getProperty( "surefire.test.class.path", System.getProperty( "java.class.path" ) );
		assertTrue( Arrays.stream( cp.split( File.pathSeparator ) ).anyMatch( p -> p.contains( "ij-1.54p" ) ),
				"ij.jar 1.54p on the class path" );
		final List< String > cmd = new ArrayList<>(
				Arrays.asList( Paths.get( System.getProperty( "java.home" ), "bin", "java" ).toString(), "-Xmx4g",
						"-Djava.awt.headless=true",
						"-cp", cp, "ij.ImageJ", "-batch", macro.toAbsolutePath().toString(), args ) );
		final ProcessBuilder pb = new ProcessBuilder( cmd ).redirectErrorStream( true );
		pb.environment().remove( "DISPLAY" );
		pb.environment().put( "TF_CPP_MIN_LOG_LEVEL", "2" );
		final Process p = pb.start();
		final byte[] out = p.getInputStream().readAllBytes();
		assertTrue( p.waitFor( 5, TimeUnit.MINUTES ) );
		exit[ 0 ] = p.exitValue();
		return new String( out, StandardCharsets.UTF_8 );
	}

	@Test
	void exampleMacroTrainsAndDenoisesAFolder() throws Exception
	{
		final ImagePlus clean = IJ.openImage( "test-images/cell_256.tif" );
		final Path train = dir.resolve( "train-noisy.tif" ), in = Files.createDirectories( dir.resolve( "in dir" ) ),
				out = dir.resolve( "out" );
		saveNoisy( clean, 1, train );
		saveNoisy( clean, 2, in.resolve( "a.tif" ) );
		saveNoisy( clean, 3, in.resolve( "b.tif" ) );
		final Path model = dir.resolve( "n2v.aemodel.zip" );
		final int[] exit = new int[ 1 ];
		final String log = runBatch( Paths.get( "macros/train_and_denoise_folder.ijm" ),
				"train_image=[" + train + "] input_folder=[" + in + "] output_folder=[" + out
						+ "] model_file=[" + model + "] epochs=4 patches_per_epoch=512 patch_size=48",
				exit );
		System.out.println( log );
		assertEquals( 0, exit[ 0 ], log );
		assertTrue( log.contains( "done" ) && log.contains( "2 written" ), log );
		assertTrue( Files.isRegularFile( model ) );
		final float[] ref = ( float[] ) clean.getProcessor().convertToFloat().getPixels();
		for ( final String name : new String[] { "a", "b" } )
		{
			final double noisy = Metrics.psnr( ref, pixels( in.resolve( name + ".tif" ) ), 255 );
			final double denoised = Metrics.psnr( ref, pixels( out.resolve( name + "-denoised.tif" ) ), 255 );
			System.out.println( name + ": noisy " + noisy + " dB, denoised " + denoised + " dB" );
			assertTrue( denoised > noisy + 3, name + ": " + denoised + " vs " + noisy );
		}
	}

	@Test
	void aMissingModelStopsTheMacroWithAMessageAndExitStatus1AndWritesNothing() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) ), out = dir.resolve( "out" );
		saveNoisy( IJ.openImage( "test-images/cell_256.tif" ), 2, in.resolve( "a.tif" ) );
		final int[] exit = new int[ 1 ];
		final String log = runBatch( Paths.get( "macros/train_and_denoise_folder.ijm" ),
				"train=false input_folder=[" + in + "] output_folder=[" + out
						+ "] model_file=[" + dir.resolve( "missing.aemodel.zip" ) + "]",
				exit );
		assertTrue( log.contains( "Autoencoder denoise folder failed" ) && log.contains( "model file not found" ),
				log );
		assertFalse( log.contains( "done" ), "the macro stopped: " + log );
		assertEquals( 1, exit[ 0 ], "ImageJ -batch exits with status 1, so a cluster job shows as failed: " + log );
		assertFalse( Files.exists( out ) && out.toFile().list().length > 0, "nothing written" );
	}

	/** The segmentation example: trains an anomaly segmenter briefly on brick, segments a folder of two brick crops with painted defects. */
	@Test
	void exampleMacroTrainsAnAnomalySegmenterAndSegmentsAFolder() throws Exception
	{
		final ij.process.ImageProcessor brick = fiji.plugin.autoencoder.convert.TestImages.open( "brick.png" )
				.getProcessor();
		brick.setRoi( 0, 0, 256, 160 );
		final Path normal = dir.resolve( "normal.tif" ), check = dir.resolve( "check.tif" ),
				in = Files.createDirectories( dir.resolve( "parts" ) ), out = dir.resolve( "defects out" );
		assertTrue( new FileSaver( new ImagePlus( "normal", brick.crop() ) ).saveAsTiff( normal.toString() ) );
		brick.setRoi( 256, 0, 128, 128 ); // a second defect-free crop, not trained on, calibrates the seed
		final ImagePlus checkImage = new ImagePlus( "check", brick.crop() );
		assertTrue( new FileSaver( checkImage ).saveAsTiff( check.toString() ) );
		for ( final int k : new int[] { 0, 1 } )
		{
			brick.setRoi( 128 * k, 300, 128, 128 );
			final ij.process.ImageProcessor part = brick.crop();
			part.setColor( 250 );
			part.fillOval( 40 + 20 * k, 50, 16, 16 ); // a bright blob
			assertTrue( new FileSaver( new ImagePlus( "part", part ) )
					.saveAsTiff( in.resolve( "part" + k + ".tif" ).toString() ) );
		}
		final Path model = dir.resolve( "defects.aemodel.zip" );
		final int[] exit = new int[ 1 ];
		final String log = runBatch( Paths.get( "macros/train_and_segment_folder.ijm" ),
				"normal_image=[" + normal + "] input_folder=[" + in + "] output_folder=[" + out
						+ "] model_file=[" + model + "] epochs=2 patches_per_epoch=64 check_image=[" + check
						+ "] threshold=0.02",
				exit );
		System.out.println( log );
		assertEquals( 0, exit[ 0 ], log );
		assertTrue( log.contains( "done" ) && log.contains( "part0.tif: " ) && log.contains( "part1.tif: " ), log );
		// the seed is the value that 1e-4 of the check image's probabilities exceed (8 orientations, as the macro's maps)
		final java.util.regex.Matcher seeded = java.util.regex.Pattern.compile( "seeded at ([0-9.eE-]+)" )
				.matcher( log );
		assertTrue( seeded.find(), log );
		try ( fiji.plugin.autoencoder.io.ModelFile.Loaded m = fiji.plugin.autoencoder.io.ModelFile.load( model, 0 ) )
		{
			final fiji.plugin.autoencoder.segment.AnomalyMap.Options o = new fiji.plugin.autoencoder.segment.AnomalyMap.Options()
					.sigma( 0 );
			o.tiling.averageOrientations = true;
			final double expected = fiji.plugin.autoencoder.segment.Thresholds.calibrated(
					fiji.plugin.autoencoder.segment.AnomalyMap.compute( m, checkImage, o,
							fiji.plugin.autoencoder.core.Progress.none() ),
					1e-4 );
			assertTrue( expected > 0.02, "the seed lies above the (low) threshold the test gives: " + expected );
			assertEquals( expected, Double.parseDouble( seeded.group( 1 ) ), 1e-4, log );
		}
		for ( final String name : new String[] { "part0", "part1" } )
		{
			for ( final String suffix : new String[] { "-anomaly.tif", "-mask.tif", "-labels.tif", "-objects.csv" } )
				assertTrue( Files.isRegularFile( out.resolve( name + suffix ) ), name + suffix );
			final float[] p = pixels( out.resolve( name + "-anomaly.tif" ) );
			for ( final float f : p )
				assertTrue( f >= 0 && f <= 1, "a probability: " + f );
		}
	}

	@Test
	void macroKeysSetTheTileSizeAndOrientationAveraging()
	{
		final fiji.plugin.autoencoder.tiling.ImageRunner.Options o = fiji.plugin.autoencoder.macro.MacroSettings
				.tiles( fiji.plugin.autoencoder.macro.MacroOptions.parse(
						"model_file=[/x y/m.zip] tile_size=96 average_orientations=true", "denoise",
						fiji.plugin.autoencoder.macro.MacroSettings.DENOISE_KEYS ) );
		org.junit.jupiter.api.Assertions.assertArrayEquals( new int[] { 96, 96 }, o.tileSize );
		assertTrue( o.averageOrientations );
		final fiji.plugin.autoencoder.tiling.ImageRunner.Options d = fiji.plugin.autoencoder.macro.MacroSettings
				.tiles( fiji.plugin.autoencoder.macro.MacroOptions.parse( "model_file=m.zip", "denoise",
						fiji.plugin.autoencoder.macro.MacroSettings.DENOISE_KEYS ) );
		assertTrue( d.tileSize == null && !d.averageOrientations, "defaults: automatic tiles, one orientation" );
		// denoising averages the 8 orientations unless told not to
		final fiji.plugin.autoencoder.macro.MacroOptions plain = fiji.plugin.autoencoder.macro.MacroOptions
				.parse( "model_file=m.zip", "denoise", fiji.plugin.autoencoder.macro.MacroSettings.DENOISE_KEYS );
		assertTrue( fiji.plugin.autoencoder.macro.MacroSettings.denoiseTiles( plain ).averageOrientations,
				"denoise default: 8 orientations" );
		assertFalse(
				fiji.plugin.autoencoder.macro.MacroSettings.denoiseTiles( fiji.plugin.autoencoder.macro.MacroOptions
						.parse( "model_file=m.zip average_orientations=false", "denoise",
								fiji.plugin.autoencoder.macro.MacroSettings.DENOISE_KEYS ) ).averageOrientations,
				"average_orientations=false: one orientation" );
	}
}
