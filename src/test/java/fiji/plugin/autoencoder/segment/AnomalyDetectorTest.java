package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.Progress;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.denoise.TrainingSettings;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

class AnomalyDetectorTest
{
	@TempDir
	Path dir;

	/** Weak defects (x, y, radius, grey-level shift) in a held-out brick crop: within the texture's own intensity range, so intensity thresholds miss them. */
	private static final int[][] DEFECTS = { { 40, 40, 7, 70 }, { 150, 60, 6, -70 }, { 90, 150, 8, 60 } };

	@Test
	void anomalyDetectorModeFindsWeakDefectsThatAThresholdOnNormalTextureKeepsApart() throws Exception
	{
		final ImagePlus brick = TestImages.open( "brick.png" );
		final ImageProcessor ip = brick.getProcessor();
		ip.setRoi( 0, 0, 512, 192 );
		final ImagePlus normal = new ImagePlus( "brick-train", ip.crop() );
		ip.setRoi( 0, 192, 512, 64 );
		final ImagePlus heldOut = new ImagePlus( "brick-heldout", ip.crop() );
		ip.setRoi( 256, 300, 192, 192 );
		final ImageProcessor test = ip.crop();
		final ByteProcessor truth = new ByteProcessor( test.getWidth(), test.getHeight() );
		for ( final int[] d : DEFECTS )
			for ( int y = 0; y < test.getHeight(); y++ )
				for ( int x = 0; x < test.getWidth(); x++ )
					if ( Math.hypot( x - d[ 0 ], y - d[ 1 ] ) <= d[ 2 ] )
					{
						test.setf( x, y, Math.max( 0, Math.min( 255, test.getf( x, y ) + d[ 3 ] ) ) );
						truth.set( x, y, 255 );
					}
		final ImagePlus defective = new ImagePlus( "brick-defects", test );

		final TrainingSettings settings = new TrainingSettings();
		settings.mode = "Anomaly detector (normal images)";
		settings.epochs = 10;
		settings.patchesPerEpoch = 256;
		settings.patience = 0;
		final Path model = dir.resolve( "anomaly.aemodel.zip" );
		final ImageTrainingJob job = settings.job( normal, null, model );
		assertTrue( job.spec.residual && job.spec.skipConnections && job.normalizedTransform instanceof SyntheticAnomalies, job.spec.toJson() );
		job.run( Collections.singletonList( normal ), settings.targets( null ), TrainingListener.none() );

		try ( ModelFile.Loaded m = ModelFile.load( model, 0 ) )
		{
			final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( "Value", 0, 2, 40 );
			s.thresholdValue = Thresholds.calibrated( AnomalyMap.compute( m, heldOut, s.map, Progress.none() ), 1e-4 );
			final Segmentation seg = ReconstructionSegmenter.segment( m, defective, s, Progress.none() );
			final double dice = Evaluation.dice( seg.mask, new ImagePlus( "truth", truth ) );
			final double otsuDice = Evaluation.dice( Thresholds.mask( new ImagePlus( "i", test.convertToFloat() ), Thresholds.otsu( ( float[] ) test.convertToFloat().getPixels() ) ), new ImagePlus( "truth", truth ) );
			final Evaluation.ObjectScores objects = Evaluation.objects( seg.labels, Labeling.label( new ImagePlus( "truth", truth ), Labeling.Connectivity.EIGHT, 0 ), 0.3 );
			System.out.println( "anomaly detector: threshold " + s.thresholdValue + ", " + Labeling.count( seg.labels ) + " objects, Dice " + dice + " (Otsu on intensity " + otsuDice + "), object precision " + objects.precision() + ", recall " + objects.recall() );
			for ( final int[] d : DEFECTS )
				assertTrue( seg.labels.getProcessor().get( d[ 0 ], d[ 1 ] ) > 0, "defect at " + d[ 0 ] + ", " + d[ 1 ] + " found (threshold " + s.thresholdValue + ")" );
			// a brief training (10 x 256 patches): at most one false object; the bench (bench/TextureBench) trains 20 x 1024
			assertTrue( Labeling.count( seg.labels ) <= DEFECTS.length + 1, Labeling.count( seg.labels ) + " objects for " + DEFECTS.length + " defects" );
			assertTrue( dice > 0.5 && dice > 4 * otsuDice, "pixel Dice " + dice + " vs Otsu on intensity " + otsuDice );
		}
	}
}
