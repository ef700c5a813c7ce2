package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

/** Train Segmenter and Train Autoencoder through SciJava: an existing model is replaced only with overwrite=true, an image never. */
class TrainOverwriteCommandTest
{
	@TempDir
	Path dir;

	@Test
	void trainSegmenterOntoAnExistingModelNeedsOverwriteAndNeverReplacesAnImage() throws Exception
	{
		final ImagePlus image = IJ.openImage( "test-images/cell_256.tif" );
		final ByteProcessor m = ( ByteProcessor ) image.getProcessor().convertToByte( true );
		m.threshold( 100 );
		final ImagePlus mask = new ImagePlus( "mask", m );
		final Path model = dir.resolve( "seg.aemodel.zip" ), imageFile = dir.resolve( "cell.tif" );
		assertTrue( new FileSaver( image ).saveAsTiff( imageFile.toString() ) );
		final Object[] tiny = { "input", image, "mask", mask, "epochs", 1, "patches_per_epoch", 16, "patch_size", 16,
				"batch_size", 16 };
		try ( Context context = new Context() )
		{
			final CommandService commands = context.service( CommandService.class );
			final CommandModule first = commands.run( TrainSegmenterCommand.class, true,
					HeadlessDefaultsTest.with( tiny, "model_file", model.toFile() ) ).get();
			assertFalse( first.isCanceled(), first.getCancelReason() );
			final byte[] trained = Files.readAllBytes( model );
			final CommandModule again = commands.run( TrainSegmenterCommand.class, true,
					HeadlessDefaultsTest.with( tiny, "model_file", model.toFile() ) ).get();
			assertTrue(
					again.isCanceled() && again.getCancelReason().contains( model.toString() )
							&& again.getCancelReason().contains( "overwrite=true" )
							&& !again.getCancelReason().contains( "resume" ),
					"Train Segmenter has no resume: " + again.getCancelReason() );
			assertArrayEquals( trained, Files.readAllBytes( model ), "untouched" );
			final CommandModule replaced = commands.run( TrainSegmenterCommand.class, true,
					HeadlessDefaultsTest.with( tiny, "model_file", model.toFile(), "overwrite", true ) ).get();
			assertFalse( replaced.isCanceled(), replaced.getCancelReason() );
			final byte[] image0 = Files.readAllBytes( imageFile );
			final CommandModule onImage = commands.run( TrainAutoencoderCommand.class, true, "input", image,
					"model_file", imageFile.toFile(), "overwrite", true, "epochs", 1,
					"patches_per_epoch", 16, "patch_size", 16, "batch_size", 16, "show_plot", false ).get();
			assertTrue( onImage.isCanceled() && onImage.getCancelReason().contains( "is not a model file" ),
					onImage.getCancelReason() );
			assertArrayEquals( image0, Files.readAllBytes( imageFile ), "the image is byte-identical" );
		}
	}
}
