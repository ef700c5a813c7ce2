package fiji.plugin.autoencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.commands.ReconstructImageCommand;
import fiji.plugin.autoencoder.commands.SegmentImageCommand;
import fiji.plugin.autoencoder.features.ModelSummary;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.History;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * The plain-macro entries of Train Segmenter, Segment Image, Reconstruct Image
 * and the Inspect commands, run in the real ij.jar {@code -batch} (a separate
 * JVM, no display): their files equal what the SciJava commands give on the
 * same image and model, and what the model file holds.
 */
class PlainMacroEntriesTest
{
	@TempDir
	Path dir;

	/** Bright discs on a noisy dark background, and their mask (255 inside). */
	static ImagePlus[] discs( final int size, final long seed )
	{
		final Random r = new Random( seed );
		final FloatProcessor image = new FloatProcessor( size, size );
		final ByteProcessor mask = new ByteProcessor( size, size );
		final int[][] centres = new int[ 6 ][];
		for ( int k = 0; k < centres.length; k++ )
			centres[ k ] = new int[] { 10 + r.nextInt( size - 20 ), 10 + r.nextInt( size - 20 ) };
		for ( int y = 0; y < size; y++ )
			for ( int x = 0; x < size; x++ )
			{
				boolean in = false;
				for ( final int[] c : centres )
					in |= ( x - c[ 0 ] ) * ( x - c[ 0 ] ) + ( y - c[ 1 ] ) * ( y - c[ 1 ] ) <= 36;
				image.setf( x, y, ( float ) ( ( in ? 180 : 40 ) + 15 * r.nextGaussian() ) );
				mask.set( x, y, in ? 255 : 0 );
			}
		return new ImagePlus[] { new ImagePlus( "image", image ), new ImagePlus( "mask", mask ) };
	}

	private static double dice( final byte[] a, final byte[] b )
	{
		int both = 0, na = 0, nb = 0;
		for ( int i = 0; i < a.length; i++ )
		{
			final boolean x = a[ i ] != 0, y = b[ i ] != 0;
			both += x && y ? 1 : 0;
			na += x ? 1 : 0;
			nb += y ? 1 : 0;
		}
		return 2.0 * both / Math.max( 1, na + nb );
	}

