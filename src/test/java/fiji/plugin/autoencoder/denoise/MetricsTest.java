package fiji.plugin.autoencoder.denoise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.process.FloatProcessor;

class MetricsTest
{
	@Test
	void psnrOnHandComputableCases()
	{
		// MSE 0.01, range 1 -> 10 log10(1 / 0.01) = 20 dB
		assertEquals( 20.0, Metrics.psnr( new float[ 4 ], new float[] { 0.1f, -0.1f, 0.1f, 0.1f }, 1.0 ), 1e-5 );
		// MSE 1/4, range 2 -> 10 log10(16) = 12.0412 dB
		assertEquals( 12.041199826559248, Metrics.psnr( new float[ 4 ], new float[] { 1, 0, 0, 0 }, 2.0 ), 1e-12 );
		// 8-bit image off by one grey level everywhere: 20 log10(255) = 48.1308 dB
		final float[] a = new float[ 100 ], b = new float[ 100 ];
		for ( int i = 0; i < 100; i++ )
		{
			a[ i ] = i;
			b[ i ] = i + ( i % 2 == 0 ? 1 : -1 );
		}
		assertEquals( 48.13080360867909, Metrics.psnr( a, b, 255 ), 1e-12 );
		assertEquals( 1.0, Metrics.mse( a, b ) );
		assertEquals( Double.POSITIVE_INFINITY, Metrics.psnr( a, a.clone(), 255 ) );
		assertEquals( 99.0, Metrics.dataRange( a ) );
	}

	@Test
	void ssimOnHandComputableCases()
	{
		final int w = 16, h = 13;
		final float[] x = new float[ w * h ];
		final SplittableRandom r = new SplittableRandom( 1 );
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = ( float ) r.nextDouble();
		assertEquals( 1.0, Metrics.ssim( x, x.clone(), w, h, 1.0 ), 1e-12 );
		// constant images 0.2 and 0.4: no variance, SSIM = (2ab + C1) / (a^2 + b^2 + C1), C1 = (0.01 * 1)^2
		final float[] a = new float[ w * h ], b = new float[ w * h ];
		java.util.Arrays.fill( a, 0.2f );
		java.util.Arrays.fill( b, 0.4f );
		final double fa = 0.2f, fb = 0.4f;
		assertEquals( ( 2 * fa * fb + 1e-4 ) / ( fa * fa + fb * fb + 1e-4 ), Metrics.ssim( a, b, w, h, 1.0 ), 1e-9 );
		// symmetric, and a negated image is anti-correlated
		final float[] y = x.clone();
		for ( int i = 0; i < y.length; i++ )
			y[ i ] = 1 - x[ i ];
		assertEquals( Metrics.ssim( x, y, w, h, 1 ), Metrics.ssim( y, x, w, h, 1 ), 1e-12 );
		assertTrue( Metrics.ssim( x, y, w, h, 1 ) < 0 );
		// the Gaussian window as scipy.ndimage: radius 5, weights exp(-x^2/4.5) normalised
		assertEquals( 5, Metrics.ssimRadius() );
		final double[] k = Metrics.gaussianKernel( 1.5, 5 );
		assertEquals( Math.exp( -25 / 4.5 ) / Math.exp( 0 ), k[ 0 ] / k[ 5 ], 1e-15 );
		assertEquals( 3, Metrics.reflect( -4, 10 ) );
		assertEquals( 8, Metrics.reflect( 11, 10 ) );
	}

	@Test
	void badInputsAreRejected()
	{
		final IllegalArgumentException small = assertThrows( IllegalArgumentException.class,
				() -> Metrics.ssim( new float[ 100 ], new float[ 100 ], 10, 10, 1 ) );
		assertTrue( small.getMessage().contains( "at least 11x11" ), small.getMessage() );
		final IllegalArgumentException size = assertThrows( IllegalArgumentException.class,
				() -> Metrics.psnr( new float[ 3 ], new float[ 4 ], 1 ) );
		assertTrue( size.getMessage().contains( "3 pixels" ) && size.getMessage().contains( "4" ), size.getMessage() );
		assertThrows( IllegalArgumentException.class, () -> Metrics.psnr( new float[ 3 ], new float[ 3 ], 0 ) );
		assertThrows( IllegalArgumentException.class,
				() -> Metrics.ssim( new float[ 144 ], new float[ 144 ], 12, 11, 1 ) );
	}

	/** Runs bench/ssim_reference.py (scikit-image) and checks that Java gives the same PSNR and SSIM on its image pairs. */
	@Test
	void agreesWithScikitImage( @TempDir final Path tmp ) throws Exception
	{
		final File python = new File( "/usr/bin/python3" );
		assumeTrue( python.canExecute(), "/usr/bin/python3 is absent" );
		final File script = new File( "bench/ssim_reference.py" ).getAbsoluteFile();
		assumeTrue( script.isFile(), script + " is absent (run the tests from the project folder)" );
		final Process p = new ProcessBuilder( python.getPath(), script.getPath(), tmp.toString() )
				.redirectErrorStream( true ).start();
		final List< String > lines = new ArrayList<>();
		try ( BufferedReader in = new BufferedReader(
				new InputStreamReader( p.getInputStream(), StandardCharsets.UTF_8 ) ) )
		{
			for ( String line; ( line = in.readLine() ) != null; )
				lines.add( line );
		}
		assertTrue( p.waitFor( 120, TimeUnit.SECONDS ), "python timed out" );
		assumeTrue( p.exitValue() != 3, "scikit-image reference skipped: " + lines );
		assertEquals( 0, p.exitValue(), "ssim_reference.py failed: " + String.join( "\n", lines ) );
		int pairs = 0;
		for ( final String line : lines )
		{
			if ( !line.startsWith( "PAIR\t" ) )
				continue;
			final String[] f = line.split( "\t" );
			final FloatProcessor ref = TestData.open( new File( f[ 2 ] ), 1 );
			final FloatProcessor test = TestData.open( new File( f[ 3 ] ), 1 );
			final double range = Double.parseDouble( f[ 4 ] );
			final double psnr = Metrics.psnr( TestData.pixels( ref ), TestData.pixels( test ), range );
			final double ssim = Metrics.ssim( TestData.pixels( ref ), TestData.pixels( test ), ref.getWidth(),
					ref.getHeight(), range );
			assertEquals( Double.parseDouble( f[ 5 ] ), psnr, 1e-3, f[ 1 ] + " PSNR" );
			assertEquals( Double.parseDouble( f[ 6 ] ), ssim, 1e-3, f[ 1 ] + " SSIM" );
			// in fact far closer: same float32 pixels, double arithmetic on both sides
			assertEquals( Double.parseDouble( f[ 6 ] ), ssim, 1e-8, f[ 1 ] + " SSIM (tight)" );
			pairs++;
		}
		assertEquals( 3, pairs, "pairs printed by the script: " + lines );
	}
}
