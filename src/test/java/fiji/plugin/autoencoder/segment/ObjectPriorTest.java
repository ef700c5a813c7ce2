package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/** The object prior learned from training masks, flip averaging, and Train Segmenter's time budget. */
@Tag( "slow" ) // trains networks: excluded from the fast tier (mvn test -Pfast)
class ObjectPriorTest
{
	@TempDir
	Path dir;

	private static void disc( final ByteProcessor m, final int cx, final int cy, final int r, final int value )
	{
		for ( int y = cy - r; y <= cy + r; y++ )
			for ( int x = cx - r; x <= cx + r; x++ )
				if ( ( x - cx ) * ( x - cx ) + ( y - cy ) * ( y - cy ) <= r * r )
					m.set( x, y, value );
	}

	private static void disc( final FloatProcessor m, final int cx, final int cy, final int r, final float value )
	{
		for ( int y = cy - r; y <= cy + r; y++ )
			for ( int x = cx - r; x <= cx + r; x++ )
				if ( ( x - cx ) * ( x - cx ) + ( y - cy ) * ( y - cy ) <= r * r )
					m.setf( x, y, value );
	}

	@Test
	void learnsCountsSizesAndHolesFromTheMasks()
	{
		final ByteProcessor a = new ByteProcessor( 64, 64 ), b = new ByteProcessor( 64, 64 );
		disc( a, 16, 16, 6, 1 ); // class 1: one disc per mask
		disc( b, 40, 40, 8, 1 );
		disc( a, 45, 15, 5, 2 ); // class 2: up to two discs, one with a hole
		disc( b, 12, 45, 7, 2 );
		disc( b, 40, 12, 3, 2 );
		b.set( 12, 45, 0 );
		final ObjectPrior p = ObjectPrior.of( List.of( new ImagePlus( "a", a ), new ImagePlus( "b", b ) ), 2 );
		assertArrayEquals( new int[] { 1, 2 }, p.maxObjects );
		assertArrayEquals( new int[] { 113, 29 }, p.minArea, "pixels of a radius-6 and a radius-3 disc" );
		assertEquals( false, p.holes[ 0 ] );
		assertEquals( true, p.holes[ 1 ] );
		assertTrue( p.toString().contains(
				"class 1: the most probable object of at least 56 px, holes filled; class 2: any number of objects (up to 2 in a training mask) of at least 14 px, holes kept" ),
				p.toString() );
		final ObjectPrior back = ObjectPrior.fromJson( p.toJson(), 2 );
		assertArrayEquals( p.maxObjects, back.maxObjects );
		assertArrayEquals( p.minArea, back.minArea );
	}

	@Test
	void keepsTheMostProbableObjectFillsItsHoleAndDropsSpecks()
	{
		final ObjectPrior prior = new ObjectPrior( new int[] { 1 }, new int[] { 40 }, new boolean[] { false } );
		final FloatProcessor p = new FloatProcessor( 80, 60 );
		disc( p, 20, 20, 9, 0.9f ); // the most probable object, with a hole
		disc( p, 20, 20, 2, 0.1f );
		disc( p, 60, 30, 10, 0.6f ); // larger but less probable in sum: 317 x 0.6 < 241 x 0.9 + ...
		p.setf( 5, 55, 0.99f ); // a speck
		final ImagePlus score = new ImagePlus( "p", p );
		final Segmentation raw = Segmentation.of( score, 0.5, Labeling.Connectivity.EIGHT, 0 );
		assertEquals( 3, raw.objectCount );
		final Segmentation kept = prior.apply( raw, score, 1 );
		assertEquals( 1, kept.objectCount );
		assertEquals( 255, kept.mask.getProcessor().get( 20, 20 ), "the hole is filled" );
		assertEquals( 0, kept.mask.getProcessor().get( 60, 30 ) );
		assertEquals( 0, kept.mask.getProcessor().get( 5, 55 ) );
		int area = 0;
		for ( int i = 0; i < 80 * 60; i++ )
			area += kept.mask.getProcessor().get( i ) != 0 ? 1 : 0;
		assertEquals( 253, area, "the radius-9 disc, hole filled" );
		assertEquals( 253, kept.table.getValue( "Area", 0 ), 0 );

		// training masks with two objects: no count limit, the speck still too small; a class whose training objects had holes keeps them
		final Segmentation two = new ObjectPrior( new int[] { 2 }, new int[] { 40 }, new boolean[] { true } )
				.apply( raw, score, 1 );
		assertEquals( 2, two.objectCount );
		assertEquals( 0, two.mask.getProcessor().get( 20, 20 ) );
	}

