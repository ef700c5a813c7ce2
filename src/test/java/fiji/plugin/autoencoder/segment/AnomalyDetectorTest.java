package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.SyntheticAnomalies;
import fiji.plugin.autoencoder.train.TrainingListener;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

@Tag( "slow" ) // training quality: excluded from the fast tier (mvn test -Pfast)
class AnomalyDetectorTest
{
	@TempDir
	Path dir;

	/** Weak defects (x, y, radius, grey-level shift) in a held-out brick crop: within the texture's own intensity range, so intensity thresholds miss them. */
	private static final int[][] DEFECTS = { { 40, 40, 7, 70 }, { 150, 60, 6, -70 }, { 90, 150, 8, 60 } };

	@Test
	void anomalyDetectorSeparatesWeakDefectsFromTextureBetterThanAPlainAutoencoder() throws Exception
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

		final ImagePlus truthImp = new ImagePlus( "truth", truth );
		final Path detectorFile = train( "Anomaly detector (normal images)", normal, true );
		final double detector = separation( detectorFile, heldOut, defective, truthImp, true );
		final double plain = separation( train( "Conv autoencoder", normal, false ), heldOut, defective, truthImp,
				false );
		// threshold-free: the mean error inside the defects in units of the 99.9th percentile of the error on held-out normal texture
		assertTrue( detector > 1.5, "anomaly detector: defects' mean error / normal 99.9th percentile = " + detector );
		assertTrue( detector > 1.4 * plain,
				"anomaly detector " + detector + " vs plain conv autoencoder " + plain + " trained alike" );

