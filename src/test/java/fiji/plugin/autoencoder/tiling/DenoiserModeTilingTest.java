package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.ImagePlusImages;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.view.Views;

/**
 * The networks the denoising modes build (the synthetic-noise and noisy image +
 * noise model modes predict the correction of a Gaussian blur of their input, the blind-spot mode
 * does not, since its masked input pixel is a neighbour's value) run tiled
 * exactly as untiled.
 */
class DenoiserModeTilingTest
{
	@Test
	void everyDenoisingModesNetworkTilesAsUntiled()
	{
		final ImagePlus cell = TestImages.open( "cell.png" );
		@SuppressWarnings( { "unchecked", "rawtypes" } )
		final RandomAccessibleInterval crop = Views
				.zeroMin( Views.interval( ( RandomAccessibleInterval ) ImagePlusImages.wrap( cell ),
						new long[] { 100, 200, 0, 0, 0 }, new long[] { 356, 330, 0, 0, 0 } ) );
		final Normalization norm = Normalizer.fit( Normalization.percentileDefault(), cell );
		for ( final TrainingMode mode : new TrainingMode[] { TrainingMode.DENOISE_SYNTHETIC,
				TrainingMode.DENOISE_RECORRUPTED, TrainingMode.DENOISE_SELF_SUPERVISED, TrainingMode.DENOISE_PAIRED } )
		{
			final ModelSpec spec = mode.job( List.of( cell ), Paths.get( "unused.aemodel.zip" ),
					NoiseModel.gaussian( 10 ), 3 ).spec.copy();
			if ( mode == TrainingMode.DENOISE_SYNTHETIC || mode == TrainingMode.DENOISE_RECORRUPTED )
			{
				assertTrue( spec.residual, mode + ": the network predicts the correction of its input" );
				assertTrue( spec.residualBlur >= 0.5,
						mode + ": of a Gaussian blur of its input, sigma " + spec.residualBlur );
			}
			if ( mode == TrainingMode.DENOISE_SELF_SUPERVISED )
				assertFalse( spec.residual, "blind-spot: no residual (the masked pixel is not the pixel)" );
			spec.height = 64;
			spec.width = 64;
			try ( Model m = Model.create( spec.validate(), 5, 2 ) )
			{
				final int t = 64 + 2 * m.halo();
				@SuppressWarnings( "unchecked" )
				final double d = ModelTilingTest.maxDiffTiledVsUntiled( m, crop, norm,
						new int[] { t, t + m.sizeMultiple() } );
				System.out.println( mode + " (residual " + spec.residual + ", blur " + spec.residualBlur
						+ "): tiled vs untiled max abs diff " + d );
				assertTrue( d < 1e-5, mode + ": tiled differs from untiled by " + d );
			}
		}
	}
}
