package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/** Every command through a real SciJava Context and CommandService, with its macro keys, on real images. */
@TestInstance( TestInstance.Lifecycle.PER_CLASS )
class CommandsTest
{
	@TempDir
	static Path dir;

	Context context;

	CommandService commands;

	File model;

	static final NoiseModel NOISE = NoiseModel.gaussian( 25 );

	@BeforeAll
	void trainOnce() throws Exception
	{
		context = new Context();
		commands = context.service( CommandService.class );
		model = dir.resolve( "dae.aemodel.zip" ).toFile();
		final CommandModule m = run( TrainAutoencoderCommand.class, "input", image( "hubble_deep_field_256.tif" ),
				"mode", "Denoise (synthetic noise)", "noise", "gaussian:sigma=25",
				"model_file", model, "epochs", 3, "patches_per_epoch", 512, "patch_size", 48, "batch_size", 16,
				"show_plot", false );
		assertFalse( m.isCanceled(), m.getCancelReason() );
		assertTrue( ( ( String ) m.getOutput( "result" ) ).contains( "Saved" ) );
		assertTrue( model.isFile() );
	}

	@AfterAll
	void close()
	{
		context.dispose();
	}

	CommandModule run( final Class< ? extends org.scijava.command.Command > c, final Object... keyValues )
			throws Exception
	{
		return commands.run( c, true, keyValues ).get();
	}

	static ImagePlus image( final String name )
	{
		return IJ.openImage( Path.of( "test-images", name ).toString() );
	}

	static ImagePlus noisy( final ImagePlus clean, final long seed )
	{
		final float[] px = ( float[] ) clean.getProcessor().convertToFloat().getPixels();
		final ImagePlus n = new ImagePlus( "cell-noisy", new FloatProcessor( clean.getWidth(), clean.getHeight(),
				NOISE.apply( px, 255, new java.util.SplittableRandom( seed ) ) ) );
		n.setProcessor( n.getProcessor().convertToByte( false ) );
		return n;
	}

	static double psnr( final ImagePlus clean, final ImagePlus test )
	{
		return Metrics.psnr( ( float[] ) clean.getProcessor().convertToFloat().getPixels(),
				( float[] ) test.getProcessor().convertToFloat().getPixels(), 255 );
	}

	@Test
	void denoiseImageBeatsTheNoisyInputAndKeepsTheType() throws Exception
	{
		final ImagePlus clean = image( "cell_256.tif" ), in = noisy( clean, 1 );
		final byte[] before = ( ( byte[] ) in.getProcessor().getPixels() ).clone();
		final CommandModule m = run( DenoiseImageCommand.class, "input", in, "model_file", model, "tile_size", 64,
				"average_orientations", false );
		assertFalse( m.isCanceled(), m.getCancelReason() );
		final ImagePlus out = ( ImagePlus ) m.getOutput( "output" );
		assertEquals( ImagePlus.GRAY8, out.getType() );
		assertEquals( "cell-noisy-denoised", out.getTitle() );
		assertTrue( psnr( clean, out ) > psnr( clean, in ) + 3, psnr( clean, out ) + " vs " + psnr( clean, in ) );
		// test-time augmentation: the mean over the 8 orientations has less residual noise
		final ImagePlus averaged = ( ImagePlus ) run( DenoiseImageCommand.class, "input", in, "model_file", model,
				"tile_size", 64, "average_orientations", true ).getOutput( "output" );
		assertEquals( ImagePlus.GRAY8, averaged.getType() );
		System.out.println( "Denoise Image: noisy " + psnr( clean, in ) + " dB, one orientation " + psnr( clean, out )
				+ " dB, 8 averaged " + psnr( clean, averaged ) + " dB" );
		assertTrue( psnr( clean, averaged ) > psnr( clean, out ) + 0.05,
				"8 orientations " + psnr( clean, averaged ) + " dB vs one " + psnr( clean, out ) + " dB" );
		assertTrue( java.util.Arrays.equals( before, ( byte[] ) in.getProcessor().getPixels() ),
				"the input is untouched" );
	}

	@Test
	void reconstructImageGivesA32BitImageOfTheSameSize() throws Exception
	{
		final ImagePlus in = image( "retina_green_256.tif" );
		final ImagePlus out = ( ImagePlus ) run( ReconstructImageCommand.class, "input", in, "model_file", model )
				.getOutput( "output" );
		assertEquals( ImagePlus.GRAY32, out.getType() );
		assertEquals( 256, out.getWidth() );
		assertTrue( psnr( in, out ) > 20, "a denoiser reconstructs a clean image closely: " + psnr( in, out ) );
	}

