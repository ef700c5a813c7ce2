package fiji.plugin.autoencoder.segment;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.MacroCalls;
import fiji.plugin.autoencoder.commands.SegmentByReconstructionCommand;
import fiji.plugin.autoencoder.commands.TrainAutoencoderCommand;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * The "Anomaly segmenter (normal images)" mode end to end through the SciJava
 * commands with their macro keys: one file with both stages (each with its own
 * history), Segment by Reconstruction on it gives a probability map (also
 * averaged over 8 orientations), and a resume of this mode is refused with the
 * way out.
 */
@Tag( "slow" ) // training quality: excluded from the fast tier (mvn test -Pfast)
class AnomalySegmenterModeTest
{
	@TempDir
	Path dir;

	@Test
	void trainsBothStagesIntoOneFileThatSegmentByReconstructionReads() throws Exception
	{
		final ImageProcessor ip = TestImages.open( "brick.png" ).getProcessor();
		ip.setRoi( 0, 0, 256, 160 );
		final ImagePlus normal = new ImagePlus( "brick-normal", ip.crop() );
		ip.setRoi( 256, 300, 128, 128 );
		final ImagePlus test = new ImagePlus( "brick-test", ip.crop() );
		final Path file = dir.resolve( "segmenter.aemodel.zip" );
		try ( Context context = new Context() )
		{
			final CommandService cs = context.service( CommandService.class );
			final CommandModule train = cs.run( TrainAutoencoderCommand.class, true, "input", normal, "mode",
					"Anomaly segmenter (normal images)", "model_file", file.toFile(),
					"resume", false, "epochs", 2, "patches_per_epoch", 64, "patch_size", 64, "batch_size", 16,
					"validation_fraction", 0.1, "patience", 0, "learning_rate", 1e-3,
					"l2", 1e-4, "seed", 7L, "show_plot", false ).get();
			assertFalse( train.isCanceled(), train.getCancelReason() );
			assertTrue( ( ( String ) train.getOutput( "result" ) ).contains( "Saved" ),
					( String ) train.getOutput( "result" ) );
			try ( ModelFile.Loaded m = ModelFile.load( file, 1 ) )
			{
				assertTrue( AnomalySegmenter.isAnomalySegmenter( m ) );
				final ModelFile.Loaded detector = m.embedded( ModelFile.RECONSTRUCTION_MODEL );
				assertEquals( "anomaly_detector", detector.model().spec().name );
				assertEquals( 1, detector.model().spec().channels );
				assertEquals( 2, m.model().spec().channels, "image and reconstruction" );
				assertEquals( 1e-4, m.model().spec().l2, 1e-12, "the command's l2 goes to the second stage" );
				assertEquals( 0, detector.model().spec().l2, 0, "the detector trains as in mode Anomaly detector" );
				assertEquals( 2, History.fromJson( m.extras().get( ModelFile.HISTORY ) ).epochs.size(),
						"second stage history" );
				assertEquals( 2, History.fromJson( detector.extras().get( ModelFile.HISTORY ) ).epochs.size(),
						"first stage history" );
			}

			final CommandModule seg = cs.run( SegmentByReconstructionCommand.class, true, "input", test, "model_file",
					file.toFile(), "threshold_method", "Value",
					"threshold_value", 0.5, "smoothing_sigma", 0.0, "smooth_signed", false, "min_size", 10,
					"seed_threshold", 0.0, "seed_false_positive_rate", 0.0, "tile_size", 0, "average_orientations",
					false ).get();
			// NB: normal_image is left unset here; SciJava must neither prompt for it nor cancel
			assertFalse( seg.isCanceled(), seg.getCancelReason() );
			final ImagePlus map = ( ImagePlus ) seg.getOutput( "anomaly_map" );
			assertNotNull( map );
			assertEquals( 128, map.getWidth() );
			for ( final float f : ( float[] ) map.getProcessor().getPixels() )
				assertTrue( f >= 0 && f <= 1, "the map of an anomaly segmenter is a probability: " + f );
			// given to Denoise, the segmenter says what it is and where to use it
			try ( ModelFile.Loaded m = ModelFile.load( file, 1 ) )
			{
				final String msg = org.junit.jupiter.api.Assertions.assertThrows( IllegalArgumentException.class,
						() -> ModelFileRunner.apply( m, test, fiji.plugin.autoencoder.convert.OutputType.FLOAT_32,
								"denoised", new ImageRunner.Options(), Progress.none() ) )
						.getMessage();
				assertTrue( msg.contains( "is an anomaly segmenter" ) && msg.contains( "Segment by Reconstruction" ),
						msg );
			}
			// from a plain ImageJ macro: files written, the mask of the same settings, one CSV row per object
			final Path testFile = dir.resolve( "brick-test.tif" );
			assertTrue( new ij.io.FileSaver( test ).saveAsTiff( testFile.toString() ) );
			final Path out = dir.resolve( "macro out" );
			final String count = MacroCalls.segment( "input=[" + testFile + "] model_file=[" + file
					+ "] threshold_method=Percentile threshold_value=99 smoothing_sigma=0 min_size=3 output_folder=["
					+ out + "]" );
			final Segmentation expected;
			try ( ModelFile.Loaded m = ModelFile.load( file, 1 ) )
			{
				expected = ReconstructionSegmenter.segment( m, test,
						ReconstructionSegmenter.Settings.of( "Percentile", 99, 0, 3 ), Progress.none() );
			}
			assertTrue( expected.objectCount > 0, "the 1 % most anomalous pixels make objects" );
			assertEquals( Integer.toString( expected.objectCount ), count );
			assertArrayEquals( ( byte[] ) expected.mask.getProcessor().getPixels(), ( byte[] ) ij.IJ
					.openImage( out.resolve( "brick-test-mask.tif" ).toString() ).getProcessor().getPixels() );
			assertEquals( expected.objectCount,
					Labeling.count( ij.IJ.openImage( out.resolve( "brick-test-labels.tif" ).toString() ) ) );
			final java.util.List< String > csv = java.nio.file.Files
					.readAllLines( out.resolve( "brick-test-objects.csv" ) );
			assertEquals( expected.objectCount + 1, csv.size(), "header plus one row per object: " + csv );
			assertTrue( csv.get( 0 ).contains( "Area" ) && csv.get( 0 ).contains( "Max" ), csv.get( 0 ) );
			assertTrue( java.nio.file.Files.isRegularFile( out.resolve( "brick-test-anomaly.tif" ) ) );
			// no objects: the header alone
			MacroCalls.segment( "input=[" + testFile + "] model_file=[" + file
					+ "] threshold_method=Value threshold_value=2 smoothing_sigma=0 min_size=3 output_folder=[" + out
					+ "]" );
			assertEquals( java.util.Arrays.asList( "Label,Area,X,Y,Mean,Max" ),
					java.nio.file.Files.readAllLines( out.resolve( "brick-test-objects.csv" ) ) );
			final String missing = MacroCalls.segment( "input=[" + testFile + "]" );
			assertTrue( missing.startsWith( "error" ) && missing.contains( "Missing model_file" ), missing );
			// 8 orientations: both stages averaged, the same as AnomalySegmenter.probability with that option
			final CommandModule tta = cs.run( SegmentByReconstructionCommand.class, true, "input", test, "model_file",
					file.toFile(), "threshold_method", "Value",
					"threshold_value", 0.5, "smoothing_sigma", 0.0, "smooth_signed", false, "min_size", 10,
					"seed_threshold", 0.0, "seed_false_positive_rate", 0.0, "tile_size", 0, "average_orientations",
					true ).get();
			assertFalse( tta.isCanceled(), tta.getCancelReason() );
			final float[] averaged = ( float[] ) ( ( ImagePlus ) tta.getOutput( "anomaly_map" ) ).getProcessor()
					.getPixels();
			try ( ModelFile.Loaded m = ModelFile.load( file, 1 ) )
			{
				final ImageRunner.Options o = new ImageRunner.Options();
				o.averageOrientations = true;
				assertArrayEquals( ( float[] ) AnomalySegmenter.probability( m, test, o, Progress.none() )
						.getProcessor().getPixels(), averaged );
			}
			assertFalse( java.util.Arrays.equals( averaged, ( float[] ) map.getProcessor().getPixels() ),
					"averaging changes the map" );

			final CommandModule resume = cs.run( TrainAutoencoderCommand.class, true, "input", normal, "mode",
					"Anomaly segmenter (normal images)", "model_file", file.toFile(),
					"resume", true, "epochs", 1, "patches_per_epoch", 64, "patch_size", 64, "batch_size", 16,
					"validation_fraction", 0.1, "patience", 0, "learning_rate", 1e-3,
					"seed", 7L, "show_plot", false ).get();
			final String why = resume.isCanceled() ? resume.getCancelReason() : ( String ) resume.getOutput( "result" );
			assertTrue( resume.isCanceled() && why.contains( "cannot resume" ), why );
		}
	}

