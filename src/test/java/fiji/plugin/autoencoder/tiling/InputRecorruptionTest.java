package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * Test-time recorruption ({@link InputRecorruption}, {@link ImageRunner.Options#recorruption}): the noise has the
 * stated variance, is reproducible and differs per pass and channel; averaging with it tiles exactly as untiled, and
 * run channel by channel a channel's output still depends on that channel alone.
 */
class InputRecorruptionTest
{
	@Test
	void noiseHasTheStatedVarianceAndIsReproducible()
	{
		final int n = 100_000;
		final float[] y = new float[ n ], yt = new float[ n ];
		for ( int i = 0; i < n; i++ )
		{
			y[ i ] = 100 + ( i % 100 );
			yt[ i ] = 2 * ( 50 + i % 50 ); // whole photon counts 50..99 at gain 2
		}
		final InputRecorruption g = InputRecorruption.gaussian( 0.5, 15, 0, 7 ),
				t = InputRecorruption.thinning( 0.75, 2, 7 );
		final float[] a = y.clone(), b = y.clone(), c = y.clone(), th = yt.clone();
		g.apply( a, 0, n, 0, 0 );
		g.apply( b, 0, n, 0, 0 );
		g.apply( c, 0, n, 0, 1 );
		t.apply( th, 0, n, 0, 0 );
		assertArrayEquals( a, b, "the same seed, plane and pass give the same noise" );
		final double[] ea = moments( a, y ), ec = moments( c, y ), et = moments( th, yt );
		// Gaussian: variance alpha^2 sigma^2 = 56.25; thinning: gain^2 k (1 - p) / p with k = y / gain, mean y 149 -> 99.33
		System.out.printf( "gaussian: mean %.3f, variance %.2f (56.25); thinning: mean %.3f, variance %.2f (99.33)%n",
				ea[ 0 ], ea[ 1 ], et[ 0 ], et[ 1 ] );
		assertEquals( 0, ea[ 0 ], 0.1 );
		assertEquals( 56.25, ea[ 1 ], 56.25 * 0.02 );
		assertEquals( 0, et[ 0 ], 0.15 );
		assertEquals( 99.33, et[ 1 ], 99.33 * 0.02 );
		assertTrue( Math.abs( correlation( a, c, y ) ) < 0.01, "another pass draws other noise" );
		assertTrue( Math.abs( ec[ 1 ] - 56.25 ) < 56.25 * 0.02 );
		final float[] other = y.clone();
		g.forChannel( 1 ).apply( other, 0, n, 0, 0 );
		assertTrue( Math.abs( correlation( a, other, y ) ) < 0.01, "another channel draws other noise" );

		final InputRecorruption back = InputRecorruption.of( Map.of( InputRecorruption.ENTRY, t.toJson() ) );
		assertEquals( InputRecorruption.Kind.THINNING, back.kind );
		assertEquals( 0.75, back.keep );
		assertEquals( 2, back.gain );
		assertEquals( 7, back.seed );
		assertEquals( null, InputRecorruption.of( Map.of() ) );
		assertThrows( IllegalArgumentException.class,
				() -> InputRecorruption.of( Map.of( InputRecorruption.ENTRY, "{\"kind\":\"gaussian\"}" ) ) );
	}

	@Test
	void averagingRecorruptedCopiesTilesAsUntiled()
	{
		final ImageProcessor crop = TestImages.open( "cell.png" ).getProcessor();
		crop.setRoi( 200, 180, 100, 70 );
		final ImagePlus imp = new ImagePlus( "cell", crop.crop() );
		final byte[] before = ( ( byte[] ) imp.getProcessor().getPixels() ).clone();
		final Normalization norm = Normalization.percentileDefault();
		try ( Model model = Model.create( Presets.denoiser( 1 ), 7, 1 ) )
		{
			final ImageRunner.Options o = new ImageRunner.Options();
			o.averageOrientations = true;
			final float[] plain = run( model, norm, imp, o );
			o.recorruption = InputRecorruption.gaussian( 0.5, 10, 0, 3 );
			final float[] untiled = run( model, norm, imp, o ), again = run( model, norm, imp, o );
			o.tileSize = new int[] { 48, 40 };
			final float[] tiled = run( model, norm, imp, o );
			final double d = maxDiff( untiled, tiled ), p = maxDiff( untiled, plain );
			System.out.printf( "recorrupted averaging: tiled vs untiled max abs diff %.2e, vs plain averaging %.3f%n",
					d,
					p );
			assertTrue( d < 1e-3, "tiled vs untiled: max abs diff " + d );
			assertEquals( 0, maxDiff( untiled, again ), "a rerun gives the same pixels" );
			assertTrue( p > 0.1, "the recorrupted inputs change the result: " + p );
			assertArrayEquals( before, ( byte[] ) imp.getProcessor().getPixels(), "the input is untouched" );
		}
	}

	@Test
	void channelByChannelEachChannelKeepsItsOwnResult()
	{
		final ImageProcessor crop = TestImages.open( "cell.png" ).getProcessor().convertToFloat();
		crop.setRoi( 200, 180, 64, 48 );
		final FloatProcessor c0 = ( FloatProcessor ) crop.crop(), c1 = ( FloatProcessor ) c0.duplicate();
		c1.flipHorizontal();
		final ImagePlus two = stack( c0, c1 ), changed = stack( ( FloatProcessor ) c0.duplicate(), c1 );
		changed.getStack().getProcessor( 1 ).multiply( 0.5 );
		try ( Model model = Model.create( Presets.denoiser( 1 ), 7, 1 ) )
		{
			final ImageRunner.Options o = new ImageRunner.Options();
			o.averageOrientations = true;
			o.recorruption = InputRecorruption.gaussian( 0.5, 10, 0, 3 );
			final Normalization norm = Normalization.fixed( new double[] { 0 }, new double[] { 1 / 255.0 } );
			final ImagePlus a = ChannelwiseRunner.run( model, norm, 2, two, OutputType.FLOAT_32, "a", o,
					Progress.none() ),
					b = ChannelwiseRunner.run( model, norm, 2, changed, OutputType.FLOAT_32, "b", o, Progress.none() );
			final float[] a1 = ( float[] ) a.getStack().getPixels( 2 ), b1 = ( float[] ) b.getStack().getPixels( 2 ),
					a0 = ( float[] ) a.getStack().getPixels( 1 );
			assertEquals( 0, maxDiff( a1, b1 ), "channel 2 does not change with channel 1" );
			// channel 2 is channel 1 flipped: with the same noise field the outputs would be mirror images up to the net
			final float[] a0flipped = a0.clone();
			final FloatProcessor f = new FloatProcessor( 64, 48, a0flipped );
			f.flipHorizontal();
			assertTrue( maxDiff( a1, a0flipped ) > 1e-3, "each channel draws its own noise" );
		}
	}

	private static ImagePlus stack( final FloatProcessor... planes )
	{
		final ImageStack s = new ImageStack( planes[ 0 ].getWidth(), planes[ 0 ].getHeight() );
		for ( final FloatProcessor p : planes )
			s.addSlice( p );
		final ImagePlus imp = new ImagePlus( "two", s );
		imp.setDimensions( planes.length, 1, 1 );
		return new ij.CompositeImage( imp );
	}

	private static float[] run( final Model model, final Normalization norm, final ImagePlus imp,
			final ImageRunner.Options o )
	{
		return ( float[] ) ImageRunner.run( model, norm, imp, OutputType.FLOAT_32, "r", true, o, Progress.none() )
				.getProcessor().convertToFloatProcessor().getPixels();
	}

	private static double maxDiff( final float[] a, final float[] b )
	{
		double m = 0;
		for ( int i = 0; i < a.length; i++ )
			m = Math.max( m, Math.abs( a[ i ] - b[ i ] ) );
		return m;
	}

	/** Mean and variance of x - y. */
	private static double[] moments( final float[] x, final float[] y )
	{
		double s = 0, ss = 0;
		for ( int i = 0; i < x.length; i++ )
		{
			final double e = x[ i ] - y[ i ];
			s += e;
			ss += e * e;
		}
		final double m = s / x.length;
		return new double[] { m, ss / x.length - m * m };
	}

	private static double correlation( final float[] a, final float[] b, final float[] y )
	{
		double ab = 0, aa = 0, bb = 0;
		for ( int i = 0; i < a.length; i++ )
		{
			final double u = a[ i ] - y[ i ], v = b[ i ] - y[ i ];
			ab += u * v;
			aa += u * u;
			bb += v * v;
		}
		return ab / Math.sqrt( aa * bb );
	}
}
