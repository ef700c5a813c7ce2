package fiji.plugin.autoencoder.denoise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.TestImages;
import ij.ImagePlus;

/**
 * {@link BlurBase}: the Gaussian a residual denoiser starts from grows with the
 * noise, and the estimate from the noisy image alone (Noise2Self) agrees with
 * the one measured against the clean image.
 */
class BlurBaseTest
{
	@Test
	void theBaseBlurFollowsTheNoiseAndTheNoisyEstimateAgreesWithTheCleanOne()
	{
		final ImagePlus clean = new ImagePlus( "camera",
				TestImages.open( "camera.png" ).getProcessor().convertToFloat() );
		final double weak = BlurBase.fromClean( List.of( clean ), NoiseModel.gaussian( 5 ), 255, 1 );
		final double strong = BlurBase.fromClean( List.of( clean ), NoiseModel.gaussian( 40 ), 255, 1 );
		final ImagePlus noisy = TrainingMode.noisyCopy( clean, NoiseModel.gaussian( 40 ), 3 );
		final double estimated = BlurBase.fromNoisy( List.of( noisy ) );
		System.out.printf( "best Gaussian sigma: noise 5 -> %.2f, noise 40 -> %.2f (from the noisy image alone %.2f)%n",
				weak, strong, estimated );
		assertTrue( strong >= weak + 0.5, "more noise, wider blur: " + weak + " vs " + strong );
		assertEquals( strong, estimated, 0.51, "Noise2Self estimate vs clean reference" );
	}
}
