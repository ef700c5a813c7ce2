package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * Test-time augmentation ({@link ImageRunner.Options#averageOrientations}): the
 * result is the mean of the model's outputs on the 8 flipped/transposed copies of
 * the image (built here with plain loops, independently of the imglib2 views),
 * mapped back; tiled equals untiled; the input is untouched.
 */
class OrientationAveragingTest
{
	@Test
	void averagesTheEightOrientationsTiledAsUntiled()
	{
		final ImageProcessor crop = TestImages.open( "cell.png" ).getProcessor();
		crop.setRoi( 200, 180, 100, 70 ); // not square: transposed copies are 70 x 100
		final ImagePlus imp = new ImagePlus( "cell", crop.crop() );
		final byte[] before = ( ( byte[] ) imp.getProcessor().getPixels() ).clone();
		final Normalization norm = Normalization.percentileDefault();
		try ( Model model = Model.create( Presets.denoiser( 1 ), 7, 1 ) )
		{
			final ImageRunner.Options averaged = new ImageRunner.Options();
			averaged.averageOrientations = true;
			final float[] got = pixels(
					ImageRunner.run( model, norm, imp, OutputType.FLOAT_32, "tta", true, averaged, Progress.none() ) );

			final int w = imp.getWidth(), h = imp.getHeight();
			final float[] src = ( float[] ) imp.getProcessor().convertToFloatProcessor().getPixels();
			final double[] expected = new double[ w * h ];
			for ( int k = 0; k < 8; k++ )
			{
				final boolean swap = ( k & 4 ) != 0;
				final int ow = swap ? h : w, oh = swap ? w : h;
				final float[] o = new float[ ow * oh ];
				for ( int y = 0; y < h; y++ )
					for ( int x = 0; x < w; x++ )
						o[ index( x, y, k, ow, oh, swap ) ] = src[ y * w + x ];
				final float[] p = pixels(
						ImageRunner.run( model, norm, new ImagePlus( "o" + k, new FloatProcessor( ow, oh, o ) ),
								OutputType.FLOAT_32, "p", true, new ImageRunner.Options(), Progress.none() ) );
				for ( int y = 0; y < h; y++ )
					for ( int x = 0; x < w; x++ )
						expected[ y * w + x ] += p[ index( x, y, k, ow, oh, swap ) ] / 8.0;
			}
			final float[] plain = pixels( ImageRunner.run( model, norm, imp, OutputType.FLOAT_32, "plain", true,
					new ImageRunner.Options(), Progress.none() ) );
			double maxDiff = 0, fromPlain = 0;
			for ( int i = 0; i < got.length; i++ )
			{
				maxDiff = Math.max( maxDiff, Math.abs( got[ i ] - expected[ i ] ) );
				fromPlain = Math.max( fromPlain, Math.abs( got[ i ] - plain[ i ] ) );
			}
			assertTrue( maxDiff < 1e-3, "averaged vs the mean of 8 separately oriented runs: max abs diff " + maxDiff );
			assertTrue( fromPlain > 0.1,
					"averaging changes the result of this (untrained, direction-sensitive) net: " + fromPlain );

			averaged.tileSize = new int[] { 48, 40 };
			final float[] tiled = pixels(
					ImageRunner.run( model, norm, imp, OutputType.FLOAT_32, "tta", true, averaged, Progress.none() ) );
			double tiledDiff = 0;
			for ( int i = 0; i < got.length; i++ )
				tiledDiff = Math.max( tiledDiff, Math.abs( got[ i ] - tiled[ i ] ) );
			assertTrue( tiledDiff < 1e-3, "tiled vs untiled averaging: max abs diff " + tiledDiff );
			assertArrayEquals( before, ( byte[] ) imp.getProcessor().getPixels(), "the input is untouched" );

			// cancelled between two orientations: an exception, never a partial average
			averaged.tileSize = null;
			assertThrows( java.util.concurrent.CancellationException.class,
					() -> ImageRunner.run( model, norm, imp, OutputType.FLOAT_32, "tta", true, averaged, new Progress()
					{
						boolean firstDone = false;

						@Override
						public void report( final long done, final long total, final String message )
						{
							firstDone |= done * 8 >= total; // the first of the 8 orientations is done
						}

						@Override
						public boolean isCancelled()
						{
							return firstDone;
						}
					} ) );
		}
	}

	/** Index in orientation k (bit 2: transpose, then bit 0: flip x, bit 1: flip y) of pixel (x, y). */
	private static int index( final int x, final int y, final int k, final int ow, final int oh, final boolean swap )
	{
		int ox = swap ? y : x, oy = swap ? x : y;
		if ( ( k & 1 ) != 0 )
			ox = ow - 1 - ox;
		if ( ( k & 2 ) != 0 )
			oy = oh - 1 - oy;
		return oy * ow + ox;
	}

	private static float[] pixels( final ImagePlus imp )
	{
		return ( float[] ) imp.getProcessor().convertToFloatProcessor().getPixels();
	}
}