	@Test
	void trainedModelsStoreThePriorFlipsAreEquivariantAndTheTimeBudgetStops() throws Exception
	{
		final ImagePlus[] train = MultiClassSegmenterTest.scene( 96, 1 ), test = MultiClassSegmenterTest.scene( 64, 2 );
		final SegmenterSettings s = new SegmenterSettings();
		s.scale = 1;
		s.epochs = 1000;
		s.minutes = 0.1; // 6 s
		s.patchesPerEpoch = 32;
		s.patchSize = 32;
		s.patience = 0;
		s.layers = null;
		s.convsPerLevel = 1;
		final Path file = dir.resolve( "prior.aemodel.zip" );
		final long t0 = System.nanoTime();
		final SegmenterTrainer.Result r = SegmenterTrainer.train( s, List.of( train[ 0 ] ), List.of( train[ 1 ] ), null,
				null, file, new Trainer(), TrainingListener.none() );
		final double seconds = ( System.nanoTime() - t0 ) / 1e9;
		System.out.println( r.message() + " in " + seconds + " s, " + r.history.epochs.size() + " epochs" );
		assertTrue( r.message().startsWith( "Time budget of 0.1 min reached" ), r.message() );
		assertTrue( r.history.epochs.size() < 1000, r.history.epochs.size() + " epochs in " + seconds + " s" ); // the machine's load decides how many
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			final ObjectPrior prior = SegmenterInfo.of( m ).prior;
			assertNotNull( prior );
			assertArrayEquals( ObjectPrior.of( List.of( train[ 1 ] ), 2 ).maxObjects, prior.maxObjects );
			// flip averaging commutes with flipping the input; a single prediction does not, exactly
			final ImagePlus flipped = SegmenterPrediction.flip( test[ 0 ], 1 );
			final float[] a = pixels( SegmenterPrediction.flip(
					SegmenterPrediction.probability( m, test[ 0 ], true, new ImageRunner.Options(), Progress.none() ),
					1 ) );
			final float[] b = pixels(
					SegmenterPrediction.probability( m, flipped, true, new ImageRunner.Options(), Progress.none() ) );
			final float[] c = pixels( SegmenterPrediction.flip(
					SegmenterPrediction.probability( m, test[ 0 ], false, new ImageRunner.Options(), Progress.none() ),
					1 ) );
			final float[] d = pixels(
					SegmenterPrediction.probability( m, flipped, false, new ImageRunner.Options(), Progress.none() ) );
			final double averaged = maxDiff( a, b ), single = maxDiff( c, d );
			System.out.println( "flip equivariance: averaged " + averaged + ", single " + single );
			assertTrue( averaged < 1e-5 && single > 1e-3, averaged + " / " + single );
			// with the prior a class with one object per training mask gets at most one
			final Segmentation seg = SegmenterPrediction.segment( m, test[ 0 ], 0.5, 0, new ImageRunner.Options(),
					Progress.none() );
			for ( int c1 = 1; c1 <= 2; c1++ )
			{
				int count = 0;
				for ( int i = 0; i < seg.table.size(); i++ )
					count += seg.table.getValue( "Class", i ) == c1 ? 1 : 0;
				assertTrue( prior.maxObjects[ c1 - 1 ] > 1 || count <= 1, count + " objects of class " + c1 );
			}
		}
	}

	/** Every plane's values, one after the other. */
	private static float[] pixels( final ImagePlus imp )
	{
		final int n = imp.getWidth() * imp.getHeight();
		final float[] out = new float[ n * imp.getStackSize() ];
		for ( int s = 1; s <= imp.getStackSize(); s++ )
			System.arraycopy( ( float[] ) imp.getStack().getProcessor( s ).convertToFloat().getPixels(), 0, out,
					( s - 1 ) * n, n );
		return out;
	}

	private static double maxDiff( final float[] a, final float[] b )
	{
		double m = 0;
		for ( int i = 0; i < a.length; i++ )
			m = Math.max( m, Math.abs( a[ i ] - b[ i ] ) );
		return m;
	}
}
