package fiji.plugin.autoencoder.denoise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ij.process.FloatProcessor;

class ClassicBaselinesTest
{
	@Test
	void bestGaussianOnCameraWithGaussianNoise()
	{
		final FloatProcessor camera = TestData.skimage( "camera.png", 255 );
		final int w = camera.getWidth(), h = camera.getHeight();
		final float[] clean = TestData.pixels( camera );
		final float[] noisy = NoiseModel.gaussian( 0.1 ).apply( clean, 2026L );
		final double noisyPsnr = Metrics.psnr( clean, noisy, 1 );
		assertEquals( 20.0, noisyPsnr, 0.1, "sigma 0.1 on range 1 is about 20 dB" );
		final double[] sigmas = ClassicBaselines.defaultSigmas();
		final ClassicBaselines.Result g = ClassicBaselines.bestGaussian( noisy, clean, w, h, 1, sigmas );
		assertTrue( g.psnr() > noisyPsnr + 3, "best Gaussian " + g + " vs noisy " + noisyPsnr + " dB" );
		assertTrue( g.parameter() > sigmas[ 0 ] && g.parameter() < sigmas[ sigmas.length - 1 ],
				"best sigma " + g.parameter() + " must be inside the sweep" );
		// the reported numbers are those of the returned image, and the best of the curve
		assertEquals( Metrics.psnr( clean, g.image(), 1 ), g.psnr(), 1e-12 );
		assertEquals( Metrics.ssim( clean, g.image(), w, h, 1 ), g.ssim(), 1e-12 );
		assertTrue( g.ssim() > Metrics.ssim( clean, noisy, w, h, 1 ) + 0.2, "SSIM " + g.ssim() );
		for ( final double p : g.sweptPsnr() )
			assertTrue( p <= g.psnr() );
		assertEquals( 0.5, g.sweptParameters()[ 0 ] );
		assertEquals( 4.0, g.sweptParameters()[ sigmas.length - 1 ] );
		assertEquals( 15, sigmas.length );
		assertEquals( "gaussian", g.filter() );
	}

	@Test
	void medianBeatsGaussianOnSaltAndPepper()
	{
		final FloatProcessor camera = TestData.skimage( "camera.png", 255 );
		final int w = camera.getWidth(), h = camera.getHeight();
		final float[] clean = TestData.pixels( camera );
		final float[] noisy = NoiseModel.saltAndPepper( 0.1, 0, 1 ).apply( clean, 7L );
		final ClassicBaselines.Result g = ClassicBaselines.bestGaussian( noisy, clean, w, h, 1,
				ClassicBaselines.defaultSigmas() );
		final ClassicBaselines.Result m = ClassicBaselines.bestMedian( noisy, clean, w, h, 1,
				ClassicBaselines.defaultRadii() );
		assertTrue( m.psnr() > g.psnr() + 3, "median " + m + " vs gaussian " + g );
		assertTrue( m.ssim() > g.ssim(), "median " + m + " vs gaussian " + g );
		assertEquals( "median", m.filter() );
		assertTrue( m.toString().startsWith( "median radius=" ), m.toString() );
	}

	@Test
	void filtersMatchImageJAndKeepInput()
	{
		// 5x5 image with one outlier: a 3x3 median (ImageJ radius 1) removes it exactly
		final float[] img = new float[ 25 ];
		java.util.Arrays.fill( img, 2f );
		img[ 12 ] = 100f;
		final float[] copy = img.clone();
		final float[] med = ClassicBaselines.median( img, 5, 5, 1 );
		for ( final float v : med )
			assertEquals( 2f, v );
		final float[] blur = ClassicBaselines.gaussian( img, 5, 5, 1 );
		double sum = 0;
		for ( final float v : blur )
			sum += v;
		assertTrue( blur[ 12 ] < 100 && blur[ 12 ] > 2, "blurred peak " + blur[ 12 ] );
		assertTrue( sum > 24 * 2, "blur keeps a bright centre " + sum );
		assertEquals( java.util.Arrays.toString( copy ), java.util.Arrays.toString( img ), "input unchanged" );
		final ClassicBaselines.Result tiny = ClassicBaselines.bestMedian( img, copy, 5, 5, 100,
				new double[] { 0.5, 1 } );
		assertEquals( Double.NaN, tiny.ssim(), "no SSIM below 11x11" );
		assertEquals( Metrics.psnr( copy, med, 100 ), tiny.sweptPsnr()[ 1 ], 1e-12 );
		assertThrows( IllegalArgumentException.class,
				() -> ClassicBaselines.bestGaussian( img, img, 5, 5, 1, new double[ 0 ] ) );
		assertThrows( IllegalArgumentException.class,
				() -> ClassicBaselines.bestMedian( img, img, 5, 5, 1, new double[] { -1 } ) );
		assertThrows( IllegalArgumentException.class, () -> ClassicBaselines.median( img, 4, 5, 1 ) );
	}
}
