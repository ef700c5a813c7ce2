package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.workflow.TrainingInputs;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

/**
 * Train Autoencoder and Train Segmenter from folders: patches come from every
 * image in proportion to its size (counted by the sampler), and a folder with
 * mixed channel counts or an image without its mask is refused naming the file.
 */
class TrainFromFoldersTest
{
	@TempDir
	Path dir;

	/** A crop of camera.png, size x size, saved as name in folder. */
	static void crop( final Path folder, final String name, final int x, final int y, final int size )
	{
		final ImageProcessor ip = TestImages.open( "camera.png" ).getProcessor();
		ip.setRoi( x, y, size, size );
		assertTrue( new FileSaver( new ImagePlus( name, ip.crop() ) ).saveAsTiff( folder.resolve( name ).toString() ) );
	}

	@Test
	void patchesComeFromEveryImageOfAFolderInProportionToItsSize() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) );
		final int[] sizes = { 64, 96, 160 };
		final String[] names = { "a.tif", "b.tif", "c.tif" };
		for ( int i = 0; i < 3; i++ )
			crop( in, names[ i ], 40 * i, 200 - 40 * i, sizes[ i ] );
		final Path model = dir.resolve( "folder.aemodel.zip" );
		final int epochs = 2, patches = 1024;
		try ( Context context = new Context() )
		{
			final CommandModule m = context.service( CommandService.class )
					.run( TrainAutoencoderCommand.class, true, "input_folder", in.toFile(), "mode", "Conv autoencoder",
							"model_file", model.toFile(), "epochs", epochs, "patches_per_epoch", patches, "patch_size",
							32, "batch_size", 32, "patience", 0, "show_plot", false )
					.get();
			assertFalse( m.isCanceled(), m.getCancelReason() );
			final String result = ( String ) m.getOutput( "result" );
			final Matcher d = Pattern.compile( "Patches drawn per image: a.tif (\\d+), b.tif (\\d+), c.tif (\\d+)\\." )
					.matcher( result );
			assertTrue( d.find(), result );
			final long[] n = { Long.parseLong( d.group( 1 ) ), Long.parseLong( d.group( 2 ) ),
					Long.parseLong( d.group( 3 ) ) };
			final long total = n[ 0 ] + n[ 1 ] + n[ 2 ];
			assertEquals( epochs * patches, total, "every training patch counted once: " + result );
			double area = 0;
			for ( final int s : sizes )
				area += s * s;
			for ( int i = 0; i < 3; i++ )
			{
				final double share = n[ i ] / ( double ) total, expected = sizes[ i ] * sizes[ i ] / area;
				// binomial standard deviation of a share of 2048 draws is at most 0.011: 0.04 is over 3.5 of them
				assertEquals( expected, share, 0.04, names[ i ] + ": " + result );
				System.out.printf( "%s (%d x %d): %d patches, share %.3f, its share of the pixels %.3f%n", names[ i ],
						sizes[ i ], sizes[ i ], n[ i ], share, expected );
			}
			// one image per draw would give each a third: the smallest and largest are far from it
			assertTrue( n[ 0 ] / ( double ) total < 0.2 && n[ 2 ] / ( double ) total > 0.5, result );
			assertTrue( Files.isRegularFile( model ) );
			// headless: the loss curves next to the model file, the plot of the history it holds
			final ImagePlus png = ij.IJ.openImage( dir.resolve( "folder-loss-curves.png" ).toString() );
			assertTrue( png != null, "folder-loss-curves.png next to the model" );
			try ( fiji.plugin.autoencoder.io.ModelFile.Loaded loaded = fiji.plugin.autoencoder.io.ModelFile.load( model,
					1 ) )
			{
				final ImagePlus expected = fiji.plugin.autoencoder.features.LossCurves.plot(
						fiji.plugin.autoencoder.train.History
								.fromJson( loaded.extras().get( fiji.plugin.autoencoder.io.ModelFile.HISTORY ) ),
						"Conv autoencoder" ).getImagePlus();
				org.junit.jupiter.api.Assertions.assertArrayEquals( rgb( expected ), rgb( png ),
						"the PNG is the plot of the model file's history" );
			}
		}
	}

	/** RGB values without alpha. */
	static int[] rgb( final ImagePlus imp )
	{
		return java.util.Arrays.stream( ( int[] ) imp.getProcessor().convertToRGB().getPixels() )
				.map( v -> v & 0xFFFFFF ).toArray();
	}

	@Test
	void badFoldersAreRefusedNamingTheFile() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) ),
				masks = Files.createDirectories( dir.resolve( "masks" ) );
		crop( in, "a.tif", 0, 0, 64 );
		crop( in, "b.tif", 64, 0, 80 );
		crop( masks, "a.tif", 0, 0, 64 ); // b.tif has no mask
		final Path model = dir.resolve( "m.aemodel.zip" );
		try ( Context context = new Context() )
		{
			final CommandService cs = context.service( CommandService.class );
			CommandModule m = cs.run( TrainSegmenterCommand.class, true, "input_folder", in.toFile(), "mask_folder",
					masks.toFile(), "model_file", model.toFile() ).get();
			assertTrue( m.isCanceled() );
			assertTrue( m.getCancelReason().contains( "No file for 'b.tif' in mask_folder" )
					&& m.getCancelReason().contains( "same file name" ), m.getCancelReason() );
			m = cs.run( TrainSegmenterCommand.class, true, "input_folder", in.toFile(), "model_file", model.toFile() )
					.get();
			assertTrue( m.isCanceled() && m.getCancelReason().contains( "input_folder needs mask_folder" ),
					m.getCancelReason() );

			// a colour image among grey ones: 3 channels against 1
			final ColorProcessor rgb = new ColorProcessor( 72, 72 );
			rgb.setColor( java.awt.Color.ORANGE );
			rgb.fill();
			assertTrue(
					new FileSaver( new ImagePlus( "c", rgb ) ).saveAsTiff( in.resolve( "c-colour.tif" ).toString() ) );
			m = cs.run( TrainAutoencoderCommand.class, true, "input_folder", in.toFile(), "mode", "Conv autoencoder",
					"model_file", model.toFile(), "show_plot", false ).get();
			assertTrue( m.isCanceled() );
			assertTrue(
					m.getCancelReason().contains( "'c-colour.tif' in input_folder has 3 channel(s) but 'a.tif' has 1" ),
					m.getCancelReason() );
			m = cs.run( TrainAutoencoderCommand.class, true, "input_folder", in.toFile(), "mode", "Denoise (paired)",
					"model_file", model.toFile(), "show_plot", false ).get();
			assertTrue( m.isCanceled() && m.getCancelReason().contains( "needs target_folder" ), m.getCancelReason() );
			assertFalse( Files.exists( model ), "nothing written" );
		}
		// the same checks from a plain macro and from the command line (train --input <folder>)
		final String macro = fiji.plugin.autoencoder.MacroCalls
				.train( "input_folder=[" + in + "] mode=[Conv autoencoder] model_file=[" + model + "]" );
		assertTrue( macro.startsWith( "error:" ) && macro.contains( "'c-colour.tif' in input_folder has 3 channel(s)" ),
				macro );
		final String seg = fiji.plugin.autoencoder.MacroCalls
				.trainSegmenter( "input_folder=[" + in + "] mask_folder=[" + masks + "] model_file=[" + model + "]" );
		assertTrue( seg.startsWith( "error:" ) && seg.contains( "No file for 'b.tif' in mask_folder" ), seg );
		final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
		final java.io.PrintStream old = System.err;
		System.setErr( new java.io.PrintStream( err, true, "UTF-8" ) );
		final int exit;
		try
		{
			exit = fiji.plugin.autoencoder.cli.Main.run( "train", "--input", in.toString(), "--mode",
					"Conv autoencoder", "--model", model.toString() );
		}
		finally
		{
			System.setErr( old );
		}
		assertEquals( 1, exit );
		assertTrue( err.toString( "UTF-8" ).contains( "'c-colour.tif' in input_folder has 3 channel(s)" ),
				err.toString( "UTF-8" ) );
		assertFalse( Files.exists( model ), "nothing written" );
		String e = assertThrows( IllegalArgumentException.class,
				() -> TrainingInputs.of( null, null, in, null, "target_folder", "z*" ) ).getMessage();
		assertTrue( e.contains( "No file name in input_folder" ) && e.contains( "title_pattern=z*" ), e );
		e = assertThrows( IllegalArgumentException.class,
				() -> TrainingInputs.of( null, null, null, masks, "target_folder", "" ) ).getMessage();
		assertTrue( e.contains( "target_folder is given without input_folder" ), e );
		e = assertThrows( IllegalArgumentException.class,
				() -> TrainingInputs.of( null, null, null, null, "target_folder", "no-such-title*" ) ).getMessage();
		assertTrue( e.contains( "No open image's title matches title_pattern=no-such-title*" ), e );
		// the pattern picks a folder's files by name; a mask of the same base name with another extension is found
		final TrainingInputs ab = TrainingInputs.of( null, null, in, null, "target_folder", "?.tif" );
		assertEquals( "[a.tif, b.tif]", ab.names.toString() );
		assertTrue( new FileSaver( new ImagePlus( "b", new ij.process.ByteProcessor( 80, 80 ) ) )
				.saveAsPng( masks.resolve( "b.png" ).toString() ) );
		final TrainingInputs pairs = TrainingInputs.of( null, null, in, masks, "mask_folder", "?.tif" );
		assertEquals( "[a.tif, b.png]", pairs.pairs.stream().map( ImagePlus::getTitle )
				.collect( java.util.stream.Collectors.toList() ).toString() );
	}

	/**
	 * A segmenter trained from a folder of images and a folder of masks reaches the Dice of one trained on the same planes
	 * as one stack (within 0.02), on a test image neither saw.
	 */
	@Test
	@org.junit.jupiter.api.Tag( "slow" ) // two trainings, about a minute
	void aSegmenterFromImageAndMaskFoldersReachesTheDiceOfTheEquivalentStack() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) ),
				masks = Files.createDirectories( dir.resolve( "masks" ) );
		final ij.ImageStack images = new ij.ImageStack( 96, 96 ), maskStack = new ij.ImageStack( 96, 96 );
		for ( int i = 0; i < 3; i++ )
		{
			final ImagePlus[] p = disks( 96, 96, i );
			images.addSlice( p[ 0 ].getProcessor() );
			maskStack.addSlice( p[ 1 ].getProcessor() );
			assertTrue( new FileSaver( p[ 0 ] ).saveAsTiff( in.resolve( "plane" + i + ".tif" ).toString() ) );
			assertTrue( new FileSaver( p[ 1 ] ).saveAsTiff( masks.resolve( "plane" + i + ".tif" ).toString() ) );
		}
		final ImagePlus[] test = disks( 128, 128, 99 );
		final double[] dice = new double[ 2 ];
		try ( Context context = new Context() )
		{
			final CommandService cs = context.service( CommandService.class );
			for ( int k = 0; k < 2; k++ )
			{
				final Path model = dir.resolve( "seg" + k + ".aemodel.zip" );
				final Object[] images_ = k == 0
						? new Object[] { "input", new ImagePlus( "stack", images ), "mask",
								new ImagePlus( "masks", maskStack ) }
						: new Object[] { "input_folder", in.toFile(), "mask_folder", masks.toFile() };
				final Object[] rest = { "model_file", model.toFile(), "scale", 1, "epochs", 20, "learning_rate", 3e-3,
						"patches_per_epoch", 128, "patch_size", 32, "batch_size", 16, "validation_fraction", 0.0 };
				final Object[] args = new Object[ images_.length + rest.length ];
				System.arraycopy( images_, 0, args, 0, images_.length );
				System.arraycopy( rest, 0, args, images_.length, rest.length );
				final CommandModule m = cs.run( TrainSegmenterCommand.class, true, args ).get();
				assertFalse( m.isCanceled(), m.getCancelReason() );
				try ( fiji.plugin.autoencoder.io.ModelFile.Loaded loaded = fiji.plugin.autoencoder.io.ModelFile
						.load( model, 0 ) )
				{
					final fiji.plugin.autoencoder.segment.Segmentation seg = fiji.plugin.autoencoder.segment.SegmenterPrediction
							.segment( loaded, test[ 0 ], 0.5, 0, null, false,
									new fiji.plugin.autoencoder.tiling.ImageRunner.Options(),
									fiji.plugin.autoencoder.core.Progress.none() );
					dice[ k ] = fiji.plugin.autoencoder.segment.Evaluation.dice( seg.mask, test[ 1 ] );
				}
			}
		}
		System.out.printf( "Dice on an unseen image: trained on the stack %.4f, on the folders %.4f%n", dice[ 0 ],
				dice[ 1 ] );
		assertTrue( dice[ 0 ] > 0.8, "the stack's segmenter learned the disks: Dice " + dice[ 0 ] );
		assertEquals( dice[ 0 ], dice[ 1 ], 0.02, "folders against the stack" );
	}

	/** Continue training from the menu on a folder: the history goes on from the file's epochs, and the other folder's images are sampled. */
	@Test
	void continueTrainingOnAnotherFolderKeepsTheHistory() throws Exception
	{
		final Path first = Files.createDirectories( dir.resolve( "first" ) ),
				more = Files.createDirectories( dir.resolve( "more" ) );
		crop( first, "a.tif", 0, 0, 64 );
		crop( first, "b.tif", 64, 64, 96 );
		crop( more, "c.tif", 200, 200, 80 );
		crop( more, "d.tif", 300, 100, 112 );
		final Path model = dir.resolve( "go-on.aemodel.zip" );
		try ( Context context = new Context() )
		{
			final CommandService cs = context.service( CommandService.class );
			CommandModule m = cs.run( TrainAutoencoderCommand.class, true, "input_folder", first.toFile(), "mode",
					"Conv autoencoder", "model_file", model.toFile(), "epochs", 2,
					"patches_per_epoch", 128, "patch_size", 32, "batch_size", 16, "patience", 0, "show_plot", false )
					.get();
			assertFalse( m.isCanceled(), m.getCancelReason() );
			final double[] before = validationLosses( model );
			m = cs.run( TrainAutoencoderCommand.class, true, "input_folder", more.toFile(), "mode", "Conv autoencoder",
					"model_file", model.toFile(), "resume", true, "epochs", 2,
					"patches_per_epoch", 128, "patch_size", 32, "batch_size", 16, "patience", 0, "show_plot", false )
					.get();
			assertFalse( m.isCanceled(), m.getCancelReason() );
			final String result = ( String ) m.getOutput( "result" );
			assertTrue( result.matches( "(?s).*Patches drawn per image: c.tif \\d+, d.tif \\d+\\..*" ), result );
			final double[] after = validationLosses( model );
			assertEquals( 4, after.length, "2 epochs on the first folder, 2 more on the second" );
			assertEquals( before[ 0 ], after[ 0 ], 0, "the first epochs are kept as they were" );
			assertEquals( before[ 1 ], after[ 1 ], 0 );
		}
	}

	/** title_pattern picks open images by title (here batch-mode images, as in a macro), each with the mask of its title from mask_folder. */
	@Test
	void aTitlePatternPicksOpenImagesWithTheirMasks() throws Exception
	{
		final Path masks = Files.createDirectories( dir.resolve( "masks" ) );
		final ImagePlus[] a = disks( 64, 64, 7 ), b = disks( 80, 72, 8 );
		final ImagePlus one = new ImagePlus( "cells-1.tif", a[ 0 ].getProcessor() ),
				two = new ImagePlus( "cells-2.tif", b[ 0 ].getProcessor() ),
				other = new ImagePlus( "notes.tif", a[ 0 ].getProcessor() );
		assertTrue( new FileSaver( a[ 1 ] ).saveAsTiff( masks.resolve( "cells-1.tif" ).toString() ) );
		final boolean was = ij.macro.Interpreter.batchMode;
		ij.macro.Interpreter.batchMode = true;
		try
		{
			for ( final ImagePlus imp : new ImagePlus[] { one, two, other } )
				ij.macro.Interpreter.addBatchModeImage( imp );
			final TrainingInputs t = TrainingInputs.of( null, null, null, null, "target_folder", "cells-*" );
			assertEquals( "[cells-1.tif, cells-2.tif]", t.names.toString() );
			assertTrue( t.images.get( 0 ) == one && t.images.get( 1 ) == two && t.pairs == null );
			String e = assertThrows( IllegalArgumentException.class,
					() -> TrainingInputs.segmenter( null, null, null, masks, "cells-*" ) ).getMessage();
			assertTrue( e.contains( "No file for 'cells-2.tif' in mask_folder" ), e );
			assertTrue( new FileSaver( b[ 1 ] ).saveAsTiff( masks.resolve( "cells-2.tif" ).toString() ) );
			final TrainingInputs s = TrainingInputs.segmenter( null, null, null, masks, "cells-*" );
			assertEquals( 2, s.pairs.size() );
			assertArrayEquals( ( byte[] ) b[ 1 ].getProcessor().getPixels(),
					( byte[] ) s.pairs.get( 1 ).getProcessor().getPixels(), "the mask of cells-2.tif" );
			e = assertThrows( IllegalArgumentException.class,
					() -> TrainingInputs.segmenter( null, null, null, null, "cells-*" ) ).getMessage();
			assertTrue( e.contains( "title_pattern needs mask_folder" ), e );
		}
		finally
		{
			for ( final ImagePlus imp : new ImagePlus[] { one, two, other } )
				ij.macro.Interpreter.removeBatchModeImage( imp );
			ij.macro.Interpreter.batchMode = was;
		}
	}

	/** The validation losses of a model file's history. */
	static double[] validationLosses( final Path model ) throws Exception
	{
		try ( fiji.plugin.autoencoder.io.ModelFile.Loaded m = fiji.plugin.autoencoder.io.ModelFile.load( model, 1 ) )
		{
			return fiji.plugin.autoencoder.train.History
					.fromJson( m.extras().get( fiji.plugin.autoencoder.io.ModelFile.HISTORY ) ).epochs.stream()
					.mapToDouble( e -> e.validationLoss ).toArray();
		}
	}

	/** Random bright disks on a noisy ramp: an image and its mask. */
	static ImagePlus[] disks( final int w, final int h, final long seed )
	{
		final Random r = new Random( seed );
		final ij.process.FloatProcessor img = new ij.process.FloatProcessor( w, h );
		final ij.process.ByteProcessor mask = new ij.process.ByteProcessor( w, h );
		for ( int k = 0; k < w * h / 900; k++ )
		{
			final int cx = r.nextInt( w ), cy = r.nextInt( h ), rad = 4 + r.nextInt( 6 );
			for ( int y = Math.max( 0, cy - rad ); y < Math.min( h, cy + rad + 1 ); y++ )
				for ( int x = Math.max( 0, cx - rad ); x < Math.min( w, cx + rad + 1 ); x++ )
					if ( ( x - cx ) * ( x - cx ) + ( y - cy ) * ( y - cy ) <= rad * rad )
						mask.set( x, y, 255 );
		}
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
				img.setf( x, y, ( float ) ( 40 + 0.2 * x + ( mask.get( x, y ) > 0 ? 80 : 0 ) + 8 * r.nextGaussian() ) );
		return new ImagePlus[] { new ImagePlus( "disks-" + seed, img ), new ImagePlus( "mask-" + seed, mask ) };
	}
}
