package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.process.FloatProcessor;

class ThresholdsTest
{
	private static float[] twoClusters()
	{
		final Random r = new Random( 3 );
		final float[] v = new float[ 64 * 64 ];
		for ( int i = 0; i < v.length; i++ )
			v[ i ] = i % 5 == 0 ? ( float ) ( 8 + r.nextGaussian() ) : ( float ) ( 2 + 0.5 * r.nextGaussian() );
		return v;
	}

	@Test
	void otsuMaximisesTheBetweenClassVariance()
	{
		final float[] v = twoClusters();
		final double t = Thresholds.otsu( v );
		// independent check: the best split of the same 256-bin histogram by exhaustive search
		double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
		for ( final float f : v )
		{
			min = Math.min( min, f );
			max = Math.max( max, f );
		}
		final double width = ( max - min ) / 256;
		final long[] hist = new long[ 256 ];
		for ( final float f : v )
			hist[ Math.min( 255, ( int ) ( ( f - min ) / width ) ) ]++;
		double best = -1;
		int bestBin = -1;
		for ( int k = 0; k < 255; k++ )
		{
			double n0 = 0, s0 = 0, n1 = 0, s1 = 0;
			for ( int i = 0; i < 256; i++ )
				if ( i <= k )
				{
					n0 += hist[ i ];
					s0 += hist[ i ] * i;
				}
				else
				{
					n1 += hist[ i ];
					s1 += hist[ i ] * i;
				}
			if ( n0 == 0 || n1 == 0 )
				continue;
			final double between = n0 * n1 * Math.pow( s0 / n0 - s1 / n1, 2 );
			if ( between > best )
			{
				best = between;
				bestBin = k;
			}
		}
		assertEquals( min + ( bestBin + 1 ) * width, t, 1e-6 * ( max - min ) );
		assertTrue( t > 3.5 && t < 6.5, "between the clusters: " + t );
		final ImagePlus mask = Thresholds.mask( new ImagePlus( "map", new FloatProcessor( 64, 64, v ) ), t );
		int fg = 0;
		for ( int i = 0; i < v.length; i++ )
		{
			assertEquals( v[ i ] > t ? 255 : 0, mask.getProcessor().get( i ) );
			fg += v[ i ] > t ? 1 : 0;
		}
		assertEquals( v.length / 5, fg, "the bright fifth is foreground" );
	}

	@Test
	void percentileAndValue()
	{
		final float[] v = twoClusters();
		final float[] sorted = v.clone();
		Arrays.sort( sorted );
		final ImagePlus map = new ImagePlus( "map", new FloatProcessor( 64, 64, v ) );
		assertEquals( sorted[ ( int ) Math.ceil( 0.9 * v.length ) - 1 ],
				Thresholds.threshold( map, Thresholds.Method.PERCENTILE, 90 ), 0 );
		assertEquals( sorted[ v.length - 1 ], Thresholds.threshold( map, Thresholds.Method.PERCENTILE, 100 ), 0 );
		assertEquals( sorted[ 0 ], Thresholds.threshold( map, Thresholds.Method.PERCENTILE, 0 ), 0 );
		assertEquals( 4.25, Thresholds.threshold( map, Thresholds.Method.VALUE, 4.25 ), 0 );
		assertEquals( Thresholds.Method.PERCENTILE, Thresholds.Method.of( "percentile" ) );
		assertTrue( assertThrows( IllegalArgumentException.class, () -> Thresholds.Method.of( "Triangle" ) )
				.getMessage().contains( "Otsu, Percentile, Value or Calibrated" ) );
		assertTrue( assertThrows( IllegalArgumentException.class,
				() -> Thresholds.threshold( map, Thresholds.Method.PERCENTILE, 101 ) ).getMessage()
				.contains( "between 0 and 100" ) );
		// a constant map has no foreground
		final ImagePlus flat = new ImagePlus( "flat", new FloatProcessor( 8, 8, new float[ 64 ] ) );
		assertEquals( 0,
				Thresholds.mask( flat, Thresholds.threshold( flat, Thresholds.Method.OTSU, 0 ) ).getStatistics().max,
				0 );
	}

	@Test
	void calibratedOnANormalMapAtAFalsePositiveRate()
	{
		// normal map: values 1..10000 in shuffled order
		final float[] v = new float[ 10000 ];
		for ( int i = 0; i < v.length; i++ )
			v[ i ] = ( 7919L * i ) % 10000 + 1;
		final ImagePlus normal = new ImagePlus( "normal", new FloatProcessor( 100, 100, v ) );
		assertEquals( 9990, Thresholds.calibrated( normal, 1e-3 ), 0 );
		assertEquals( 9900, Thresholds.calibrated( normal, 0.01 ), 0 );
		assertEquals( 10000, Thresholds.calibrated( normal, 0 ), 0 );
		// exactly the rate of the normal pixels is above it
		assertEquals( 10 * 255, sum( Thresholds.mask( normal, Thresholds.calibrated( normal, 1e-3 ) ) ), 0 );
		final String m = assertThrows( IllegalArgumentException.class, () -> Thresholds.calibrated( normal, 1 ) )
				.getMessage();
		assertTrue( m.contains( "0.0001" ), m );
		// a value resting on fewer than 10 normal pixels is flagged with the size that would do
		assertNull( Thresholds.calibrationNote( 10000, 1e-3, "seed" ), "10 pixels above: stable enough" );
		final String note = Thresholds.calibrationNote( 10000, 1e-4, "seed" );
		assertTrue( note != null && note.contains( "only 1 of the normal image's 10000 pixels" )
				&& note.contains( "at least 100000 pixels, 10x this one" ), note );
	}

