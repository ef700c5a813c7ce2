package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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

/**
 * Patch orientations of the supervised segmenter: the automatic choice (left-right flips only for images with a fixed
 * "up"), the patches drawn, and the model file's record that flip averaging follows.
 */
class PatchOrientationsTest
{
	@TempDir
	Path dir;

	/** An ultrasound-like image: brightness falling with depth, speckle, a dark disc (class 1) at a random place. */
	static ImagePlus[] depthScene( final int size, final long seed )
	{
		final Random r = new Random( seed );
		final FloatProcessor img = new FloatProcessor( size, size );
		final ByteProcessor mask = new ByteProcessor( size, size );
		final int cx = size / 4 + r.nextInt( size / 2 ), cy = size / 4 + r.nextInt( size / 2 ), rad = size / 8;
		for ( int y = 0; y < size; y++ )
			for ( int x = 0; x < size; x++ )
			{
				final boolean in = ( x - cx ) * ( x - cx ) + ( y - cy ) * ( y - cy ) <= rad * rad;
				img.setf( x, y,
						( float ) ( ( 200 - 150.0 * y / size ) * ( in ? 0.3 : 1 ) * ( 1 + 0.3 * r.nextGaussian() ) ) );
				mask.set( x, y, in ? 1 : 0 );
			}
		return new ImagePlus[] { new ImagePlus( "depth-" + seed, img ), new ImagePlus( "mask-" + seed, mask ) };
	}

	static List< SegmentPatches.Plane > planes( final List< ImagePlus[] > scenes )
	{
		final List< SegmentPatches.Plane > out = new ArrayList<>();
		for ( final ImagePlus[] s : scenes )
			SegmenterTrainer.planes( s[ 0 ], s[ 1 ], 1, 1, 32, 1, out );
		return out;
	}

