package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.commands.TrainSegmenterCommand;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/** Multi-class masks, scale factors, shape measurements and the threshold hint of the supervised segmenter. */
@Tag( "slow" ) // training quality: excluded from the fast tier (mvn test -Pfast)
public class MultiClassSegmenterTest
{
	@TempDir
	Path dir;

	/** A noisy image with bright squares (class 1) and dim discs (class 2), and its class mask. */
	static ImagePlus[] scene( final int size, final long seed )
	{
		final Random r = new Random( seed );
		final FloatProcessor img = new FloatProcessor( size, size );
		final ByteProcessor mask = new ByteProcessor( size, size );
		for ( int k = 0; k < size * size / 600; k++ )
		{
			final int cls = 1 + k % 2, cx = 8 + r.nextInt( size - 16 ), cy = 8 + r.nextInt( size - 16 ),
					rad = 4 + r.nextInt( 3 );
			for ( int y = cy - rad; y <= cy + rad; y++ )
				for ( int x = cx - rad; x <= cx + rad; x++ )
					if ( cls == 1 || ( x - cx ) * ( x - cx ) + ( y - cy ) * ( y - cy ) <= rad * rad )
					{
						img.setf( x, y, cls == 1 ? 200 : 110 );
						mask.set( x, y, cls );
					}
		}
		for ( int i = 0; i < size * size; i++ )
			img.setf( i, img.getf( i ) + 20 + ( float ) ( 12 * r.nextGaussian() ) );
		return new ImagePlus[] { new ImagePlus( "scene-" + seed, img ), new ImagePlus( "classes-" + seed, mask ) };
	}

