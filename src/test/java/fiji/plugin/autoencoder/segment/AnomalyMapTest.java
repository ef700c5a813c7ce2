package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
		final ImagePlus sq = AnomalyMap.fromReconstruction( in, rec, new AnomalyMap.Options().error( AnomalyMap.Error.SQUARED ) );
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
		final String m = assertThrows( IllegalArgumentException.class, () -> AnomalyMap.fromReconstruction( in, new ImagePlus( "one", new FloatProcessor( 3, 2 ) ), new AnomalyMap.Options() ) ).getMessage();
		assertTrue( m.contains( "1 channel(s)" ) && m.contains( "3 channel(s)" ), m );
	}

	@Test
	void smoothingSpreadsAnIsolatedErrorAndKeepsItsSum()
	{
		final float[] x = new float[ 41 * 41 ];
		final float[] r = new float[ 41 * 41 ];
		r[ 20 * 41 + 20 ] = 100;
		final ImagePlus in = new ImagePlus( "in", new FloatProcessor( 41, 41, x ) );
		final ImagePlus smooth = AnomalyMap.fromReconstruction( in, new ImagePlus( "rec", new FloatProcessor( 41, 41, r ) ), new AnomalyMap.Options().sigma( 2 ) );
		double sum = 0;
		for ( final float f : ( float[] ) smooth.getProcessor().getPixels() )
			sum += f;
		assertEquals( 100, sum, 0.5 );
		// a 2D Gaussian with sigma 2 peaks at 100 / (2 pi 4) = 3.98
		assertEquals( 100 / ( 2 * Math.PI * 4 ), smooth.getProcessor().getf( 20, 20 ), 0.1 );
		assertEquals( smooth.getProcessor().getf( 18, 20 ), smooth.getProcessor().getf( 20, 22 ), 1e-4 );
		assertTrue( assertThrows( IllegalArgumentException.class,
				() -> AnomalyMap.fromReconstruction( in, in, new AnomalyMap.Options().sigma( -1 ) ) ).getMessage().contains( "sigma" ) );
	}
}