	/** The listener hears both stages in turn; the second one's epochs say so. */
	@Test
	void theSecondStageIsLabelledInProgress() throws Exception
	{
		final ImageProcessor ip = TestImages.open( "brick.png" ).getProcessor();
		ip.setRoi( 0, 0, 192, 128 );
		final ImagePlus normal = new ImagePlus( "brick-small", ip.crop() );
		final TrainingSettings settings = new TrainingSettings();
		settings.mode = "Anomaly segmenter (normal images)";
		settings.epochs = 1;
		settings.patchesPerEpoch = 32;
		settings.patchSize = 48;
		settings.patience = 0;
		final java.util.List< String > phases = new java.util.ArrayList<>();
		final Path file = dir.resolve( "small.aemodel.zip" );
		final ImageTrainingJob.Result r = settings.run( settings.job( normal, null, file ), normal, null,
				new TrainingListener()
				{
					@Override
					public void epochEnded( final History.Epoch e, final History h )
					{
						phases.add( e.phase + " " + e.epoch );
					}
				}, Progress.none() );
		assertEquals( java.util.Arrays.asList( "train 1", "second stage train 1" ), phases );
		assertEquals( "train", r.history.epochs.get( 0 ).phase, "the saved history keeps its phase" );
		assertEquals( file, r.modelFile );
	}
}
