package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.MacroCalls;
import fiji.plugin.autoencoder.commands.SegmentFolderCommand;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;

/**
 * Segment Folder by Reconstruction on three brick crops with painted defects:
 * per image the same objects as Segment by Reconstruction, the four files,
 * calibration on a normal image, skipping, shards, and bad folders.
 */
@Tag( "slow" ) // training quality: excluded from the fast tier (mvn test -Pfast)
class SegmentFolderTest
{
	@TempDir
	Path dir;

	@Test
	void segmentsEveryImageOfAFolderLikeTheSingleImageCommand() throws Exception
	{
		final ImageProcessor brick = TestImages.open( "brick.png" ).getProcessor();
		brick.setRoi( 0, 0, 512, 256 );
		final ImagePlus normal = new ImagePlus( "brick-top", brick.crop() );
		brick.setRoi( 384, 384, 96, 96 ); // defect-free, not trained on: calibrates the thresholds
		final ImagePlus check = new ImagePlus( "check", brick.crop() );
		final Path checkFile = dir.resolve( "check.tif" ), in = Files.createDirectories( dir.resolve( "parts" ) ),
				out = dir.resolve( "segmented" );
		assertTrue( new FileSaver( check ).saveAsTiff( checkFile.toString() ) );
		for ( int k = 0; k < 3; k++ )
		{
			brick.setRoi( 96 * k, 300, 96, 96 );
			final ImageProcessor part = brick.crop();
			part.setColor( 255 );
			part.fillOval( 20 + 15 * k, 30, 14, 14 );
			assertTrue( new FileSaver( new ImagePlus( "part" + k, part ) )
					.saveAsTiff( in.resolve( "part" + k + ".tif" ).toString() ) );
		}
		Files.writeString( in.resolve( "notes.txt" ), "not an image" );

		final Path model = dir.resolve( "brick.aemodel.zip" );
		final ImageTrainingJob job = new ImageTrainingJob( Presets.convPool( ModelSpec.Unpooling.NEAREST ), model );
		job.patchSize = 32;
		job.patchesPerEpoch = 256;
		job.config.epochs( 3 ).batchSize( 32 ).patience( 0 );
		job.run( Collections.singletonList( normal ), null, TrainingListener.none() );

		try ( Context context = new Context(); ModelFile.Loaded m = ModelFile.load( model, 1 ) )
		{
			final CommandService cs = context.service( CommandService.class );
			final Object[] keys = { "input_folder", in.toFile(), "output_folder", out.toFile(), "model_file",
					model.toFile(), "threshold_method", "Calibrated", "threshold_value", 1e-3,
					"smoothing_sigma", 1.0, "smooth_signed", false, "min_size", 10, "seed_threshold", 0.0,
					"normal_image", checkFile.toFile(), "seed_false_positive_rate", 1e-4,
					"shard_index", 0, "shard_count", 1, "tile_size", 0, "average_orientations", false };
			final CommandModule run = cs.run( SegmentFolderCommand.class, true, keys ).get();
			assertFalse( run.isCanceled(), run.getCancelReason() );
			assertEquals( "Segment Folder by Reconstruction: 3 written, 0 skipped (output exists), 0 failed",
					run.getOutput( "summary" ) );
			final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( "Calibrated", 1e-3, 1, 10 );
			s.seedFalsePositiveRate = 1e-4;
			s.normalImage = check;
			int total = 0;
			for ( int k = 0; k < 3; k++ )
			{
				final Segmentation expected = ReconstructionSegmenter.segment( m,
						IJ.openImage( in.resolve( "part" + k + ".tif" ).toString() ), s, Progress.none() );
				final List< Path > files = SegmentationFiles.files( out, "part" + k );
				for ( final Path f : files )
					assertTrue( Files.isRegularFile( f ), f.toString() );
				final ImagePlus labels = IJ.openImage( files.get( 3 ).toString() );
				assertArrayEquals( ( short[] ) expected.labels.getProcessor().getPixels(),
						( short[] ) labels.getProcessor().getPixels(), "part" + k );
				assertArrayEquals( ( byte[] ) expected.mask.getProcessor().getPixels(),
						( byte[] ) IJ.openImage( files.get( 1 ).toString() ).getProcessor().getPixels() );
				assertEquals( expected.objectCount + 1, Files.readAllLines( files.get( 2 ) ).size(),
						"CSV: header plus one row per object" );
				assertTrue( labels.getProcessor().get( 27 + 15 * k, 37 ) > 0,
						"the painted defect of part" + k + " is an object" );
				total += expected.objectCount;
			}
			System.out.println( "segment folder: " + total + " objects in 3 brick crops" );
			try ( java.util.stream.Stream< Path > listed = Files.list( out ) )
			{
				assertEquals( 12, listed.count(), "four files per image, nothing else" );
			}

			// a rerun skips what is done; shards split the folder
			assertEquals( "Segment Folder by Reconstruction: 0 written, 3 skipped (output exists), 0 failed",
					cs.run( SegmentFolderCommand.class, true, keys ).get().getOutput( "summary" ) );
			for ( int k = 0; k < 3; k++ )
				Files.delete( SegmentationFiles.files( out, "part" + k ).get( 3 ) );
			final String shard0 = MacroCalls.segmentFolder( "input_folder=[" + in + "] output_folder=[" + out
					+ "] model_file=[" + model + "] threshold_method=Calibrated threshold_value=0.001 "
					+ "smoothing_sigma=1 min_size=10 normal_image=[" + checkFile
					+ "] seed_false_positive_rate=0.0001 shard_index=0 shard_count=2" );
			assertEquals( "2 written, 0 skipped (output exists), 0 failed", shard0 );
			assertTrue(
					Files.exists( SegmentationFiles.files( out, "part0" ).get( 3 ) )
							&& Files.exists( SegmentationFiles.files( out, "part2" ).get( 3 ) )
							&& !Files.exists( SegmentationFiles.files( out, "part1" ).get( 3 ) ),
					"shard 0 of 2: files 0 and 2" );

			// bad folders: a clear message, nothing written into the input folder
			final Object[] same = keys.clone();
			same[ 3 ] = in.toFile();
			final CommandModule intoInput = cs.run( SegmentFolderCommand.class, true, same ).get();
			assertTrue( intoInput.isCanceled() && intoInput.getCancelReason().contains( "is the input folder" ),
					intoInput.getCancelReason() );
			try ( java.util.stream.Stream< Path > listed = Files.list( in ) )
			{
				assertEquals( 4, listed.count(), "the input folder holds its three images and the note, nothing more" );
			}
			final String missing = MacroCalls.segmentFolder( "input_folder=[" + dir.resolve( "none" )
					+ "] output_folder=[" + out + "] model_file=[" + model + "]" );
			assertTrue( missing.startsWith( "error" ) && missing.contains( "does not exist" ), missing );
		}
	}
}
