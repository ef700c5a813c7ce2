package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.workflow.Settings;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

/**
 * 3D from the menu: Train Autoencoder with dimensions=3D trains a volume
 * network on a z-stack (the saved spec is 3D with the patch depth asked for)
 * that Denoise Image applies to the stack; 3D for a 2D image and a stack
 * thinner than the patch are refused with what to do.
 */
class Train3DCommandTest
{
	@TempDir
	Path dir;

	/** A noisy z-stack of smooth blobs, slices x size x size. */
	static ImagePlus stack( final int slices, final int size, final long seed )
	{
		final Random r = new Random( seed );
		final ImageStack s = new ImageStack( size, size );
		for ( int z = 0; z < slices; z++ )
		{
			final FloatProcessor fp = new FloatProcessor( size, size );
			for ( int y = 0; y < size; y++ )
				for ( int x = 0; x < size; x++ )
					fp.setf( x, y, ( float ) ( 100 + 50 * Math.sin( x / 5.0 ) * Math.cos( y / 7.0 + z / 4.0 )
							+ 10 * r.nextGaussian() ) );
			s.addSlice( fp );
		}
		final ImagePlus imp = new ImagePlus( "stack", s );
		imp.setDimensions( 1, slices, 1 );
		return imp;
	}

	@Test
	void aTinyThreeDModelTrainsThroughTheCommandAndDenoisesTheStack() throws Exception
	{
		final ImagePlus volume = stack( 20, 40, 1 );
		final Path model = dir.resolve( "tiny3d.aemodel.zip" );
		try ( Context context = new Context() )
		{
			final CommandService cs = context.service( CommandService.class );
			final CommandModule m = cs.run( TrainAutoencoderCommand.class, true, "input", volume, "mode",
					"Denoise (self-supervised)", "dimensions", "3D", "patch_depth", 8,
					"patch_size", 16, "model_file", model.toFile(), "epochs", 2, "patches_per_epoch", 32, "batch_size",
					4, "patience", 0, "show_plot", false ).get();
			assertFalse( m.isCanceled(), m.getCancelReason() );
			try ( ModelFile.Loaded loaded = ModelFile.load( model, 1 ) )
			{
				final ModelSpec spec = loaded.model().spec();
				assertTrue( spec.is3D(), "saved spec: " + spec );
				assertEquals( 8, spec.depth );
				assertEquals( 16, spec.height );
				assertTrue( spec.weightedLoss, "self-supervised: blind-spot weighted loss" );
				assertTrue( spec.skipConnections, "a 3D U-Net" );
			}
			final CommandModule d = cs.run( DenoiseImageCommand.class, true, "input", volume, "model_file",
					model.toFile(), "average_orientations", false ).get();
			assertFalse( d.isCanceled(), d.getCancelReason() );
			final ImagePlus out = ( ImagePlus ) d.getOutput( "output" );
			assertEquals( "40 x 40 x 20", out.getWidth() + " x " + out.getHeight() + " x " + out.getNSlices() );
			final double sd = out.getStack().getProcessor( 10 ).getStatistics().stdDev;
			assertTrue( Double.isFinite( sd ) && sd > 0, "a finite, non-constant result: sd " + sd );

			// bad input: 3D for a 2D image, and a stack thinner than the patch
			CommandModule bad = cs.run( TrainAutoencoderCommand.class, true, "input",
					new ImagePlus( "flat", new FloatProcessor( 40, 40 ) ), "mode", "Denoise (self-supervised)",
					"dimensions", "3D", "model_file", dir.resolve( "x.aemodel.zip" ).toFile(), "show_plot", false )
					.get();
			assertTrue(
					bad.isCanceled()
							&& bad.getCancelReason().contains( "dimensions=3D was asked for the 2D image 'flat'" )
							&& bad.getCancelReason().contains( "use dimensions=2D" ),
					bad.getCancelReason() );
			bad = cs.run( TrainAutoencoderCommand.class, true, "input", stack( 6, 40, 2 ), "mode",
					"Denoise (self-supervised)", "dimensions", "3D", "patch_depth", 8,
					"model_file", dir.resolve( "x.aemodel.zip" ).toFile(), "show_plot", false ).get();
			assertTrue( bad.isCanceled()
					&& bad.getCancelReason()
							.contains( "has 6 z-slices, fewer than the 3D patch depth 8: use dimensions=2D" )
					&& bad.getCancelReason().contains( "patch_depth=4" ), bad.getCancelReason() );
			assertFalse( Files.exists( dir.resolve( "x.aemodel.zip" ) ) );
		}
	}

	@Test
	void automaticIsThreeDForStacksAsDeepAsThePatchAndRefusedModesSaySo()
	{
		final TrainingSettings s = new TrainingSettings();
		assertEquals( TrainingSettings.DIMENSIONS_AUTO, s.dimensions, "the default" );
		assertEquals( s.dimensions, Settings.of( Settings.TRAIN, "dimensions" ).defaultValue );
		s.patchDepth = 8;
		assertTrue( s.is3D( TrainingMode.DENOISE_PAIRED, Collections.singletonList( stack( 8, 16, 3 ) ) ) );
		assertTrue( s.dimensionsNote.startsWith( "dimensions=Automatic chose 3D" )
				&& s.dimensionsNote.contains( "dimensions=2D forces 2D" ), s.dimensionsNote );
		assertFalse( s.is3D( TrainingMode.DENOISE_PAIRED, Collections.singletonList( stack( 7, 16, 3 ) ) ),
				"a thinner stack: 2D per slice" );
		assertTrue( s.dimensionsNote.contains( "has 7 z-slice(s), fewer than patch_depth=8" )
				&& s.dimensionsNote.contains( "dimensions=3D forces a volume network with patch_depth=4" ),
				s.dimensionsNote );
		assertFalse( s.is3D( TrainingMode.CONV_AUTOENCODER, Collections.singletonList( stack( 8, 16, 3 ) ) ),
				"3D only for the Denoise modes" );
		s.dimensions = "2D";
		assertFalse( s.is3D( TrainingMode.DENOISE_PAIRED, Collections.singletonList( stack( 20, 16, 3 ) ) ),
				"2D asked: 2D" );
		s.dimensions = "3D";
		final String e = assertThrows( IllegalArgumentException.class,
				() -> s.is3D( TrainingMode.DENOISE_SYNTHETIC, Collections.singletonList( stack( 20, 16, 3 ) ) ) )
				.getMessage();
		assertTrue( e.contains( "use dimensions=2D" ), e );
		s.patchDepth = 6;
		assertTrue( assertThrows( IllegalArgumentException.class,
				() -> s.is3D( TrainingMode.DENOISE_PAIRED, Collections.singletonList( stack( 20, 16, 3 ) ) ) )
				.getMessage()
				.contains( "multiple of 4" ) );
	}
}
