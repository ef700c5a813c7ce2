import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Locale;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.AnomalyMap;
import fiji.plugin.autoencoder.segment.AnomalySegmenter;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * Segment by reconstruction on real textures (skimage brick, grass, gravel) with 20
 * synthetic defects each ({@code SegmentBench.paintDefects}): the model is trained
 * as the user would, "Train Autoencoder" in mode "Anomaly detector (normal images)"
 * (a residual U-Net that learns to remove random blobs and strokes painted into
 * normal texture), on rows 0-191 of each texture; rows 192-255 are a held-out
 * defect-free strip that calibrates the threshold; rows 256-511 carry the defects.
 * Then mode "Anomaly segmenter (normal images)": the same detector plus the second
 * stage ({@code segment.AnomalySegmenter}, trained with the settings
 * {@code TrainingSettings.run} gives it), evaluated as it is and averaged over 8
 * orientations. Prints a markdown table; settings {@code -Dtx.epochs} (default 40),
 * {@code -Dtx.textures}, {@code -Dtx.work} (model folder), {@code -Dtx.reuse=true}
 * (evaluate the models found there instead of training), {@code -Dtx.seg.epochs},
 * {@code -Dtx.seg.patches}, {@code -Dtx.seg.copies}, {@code -Dtx.seg.l2} (second stage), {@code -Dtx.seg.tag}
 * (added to its file name). Run with
 * {@code bench/run-segment-bench.sh}. Not part of the test suite.
 */
public class TextureBench
{
	public static void main( final String[] args ) throws Exception
	{
		try
		{
			final int epochs = Integer.parseInt( System.getProperty( "tx.epochs", "40" ) );
			System.out.println( "| texture / method | defects | found (recall) | objects | precision | matched IoU>0.5 (P / R) | pixel Dice | pixel Dice Otsu(intensity) | train s |" );
			System.out.println( "|---|---|---|---|---|---|---|---|---|" );
			for ( final String name : System.getProperty( "tx.textures", "brick,grass,gravel" ).split( "," ) )
				texture( name, epochs );
		}
		finally
		{
			System.exit( 0 );
		}
	}

	static void texture( final String name, final int epochs ) throws IOException
	{
		final ImagePlus img = IJ.openImage( SegmentBench.SKIMAGE + name + ".png" );
		final ImageProcessor ip = img.getProcessor();
		ip.setRoi( 0, 0, 512, 192 );
		final ImagePlus normal = new ImagePlus( name + "-train", ip.crop() );
		ip.setRoi( 0, 192, 512, 64 );
		final ImagePlus heldOut = new ImagePlus( name + "-heldout", ip.crop() );
		final SegmentBench.DefectiveHalf d = SegmentBench.DefectiveHalf.of( ip, name );
		final ImagePlus defective = d.defective, truthImp = d.truth, truthLabels = d.truthLabels, otsu = d.otsu;

		// the user's flow: Train Autoencoder, mode "Anomaly detector (normal images)", on the normal part only
		final Path work = Paths.get( System.getProperty( "tx.work", "/tmp/build-sbench/texture-models" ) );
		Files.createDirectories( work );
		final Path file = work.resolve( "anomaly-" + name + ".aemodel.zip" );
		final boolean reuse = Boolean.parseBoolean( System.getProperty( "tx.reuse", "false" ) ) && Files.isRegularFile( file );
		final TrainingSettings settings = new TrainingSettings();
		settings.mode = TrainingMode.ANOMALY_DETECTOR.label;
		settings.epochs = epochs;
		settings.patience = 0;
		final ImageTrainingJob job = settings.job( normal, null, file );
		final long t0 = System.nanoTime();
		if ( !reuse )
			job.run( Collections.singletonList( normal ), Collections.singletonList( normal ), new TrainingListener()
			{
				@Override
				public void epochEnded( final fiji.plugin.autoencoder.train.History.Epoch e, final fiji.plugin.autoencoder.train.History h )
				{
					System.err.println( "  " + name + " " + e );
				}
			} );
		final double trainS = reuse ? Double.NaN : ( System.nanoTime() - t0 ) / 1e9;
		SegmentBench.row( name + ", Otsu threshold of the intensities (baseline, no model)",
				ReconstructionSegmenter.fromMap( new ImagePlus( "intensity", defective.getProcessor().convertToFloat() ), ReconstructionSegmenter.Settings.of( "Otsu", 0, 0, 0 ) ), truthImp, truthLabels, otsu, 0 );
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			// the same rules for every texture, all calibrated on the held-out normal strip only: absolute error smoothed
			// with sigma 1, threshold = the value that 1e-3 of the strip's map exceeds, objects of at least 10 px; the same
			// with hysteresis (objects must reach the 1e-4 value); then two variants. {fpr, seed fpr (0: none), sigma, min size}
			// (the product's calibration: method Calibrated and the seed false-positive rate, Segment by Reconstruction's normal_image)
			for ( final double[] v : new double[][] { { 1e-3, 0, 1, 10 }, { 1e-3, 1e-4, 1, 10 }, { 1e-4, 0, 1, 10 }, { 1e-3, 0, 2, 30 } } )
			{
				final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( "Calibrated", v[ 0 ], v[ 2 ], ( int ) v[ 3 ] );
				if ( v[ 1 ] > 0 )
					s.seedFalsePositiveRate = v[ 1 ];
				final Segmentation seg = ReconstructionSegmenter.fromMap( AnomalyMap.compute( m, defective, s.map, Progress.none() ), AnomalyMap.compute( m, heldOut, s.map, Progress.none() ), s );
				SegmentBench.row( String.format( Locale.ROOT, "%s, anomaly detector, abs. error sigma %.0f, threshold at FPR %.0e of held-out normal texture (%.1f grey levels)%s, min %.0f px",
						name, v[ 2 ], v[ 0 ], seg.threshold, v[ 1 ] > 0 ? String.format( Locale.ROOT, ", objects seeded at FPR %.0e (%.1f)", v[ 1 ], seg.seedThreshold ) : "", v[ 3 ] ),
						seg, truthImp, truthLabels, otsu, trainS );
			}
		}

