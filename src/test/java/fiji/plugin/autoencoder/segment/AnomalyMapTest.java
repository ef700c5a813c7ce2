package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

class AnomalyMapTest
{
	@Test
	void absoluteAndSquaredErrorsInInputUnits()
	{
		final byte[] x = new byte[ 16 ];
		final float[] r = new float[ 16 ];
		for ( int i = 0; i < 16; i++ )
		{
			x[ i ] = ( byte ) ( 10 * i );
			r[ i ] = 10 * i + ( i % 3 - 1 ) * 2.5f; // errors -2.5, 0, 2.5
		}
		final ImagePlus in = new ImagePlus( "in", new ByteProcessor( 4, 4, x ) );
		final ImagePlus rec = new ImagePlus( "rec", new FloatProcessor( 4, 4, r ) );
		final ImagePlus abs = AnomalyMap.fromReconstruction( in, rec, new AnomalyMap.Options() );
		final ImagePlus sq = AnomalyMap.fromReconstruction( in, rec,
				new AnomalyMap.Options().error( AnomalyMap.Error.SQUARED ) );
		assertEquals( 32, abs.getBitDepth() );
		for ( int i = 0; i < 16; i++ )
		{
			final float e = i % 3 == 1 ? 0 : 2.5f;
			assertEquals( e, abs.getProcessor().getf( i ), 0 );
			assertEquals( e * e, sq.getProcessor().getf( i ), 0 );
		}
		assertEquals( "in-anomaly", abs.getTitle() );
	}

	@Test
	void rgbChannelsPerChannelOrAveraged()
	{
		final ColorProcessor cp = new ColorProcessor( 3, 2 );
		for ( int i = 0; i < 6; i++ )
			cp.set( i, ( 100 << 16 ) | ( 50 << 8 ) | 10 );
		final ImageStack rec = new ImageStack( 3, 2 );
		rec.addSlice( new FloatProcessor( 3, 2, new float[] { 100, 100, 100, 100, 100, 94 } ) );
		rec.addSlice( new FloatProcessor( 3, 2, new float[] { 50, 50, 50, 50, 50, 50 } ) );
		rec.addSlice( new FloatProcessor( 3, 2, new float[] { 10, 10, 10, 10, 10, 13 } ) );
		final ImagePlus r = new ImagePlus( "rec", rec );
		r.setDimensions( 3, 1, 1 );
		final ImagePlus in = new ImagePlus( "rgb", cp );
		final ImagePlus mean = AnomalyMap.fromReconstruction( in, r, new AnomalyMap.Options() );
		assertEquals( 1, mean.getNChannels() );
		assertEquals( ( 6 + 0 + 3 ) / 3f, mean.getProcessor().getf( 5 ), 1e-6 );
		assertEquals( 0, mean.getProcessor().getf( 0 ), 0 );
		final ImagePlus per = AnomalyMap.fromReconstruction( in, r, new AnomalyMap.Options().perChannel( true ) );
		assertEquals( 3, per.getNChannels() );
		assertEquals( 6f, per.getStack().getProcessor( 1 ).getf( 5 ), 0 );
		assertEquals( 3f, per.getStack().getProcessor( 3 ).getf( 5 ), 0 );
		final String m = assertThrows( IllegalArgumentException.class, () -> AnomalyMap.fromReconstruction( in,
				new ImagePlus( "one", new FloatProcessor( 3, 2 ) ), new AnomalyMap.Options() ) ).getMessage();
		assertTrue( m.contains( "1 channel(s)" ) && m.contains( "3 channel(s)" ), m );
	}

	@Test
	void smoothingSpreadsAnIsolatedErrorAndKeepsItsSum()
	{
		final float[] x = new float[ 41 * 41 ];
		final float[] r = new float[ 41 * 41 ];
		r[ 20 * 41 + 20 ] = 100;
		final ImagePlus in = new ImagePlus( "in", new FloatProcessor( 41, 41, x ) );
		final ImagePlus smooth = AnomalyMap.fromReconstruction( in,
				new ImagePlus( "rec", new FloatProcessor( 41, 41, r ) ), new AnomalyMap.Options().sigma( 2 ) );
		double sum = 0;
		for ( final float f : ( float[] ) smooth.getProcessor().getPixels() )
			sum += f;
		assertEquals( 100, sum, 0.5 );
		// a 2D Gaussian with sigma 2 peaks at 100 / (2 pi 4) = 3.98
		assertEquals( 100 / ( 2 * Math.PI * 4 ), smooth.getProcessor().getf( 20, 20 ), 0.1 );
		assertEquals( smooth.getProcessor().getf( 18, 20 ), smooth.getProcessor().getf( 20, 22 ), 1e-4 );
		assertTrue( assertThrows( IllegalArgumentException.class,
				() -> AnomalyMap.fromReconstruction( in, in, new AnomalyMap.Options().sigma( -1 ) ) ).getMessage()
				.contains( "sigma" ) );
	}