	@Test
	void multiClassMasksTrainAndPredictOneMapPerClass() throws Exception
	{
		final ImagePlus[] train = scene( 128, 1 ), test = scene( 96, 2 );
		final SegmenterSettings s = new SegmenterSettings();
		s.scale = 1;
		s.epochs = 12;
		s.patchesPerEpoch = 160;
		s.patchSize = 32;
		s.patience = 0;
		s.layers = null; // the preset's 3-level U-Net with 1 conv per level: small scene, tiny training
		s.convsPerLevel = 1;
		s.intensityAugmentation = 0.2; // 12 short epochs: the default 0.4 (chosen on ultrasound) gave class 2 Dice 0.66 here
		final Path file = dir.resolve( "classes.aemodel.zip" );
		final SegmenterTrainer.Result r = SegmenterTrainer.train( s, List.of( train[ 0 ] ), List.of( train[ 1 ] ), null,
				null, file, new Trainer(), TrainingListener.none() );
		assertEquals( 2, r.info.classes );
		assertEquals( ModelSpec.Activation.SOFTMAX, ModelFile.readSpec( file ).outputActivation );
		assertEquals( ModelSpec.Loss.DICE_BCE, ModelFile.readSpec( file ).loss );
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			final Segmentation seg = SegmenterPrediction.segment( m, test[ 0 ], 0.5, 0, new ImageRunner.Options(),
					Progress.none() );
			assertEquals( 3, seg.score.getNChannels(), "one probability map per class, background first" );
			double maxSumError = 0;
			for ( int i = 0; i < 96 * 96; i++ )
			{
				double sum = 0;
				for ( int c = 1; c <= 3; c++ )
					sum += seg.score.getStack().getProcessor( c ).getf( i );
				maxSumError = Math.max( maxSumError, Math.abs( sum - 1 ) );
			}
			assertTrue( maxSumError < 1e-4, "probabilities sum to 1, off by " + maxSumError );
			for ( int c = 1; c <= 2; c++ )
			{
				final double d = dice( seg.mask, test[ 1 ], c );
				System.out.println( "class " + c + " Dice " + d );
				assertTrue( d > 0.7, "class " + c + " Dice " + d );
			}
			final ResultsTable t = seg.table;
			assertEquals( seg.objectCount, t.size() );
			boolean one = false, two = false;
			for ( int i = 0; i < t.size(); i++ )
			{
				one |= t.getValue( "Class", i ) == 1;
				two |= t.getValue( "Class", i ) == 2;
			}
			assertTrue( one && two, "objects of both classes in the table" );
			assertTrue( t.columnExists( "Perimeter (pixel)" ) && t.columnExists( "Ellipse perimeter (pixel)" ) );
		}
	}

	static double dice( final ImagePlus classes, final ImagePlus truth, final int c )
	{
		long inter = 0, a = 0, b = 0;
		for ( int i = 0; i < truth.getProcessor().getPixelCount(); i++ )
		{
			final boolean x = classes.getProcessor().get( i ) == c, y = truth.getProcessor().get( i ) == c;
			inter += x && y ? 1 : 0;
			a += x ? 1 : 0;
			b += y ? 1 : 0;
		}
		return 2.0 * inter / ( a + b );
	}

	@Test
	void masksThatSkipOrExceedClassesAreRefusedWithTheValues()
	{
		final ByteProcessor m = new ByteProcessor( 16, 16 );
		m.set( 1, 1, 1 );
		m.set( 2, 2, 3 );
		final List< ImagePlus > masks = List.of( new ImagePlus( "m", m ) );
		String e = assertThrows( IllegalArgumentException.class, () -> MultiClassMasks.classes( masks, 0 ) )
				.getMessage();
		assertTrue( e.contains( "values 1, 3" ) && e.contains( "class 2 never occurs" ), e );
		e = assertThrows( IllegalArgumentException.class, () -> MultiClassMasks.classes( masks, 2 ) ).getMessage();
		assertTrue( e.contains( "values 1, 3" ) && e.contains( "more than the 2 declared classes" ), e );
		e = assertThrows( IllegalArgumentException.class, () -> MultiClassMasks.classes( masks, 1 ) ).getMessage();
		assertTrue( e.contains( "declared binary" ) && e.contains( "1, 3" ), e );
		m.set( 2, 2, 2 );
		assertEquals( 2, MultiClassMasks.classes( masks, 0 ) );
		m.set( 2, 2, 0 );
		m.set( 1, 1, 255 );
		assertEquals( 1, MultiClassMasks.classes( masks, 0 ), "one foreground value is a binary mask" );
	}

	@Test
	void aScaleThatLeavesTheImageTooSmallIsRefusedWithTheLargestUsableFactor()
	{
		final ImagePlus img = new ImagePlus( "img", new ByteProcessor( 100, 70 ) );
		String e = assertThrows( IllegalArgumentException.class,
				() -> SegmentScale.check( img, 10, 8, "the network's size multiple" ) ).getMessage();
		assertTrue( e.contains( "becomes 10 x 7" ) && e.contains( "at most 8" ), e );
		e = assertThrows( IllegalArgumentException.class, () -> SegmentScale.check( img, 2, 64, "the patch size" ) )
				.getMessage();
		assertTrue( e.contains( "at most 1" ), e );
		SegmentScale.check( img, 8, 8, "the network's size multiple" ); // 13 x 9: fine
		// automatic: objects of 40 px in 32-px patches need scale 2
		final ByteProcessor m = new ByteProcessor( 100, 70 );
		m.setRoi( 10, 10, 40, 30 );
		m.setValue( 1 );
		m.fill();
		assertEquals( 2, SegmentScale.auto( List.of( new ImagePlus( "m", m ) ), 32 ) );
		assertEquals( 1, SegmentScale.auto( List.of( new ImagePlus( "m", m ) ), 64 ) );
	}

	@Test
	void shapesAreMeasuredInCalibratedUnits()
	{
		final int r = 20;
		final ByteProcessor disc = new ByteProcessor( 64, 64 );
		for ( int y = 0; y < 64; y++ )
			for ( int x = 0; x < 64; x++ )
				if ( ( x - 31.5 ) * ( x - 31.5 ) + ( y - 31.5 ) * ( y - 31.5 ) <= r * r )
					disc.set( x, y, 1 );
		final ImagePlus labels = new ImagePlus( "l", disc );
		final Calibration cal = new Calibration();
		cal.pixelWidth = cal.pixelHeight = 0.5;
		cal.setUnit( "mm" );
		final ResultsTable t = Labeling.measure( labels, null );
		ShapeMeasures.add( t, labels, cal );
		final double radius = r * 0.5;
		assertEquals( Math.PI * radius * radius, t.getValue( "Area (mm^2)", 0 ), 0.02 * Math.PI * radius * radius );
		assertEquals( 2 * Math.PI * radius, t.getValue( "Perimeter (mm)", 0 ), 0.01 * 2 * Math.PI * radius );
		assertEquals( 2 * radius, t.getValue( "Major (mm)", 0 ), 0.02 * 2 * radius );
		assertEquals( 2 * radius, t.getValue( "Minor (mm)", 0 ), 0.02 * 2 * radius );
		assertEquals( 2 * Math.PI * radius, t.getValue( "Ellipse perimeter (mm)", 0 ), 0.02 * 2 * Math.PI * radius );
		// a 30 x 10 rectangle: its moment ellipse has axes 30 and 10 scaled to the area, ratio 3
		final ByteProcessor rect = new ByteProcessor( 64, 64 );
		rect.setRoi( 5, 20, 30, 10 );
		rect.setValue( 1 );
		rect.fill();
		final ImagePlus rl = new ImagePlus( "r", rect );
		final ResultsTable tr = Labeling.measure( rl, null );
		ShapeMeasures.add( tr, rl, null );
		assertEquals( 3, tr.getValue( "Major (pixel)", 0 ) / tr.getValue( "Minor (pixel)", 0 ), 1e-6 );
		assertEquals( 300, Math.PI / 4 * tr.getValue( "Major (pixel)", 0 ) * tr.getValue( "Minor (pixel)", 0 ), 1e-6 );
		assertEquals( 0, tr.getValue( "Angle (deg)", 0 ), 1e-6 );
		assertEquals( 80 * 0.934, tr.getValue( "Perimeter (pixel)", 0 ), 80 * 0.005 ); // Crofton with 4 directions: 7 % low for axis-aligned sides
		// Ramanujan is exact for a circle and within 1e-4 relative for a 3:1 ellipse (exact 4 E(e) a = 13.3649 for a = 3, b = 1)
		assertEquals( 2 * Math.PI, ShapeMeasures.ramanujan( 1, 1 ), 1e-12 );
		assertEquals( 13.3649, ShapeMeasures.ramanujan( 3, 1 ), 1e-3 );
	}

	@Test
	void aHintWhenTheProbabilityNeverReachesTheThreshold()
	{
		final FloatProcessor p = new FloatProcessor( 32, 32 );
		p.setf( 5, 5, 0.41f );
		final ImagePlus prob = new ImagePlus( "p", p );
		final String hint = SegmenterPrediction.hint( prob, 0.5, 1, 64 );
		assertTrue( hint != null && hint.contains( "maximum is 0.410" ) && hint.contains( "threshold 0.50" )
				&& hint.contains( "lower threshold (e.g. 0.30)" )
				&& hint.contains( "coarser scale" ), hint );
		assertNull( SegmenterPrediction.hint( prob, 0.4, 1, 64 ) );
		// with class maps, the background channel does not count
		final ij.ImageStack st = new ij.ImageStack( 32, 32 );
		final FloatProcessor bg = new FloatProcessor( 32, 32 );
		bg.add( 0.9 );
		st.addSlice( bg );
		st.addSlice( new FloatProcessor( 32, 32 ) );
		st.addSlice( p );
		final ImagePlus classes = new ImagePlus( "c", st );
		classes.setDimensions( 3, 1, 1 );
		assertTrue( SegmenterPrediction.hint( classes, 0.5, 4, 64 ).contains( "256 pixels of the image" ) );
	}

	@Test
	void trainingWithTheDiceLossSavesIt() throws Exception
	{
		final ImagePlus[] s = scene( 64, 3 );
		final ByteProcessor binary = ( ByteProcessor ) s[ 1 ].getProcessor().duplicate();
		binary.multiply( 255 );
		try ( Context context = new Context() )
		{
			final Path file = dir.resolve( "dice.aemodel.zip" );
			final CommandModule m = context.service( CommandService.class )
					.run( TrainSegmenterCommand.class, true, "input", s[ 0 ], "mask", new ImagePlus( "b", binary ),
							"model_file", file.toFile(), "loss", "Dice", "epochs", 1, "patches_per_epoch", 16,
							"patch_size", 32, "scale", 1 )
					.get();
			assertTrue( !m.isCanceled(), m.getCancelReason() );
			assertEquals( ModelSpec.Loss.DICE, ModelFile.readSpec( file ).loss );
			final CommandModule b = context.service( CommandService.class )
					.run( TrainSegmenterCommand.class, true, "input", s[ 0 ], "mask", new ImagePlus( "b", binary ),
							"model_file", file.toFile(), "overwrite", true, "loss", "BCE", "epochs", 1,
							"patches_per_epoch", 16, "patch_size", 32, "scale", 1 )
					.get();
			assertTrue( !b.isCanceled(), b.getCancelReason() );
			assertEquals( ModelSpec.Loss.BCE, ModelFile.readSpec( file ).loss );
		}
		assertEquals( ModelSpec.Loss.DICE,
				SupervisedSegmenter.job( 1, "Dice", 1e-3, dir.resolve( "j.aemodel.zip" ) ).spec.loss );
		assertEquals( ModelSpec.Loss.DICE_BCE,
				SupervisedSegmenter.job( 1, "Dice + BCE", 1e-3, dir.resolve( "j.aemodel.zip" ) ).spec.loss );
		assertTrue( Arrays.asList( SegmenterSettings.LOSSES ).contains( SegmenterSettings.LOSS )
				&& Collections.singletonList( 1 ).size() == 1 );
	}
}