		// mode "Anomaly segmenter (normal images)": the same detector, then its second stage (TrainingSettings.run's settings)
		final Path segFile = work.resolve( "anomaly-segmenter-" + name + System.getProperty( "tx.seg.tag", "" ) + ".aemodel.zip" );
		final boolean reuseSeg = Boolean.parseBoolean( System.getProperty( "tx.reuse", "false" ) ) && Files.isRegularFile( segFile );
		final AnomalySegmenter.Settings ss = settings.secondStage();
		ss.epochs = Integer.getInteger( "tx.seg.epochs", ss.epochs );
		ss.patchesPerEpoch = Integer.getInteger( "tx.seg.patches", ss.patchesPerEpoch );
		ss.copies = Integer.getInteger( "tx.seg.copies", ss.copies );
		ss.l2 = Double.parseDouble( System.getProperty( "tx.seg.l2", Double.toString( ss.l2 ) ) ); // Train Autoencoder's l2 in this mode
		final long t1 = System.nanoTime();
		if ( !reuseSeg )
			AnomalySegmenter.train( file, Collections.singletonList( normal ), segFile, ss, null, new TrainingListener()
			{
				@Override
				public void epochEnded( final fiji.plugin.autoencoder.train.History.Epoch e, final fiji.plugin.autoencoder.train.History h )
				{
					System.err.println( "  " + name + " segmenter " + e );
				}
			}, Progress.none() );
		final double segS = reuseSeg ? Double.NaN : ( System.nanoTime() - t1 ) / 1e9;
		try ( ModelFile.Loaded m = ModelFile.load( segFile, 0 ) )
		{
			// the second stage's own validation loss (painted copies of the normal rows): how segment.md chooses l2
			final fiji.plugin.autoencoder.train.History h = fiji.plugin.autoencoder.train.History.fromJson( m.extras().get( ModelFile.HISTORY ) );
			System.out.println( String.format( Locale.ROOT, "%s second stage (l2 %s): best validation loss %.4f%s", name, m.model().spec().l2, h.bestValidationLoss(),
					h.overfittingHint() == null ? "" : "; " + h.overfittingHint() ) );
			// both stages as they are, then averaged over the 8 flips and rotations (ImageRunner.Options.averageOrientations)
			segmenterRows( name, m, heldOut, d, false, segS );
			segmenterRows( name, m, heldOut, d, true, segS );
		}
	}

	static void segmenterRows( final String name, final ModelFile.Loaded m, final ImagePlus heldOut, final SegmentBench.DefectiveHalf d, final boolean tta, final double trainS )
	{
		final AnomalyMap.Options o = new AnomalyMap.Options();
		o.tiling.averageOrientations = tta;
		final ImagePlus normalMap = AnomalyMap.compute( m, heldOut, o, Progress.none() );
		final ImagePlus map = AnomalyMap.compute( m, d.defective, o, Progress.none() );
		// {threshold (a probability; or, below 0.1, the FPR on the held-out strip), seed FPR on the held-out strip (0: none), min size}
		for ( final double[] v : new double[][] { { 0.5, 0, 10 }, { 0.5, 0, 30 }, { 1e-3, 0, 10 }, { 0.5, 1e-4, 10 } } )
		{
			final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( v[ 0 ] >= 0.1 ? "Value" : "Calibrated", v[ 0 ], 0, ( int ) v[ 2 ] );
			if ( v[ 1 ] > 0 )
				s.seedFalsePositiveRate = v[ 1 ];
			final Segmentation seg = ReconstructionSegmenter.fromMap( map, normalMap, s );
			SegmentBench.row( String.format( Locale.ROOT, "%s, anomaly segmenter%s, probability %s%.2f%s, min %.0f px", name, tta ? " (8 orientations)" : "",
					v[ 0 ] >= 0.1 ? "" : String.format( Locale.ROOT, "at FPR %.0e of held-out normal texture: ", v[ 0 ] ), seg.threshold,
					v[ 1 ] > 0 ? String.format( Locale.ROOT, ", objects seeded at FPR %.0e of held-out normal texture (%.3f)", v[ 1 ], seg.seedThreshold ) : "", v[ 2 ] ),
					seg, d.truth, d.truthLabels, d.otsu, trainS ); // the second stage's time
		}
	}
}