	@Test
	void signedSmoothingCancelsAResidueOfBothSignsAndKeepsACoherentOne()
	{
		// residue x - x' = +-10 in a checkerboard, except an 11 x 11 square of -10 at the centre
		final int w = 61;
		final float[] x = new float[ w * w ], r = new float[ w * w ];
		for ( int y = 0; y < w; y++ )
			for ( int i = 0; i < w; i++ )
			{
				final boolean square = Math.abs( i - 30 ) <= 5 && Math.abs( y - 30 ) <= 5;
				r[ y * w + i ] = square ? 10 : ( ( i + y ) % 2 == 0 ? 10 : -10 );
			}
		final ImagePlus in = new ImagePlus( "in", new FloatProcessor( w, w, x ) ),
				rec = new ImagePlus( "rec", new FloatProcessor( w, w, r ) );
		final ImagePlus abs = AnomalyMap.fromReconstruction( in, rec, new AnomalyMap.Options().sigma( 2 ) );
		final ImagePlus signed = AnomalyMap.fromReconstruction( in, rec,
				new AnomalyMap.Options().sigma( 2 ).smoothSigned( true ) );
		// |residue| is 10 everywhere: the smoothed magnitude cannot see the square
		assertEquals( 10, abs.getProcessor().getf( 30, 30 ), 1e-3 );
		assertEquals( 10, abs.getProcessor().getf( 10, 30 ), 1e-3 );
		// the smoothed signed residue: ~0 on the checkerboard, 10 erf( 5.5 / (2 sqrt 2) )^2 = 9.88 at the square's centre
		assertEquals( 0, signed.getProcessor().getf( 10, 30 ), 0.05 );
		assertEquals( 0, signed.getProcessor().getf( 30, 10 ), 0.05 );
		final double erf = Erf.erf( 5.5 / ( 2 * Math.sqrt( 2 ) ) );
		assertEquals( 10 * erf * erf, signed.getProcessor().getf( 30, 30 ), 0.05 );
		// squared: the square of the smoothed residue
		final ImagePlus sq = AnomalyMap.fromReconstruction( in, rec,
				new AnomalyMap.Options().sigma( 2 ).smoothSigned( true ).error( AnomalyMap.Error.SQUARED ) );
		assertEquals( signed.getProcessor().getf( 30, 30 ) * signed.getProcessor().getf( 30, 30 ),
				sq.getProcessor().getf( 30, 30 ), 1e-3 );
	}

	@Test
	void zScoreAgainstTheStatisticsOfANormalMap()
	{
		final ImagePlus normal = new ImagePlus( "normal",
				new FloatProcessor( 5, 1, new float[] { 0, 2, Float.NaN, 4, 6 } ) );
		final double[] stats = AnomalyMap.statistics( normal );
		assertEquals( 3, stats[ 0 ], 1e-12 );
		assertEquals( Math.sqrt( 5 ), stats[ 1 ], 1e-12 );
		// errors 0, 3, 3 + sqrt(5), 3 + 4 sqrt(5) -> z = -3 / sqrt(5), 0, 1, 4
		final float s5 = ( float ) Math.sqrt( 5 );
		final ImagePlus in = new ImagePlus( "in",
				new FloatProcessor( 4, 1, new float[] { 0, 3, 3 + s5, 3 + 4 * s5 } ) );
		final ImagePlus rec = new ImagePlus( "rec", new FloatProcessor( 4, 1, new float[ 4 ] ) );
		final ImagePlus z = AnomalyMap.fromReconstruction( in, rec,
				new AnomalyMap.Options().normalizeBy( stats[ 0 ], stats[ 1 ] ) );
		assertEquals( -3 / Math.sqrt( 5 ), z.getProcessor().getf( 0 ), 1e-6 );
		assertEquals( 0, z.getProcessor().getf( 1 ), 1e-6 );
		assertEquals( 1, z.getProcessor().getf( 2 ), 1e-6 );
		assertEquals( 4, z.getProcessor().getf( 3 ), 1e-6 );
		// the copy keeps the normalization; a zero std is refused with a hint
		assertEquals( 4, AnomalyMap
				.fromReconstruction( in, rec, new AnomalyMap.Options().normalizeBy( stats[ 0 ], stats[ 1 ] ).copy() )
				.getProcessor().getf( 3 ), 1e-6 );
		final String m = assertThrows( IllegalArgumentException.class,
				() -> new AnomalyMap.Options().normalizeBy( 1, 0 ) ).getMessage();
		assertTrue( m.contains( "AnomalyMap.statistics" ), m );
	}
}
