package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.ImagePlusImages;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.model.TestVolumes;
import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Real 3D TensorFlow models through the tiler's X, Y, Z windows: tiled equals
 * one untiled run, on a volume of odd size made from a real micrograph
 * ({@link TestVolumes}); {@link ImageRunner} runs each time point's z-stack as
 * one volume.
 */
class Model3DTilingTest
{
	private static ModelSpec small( final String preset )
	{
		final ModelSpec s = Presets.byName( preset.replace( "+skips", "" ) );
		s.layers = new int[] { 4, 8 };
		s.skipConnections = preset.endsWith( "+skips" ); // the 3D U-Net of Train Autoencoder's dimensions=3D
		return s.validate();
	}

	@Test
	void tiledEqualsUntiledOnAVolume()
	{
		final ImagePlus imp = TestVolumes.sheared( "cell.png", 30, 20, 45, 37, 22, 1 ); // X 45, Y 37, Z 22: no size divides by 4
		@SuppressWarnings( { "unchecked", "rawtypes" } )
		final RandomAccessibleInterval< FloatType > xyz = Views.hyperSlice( Views.hyperSlice(
				( RandomAccessibleInterval ) ImagePlusImages.wrap( imp ), 4, 0 ), 2, 0 ); // X, Y, C, Z, T -> X, Y, Z
		final Normalization norm = Normalizer.fit( Normalization.percentileDefault(), imp );
		final float[] offsets = { ( float ) norm.offsets()[ 0 ] }, scales = { ( float ) norm.scales()[ 0 ] };
		for ( final String preset : new String[] { "conv3d", "denoiser3d", "denoiser3d+skips" } )
			try ( Model m = Model.create( small( preset ), 5, 2 ) )
			{
				final int[] whole = TileGrid.untiledSize( new long[] { 45, 37, 22 }, m.halo(), m.sizeMultiple() );
				final Img< FloatType > untiled = ArrayImgs.floats( 45, 37, 22 ), tiled = ArrayImgs.floats( 45, 37, 22 );
				TiledPredictor.builder( m ).tileSize( whole ).inputNormalization( offsets, scales ).threads( 1 ).build()
						.predict( xyz, untiled, Progress.none() );
				final int t = 8 + 2 * m.halo();
				final TiledPredictor tiler = TiledPredictor.builder( m ).tileSize( t, t + 4, t ).batchSize( 2 )
						.threads( 2 ).inputNormalization( offsets, scales ).build();
				final long cells = tiler.grid( new long[] { 45, 37, 22 } ).numCells();
				assertTrue( cells > 8, "really tiled in x, y and z: " + cells + " tiles" );
				tiler.predict( xyz, tiled, Progress.none() );
				double max = 0, range = 0;
				final net.imglib2.Cursor< FloatType > a = untiled.cursor(), b = tiled.cursor();
				while ( a.hasNext() )
				{
					final float u = a.next().get();
					range = Math.max( range, Math.abs( u ) );
					max = Math.max( max, Math.abs( u - b.next().get() ) );
				}
				System.out.println(
						preset + " 3D, " + cells + " tiles of " + t + "^3 vs one " + java.util.Arrays.toString( whole )
								+ " window: max abs diff " + max + " (output up to " + range + ")" );
				assertTrue( range > 1e-3, "the output is not trivially zero" );
				assertTrue( max < 1e-5, preset + ": tiled differs from untiled by " + max );
			}
	}

	/**
	 * Two time points of a z-stack: each is one volume (frame 2 alone gives the
	 * same result as frame 2 in the 2-frame image), slices stay in order, and a
	 * plain 2D image is refused with a message.
	 */
	@Test
	void imageRunnerRunsEachTimePointAsAVolume()
	{
		final ImagePlus two = TestVolumes.sheared( "cell.png", 30, 20, 40, 33, 13, 2 );
		final ImagePlus second = TestVolumes.sheared( "cell.png", 70, 20, 40, 33, 13, 1 ); // = frame 2 of two
		try ( Model m = Model.create( small( "conv3d" ), 3, 2 ) )
		{
			final Normalization fixed = Normalization.fixed( new double[] { 100 }, new double[] { 0.01 } );
			final ImageRunner.Options small = new ImageRunner.Options();
			small.tileSize = new int[] { 48, 48, 48 };
			final ImagePlus out2 = ImageRunner.run( m, fixed, two, OutputType.FLOAT_32, "ae", true, small,
					Progress.none() );
			final ImagePlus out1 = ImageRunner.run( m, fixed, second, OutputType.FLOAT_32, "ae", true,
					Progress.none() );
			assertEquals( 13, out2.getNSlices() );
			assertEquals( 2, out2.getNFrames() );
			double max = 0, diffToInput = 0;
			for ( int z = 1; z <= 13; z++ )
			{
				final float[] a = ( float[] ) out2.getStack().getPixels( out2.getStackIndex( 1, z, 2 ) );
				final float[] b = ( float[] ) out1.getStack().getPixels( out1.getStackIndex( 1, z, 1 ) );
				final float[] in = ( float[] ) second.getStack().getPixels( second.getStackIndex( 1, z, 1 ) );
				for ( int i = 0; i < a.length; i++ )
				{
					max = Math.max( max, Math.abs( a[ i ] - b[ i ] ) );
					diffToInput = Math.max( diffToInput, Math.abs( a[ i ] - in[ i ] ) );
				}
			}
			System.out.println( "ImageRunner 3D: frame 2 of 2 vs alone (tiled vs automatic tiles), max abs diff " + max
					+ " image units" );
			assertTrue( max < 1e-3, "frame 2 differs by " + max + " (100 units = 1 normalised unit)" );
			assertTrue( diffToInput > 1, "the model changed the image" );

			final String e = assertThrows( IllegalArgumentException.class,
					() -> ImageRunner.run( m, fixed, TestImages.open( "camera.png" ), OutputType.FLOAT_32, "ae", true,
							Progress.none() ) )
					.getMessage();
			assertTrue( e.contains( "This is a 3D model but the image 'camera.png' has 1 z-slice" )
					&& e.contains( "give a z-stack" ), e );
		}
	}
}
