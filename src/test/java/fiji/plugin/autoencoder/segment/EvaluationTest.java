package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.process.ShortProcessor;

class EvaluationTest
{
	private static ImagePlus labels( final int w, final int h, final int[][] boxes )
	{
		final ShortProcessor sp = new ShortProcessor( w, h );
		for ( final int[] b : boxes ) // x, y, width, height, label
			for ( int y = b[ 1 ]; y < b[ 1 ] + b[ 3 ]; y++ )
				for ( int x = b[ 0 ]; x < b[ 0 ] + b[ 2 ]; x++ )
					sp.set( x, y, b[ 4 ] );
		return new ImagePlus( "labels", sp );
	}

	@Test
	void pixelDiceAndIoU()
	{
		final ImagePlus a = labels( 20, 20, new int[][] { { 0, 0, 10, 10, 1 } } ); // 100 px
		final ImagePlus b = labels( 20, 20, new int[][] { { 5, 0, 10, 10, 7 } } ); // 100 px, 50 shared
		assertEquals( 2 * 50 / 200.0, Evaluation.dice( a, b ), 1e-12 );
		assertEquals( 50 / 150.0, Evaluation.iou( a, b ), 1e-12 );
		assertEquals( 1, Evaluation.dice( a, a ), 0 );
		final ImagePlus empty = labels( 20, 20, new int[ 0 ][] );
		assertEquals( 1, Evaluation.dice( empty, empty ), 0 );
		assertEquals( 0, Evaluation.dice( a, empty ), 0 );
		final String m = assertThrows( IllegalArgumentException.class,
				() -> Evaluation.dice( a, labels( 10, 20, new int[ 0 ][] ) ) ).getMessage();
		assertTrue( m.contains( "20 x 20" ) && m.contains( "10 x 20" ), m );
	}

	@Test
	void objectsMatchOneToOneAboveTheIoU()
	{
		// truth: three 10x10 squares; prediction: one shifted by 2 (IoU 80/120 = 0.67), one shifted by 5 (IoU 50/150 = 0.33), one false object
		final ImagePlus truth = labels( 60, 20,
				new int[][] { { 0, 0, 10, 10, 1 }, { 20, 0, 10, 10, 2 }, { 40, 0, 10, 10, 3 } } );
		final ImagePlus pred = labels( 60, 20,
				new int[][] { { 2, 0, 10, 10, 5 }, { 25, 0, 10, 10, 9 }, { 45, 12, 5, 5, 4 } } );
		final Evaluation.ObjectScores s = Evaluation.objects( pred, truth, 0.5 );
		assertEquals( 1, s.matched );
		assertEquals( 3, s.predicted );
		assertEquals( 3, s.actual );
		assertEquals( 1 / 3.0, s.precision(), 1e-12 );
		assertEquals( 1 / 3.0, s.recall(), 1e-12 );
		assertEquals( 80 / 120.0, s.meanMatchedIoU, 1e-12 );
		final Evaluation.ObjectScores loose = Evaluation.objects( pred, truth, 0.3 );
		assertEquals( 2, loose.matched );
		// one big prediction over two true objects matches at most one of them
		final ImagePlus merged = labels( 60, 20, new int[][] { { 0, 0, 30, 10, 1 } } );
		assertEquals( 1, Evaluation.objects( merged, truth, 0.0 ).matched );
	}
}
