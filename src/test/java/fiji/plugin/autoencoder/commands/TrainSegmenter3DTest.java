package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.segment.SegmenterPrediction;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * 3D in Train Segmenter: a tiny 3D U-Net trained through the command on a z-stack of balls (dimensions=3D,
 * patch_depth 8) saves a 3D spec, and Segment Image's probability of a volume of odd size tiled in x, y and z (4 x 4 x 4 tiles) equals
 * one untiled run. 3D asked for a 2D image, or a stack thinner than the patch, is refused with the fix.
 */
@Tag( "slow" ) // trains networks: excluded from the fast tier (mvn test -Pfast)
class TrainSegmenter3DTest
{
	@TempDir
	Path dir;

	/** A z-stack of bright balls on a noisy background (input) and their mask. */
	static ImagePlus[] balls( final int w, final int h, final int d, final long seed )
	{
		final Random r = new Random( seed );
		final double[][] c = new double[ 6 ][];
		for ( int i = 0; i < c.length; i++ )
			c[ i ] = new double[] { r.nextInt( w ), r.nextInt( h ), r.nextInt( d ), 4 + r.nextInt( 4 ) };
		final ImageStack in = new ImageStack( w, h ), mask = new ImageStack( w, h );
		for ( int z = 0; z < d; z++ )
		{
			final FloatProcessor fp = new FloatProcessor( w, h );
			final ByteProcessor m = new ByteProcessor( w, h );
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
				{
					boolean inside = false;
					for ( final double[] b : c )
						inside |= ( x - b[ 0 ] ) * ( x - b[ 0 ] ) + ( y - b[ 1 ] ) * ( y - b[ 1 ] )
								+ ( z - b[ 2 ] ) * ( z - b[ 2 ] ) <= b[ 3 ] * b[ 3 ];
					fp.setf( x, y, ( float ) ( 50 + ( inside ? 100 : 0 ) + 20 * r.nextGaussian() ) );
					m.set( x, y, inside ? 1 : 0 );
				}
			in.addSlice( fp );
			mask.addSlice( m );
		}
		final ImagePlus image = new ImagePlus( "balls", in ), masks = new ImagePlus( "balls-mask", mask );
		image.setDimensions( 1, d, 1 );
		masks.setDimensions( 1, d, 1 );
		return new ImagePlus[] { image, masks };
	}

	@Test
	void aTinyThreeDSegmenterTrainsThroughTheCommandAndTilesExactly() throws Exception
	{
		final ImagePlus[] train = balls( 48, 48, 16, 1 );
		final Path model = dir.resolve( "seg3d.aemodel.zip" );
		try ( Context context = new Context() )
		{
			final CommandModule m = context.service( CommandService.class ).run( TrainSegmenterCommand.class, true,
					"input", train[ 0 ], "mask", train[ 1 ], "model_file", model.toFile(), "dimensions", "3D",
					"patch_depth", 8, "patch_size", 16, "scale", 1, "epochs", 4, "patches_per_epoch", 32,
					"batch_size", 4, "patience", 0, "overwrite", false ).get();
			assertFalse( m.isCanceled(), m.getCancelReason() );
			assertTrue( String.valueOf( m.getOutput( "result" ) ).contains( "Saved" ), "" + m.getOutput( "result" ) );
			final CommandModule flat = context.service( CommandService.class ).run( TrainSegmenterCommand.class, true,
					"input", new ImagePlus( "flat", new FloatProcessor( 48, 48 ) ), "mask",
					new ImagePlus( "flat-mask", new ByteProcessor( 48, 48 ) ), "model_file",
					dir.resolve( "x.aemodel.zip" ).toFile(), "dimensions", "3D", "overwrite", false ).get();
			assertTrue( flat.isCanceled() && flat.getCancelReason()
					.contains( "dimensions=3D was asked for the 2D image 'flat' (one z-slice): use dimensions=2D" ),
					flat.getCancelReason() );
			final CommandModule thin = context.service( CommandService.class ).run( TrainSegmenterCommand.class, true,
					"input", train[ 0 ], "mask", train[ 1 ], "model_file", dir.resolve( "x.aemodel.zip" ).toFile(),
					"dimensions", "3D", "patch_depth", 20, "overwrite", false ).get();
			assertTrue( thin.isCanceled() && thin.getCancelReason()
					.contains(
							"The stack 'balls' has 16 z-slices, fewer than the 3D patch depth 20: use dimensions=2D" )
					&& thin.getCancelReason().contains( "patch_depth=16" ), thin.getCancelReason() );
			assertFalse( java.nio.file.Files.exists( dir.resolve( "x.aemodel.zip" ) ), "nothing written" );
		}
		try ( ModelFile.Loaded loaded = ModelFile.load( model, 1 ) )
		{
			final ModelSpec spec = loaded.model().spec();
			assertTrue( spec.is3D(), "saved spec: " + spec );
			assertEquals( 8, spec.depth );
			assertEquals( 16, spec.height );
			assertEquals( ModelSpec.Activation.SIGMOID, spec.outputActivation );
			assertTrue( spec.skipConnections, "a 3D U-Net" );

			final ImagePlus odd = balls( 45, 37, 39, 2 )[ 0 ]; // no size a multiple of the network's 4
			final ImageRunner.Options whole = new ImageRunner.Options(), tiles = new ImageRunner.Options();
			tiles.tileSize = new int[] { 44, 44, 44 }; // cores of 12 (halo 16): 4 x 4 x 4 tiles
			final float[] a = voxels( SegmenterPrediction.probability( loaded, odd, false, whole, Progress.none() ) ),
					b = voxels( SegmenterPrediction.probability( loaded, odd, false, tiles, Progress.none() ) );
			assertEquals( 45 * 37 * 39, a.length );
			double diff = 0, min = 1, max = 0;
			for ( int i = 0; i < a.length; i++ )
			{
				diff = Math.max( diff, Math.abs( a[ i ] - b[ i ] ) );
				min = Math.min( min, a[ i ] );
				max = Math.max( max, a[ i ] );
			}
			System.out.printf(
					"3D segmenter on 45 x 37 x 39: tiled vs untiled max abs diff %.2e (probability %.3f..%.3f)%n",
					diff, min, max );
			assertTrue( diff <= 1e-5, "tiled equals untiled: max abs diff " + diff );
			assertTrue( max > min, "a non-constant probability" );
			final fiji.plugin.autoencoder.train.History h = fiji.plugin.autoencoder.train.History
					.fromJson( loaded.extras().get( ModelFile.HISTORY ) );
			final double best = h.epochs.stream().mapToDouble( e -> e.validationLoss ).min().getAsDouble();
			System.out.printf( "3D segmenter: validation loss %.4f before training, best %.4f%n",
					h.initialValidationLoss, best );
			assertTrue( best < h.initialValidationLoss, "the 3D U-Net learned" );
		}
	}

	private static float[] voxels( final ImagePlus p )
	{
		assertEquals( 39, p.getNSlices(), "one probability per z-slice" );
		final int n = p.getWidth() * p.getHeight();
		final float[] v = new float[ n * p.getNSlices() ];
		for ( int z = 0; z < p.getNSlices(); z++ )
			System.arraycopy( p.getStack().getProcessor( z + 1 ).convertToFloat().getPixels(), 0, v, z * n, n );
		return v;
	}
}
