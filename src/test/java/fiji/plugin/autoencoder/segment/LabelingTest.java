package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

class LabelingTest
{
	/** 10 x 7: a 3 x 3 ring (hole in the middle), two diagonal-touching pixels, a single pixel, a 2 x 3 bar. */
	private static final String[] MASK = {
			"###.......",
			"#.#....#..",
			"###...#...",
			"..........",
			".........#",
			"...##.....",
			"...##.....",
	};

	private static byte[] pixels( final String[] rows, final int w )
	{
		final byte[] b = new byte[ w * rows.length ];
		for ( int y = 0; y < rows.length; y++ )
			for ( int x = 0; x < w; x++ )
				b[ y * w + x ] = rows[ y ].charAt( x ) == '#' ? ( byte ) 255 : 0;
		return b;
	}

	private static ImagePlus mask()
	{
		return new ImagePlus( "mask", new ByteProcessor( 10, 7, pixels( MASK, 10 ) ) );
	}

	@Test
	void eightAndFourConnectivityInRasterOrder()
	{
		final int[] labels = new int[ 70 ];
		assertEquals( 4, Labeling.label( pixels( MASK, 10 ), 10, 7, Labeling.Connectivity.EIGHT, 0, 1, labels ) );
		assertEquals( 1, labels[ 0 ] );
		assertEquals( 2, labels[ 17 ] ); // (7,1): first pixel of the diagonal pair
		assertEquals( 2, labels[ 26 ] ); // (6,2) touches it by a corner
		assertEquals( 3, labels[ 49 ] );
		assertEquals( 4, labels[ 53 ] );
		assertEquals( 0, labels[ 11 ] ); // the ring's hole
		assertEquals( 5, Labeling.label( pixels( MASK, 10 ), 10, 7, Labeling.Connectivity.FOUR, 0, 1, labels ) );
		assertEquals( 3, labels[ 26 ] );
		// min size 2 drops the single pixel and (4-connected) the diagonal pixels; labels stay consecutive
		assertEquals( 2, Labeling.label( pixels( MASK, 10 ), 10, 7, Labeling.Connectivity.FOUR, 2, 1, labels ) );
		assertEquals( 0, labels[ 49 ] );
		assertEquals( 2, labels[ 53 ] );
	}

	@Test
	void tableAndRoisDescribeEachObject()
	{
		final ImagePlus labels = Labeling.label( mask(), Labeling.Connectivity.EIGHT, 0 );
		assertEquals( 16, labels.getBitDepth() );
		assertEquals( 4, Labeling.count( labels ) );
		final float[] score = new float[ 70 ];
		for ( int i = 0; i < 70; i++ )
			score[ i ] = i; // the value is the pixel index
		final ResultsTable t = Labeling.measure( labels, new ImagePlus( "score", new FloatProcessor( 10, 7, score ) ) );
		assertEquals( 4, t.size() );
		assertArrayEquals( new double[] { 8, 2, 1, 4 }, t.getColumnAsDoubles( t.getColumnIndex( "Area" ) ) );
		assertEquals( 1.5, t.getValue( "X", 0 ), 1e-12 ); // ring centred on (1, 1) + 0.5
		assertEquals( 1.5, t.getValue( "Y", 0 ), 1e-12 );
		assertEquals( ( 17 + 26 ) / 2.0, t.getValue( "Mean", 1 ), 1e-12 );
		assertEquals( 26, t.getValue( "Max", 1 ), 0 );
		assertEquals( 4.0, t.getValue( "X", 3 ), 1e-12 );
		assertEquals( 6.0, t.getValue( "Y", 3 ), 1e-12 );
		assertEquals( ( 53 + 54 + 63 + 64 ) / 4.0, t.getValue( "Mean", 3 ), 1e-12 );

		final List< Roi > rois = Labeling.rois( labels );
		assertEquals( 4, rois.size() );
		final int[] areas = { 8, 2, 1, 4 };
		for ( int k = 0; k < 4; k++ )
		{
			final java.awt.Point[] pts = rois.get( k ).getContainedPoints();
			assertEquals( areas[ k ], pts.length, rois.get( k ).getName() );
			for ( final java.awt.Point p : pts )
				assertEquals( k + 1, labels.getProcessor().get( p.x, p.y ), "ROI " + k + " covers only its object" );
		}
		assertEquals( "object-1", rois.get( 0 ).getName() );
		assertTrue( !rois.get( 0 ).contains( 1, 1 ), "the ring's hole is not in its ROI" );
	}

	@Test
	void manyObjectsGiveA32BitLabelImage()
	{
		final int w = 600, h = 600;
		final byte[] b = new byte[ w * h ];
		for ( int y = 0; y < h; y += 2 )
			for ( int x = 0; x < w; x += 2 )
				b[ y * w + x ] = 1;
		final ImagePlus labels = Labeling.label( new ImagePlus( "dots", new ByteProcessor( w, h, b ) ),
				Labeling.Connectivity.EIGHT, 0 );
		assertEquals( 32, labels.getBitDepth() );
		assertEquals( 90000, Labeling.count( labels ) );
		assertEquals( 90000f, labels.getProcessor().getf( w - 2, h - 2 ), 0 );
	}

	@Test
	void stacksAreLabelledPerPlaneWithUniqueLabels()
	{
		final ij.ImageStack s = new ij.ImageStack( 10, 7 );
		s.addSlice( new ByteProcessor( 10, 7, pixels( MASK, 10 ) ) );
		s.addSlice( new ByteProcessor( 10, 7, pixels( MASK, 10 ) ) );
		final ImagePlus labels = Labeling.label( new ImagePlus( "two", s ), Labeling.Connectivity.EIGHT, 0 );
		assertEquals( 8, Labeling.count( labels ) );
		assertEquals( 5f, labels.getStack().getProcessor( 2 ).getf( 0 ), 0 );
		final ResultsTable t = Labeling.measure( labels, null );
		assertEquals( 2, t.getValue( "Slice", 4 ), 0 );
		final List< Roi > rois = Labeling.rois( labels );
		assertEquals( 8, rois.size() );
		assertEquals( 2, rois.get( 7 ).getZPosition() );
	}
}