		// second stage: the learned comparison of image and reconstruction, trained on painted copies of the normal texture
		final AnomalySegmenter.Settings s = new AnomalySegmenter.Settings();
		s.epochs = 10;
		s.patchesPerEpoch = 512;
		s.patience = 0;
		s.copies = 8;
		final Path segmenterFile = dir.resolve( "segmenter.aemodel.zip" );
		// cancelled while preparing: a clear message, nothing written, the detector untouched
		final byte[] detectorBytes = java.nio.file.Files.readAllBytes( detectorFile );
		final Progress cancelled = new Progress()
		{
			@Override
			public void report( final long done, final long total, final String message )
			{}

			@Override
			public boolean isCancelled()
			{
				return true;
			}
		};
		final String why = assertThrows( java.util.concurrent.CancellationException.class,
				() -> AnomalySegmenter.train( detectorFile, Collections.singletonList( normal ), segmenterFile, s, null,
						TrainingListener.none(), cancelled ) )
				.getMessage();
		assertTrue( why.contains( detectorFile.toString() ), why );
		assertFalse( java.nio.file.Files.exists( segmenterFile ) );
		assertArrayEquals( detectorBytes, java.nio.file.Files.readAllBytes( detectorFile ) );
		AnomalySegmenter.train( detectorFile, Collections.singletonList( normal ), segmenterFile, s, null,
				TrainingListener.none(), Progress.none() );
		try ( ModelFile.Loaded m = ModelFile.load( segmenterFile, 0 ) )
		{
			assertTrue( AnomalySegmenter.isAnomalySegmenter( m ) );
			assertEquals( 2, m.model().spec().channels, "image and reconstruction" );
			final ImagePlus p = AnomalySegmenter.probability( m, defective, new ImageRunner.Options(),
					Progress.none() );
			final ImageRunner.Options tiles = new ImageRunner.Options();
			tiles.tileSize = new int[] { 96, 96 }; // with the 40-px halo: 16 x 16 core pixels per tile
			final ImagePlus tiled = AnomalySegmenter.probability( m, defective, tiles, Progress.none() );
			final float[] pv = ( float[] ) p.getProcessor().getPixels(),
					tv = ( float[] ) tiled.getProcessor().getPixels();
			for ( int i = 0; i < pv.length; i++ )
			{
				assertTrue( pv[ i ] >= 0 && pv[ i ] <= 1, "a probability: " + pv[ i ] );
				assertEquals( pv[ i ], tv[ i ], "tiled and untiled agree exactly at pixel " + i );
			}
			// Segment by Reconstruction's map is this probability
			assertArrayEquals( pv, ( float[] ) AnomalyMap
					.compute( m, defective, new AnomalyMap.Options(), Progress.none() ).getProcessor().getPixels() );
			double inside = 0, outside = 0;
			int n = 0;
			for ( int i = 0; i < pv.length; i++ )
				if ( truth.get( i ) != 0 )
				{
					inside += pv[ i ];
					n++;
				}
				else
					outside += pv[ i ];
			inside /= n;
			outside /= pv.length - n;
			final Segmentation seg = ReconstructionSegmenter.fromMap( p,
					ReconstructionSegmenter.Settings.of( "Value", 0.5, 0, 10 ) );
			final double dice = Evaluation.dice( seg.mask, truthImp );
			System.out.println( "anomaly segmenter: mean probability in defects " + inside + ", elsewhere " + outside
					+ ", " + seg.objectCount + " objects at 0.5, Dice " + dice );
			assertTrue( inside > 0.5 && outside < 0.05,
					"mean probability inside the defects " + inside + ", outside " + outside );
			for ( final int[] d : DEFECTS )
				assertTrue( seg.labels.getProcessor().get( d[ 0 ], d[ 1 ] ) > 0,
						"defect at " + d[ 0 ] + ", " + d[ 1 ] + " found at probability 0.5" );
			assertTrue( dice > 0.5, "pixel Dice at probability 0.5: " + dice );
			final String msg = assertThrows( IllegalArgumentException.class,
					() -> AnomalySegmenter.probability( m,
							new ImagePlus( "rgb", new ij.process.ColorProcessor( 64, 64 ) ), new ImageRunner.Options(),
							Progress.none() ) )
					.getMessage();
			assertTrue( msg.contains( "3 channel(s)" ) && msg.contains( "trained on images with 1" ), msg );
		}
	}

	private Path train( final String mode, final ImagePlus normal, final boolean detector ) throws Exception
	{
		final TrainingSettings settings = new TrainingSettings();
		settings.mode = mode;
		settings.epochs = 10;
		settings.patchesPerEpoch = 256;
		settings.patience = 0;
		final Path model = dir.resolve( mode.replace( ' ', '_' ) + ".aemodel.zip" );
		final ImageTrainingJob job = settings.job( normal, null, model );
		if ( detector )
			assertTrue( job.spec.residual && job.spec.skipConnections
					&& job.normalizedTransform instanceof SyntheticAnomalies, job.spec.toJson() );
		job.run( Collections.singletonList( normal ), settings.targets( null ), TrainingListener.none() );
		return model;
	}

	/** Mean smoothed error inside the defects / 99.9th percentile on held-out normal texture; with {@code segment}, also checks the segmentation. */
	private static double separation( final Path model, final ImagePlus heldOut, final ImagePlus defective,
			final ImagePlus truth, final boolean segment ) throws Exception
	{
		try ( ModelFile.Loaded m = ModelFile.load( model, 0 ) )
		{
			final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( "Value", 0, 2, 40 );
			final ImagePlus normalMap = AnomalyMap.compute( m, heldOut, s.map, Progress.none() );
			final ImagePlus map = AnomalyMap.compute( m, defective, s.map, Progress.none() );
			final float[] v = ( float[] ) map.getProcessor().getPixels();
			double inside = 0;
			int n = 0;
			for ( int i = 0; i < v.length; i++ )
				if ( truth.getProcessor().get( i ) != 0 )
				{
					inside += v[ i ];
					n++;
				}
			final double normal = Thresholds.calibrated( normalMap, 1e-3 );
			final double ratio = inside / n / normal;
			if ( segment )
			{
				// calibrated on defect-free texture only; hysteresis: a 10x rarer value must be reached inside each object
				s.thresholdValue = normal;
				s.seedThreshold = Thresholds.calibrated( normalMap, 1e-4 );
				final Segmentation seg = ReconstructionSegmenter.fromMap( map, s );
				final double dice = Evaluation.dice( seg.mask, truth );
				final ImageProcessor ip = defective.getProcessor().convertToFloat();
				final double otsuDice = Evaluation.dice(
						Thresholds.mask( new ImagePlus( "i", ip ), Thresholds.otsu( ( float[] ) ip.getPixels() ) ),
						truth );
				System.out.println( "anomaly detector: separation " + ratio + ", " + seg.objectCount + " objects, Dice "
						+ dice + " (Otsu on intensity " + otsuDice + ")" );
				for ( final int[] d : DEFECTS )
					assertTrue( seg.labels.getProcessor().get( d[ 0 ], d[ 1 ] ) > 0,
							"defect at " + d[ 0 ] + ", " + d[ 1 ] + " found" );
				assertTrue( dice > 0.4 && dice > 4 * otsuDice,
						"pixel Dice " + dice + " vs Otsu on intensity " + otsuDice );
			}
			else
				System.out.println( "plain conv autoencoder: separation " + ratio );
			return ratio;
		}
	}
}
