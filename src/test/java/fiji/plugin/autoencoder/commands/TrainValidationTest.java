package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ColorProcessor;

/** A separate validation image or folder (issue 17), split from {@link TrainFromFoldersTest}. */
class TrainValidationTest
{
	@TempDir
	Path dir;

	/**
	 * Train Autoencoder validates on a separate validation image or folder when given one: the same training validated
	 * on its own image and on a folder of pure noise records very different validation losses; a validation image
	 * with other channels, or validation masks missing, is refused naming it.
	 */
	@Test
	void aSeparateValidationImageOrFolderIsWhatTheTrainingValidatesOn() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) ),
				noise = Files.createDirectories( dir.resolve( "noise" ) ),
				bad = Files.createDirectories( dir.resolve( "bad" ) );
		TrainFromFoldersTest.crop( in, "a.tif", 100, 100, 96 );
		final ImagePlus train = ij.IJ.openImage( in.resolve( "a.tif" ).toString() );
		final ij.process.ByteProcessor random = new ij.process.ByteProcessor( 96, 96 );
		final Random r = new Random( 1 );
		for ( int i = 0; i < random.getPixelCount(); i++ )
			random.set( i, r.nextInt( 256 ) );
		assertTrue( new FileSaver( new ImagePlus( "n", random ) ).saveAsTiff( noise.resolve( "n.tif" ).toString() ) );
		assertTrue( new FileSaver( new ImagePlus( "c", new ColorProcessor( 96, 96 ) ) )
				.saveAsTiff( bad.resolve( "colour.tif" ).toString() ) );
		final double[] last = new double[ 2 ];
		try ( Context context = new Context() )
		{
			final CommandService cs = context.service( CommandService.class );
			for ( int k = 0; k < 2; k++ )
			{
				final Path model = dir.resolve( "v" + k + ".aemodel.zip" );
				final CommandModule m = cs.run( TrainAutoencoderCommand.class, true, "input", train, "mode",
						"Conv autoencoder", "model_file", model.toFile(), "epochs", 2,
						"patches_per_epoch", 256, "patch_size", 32, "batch_size", 32, "patience", 0, "show_plot", false,
						k == 0 ? "validation_image" : "validation_folder",
						k == 0 ? train : noise.toFile() ).get();
				assertFalse( m.isCanceled(), m.getCancelReason() );
				final double[] v = TrainFromFoldersTest.validationLosses( model );
				assertEquals( 2, v.length );
				last[ k ] = v[ 1 ];
			}
			System.out.printf(
					"validation loss after 2 epochs: on the training image %.4f, on a folder of noise %.4f%n",
					last[ 0 ], last[ 1 ] );
			assertTrue( last[ 1 ] > 2 * last[ 0 ],
					"noise reconstructs far worse than the training image: " + last[ 0 ] + " / " + last[ 1 ] );

			CommandModule m = cs.run( TrainAutoencoderCommand.class, true, "input", train, "mode", "Conv autoencoder",
					"model_file", dir.resolve( "x.aemodel.zip" ).toFile(),
					"show_plot", false, "validation_folder", bad.toFile() ).get();
			assertTrue(
					m.isCanceled() && m.getCancelReason().contains(
							"The validation image 'colour.tif' has 3 channel(s) but the training image 'a.tif' has 1" ),
					m.getCancelReason() );
			final ImagePlus[] d = TrainFromFoldersTest.disks( 96, 96, 5 );
			m = cs.run( TrainSegmenterCommand.class, true, "input", d[ 0 ], "mask", d[ 1 ], "model_file",
					dir.resolve( "x.aemodel.zip" ).toFile(), "validation_folder", noise.toFile() ).get();
			assertTrue( m.isCanceled() && m.getCancelReason().contains( "validation images need their masks" )
					&& m.getCancelReason().contains( "validation_mask_folder" ), m.getCancelReason() );
			m = cs.run( TrainSegmenterCommand.class, true, "input", d[ 0 ], "mask", d[ 1 ], "model_file",
					dir.resolve( "x.aemodel.zip" ).toFile(), "validation_folder", bad.toFile(),
					"validation_mask_folder", bad.toFile() ).get();
			assertTrue( m.isCanceled() && m.getCancelReason().contains( "'colour.tif' has 3 channel(s)" ),
					m.getCancelReason() );
			assertFalse( Files.exists( dir.resolve( "x.aemodel.zip" ) ) );
		}
	}

}
