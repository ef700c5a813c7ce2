package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;

/** Train Segmenter's choice of the kept epoch by the held-out images' Dice ({@link HeldOutDice}). */
class HeldOutDiceTest
{
	@TempDir
	Path dir;

	@Test
	void diceOfAHandMadeCase()
	{
		// 2 classes, 8 pixels; target one-hot (background, class 1, class 2) per pixel
		final int[] truth = { 0, 1, 1, 1, 2, 2, 0, 0 }, predicted = { 0, 1, 1, 2, 2, 0, 1, 0 };
		final float[] target = new float[ 8 * 3 ];
		final float[][] prob = new float[ 3 ][ 8 ];
		for ( int i = 0; i < 8; i++ )
		{
			target[ i * 3 + truth[ i ] ] = 1;
			prob[ predicted[ i ] ][ i ] = 0.8f;
			prob[ ( predicted[ i ] + 1 ) % 3 ][ i ] = 0.15f;
			prob[ ( predicted[ i ] + 2 ) % 3 ][ i ] = 0.05f;
		}
		// class 1: truth {1,2,3}, predicted {1,2,6}: 2 * 2 / 6; class 2: truth {4,5}, predicted {3,4}: 2 * 1 / 4
		assertArrayEquals( new double[] { 4.0 / 6, 2.0 / 4 }, HeldOutDice.dice( prob, target, 8, 3 ), 1e-12 );
		// a foreground probability of 0.45 at most is background (threshold 0.5): class 2 at pixel 4 lost
		prob[ 2 ][ 4 ] = 0.45f;
		prob[ 0 ][ 4 ] = 0.5f;
		assertArrayEquals( new double[] { 4.0 / 6, 0 }, HeldOutDice.dice( prob, target, 8, 3 ), 1e-12 );
		// binary: a class in neither truth nor prediction counts 1
		assertArrayEquals( new double[] { 1 },
				HeldOutDice.dice( new float[][] { new float[ 4 ] }, new float[ 4 ], 4, 1 ),
				0 );
	}

	@Test
	@Tag( "slow" ) // trains
	void theKeptEpochIsTheOneWithTheBestHeldOutDice() throws Exception
	{
		trainAndCheck( 0 );
	}

	@Test
	@Tag( "slow" ) // trains
	void withWeightAveragingTheAveragedWeightsAreScoredKeptAndSaved() throws Exception
	{
		trainAndCheck( 0.9 );
	}

	/** Trains with selection by held-out Dice; the kept epoch is the best-scored one and the saved model scores it again. */
	void trainAndCheck( final double averaging ) throws Exception
	{
		final List< ImagePlus > images = new ArrayList<>(), masks = new ArrayList<>();
		for ( int i = 0; i < 7; i++ )
		{
			final ImagePlus[] s = MultiClassSegmenterTest.scene( 64, 10 + i );
			images.add( s[ 0 ] );
			masks.add( s[ 1 ] );
		}
		final SegmenterSettings s = new SegmenterSettings();
		s.scale = 1;
		s.epochs = 20;
		s.patchesPerEpoch = 128;
		s.patchSize = 32;
		s.patience = 0;
		s.layers = null;
		s.convsPerLevel = 1;
		s.intensityAugmentation = 0.2;
		s.validationFraction = 0.3; // 2 of the 7 images held out
		s.selection = SegmenterSettings.DICE;
		s.weightAveraging = averaging;
		final Path file = dir.resolve( "dice.aemodel.zip" );
		final SegmenterTrainer.Result r = SegmenterTrainer.train( s, images, masks, null, null, file, new Trainer(),
				TrainingListener.none() );
		int argmax = 0, argminLoss = 0;
		double best = -1, lowest = Double.POSITIVE_INFINITY;
		for ( final History.Epoch e : r.history.epochs )
		{
			System.out.println( e );
			assertTrue( e.validationScore >= 0 && e.validationScore <= 1, "a Dice every epoch: " + e );
			if ( e.validationScore > best )
			{
				best = e.validationScore;
				argmax = e.epoch;
			}
			if ( e.validationLoss < lowest )
			{
				lowest = e.validationLoss;
				argminLoss = e.epoch;
			}
		}
		System.out.println( r.training.message + " (lowest validation loss: epoch " + argminLoss + ")" );
		assertEquals( argmax, r.training.bestEpoch, r.training.message );
		assertTrue(
				r.training.message.contains( String.format( java.util.Locale.ROOT, "validation score %.4f", best ) ),
				r.training.message );
		assertTrue( best > 0.6, "the held-out Dice grew: " + best );
		// the saved model is that epoch's: its Dice on the same held-out planes, recomputed, is the recorded one
		final List< SegmentPatches.Plane > train = new ArrayList<>(), val = new ArrayList<>();
		for ( int i = 0; i < images.size(); i++ )
			SegmenterTrainer.planes( images.get( i ), masks.get( i ), 2, 1, 32, 1, train );
		SegmenterTrainer.holdOut( train, val, 0.3, 32, 3, 1 );
		assertEquals( 2, val.size() );
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			final HeldOutDice d = new HeldOutDice( val, 1 );
			final double again = d.applyAsDouble( m.model() );
			assertEquals( best, again, 1e-4, "per class " + java.util.Arrays.toString( d.perClass() ) );
		}
	}
}
