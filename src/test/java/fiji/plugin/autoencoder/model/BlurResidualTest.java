package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.denoise.ClassicBaselines;

/**
 * {@link ModelSpec#residualBlur}: the correction is added to a normalised
 * Gaussian blur of the input (checked against ImageJ's Gaussian blur away from
 * the borders), the halo covers the kernel, the field survives JSON, and bad
 * values are refused with the fix.
 */
class BlurResidualTest
{
	@Test
	void theCorrectionIsAddedToAGaussianBlurOfTheInput()
	{
		final ModelSpec plain = Presets.denoiser( 1 );
		plain.residual = true;
		final ModelSpec blurred = plain.copy();
		blurred.residualBlur = 1.5;
		final int n = 2, s = 64;
		final float[] input = new float[ n * s * s ];
		final java.util.Random r = new java.util.Random( 7 );
		for ( int i = 0; i < input.length; i++ )
			input[ i ] = ( float ) ( 0.5 + 0.3 * r.nextGaussian() );
		// same seed, same parameters (the blur has none): the outputs differ by blur(input) - input
		try ( Model a = Model.create( plain, 13, 1 ); Model b = Model.create( blurred, 13, 1 ) )
		{
			assertEquals( a.parameterCount(), b.parameterCount() );
			final float[] pa = a.reconstruct( input, n ), pb = b.reconstruct( input, n );
			double maxDiff = 0, maxBlurEffect = 0;
			for ( int k = 0; k < n; k++ )
			{
				final float[] plane = java.util.Arrays.copyOfRange( input, k * s * s, ( k + 1 ) * s * s );
				final float[] g = ClassicBaselines.gaussian( plane, s, s, 1.5 );
				for ( int y = 5; y < s - 5; y++ ) // ImageJ extends the edge pixels at the borders; the model renormalises a zero-padded blur
					for ( int x = 5; x < s - 5; x++ )
					{
						final int i = k * s * s + y * s + x;
						maxDiff = Math.max( maxDiff,
								Math.abs( ( pb[ i ] - pa[ i ] ) - ( g[ y * s + x ] - input[ i ] ) ) );
						maxBlurEffect = Math.max( maxBlurEffect, Math.abs( g[ y * s + x ] - input[ i ] ) );
					}
			}
			System.out.println( "blur residual vs ImageJ Gaussian: max abs diff " + maxDiff
					+ " (blur changes pixels by up to " + maxBlurEffect + ")" );
			assertTrue( maxDiff < 2e-3,
					"blur residual - plain residual vs ImageJ blur - input: max abs diff " + maxDiff );
			assertTrue( maxBlurEffect > 0.3, "the blur really changes the input: " + maxBlurEffect );
			// a constant image stays constant at the borders too (normalised blur)
			final float[] flat = new float[ s * s ];
			java.util.Arrays.fill( flat, 0.7f );
			final float[] fa = a.reconstruct( flat, 1 ), fb = b.reconstruct( flat, 1 );
			double flatDiff = 0;
			for ( int i = 0; i < flat.length; i++ )
				flatDiff = Math.max( flatDiff, Math.abs( fb[ i ] - fa[ i ] ) );
			assertTrue( flatDiff < 1e-5,
					"a constant input: the blurred base equals the input everywhere, max diff " + flatDiff );
		}
		assertTrue( blurred.halo() >= 5, "halo " + blurred.halo() + " covers the kernel radius 5" );
		assertEquals( 1.5, ModelSpec.fromJson( blurred.toJson() ).residualBlur );
		assertTrue( blurred.toJson().contains( "\"residual_blur\": 1.5" ) );
	}

	@Test
	void badBlursAreRefusedWithTheFix()
	{
		final ModelSpec noResidual = Presets.denoiser( 1 );
		noResidual.residualBlur = 1;
		assertTrue( assertThrows( IllegalArgumentException.class, noResidual::validate ).getMessage()
				.contains( "needs residual true" ) );
		final ModelSpec negative = Presets.denoiser( 1 );
		negative.residual = true;
		negative.residualBlur = -1;
		assertTrue( assertThrows( IllegalArgumentException.class, negative::validate ).getMessage()
				.contains( "must be in [0, 16]" ) );
	}
}