	@Test
	void automaticIsLeftRightOnlyForImagesWithAFixedUpAndAll8Otherwise()
	{
		final List< ImagePlus[] > depth = List.of( depthScene( 96, 1 ), depthScene( 96, 2 ), depthScene( 96, 3 ) );
		final double[] a = PatchOrientations.asymmetry( planes( depth ) );
		System.out.println( "depth scenes: up-down " + a[ 0 ] + ", left-right " + a[ 1 ] );
		assertTrue( a[ 0 ] > 1 && a[ 1 ] < 0.2, "up-down " + a[ 0 ] + ", left-right " + a[ 1 ] );
		final PatchOrientations o = PatchOrientations.choose( PatchOrientations.AUTOMATIC, planes( depth ), 3 );
		assertTrue( o.leftRightOnly, o.toString() );
		assertTrue( o.toString().startsWith( "left-right flips only (automatic: the 3 training image(s)' mean row" ),
				o.toString() );
		// one image cannot show that "up" is fixed
		assertFalse( PatchOrientations.choose( PatchOrientations.AUTOMATIC, planes( depth.subList( 0, 1 ) ),
				1 ).leftRightOnly );
		// microscopy-like scenes (objects anywhere, flat background): all 8
		final List< ImagePlus[] > cells = List.of( MultiClassSegmenterTest.scene( 96, 1 ),
				MultiClassSegmenterTest.scene( 96, 2 ), MultiClassSegmenterTest.scene( 96, 3 ) );
		final List< SegmentPatches.Plane > cellPlanes = new ArrayList<>();
		for ( final ImagePlus[] s : cells )
			SegmenterTrainer.planes( s[ 0 ], s[ 1 ], 2, 1, 32, 1, cellPlanes );
		final double[] b = PatchOrientations.asymmetry( cellPlanes );
		System.out.println( "cell scenes: up-down " + b[ 0 ] + ", left-right " + b[ 1 ] );
		assertTrue( b[ 0 ] < PatchOrientations.MIN_UP_DOWN / 2, "up-down " + b[ 0 ] ); // 0.24
		assertFalse( PatchOrientations.choose( PatchOrientations.AUTOMATIC, cellPlanes, 3 ).leftRightOnly );
		// set by hand
		assertFalse( PatchOrientations.choose( PatchOrientations.ALL, planes( depth ), 3 ).leftRightOnly );
		assertTrue( PatchOrientations.choose( PatchOrientations.LEFT_RIGHT, cellPlanes, 3 ).leftRightOnly );
		final SegmenterSettings s = new SegmenterSettings();
		s.orientations = "Up-down";
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class, s::validate );
		assertTrue( e.getMessage().contains( "Automatic, All 8, Left-right flips only" ), e.getMessage() );
	}

	@Test
	void leftRightOnlyPatchesKeepUpUpAndStillFlipLeftRight()
	{
		// plane value = 1000 y + x: rows grow downwards, columns to the right
		final int n = 48;
		final float[] in = new float[ n * n ], target = new float[ n * n ];
		for ( int i = 0; i < n * n; i++ )
			in[ i ] = 1000 * ( i / n ) + i % n;
		final List< SegmentPatches.Plane > planes = List.of( new SegmentPatches.Plane( in, target, n, n, 1 ) );
		for ( final boolean lr : new boolean[] { true, false } )
		{
			final SegmentPatches p = new SegmentPatches( planes, 16, 1, 1, 64, 0, 0, 7, lr );
			final float[] x = new float[ 64 * 16 * 16 ], y = new float[ 64 * 16 * 16 ];
			final int[] idx = new int[ 64 ];
			p.fill( idx, 0, 64, x, y, null, new Random( 3 ) );
			int upright = 0, mirrored = 0;
			for ( int s = 0; s < 64; s++ )
			{
				final int o = s * 256;
				final float down = x[ o + 16 ] - x[ o ], right = x[ o + 1 ] - x[ o ];
				upright += down == 1000 ? 1 : 0;
				mirrored += down == 1000 && right == -1 ? 1 : 0;
			}
			if ( lr )
			{
				assertEquals( 64, upright, "every patch keeps up at the top" );
				assertTrue( mirrored > 16 && mirrored < 48, mirrored + " of 64 flipped left-right" );
			}
			else
				assertTrue( upright < 32, upright + " of 64 upright with all 8 orientations" );
		}
	}

	@Test
	void theModelFileRecordsLeftRightOnlyAndFlipAveragingUsesThatFlipAlone() throws Exception
	{
		final List< ImagePlus > images = new ArrayList<>(), masks = new ArrayList<>();
		for ( int i = 1; i <= 3; i++ )
		{
			final ImagePlus[] s = depthScene( 64, i );
			images.add( s[ 0 ] );
			masks.add( s[ 1 ] );
		}
		final SegmenterSettings s = new SegmenterSettings();
		s.scale = 1;
		s.epochs = 1;
		s.patchesPerEpoch = 16;
		s.patchSize = 32;
		s.layers = null;
		s.convsPerLevel = 1;
		s.validationFraction = 0;
		final Path file = dir.resolve( "depth.aemodel.zip" );
		final SegmenterTrainer.Result r = SegmenterTrainer.train( s, images, masks, null, null, file, new Trainer(),
				TrainingListener.none() );
		assertTrue( r.message().contains( "patches in left-right flips only (automatic" ), r.message() );
		assertTrue( r.info.leftRightOnly );
		final ImagePlus test = depthScene( 64, 9 )[ 0 ];
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			assertTrue( SegmenterInfo.of( m ).leftRightOnly, "stored in the model file" );
			final ImageRunner.Options opt = new ImageRunner.Options();
			final float[] averaged = pixels( SegmenterPrediction.probability( m, test, true, opt, Progress.none() ) ),
					plain = pixels( SegmenterPrediction.probability( m, test, false, opt, Progress.none() ) ),
					mirrored = pixels( SegmenterPrediction.flip(
							SegmenterPrediction.probability( m, SegmenterPrediction.flip( test, 1 ), false, opt,
									Progress.none() ),
							1 ) );
			double maxDiff = 0, maxChange = 0;
			for ( int i = 0; i < plain.length; i++ )
			{
				maxDiff = Math.max( maxDiff, Math.abs( averaged[ i ] - ( plain[ i ] + mirrored[ i ] ) / 2 ) );
				maxChange = Math.max( maxChange, Math.abs( averaged[ i ] - plain[ i ] ) );
			}
			assertTrue( maxDiff < 1e-5,
					"the mean of the image's and its left-right flip's probabilities, off by " + maxDiff );
			assertTrue( maxChange > 1e-4, "the flip changes something: " + maxChange );
		}
		// an older file without the record: all 8 (its flip averaging keeps 4 flips)
		assertFalse( new SegmenterInfo( 1, 1, null ).leftRightOnly );
		assertTrue( new SegmenterInfo( 1, 1, null, true ).toJson().contains( "\"orientations\":\"left-right\"" ) );
	}

	private static float[] pixels( final ImagePlus p )
	{
		return ( float[] ) p.getStack().getProcessor( 1 ).convertToFloat().getPixels();
	}
}