	@Test
	@Tag( "slow" ) // trains (Dice checked): excluded from the fast tier (mvn test -Pfast)
	void everyNewEntryWritesWhatTheCommandsAndTheModelFileSay() throws Exception
	{
		final ImagePlus[] train = discs( 96, 1 ), test = discs( 96, 2 );
		final Path image = dir.resolve( "train.tif" ), mask = dir.resolve( "train-mask.tif" ),
				other = dir.resolve( "cells.tif" ), otherMask = dir.resolve( "cells-truth.tif" );
		assertTrue( new FileSaver( train[ 0 ] ).saveAsTiff( image.toString() )
				&& new FileSaver( train[ 1 ] ).saveAsTiff( mask.toString() ) );
		assertTrue( new FileSaver( test[ 0 ] ).saveAsTiff( other.toString() )
				&& new FileSaver( test[ 1 ] ).saveAsTiff( otherMask.toString() ) );
		final Path seg = dir.resolve( "nuclei.aemodel.zip" ), ae = dir.resolve( "ae.aemodel.zip" ),
				out = dir.resolve( "seg out" ), inspect = dir.resolve( "inspect" ),
				reconstruction = dir.resolve( "cells-reconstruction.tif" );
		try ( Model m = Model.create( Presets.convPool( ModelSpec.Unpooling.NEAREST ), 3, 1 ) )
		{
			ModelFile.save( m, ae, Collections.emptyMap() );
		}
		final String call = "call(\"fiji.plugin.autoencoder.MacroCalls.";
		final String macro = "print(\"trained: \" + " + call + "trainSegmenter\", \"input=[" + image + "] mask=[" + mask
				+ "] model_file=[" + seg
				+ "] epochs=10 patches_per_epoch=128 patch_size=32 batch_size=8 learning_rate=0.003 scale=1 patience=0 threads=2\"));\n"
				+ "print(\"objects: \" + " + call + "segmentImage\", \"input=[" + other + "] model_file=[" + seg
				+ "] output_folder=[" + out + "] flip_averaging=false overlay=true\"));\n"
				+ call + "reconstruct\", \"input=[" + other + "] model_file=[" + ae + "] output=[" + reconstruction
				+ "]\");\n"
				+ "print(\"parameters: \" + " + call + "modelSummary\", \"model_file=[" + seg + "] output_folder=["
				+ inspect + "]\"));\n"
				+ "print(\"epochs: \" + " + call + "lossCurves\", \"model_file=[" + seg + "] output_folder=[" + inspect
				+ "]\"));\n"
				+ "print(\"done\");\n";
		final Path file = dir.resolve( "entries.ijm" );
		Files.write( file, macro.getBytes( StandardCharsets.UTF_8 ) );
		final int[] exit = new int[ 1 ];
		final String log = MacroBatchTest.runBatch( file, "", exit );
		System.out.println( log );
		assertEquals( 0, exit[ 0 ], log );
		assertTrue( log.contains( "done" ), log );

		// Segment Image: the macro's files equal the command's through CommandService on the same image and model
		final ImagePlus cells = IJ.openImage( other.toString() );
		final CommandModule run;
		try ( Context context = new Context() )
		{
			run = context.service( CommandService.class ).run( SegmentImageCommand.class, true, "input", cells,
					"model_file", seg.toFile(), "flip_averaging", false ).get();
			assertFalse( run.isCanceled(), run.getCancelReason() );
		}
		final byte[] commandMask = ( byte[] ) ( ( ImagePlus ) run.getOutput( "mask" ) ).getProcessor().getPixels();
		final byte[] macroMask = ( byte[] ) IJ.openImage( out.resolve( "cells-mask.tif" ).toString() ).getProcessor()
				.getPixels();
		assertArrayEquals( commandMask, macroMask, "mask of the macro entry = Segment Image's" );
		final double d = dice( macroMask, ( byte[] ) test[ 1 ].getProcessor().getPixels() );
		assertTrue( d > 0.7, "the segmenter learnt the discs (Dice on an image it never saw): " + d );
		final float[] p = ( float[] ) IJ.openImage( out.resolve( "cells-probability.tif" ).toString() ).getProcessor()
				.getPixels();
		final float[] q = ( float[] ) ( ( ImagePlus ) run.getOutput( "probability" ) ).getProcessor().getPixels();
		assertArrayEquals( q, p, 1e-5f, "probability" );
		assertArrayEquals(
				( short[] ) ( ( ImagePlus ) run.getOutput( "labels" ) ).getProcessor().convertToShortProcessor( false )
						.getPixels(),
				( short[] ) IJ.openImage( out.resolve( "cells-labels.tif" ).toString() ).getProcessor()
						.convertToShortProcessor( false ).getPixels(),
				"labels" );
		final int objects = ( ( ij.measure.ResultsTable ) run.getOutput( "results" ) ).size();
		assertEquals( objects + 1, Files.readAllLines( out.resolve( "cells-objects.csv" ) ).size(),
				"one CSV row per object" );
		assertTrue( log.contains( "objects: " + objects ), log );
		// the overlay: the image in grey with the outlines of the written labels, pixel by pixel
		final ImagePlus overlay = IJ.openImage( out.resolve( "cells-overlay.png" ).toString() ),
				outlined = fiji.plugin.autoencoder.segment.Outlines.overlay( cells,
						IJ.openImage( out.resolve( "cells-labels.tif" ).toString() ) );
		int[] a = ( int[] ) overlay.getProcessor().convertToRGB().getPixels(),
				b = ( int[] ) outlined.getProcessor().getPixels();
		int outline = 0;
		for ( int i = 0; i < a.length; i++ )
		{
			assertEquals( b[ i ] & 0xFFFFFF, a[ i ] & 0xFFFFFF, "overlay pixel " + i );
			outline += ( a[ i ] & 0xFFFFFF ) == 0xFFFF00 ? 1 : 0;
		}
		assertTrue( outline >= 8 * objects, outline + " outline pixels for " + objects + " objects" );
		System.out.println( "segment image: Dice " + d + ", " + objects + " objects, the same as Segment Image's" );

		// Reconstruct: equals Reconstruct Image's output
		try ( Context context = new Context() )
		{
			final CommandModule r = context.service( CommandService.class )
					.run( ReconstructImageCommand.class, true, "input", cells, "model_file", ae.toFile() ).get();
			assertFalse( r.isCanceled(), r.getCancelReason() );
			final float[] expected = ( float[] ) ( ( ImagePlus ) r.getOutput( "output" ) ).getProcessor().getPixels();
			final ImagePlus got = IJ.openImage( reconstruction.toString() );
			assertEquals( ij.ImagePlus.GRAY32, got.getType(), "32-bit by default, as the command" );
			assertArrayEquals( expected, ( float[] ) got.getProcessor().getPixels(), 1e-5f, "reconstruction" );
		}

		// Model Summary and Loss Curves: what the model file holds
		try ( ModelFile.Loaded loaded = ModelFile.load( seg, 1 ) )
		{
			final ModelSummary s = ModelSummary.of( loaded.model() );
			final String text = new String( Files.readAllBytes( inspect.resolve( "model-summary.txt" ) ),
					StandardCharsets.UTF_8 );
			for ( final ModelSummary.Row row : s.rows() )
				assertTrue( text.contains( row.name + " (" + row.type + ")" ), "the summary names layer " + row.name );
			assertTrue( text.contains( String.format( java.util.Locale.ROOT, "Total params: %,d", s.total() ) ), text );
			assertTrue( log.contains( "parameters: " + s.total() ), log );
			assertEquals( s.rows().size() + 2, Files.readAllLines( inspect.resolve( "model-summary.csv" ) ).size(),
					"header, one row per layer, total" );
			final History h = History.fromJson( loaded.extras().get( ModelFile.HISTORY ) );
			final List< String > csv = Files.readAllLines( inspect.resolve( "loss-curves.csv" ) );
			assertEquals( h.epochs.size() + 1, csv.size(), "header and one row per epoch" );
			assertEquals( 10, h.epochs.size() );
			final List< String > header = java.util.Arrays.asList( csv.get( 0 ).split( "," ) );
			final int trainColumn = header.indexOf( "train_loss" ), val = header.indexOf( "validation_loss" );
			assertTrue( trainColumn >= 0 && val >= 0, csv.get( 0 ) );
			for ( int i = 0; i < h.epochs.size(); i++ )
			{
				final String[] cells2 = csv.get( i + 1 ).split( "," );
				assertEquals( h.epochs.get( i ).trainLoss, Double.parseDouble( cells2[ trainColumn ] ), 1e-6,
						"train loss of epoch " + ( i + 1 ) );
				assertEquals( h.epochs.get( i ).validationLoss, Double.parseDouble( cells2[ val ] ), 1e-6,
						"validation loss of epoch " + ( i + 1 ) );
			}
			assertArrayEquals( Files.readAllBytes( inspect.resolve( "loss-curves.png" ) ),
					Files.readAllBytes( dir.resolve( "nuclei-loss-curves.png" ) ),
					"the headless training wrote the same loss-curve PNG next to its model file" );
			final ImagePlus png = IJ.openImage( inspect.resolve( "loss-curves.png" ).toString() );
			assertTrue( png != null && png.getWidth() > 100 && png.getHeight() > 100, "the loss-curve plot" );
		}
	}