	private static double sum( final ImagePlus mask )
	{
		double s = 0;
		for ( int i = 0; i < mask.getProcessor().getPixelCount(); i++ )
			s += mask.getProcessor().getf( i );
		return s;
	}

	@Test
	void calibratedThresholdAndSeedComeFromTheNormalMap()
	{
		// normal map: 0..9999; image map: a cone peaking at 10005 and a plateau at 9995, on a background of 0
		final FloatProcessor normal = new FloatProcessor( 100, 100 );
		for ( int i = 0; i < 10000; i++ )
			normal.setf( i, i );
		final FloatProcessor map = new FloatProcessor( 40, 20 );
		for ( int y = 0; y < 20; y++ )
			for ( int x = 0; x < 40; x++ )
			{
				if ( Math.hypot( x - 8, y - 10 ) <= 4 )
					map.setf( x, y, ( float ) ( 10005 - Math.hypot( x - 8, y - 10 ) ) );
				if ( x >= 24 && x < 30 && y >= 7 && y < 13 )
					map.setf( x, y, 9995 );
			}
		final ImagePlus normalMap = new ImagePlus( "normal", normal ), imp = new ImagePlus( "map", map );
		final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( "Calibrated", 1e-3, 0, 1 );
		final Segmentation both = ReconstructionSegmenter.fromMap( imp, normalMap, s );
		assertEquals( 9989, both.threshold, 0, "10 of the 10000 normal values exceed it" );
		assertEquals( 2, both.objectCount );
		assertTrue( both.notes.isEmpty(), both.notes.toString() );
		s.seedFalsePositiveRate = 1e-4;
		final Segmentation seeded = ReconstructionSegmenter.fromMap( imp, normalMap, s );
		assertEquals( 9998, seeded.seedThreshold, 0 );
		assertEquals( 1, seeded.notes.size(), "the seed rests on one normal pixel" );
		assertTrue( seeded.summary().startsWith(
				"1 object(s) above 9989.0, seeded at 9998.0; note: the calibrated seed is the value only 1 of" ),
				seeded.summary() );
		assertEquals( 1, seeded.objectCount, "only the cone reaches the seed" );
		assertEquals( 1, seeded.labels.getProcessor().get( 8, 10 ) );
		// a seed rate whose value lies below the threshold is raised to it
		s.seedFalsePositiveRate = 0.5;
		assertEquals( 9989, ReconstructionSegmenter.fromMap( imp, normalMap, s ).seedThreshold, 0 );

		String msg = assertThrows( IllegalArgumentException.class, () -> ReconstructionSegmenter.fromMap( imp, s ) )
				.getMessage();
		assertTrue( msg.contains( "normal (defect-free) image" ), msg );
		s.seedThreshold = 9999;
		msg = assertThrows( IllegalArgumentException.class, () -> ReconstructionSegmenter.fromMap( imp, normalMap, s ) )
				.getMessage();
		assertTrue( msg.contains( "not both" ), msg );
		msg = assertThrows( IllegalArgumentException.class,
				() -> Thresholds.threshold( imp, Thresholds.Method.CALIBRATED, 1e-3 ) ).getMessage();
		assertTrue( msg.contains( "normal_image" ), msg );
		assertEquals( Thresholds.Method.CALIBRATED, Thresholds.Method.of( "calibrated" ) );
	}

	@Test
	void hysteresisKeepsOnlyObjectsThatReachTheSeedThresholdWithTheirWholeExtent()
	{
		// three objects above 1: a cone peaking at 5, a plateau at 2, a single bright pixel at 9 (dropped by min size 4)
		final FloatProcessor map = new FloatProcessor( 40, 20 );
		for ( int y = 0; y < 20; y++ )
			for ( int x = 0; x < 40; x++ )
			{
				final double r = Math.hypot( x - 8, y - 10 );
				if ( r <= 4 )
					map.setf( x, y, ( float ) ( 5 - r ) ); // 1..5
				if ( x >= 24 && x < 30 && y >= 7 && y < 13 )
					map.setf( x, y, 2 );
			}
		map.setf( 36, 3, 9 );
		final ImagePlus imp = new ImagePlus( "map", map );
		final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( "Value", 1, 0, 4 );
		assertEquals( 2, ReconstructionSegmenter.fromMap( imp, s ).objectCount,
				"without hysteresis: cone and plateau" );
		s.seedThreshold = 3;
		final Segmentation seeded = ReconstructionSegmenter.fromMap( imp, s );
		assertEquals( 1, seeded.objectCount, "only the cone reaches 3" );
		int conePixels = 0, kept = 0;
		for ( int i = 0; i < map.getPixelCount(); i++ )
		{
			conePixels += map.getf( i ) > 1 && i % 40 < 20 ? 1 : 0;
			kept += seeded.mask.getProcessor().get( i ) != 0 ? 1 : 0;
		}
		assertEquals( conePixels, kept, "the cone keeps its pixels between 1 and 3 too" );
		assertEquals( 1, seeded.labels.getProcessor().get( 8, 10 ) );
		assertEquals( 0, seeded.labels.getProcessor().get( 26, 10 ) );
		s.seedThreshold = 0.5;
		final String msg = assertThrows( IllegalArgumentException.class,
				() -> ReconstructionSegmenter.fromMap( imp, s ) ).getMessage();
		assertTrue( msg.contains( "below the threshold" ), msg );
	}
}
