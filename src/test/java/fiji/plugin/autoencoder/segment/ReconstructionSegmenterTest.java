package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.commands.SegmentByReconstructionCommand;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.process.ImageProcessor;

@Tag( "slow" ) // training quality: excluded from the fast tier (mvn test -Pfast)
class ReconstructionSegmenterTest
{
	@TempDir
	Path dir;

	/** Defect centres (x, y) and radii painted into the held-out brick crop: bright, dark, bright. */
	private static final int[][] DEFECTS = { { 30, 30, 6 }, { 90, 40, 5 }, { 60, 100, 7 } };

	@Test
	void findsDefectsInBrickTheSameForAnyTileSize() throws Exception
	{
		final ImagePlus brick = TestImages.open( "brick.png" );
		final ImageProcessor ip = brick.getProcessor();
		ip.setRoi( 0, 0, 512, 256 );
		final ImagePlus normal = new ImagePlus( "brick-top", ip.crop() );
		ip.setRoi( 200, 320, 128, 128 );
		final ImageProcessor test = ip.crop();
		for ( int d = 0; d < DEFECTS.length; d++ )
			for ( int y = 0; y < 128; y++ )
				for ( int x = 0; x < 128; x++ )
					if ( Math.hypot( x - DEFECTS[ d ][ 0 ], y - DEFECTS[ d ][ 1 ] ) <= DEFECTS[ d ][ 2 ] )
						test.set( x, y, d == 1 ? 0 : 255 );
		final ImagePlus defective = new ImagePlus( "brick-defects", test );

		final Path model = dir.resolve( "brick.aemodel.zip" );
		final ModelSpec spec = Presets.convPool( ModelSpec.Unpooling.NEAREST );
		final ImageTrainingJob job = new ImageTrainingJob( spec, model );
		job.patchSize = 32;
		job.patchesPerEpoch = 256;
		job.config.epochs( 3 ).batchSize( 32 ).patience( 0 );
		job.run( Collections.singletonList( normal ), null, TrainingListener.none() );

		try ( Context context = new Context() )
		{
			final CommandService cs = context.service( CommandService.class );
			final CommandModule whole = cs.run( SegmentByReconstructionCommand.class, true, "input", defective,
					"model_file", model.toFile(), "threshold_method", "Otsu",
					"smoothing_sigma", 1.5, "smooth_signed", false, "min_size", 15, "seed_threshold", 0,
					"seed_false_positive_rate", 0, "tile_size", 0, "average_orientations", false ).get(); // NB: every key given: SciJava remembers earlier runs' values
			final CommandModule tiled = cs.run( SegmentByReconstructionCommand.class, true, "input", defective,
					"model_file", model.toFile(), "threshold_method", "Otsu",
					"smoothing_sigma", 1.5, "smooth_signed", false, "min_size", 15, "seed_threshold", 0,
					"seed_false_positive_rate", 0, "tile_size", 48, "average_orientations", false ).get();
			assertTrue( !whole.isCanceled() && !tiled.isCanceled(),
					whole.getCancelReason() + " / " + tiled.getCancelReason() );
			final ImagePlus labels = ( ImagePlus ) whole.getOutput( "labels" );
			final ResultsTable table = ( ResultsTable ) whole.getOutput( "results" );
			System.out.println( "brick defects: " + table.size() + " objects, threshold "
					+ ( ( ImagePlus ) whole.getOutput( "mask" ) ).getProperty( "Info" ) );
			for ( final int[] d : DEFECTS )
				assertTrue( labels.getProcessor().get( d[ 0 ], d[ 1 ] ) > 0,
						"defect at " + d[ 0 ] + ", " + d[ 1 ] + " found" );
			assertEquals( DEFECTS.length, Labeling.count( labels ), "one object per defect, nothing else" );
			for ( int r = 0; r < table.size(); r++ )
			{
				final int[] d = DEFECTS[ labels.getProcessor().get( ( int ) table.getValue( "X", r ),
						( int ) table.getValue( "Y", r ) ) - 1 ];
				assertEquals( d[ 0 ] + 0.5, table.getValue( "X", r ), 2.0, "centroid x" );
				assertEquals( d[ 1 ] + 0.5, table.getValue( "Y", r ), 2.0, "centroid y" );
			}
			assertArrayEquals( ( byte[] ) ( ( ImagePlus ) whole.getOutput( "mask" ) ).getProcessor().getPixels(),
					( byte[] ) ( ( ImagePlus ) tiled.getOutput( "mask" ) ).getProcessor().getPixels() );
			assertArrayEquals( ( short[] ) labels.getProcessor().getPixels(),
					( short[] ) ( ( ImagePlus ) tiled.getOutput( "labels" ) ).getProcessor().getPixels() );
			// the signed-smoothing option reaches the map
			final CommandModule signed = cs.run( SegmentByReconstructionCommand.class, true, "input", defective,
					"model_file", model.toFile(), "threshold_method", "Otsu",
					"smoothing_sigma", 1.5, "smooth_signed", true, "min_size", 15, "seed_threshold", 0,
					"seed_false_positive_rate", 0, "tile_size", 0, "average_orientations", false ).get();
			try ( ModelFile.Loaded m = ModelFile.load( model, 0 ) )
			{
				final float[] expected = ( float[] ) AnomalyMap.compute( m, defective,
						new AnomalyMap.Options().sigma( 1.5 ).smoothSigned( true ), Progress.none() ).getProcessor()
						.getPixels();
				final float[] got = ( float[] ) ( ( ImagePlus ) signed.getOutput( "anomaly_map" ) ).getProcessor()
						.getPixels();
				final float[] unsigned = ( float[] ) ( ( ImagePlus ) whole.getOutput( "anomaly_map" ) ).getProcessor()
						.getPixels();
				double maxDiff = 0, meanSigned = 0, meanUnsigned = 0;
				for ( int i = 0; i < got.length; i++ )
				{
					maxDiff = Math.max( maxDiff, Math.abs( got[ i ] - expected[ i ] ) );
					meanSigned += got[ i ] / got.length;
					meanUnsigned += unsigned[ i ] / got.length;
				}
				assertEquals( 0, maxDiff, 1e-4 );
				// |smooth(d)| <= smooth(|d|) pixel by pixel, so the mean drops
				assertTrue( meanSigned < meanUnsigned, meanSigned + " vs " + meanUnsigned );
			}
			// thresholds calibrated on a defect-free crop of the same brick, outside the training rows, passed as a file
			ip.setRoi( 0, 320, 128, 128 );
			final ImagePlus heldOut = new ImagePlus( "brick-normal", ip.crop() );
			final Path normalFile = dir.resolve( "brick-normal.tif" );
			ij.IJ.saveAsTiff( heldOut, normalFile.toString() );
			final CommandModule calibrated = cs.run( SegmentByReconstructionCommand.class, true, "input", defective,
					"model_file", model.toFile(), "threshold_method", "Calibrated",
					"threshold_value", 1e-3, "smoothing_sigma", 1.5, "smooth_signed", false, "min_size", 15,
					"seed_threshold", 0, "normal_image", normalFile.toFile(),
					"seed_false_positive_rate", 1e-4, "tile_size", 0, "average_orientations", false ).get();
			assertTrue( !calibrated.isCanceled(), calibrated.getCancelReason() );
			try ( ModelFile.Loaded m = ModelFile.load( model, 0 ) )
			{
				final ImagePlus normalMap = AnomalyMap.compute( m, heldOut, new AnomalyMap.Options().sigma( 1.5 ),
						Progress.none() );
				final ImagePlus mask = ( ImagePlus ) calibrated.getOutput( "mask" );
				final double t = Thresholds.calibrated( normalMap, 1e-3 ),
						seed = Math.max( t, Thresholds.calibrated( normalMap, 1e-4 ) );
				assertEquals( String.format( java.util.Locale.ROOT, "threshold=%.6g", t ), mask.getProperty( "Info" ) );
				final ReconstructionSegmenter.Settings manual = ReconstructionSegmenter.Settings.of( "Value", t, 1.5,
						15 );
				manual.seedThreshold = seed;
				final Segmentation expected = ReconstructionSegmenter.segment( m, defective, manual, Progress.none() );
				assertArrayEquals( ( byte[] ) expected.mask.getProcessor().getPixels(),
						( byte[] ) mask.getProcessor().getPixels() );
				final ImagePlus calibratedLabels = ( ImagePlus ) calibrated.getOutput( "labels" );
				System.out.println( "brick, calibrated at FPR 1e-3 / seed 1e-4: threshold " + t + ", seed " + seed
						+ ", " + Labeling.count( calibratedLabels ) + " objects" );
				for ( final int[] d : DEFECTS )
					assertTrue( calibratedLabels.getProcessor().get( d[ 0 ], d[ 1 ] ) > 0,
							"calibrated: defect at " + d[ 0 ] + ", " + d[ 1 ] + " found" );
			}
			final CommandModule noNormal = cs.run( SegmentByReconstructionCommand.class, true, "input", defective,
					"model_file", model.toFile(), "threshold_method", "Calibrated",
					"threshold_value", 1e-3, "smoothing_sigma", 1.5, "smooth_signed", false, "min_size", 15,
					"seed_threshold", 0, "normal_image", null,
					"seed_false_positive_rate", 0, "tile_size", 0, "average_orientations", false ).get();
			assertTrue( noNormal.isCanceled() && noNormal.getCancelReason().contains( "normal (defect-free) image" ),
					noNormal.getCancelReason() );
			final CommandModule missing = cs.run( SegmentByReconstructionCommand.class, true, "input", defective,
					"model_file", dir.resolve( "none.zip" ).toFile() ).get();
			assertTrue( missing.isCanceled() && missing.getCancelReason().contains( "does not exist" ),
					missing.getCancelReason() );
		}
	}
}
