package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.ImageTensors;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.model.TestVolumes;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

/** 3D training: volume patches from z-stacks, their symmetries, and a 3D autoencoder that learns a real volume. */
class Volume3DTrainingTest
{
	/** A 1-frame stack whose voxel (x, y, z) holds x + 100 y + 10000 z. */
	private static ImagePlus coded( final int w, final int h, final int d )
	{
		final ImageStack stack = new ImageStack( w, h );
		for ( int z = 0; z < d; z++ )
		{
			final FloatProcessor fp = new FloatProcessor( w, h );
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
					fp.setf( x, y, x + 100 * y + 10000 * z );
			stack.addSlice( fp );
		}
		final ImagePlus imp = new ImagePlus( "coded", stack );
		imp.setDimensions( 1, d, 1 );
		return imp;
	}

	/** Without augmentation every patch is the box of the stack at its corner voxel, exactly. */
	@Test
	void patchesAreBoxesOfTheStack()
	{
		final PatchSampler s = new PatchSampler( 4, 6, 5, 20, 0.25, 3 ).augment( false )
				.add( ImageTensors.reader( coded( 30, 40, 12 ) ), null, null, null );
		assertArrayEquals( new int[] { 4, 6, 5, 1 }, s.inputShape() );
		final int size = 4 * 6 * 5;
		for ( final TrainingData data : new TrainingData[] { s, s.validation() } )
		{
			final int n = data.size();
			final int[] order = new int[ n ];
			for ( int i = 0; i < n; i++ )
				order[ i ] = i;
			final float[] in = new float[ n * size ], out = new float[ n * size ];
			data.fill( order, 0, n, in, out, null, new Random( 1 ) );
			for ( int i = 0; i < n; i++ )
			{
				final int c = ( int ) in[ i * size ], x0 = c % 100, y0 = c / 100 % 100, z0 = c / 10000;
				assertTrue( z0 + 4 <= 12 && x0 + 5 <= 30 && y0 + 6 <= 40, "patch inside the stack" );
				if ( data == s )
					assertTrue( y0 + 6 <= 30, "training patches above the validation strip" );
				else
					assertTrue( y0 >= 30, "validation patches in the bottom strip, got y0 = " + y0 );
				for ( int z = 0; z < 4; z++ )
					for ( int y = 0; y < 6; y++ )
						for ( int x = 0; x < 5; x++ )
							assertEquals( x0 + x + 100 * ( y0 + y ) + 10000 * ( z0 + z ),
									in[ i * size + ( z * 6 + y ) * 5 + x ], 0 );
			}
			assertArrayEquals( in, out, "the input is its own target" );
		}
	}

	@Test
	void symmetriesMirrorAndSwap()
	{
		final PatchSampler s = new PatchSampler( 2, 3, 3, 1, 0, 1 );
		final float[] src = new float[ 2 * 3 * 3 ];
		for ( int z = 0; z < 2; z++ )
			for ( int y = 0; y < 3; y++ )
				for ( int x = 0; x < 3; x++ )
					src[ ( z * 3 + y ) * 3 + x ] = x + 10 * y + 100 * z;
		final float[] dst = new float[ src.length ];
		s.transform3D( src, dst, 0, 1, 4 ); // mirror z
		assertEquals( 1 + 10 + 100, dst[ 4 ], 0 ); // (x 1, y 1, z 0) <- (1, 1, 1)
		s.transform3D( src, dst, 0, 1, 1 | 8 ); // mirror x, then swap x and y
		// dst (x, y, z) = src( sx = y, sy = w - 1 - x, z ): (x 0, y 0) <- (0, 2); (x 1, y 0) <- (0, 1); (x 0, y 2) <- (2, 2)
		assertEquals( 20, dst[ 0 ], 0 );
		assertEquals( 10, dst[ 1 ], 0 );
		assertEquals( 22, dst[ 6 ], 0 );
		// every symmetry is a permutation of the voxels
		for ( int flip = 0; flip < 16; flip++ )
		{
			s.transform3D( src, dst, 0, 1, flip );
			final float[] a = src.clone(), b = dst.clone();
			java.util.Arrays.sort( a );
			java.util.Arrays.sort( b );
			assertArrayEquals( a, b, "flip " + flip );
		}
	}

	@Test
	void thinStacksAndPlainImagesAreRefusedClearly( @TempDir final Path dir )
	{
		final PatchSampler s = new PatchSampler( 16, 16, 16, 10, 0.1, 1 );
		final String e = assertThrows( IllegalArgumentException.class,
				() -> s.add( ImageTensors.reader( coded( 40, 40, 8 ) ), null, null, null ) ).getMessage();
		assertTrue( e.contains( "The stack has 8 z-slice(s), fewer than the 16-slice training patches" )
				&& e.contains( "use a patch depth of at most 8" ), e );

		final ImageTrainingJob job = new ImageTrainingJob( Presets.conv3d(), dir.resolve( "m.aemodel.zip" ) );
		job.patchSize = 16;
		job.patchDepth = 16;
		final ImagePlus plain = TestImages.open( "camera.png" );
		final String e2 = assertThrows( IllegalArgumentException.class,
				() -> job.run( Collections.singletonList( plain ), null, TrainingListener.none() ) ).getMessage();
		assertTrue( e2.contains( "The model is 3D and trains on 16-slice patches, but 'camera.png' has 1 z-slice(s)" )
				&& e2.contains( "or a 2D model" ), e2 );
	}

	/**
	 * A small 3D conv autoencoder (stride-2 3D convs 8-16, 16^3 patches) on a
	 * 24 x 96 x 96 volume made from camera.png (see {@link TestVolumes}): the
	 * held-out validation loss must fall below 60 % of the untrained loss,
	 * and the model file is written.
	 */
	@Test
	void conv3dLearnsARealVolume( @TempDir final Path dir ) throws Exception
	{
		final ImagePlus volume = TestVolumes.sheared( "camera.png", 100, 60, 96, 96, 24, 1 );
		final ModelSpec spec = Presets.conv3d();
		spec.layers = new int[] { 8, 16 };
		spec.learningRate = 3e-3;
		final ImageTrainingJob job = new ImageTrainingJob( spec, dir.resolve( "v.aemodel.zip" ) );
		job.patchSize = 16;
		job.patchDepth = 16;
		job.patchesPerEpoch = 96;
		job.threads = 2;
		job.config.epochs( 6 ).batchSize( 8 ).validationFraction( 0.25 ).patience( 0 ).seed( 7 );
		final long t0 = System.nanoTime();
		final ImageTrainingJob.Result r = job.run( Collections.singletonList( volume ), null, TrainingListener.none() );
		final double initial = r.history.initialValidationLoss, best = r.training.bestLoss;
		System.out.printf( "3D training: validation loss %.5f untrained -> %.5f (%.0f %%) in %.1f s; %s%n", initial,
				best, 100 * best / initial,
				( System.nanoTime() - t0 ) / 1e9, r.training );
		assertTrue( Double.isFinite( initial ) && initial > 0 );
		assertTrue( best < 0.6 * initial,
				"validation loss " + best + " is not below 60 % of the untrained " + initial );
		assertTrue( Files.size( r.modelFile ) > 1000 );
	}
}