	@Test
	void trainWithTheSegmenterModeNamesTheEntryAndReconstructNeverWritesOverItsInput() throws Exception
	{
		final String r = MacroCalls
				.train( "mode=[Train Segmenter] model_file=[" + dir.resolve( "m.aemodel.zip" ) + "]" );
		assertTrue( r.startsWith( "error:" ) && r.contains( "MacroCalls.trainSegmenter" ) && r.contains( "mask=" ), r );
		final Path image = dir.resolve( "a.tif" ), ae = dir.resolve( "ae.aemodel.zip" );
		assertTrue( new FileSaver( discs( 64, 3 )[ 0 ] ).saveAsTiff( image.toString() ) );
		try ( Model m = Model.create( Presets.convPool( ModelSpec.Unpooling.NEAREST ), 3, 1 ) )
		{
			ModelFile.save( m, ae, Collections.emptyMap() );
		}
		final byte[] before = Files.readAllBytes( image );
		final String e = MacroCalls.reconstruct( "input=[" + image + "] model_file=[" + ae + "] output=["
				+ dir.resolve( "." ).resolve( "a.tif" ) + "]" );
		assertTrue( e.startsWith( "error:" ), e );
		assertArrayEquals( before, Files.readAllBytes( image ), "the input is unchanged" );
		final String s = MacroCalls.segmentImage( "input=[" + image + "] model_file=[" + ae + "] threshold=2" );
		assertTrue( s.contains( "threshold=2.0 is a probability" ), s );
	}
}