	@Test
	void denoiseFolderWritesEveryImageAndSkipsExisting() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) ), out = dir.resolve( "out" );
		final ImagePlus clean = image( "cell_256.tif" );
		for ( int i = 0; i < 3; i++ )
			new FileSaver( noisy( clean, 10 + i ) ).saveAsTiff( in.resolve( "noisy" + i + ".tif" ).toString() );
		CommandModule m = run( DenoiseFolderCommand.class, "input_folder", in.toFile(), "output_folder", out.toFile(),
				"model_file", model );
		assertTrue( ( ( String ) m.getOutput( "summary" ) ).contains( "3 written" ),
				( String ) m.getOutput( "summary" ) );
		for ( int i = 0; i < 3; i++ )
		{
			final ImagePlus d = IJ.openImage( out.resolve( "noisy" + i + "-denoised.tif" ).toString() );
			assertTrue( psnr( clean, d ) > psnr( clean, IJ.openImage( in.resolve( "noisy" + i + ".tif" ).toString() ) )
					+ 3 );
		}
		m = run( DenoiseFolderCommand.class, "input_folder", in.toFile(), "output_folder", out.toFile(), "model_file",
				model );
		assertTrue( ( ( String ) m.getOutput( "summary" ) ).contains( "3 skipped" ) );
		try ( Stream< Path > s = Files.list( out ) )
		{
			assertEquals( 3, s.count(), "no temporary files left" );
		}
	}

	@Test
	void weightDecayGoesToTheTrainedNetwork()
	{
		final ImagePlus cell = image( "cell_256.tif" );
		final TrainingSettings s = new TrainingSettings();
		s.l2 = 1e-4;
		s.mode = "Denoise (self-supervised)";
		assertEquals( 1e-4, s.job( cell, null, dir.resolve( "a.zip" ) ).spec.l2, 0 );
		s.mode = "Anomaly segmenter (normal images)";
		assertEquals( 0, s.job( cell, null, dir.resolve( "b.zip" ) ).spec.l2, 0,
				"the detector trains as in mode Anomaly detector" );
		assertEquals( 1e-4, s.secondStage().l2, 0, "the second stage decays" );
		s.l2 = -1;
		final String msg = org.junit.jupiter.api.Assertions
				.assertThrows( IllegalArgumentException.class, () -> s.job( cell, null, dir.resolve( "c.zip" ) ) )
				.getMessage();
		assertTrue( msg.contains( "l2 (weight decay) must be 0 (none) or positive" ), msg );
	}

	@Test
	void badInputCancelsWithAClearMessage() throws Exception
	{
		final Map< String, Object[] > cases = Map.of(
				"model_file " + dir.resolve( "missing.zip" ),
				new Object[] { DenoiseImageCommand.class, "input", image( "cell_256.tif" ), "model_file",
						dir.resolve( "missing.zip" ).toFile() },
				"input", new Object[] { DenoiseImageCommand.class, "input", null, "model_file", model },
				"not a zip model file",
				new Object[] { DenoiseImageCommand.class, "input", image( "cell_256.tif" ), "model_file", notAModel() },
				"3 channel(s) (RGB)",
				new Object[] { DenoiseImageCommand.class, "input",
						IJ.openImage( "/usr/lib/python3/dist-packages/skimage/data/ihc.png" ), "model_file", model },
				"needs a clean target image",
				new Object[] { TrainAutoencoderCommand.class, "input", image( "cell_256.tif" ), "mode",
						"Denoise (paired)", "model_file", dir.resolve( "p.zip" ).toFile(), "show_plot", false },
				"is not writable",
				new Object[] { TrainAutoencoderCommand.class, "input", image( "cell_256.tif" ), "mode",
						"Denoise (self-supervised)", "model_file", new File( "/proc/nope/m.zip" ), "show_plot",
						false } );
		for ( final Map.Entry< String, Object[] > c : cases.entrySet() )
		{
			final Object[] a = c.getValue();
			@SuppressWarnings( "unchecked" )
			final CommandModule m = run( ( Class< ? extends org.scijava.command.Command > ) a[ 0 ],
					java.util.Arrays.copyOfRange( a, 1, a.length ) );
			assertTrue( m.isCanceled(), c.getKey() );
			assertNotNull( m.getCancelReason() );
			assertTrue( m.getCancelReason().contains( c.getKey() ),
					"'" + m.getCancelReason() + "' should mention '" + c.getKey() + "'" );
		}
	}

	File notAModel() throws Exception
	{
		final Path p = dir.resolve( "notes.aemodel.zip" );
		Files.writeString( p, "not a model" );
		return p.toFile();
	}
}
