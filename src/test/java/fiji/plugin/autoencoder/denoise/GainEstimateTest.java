package fiji.plugin.autoencoder.denoise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import ij.process.FloatProcessor;

/** The Noise2Self gain estimate against the true gain, on real images with synthetic noise. */
class GainEstimateTest
{
	private static void check( final String name, final float[] clean, final int w, final int h, final NoiseModel noise,
			final UnaryOperator< float[] > denoiser, final String label )
	{
		final float[] noisy = noise.apply( clean, 7L );
		final GainEstimate.Result est = GainEstimate.estimate( noisy, w, h, denoiser );
		final GainEstimate.Result truth = GainEstimate.measured( noisy, clean, w, h, denoiser );
		System.out.printf( "%s %s %s: estimated %+.2f dB (sigma %.2f, var %.3g), true %+.2f dB (sigma %.2f)%n", name,
				noise, label, est.gainDb(), est.gaussianSigma, est.noiseVariance,
				truth.gainDb(), truth.gaussianSigma );
		assertEquals( truth.gainDb(), est.gainDb(), 0.5, name + " " + noise + " " + label );
	}

	@Test
	void estimatedGainIsWithinHalfADecibelOfTheTrueGain()
	{
		final FloatProcessor fp = TestData.open( new File( "test-images/hubble_deep_field_256.tif" ), 255 );
		final int w = fp.getWidth(), h = fp.getHeight();
		final float[] clean = TestData.pixels( fp );
		final FloatProcessor ihc = TestData.open( new File( "test-images/ihc_256.tif" ), 255 );
		for ( final NoiseModel noise : new NoiseModel[] { NoiseModel.poisson( 30 ), NoiseModel.gaussian( 0.1 ) } )
		{
			// a median (worse than the best Gaussian) and a two-pass blur (about as good): known true gains of either sign
			check( "hubble", clean, w, h, noise, img -> ClassicBaselines.median( img, w, h, 1 ), "median r=1" );
			check( "hubble", clean, w, h, noise,
					img -> ClassicBaselines.gaussian( ClassicBaselines.median( img, w, h, 0.5 ), w, h, 0.75 ),
					"median 0.5 + gaussian 0.75" );
			check( "ihc", TestData.pixels( ihc ), ihc.getWidth(), ihc.getHeight(), noise,
					img -> ClassicBaselines.median( img, ihc.getWidth(), ihc.getHeight(), 1.5 ), "median r=1.5" );
		}
	}

	@Test
	void warnsWhenTheGaussianDoesAsWellNamingItsSigma()
	{
		final GainEstimate.Result r = new GainEstimate.Result( 0.0105, 0.0100, 1.25, 0.01, false );
		assertTrue( r.classicAsGood() );
		assertTrue( r.message().contains( "Gaussian Blur, sigma 1.25" ), r.message() );
		assertFalse( new GainEstimate.Result( 0.005, 0.0100, 1.25, 0.01, false ).classicAsGood() );
		assertTrue( r.toJson().contains( "\"gainOverBestGaussianDb\": -0.2119" ), r.toJson() );
	}
}
