package fiji.plugin.autoencoder.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.cell.Cell;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.img.cell.LazyCellImg;
import net.imglib2.type.numeric.integer.UnsignedByteType;

class NormalizerTest
{
	/** numpy.percentile( values, p ) with the default linear interpolation, on a sorted array. */
	private static double numpyPercentile( final double[] sorted, final double p )
	{
		final double q = p / 100 * ( sorted.length - 1 );
		final int k = ( int ) Math.floor( q );
		if ( k + 1 >= sorted.length )
			return sorted[ k ];
		return sorted[ k ] + ( q - k ) * ( sorted[ k + 1 ] - sorted[ k ] );
	}

	private static double[] sortedPixels( final ImagePlus imp )
	{
		final double[] v = new double[ imp.getWidth() * imp.getHeight() ];
		for ( int i = 0; i < v.length; i++ )
			v[ i ] = imp.getProcessor().getf( i );
		Arrays.sort( v );
		return v;
	}

	@Test
	void percentilesOfCellEqualADirectSort()
	{
		final ImagePlus cell = TestImages.open( "cell.png" );
		final double[] sorted = sortedPixels( cell );
		final double[] percents = { 0, 1, 37.5, 50, 99.8, 100 };
		final double[] actual = Normalizer.percentiles( ImagePlusImages.wrap( cell ), ImageAxes.C, true,
				percents )[ 0 ];
		for ( int i = 0; i < percents.length; i++ )
			assertEquals( numpyPercentile( sorted, percents[ i ] ), actual[ i ], 1e-9, "percentile " + percents[ i ] );

		final Normalization n = Normalizer.fit( Normalization.percentileDefault(), cell );
		final double p1 = numpyPercentile( sorted, 1 ), p998 = numpyPercentile( sorted, 99.8 );
		assertEquals( p1, n.offsets()[ 0 ], 1e-9 );
		assertEquals( 1 / ( p998 - p1 ), n.scales()[ 0 ], 1e-12 );
		assertEquals( 0, n.apply( p1, 0 ), 1e-12 );
		assertEquals( 1, n.apply( p998, 0 ), 1e-12 );
	}

	@Test
	void floatPercentilesAreWithinOneBinOfADirectSort()
	{
		final ImagePlus cell = TestImages.open( "cell.png" );
		final FloatProcessor fp = cell.getProcessor().convertToFloatProcessor();
		final Random random = new Random( 42 );
		for ( int i = 0; i < fp.getPixelCount(); i++ )
			fp.setf( i, fp.getf( i ) * 0.37f + ( float ) random.nextGaussian() );
		fp.setf( 3, Float.NaN ); // skipped
		final ImagePlus noisy = new ImagePlus( "noisy", fp );
		final double[] all = sortedPixels( noisy );
		final double[] sorted = Arrays.copyOf( all, all.length - 1 ); // NaN sorts last
		final double binWidth = ( sorted[ sorted.length - 1 ] - sorted[ 0 ] ) / FloatHistogram.BINS;
		final double[] percents = { 0, 1, 50, 99.8, 100 };
		final double[] actual = Normalizer.percentiles( ImagePlusImages.wrap( noisy ), ImageAxes.C, false,
				percents )[ 0 ];
		for ( int i = 0; i < percents.length; i++ )
			assertEquals( numpyPercentile( sorted, percents[ i ] ), actual[ i ], binWidth,
					"percentile " + percents[ i ] );
	}

	@Test
	void rgbPercentilesPerChannel()
	{
		final ImagePlus ihc = TestImages.open( "ihc.png" );
		final int[] pixels = ( int[] ) ihc.getProcessor().getPixels();
		final double[][] actual = Normalizer.percentiles( ImagePlusImages.wrap( ihc ), ImageAxes.C, true, 2, 99.8 );
		assertEquals( 3, actual.length );
		for ( int c = 0; c < 3; c++ )
		{
			final double[] v = new double[ pixels.length ];
			for ( int i = 0; i < v.length; i++ )
				v[ i ] = ( pixels[ i ] >> ( 16 - 8 * c ) ) & 0xff;
			Arrays.sort( v );
			assertEquals( numpyPercentile( v, 2 ), actual[ c ][ 0 ], 1e-9 );
			assertEquals( numpyPercentile( v, 99.8 ), actual[ c ][ 1 ], 1e-9 );
		}
	}

	/** Two 16-bit channels: 0..99 and 1000..1198 in steps of 2. */
	private static ImagePlus twoChannels()
	{
		final ImageStack stack = new ImageStack( 10, 10 );
		final ShortProcessor a = new ShortProcessor( 10, 10 ), b = new ShortProcessor( 10, 10 );
		for ( int i = 0; i < 100; i++ )
		{
			a.set( i, i );
			b.set( i, 1000 + 2 * i );
		}
		stack.addSlice( a );
		stack.addSlice( b );
		final ImagePlus imp = new ImagePlus( "two", stack );
		imp.setDimensions( 2, 1, 1 );
		return imp;
	}

	@Test
	void minMaxMeanStdPerChannelAndGlobal()
	{
		final ImagePlus imp = twoChannels();
		final Normalization minMax = Normalizer.fit( Normalization.minMax( true ), imp );
		assertArrayEquals( new double[] { 0, 1000 }, minMax.offsets(), 0 );
		assertArrayEquals( new double[] { 1 / 99.0, 1 / 198.0 }, minMax.scales(), 1e-15 );

		final Normalization global = Normalizer.fit( Normalization.minMax( false ), imp );
		assertArrayEquals( new double[] { 0 }, global.offsets(), 0 );
		assertArrayEquals( new double[] { 1 / 1198.0 }, global.scales(), 1e-15 );

		final Normalization meanStd = Normalizer.fit( Normalization.meanStd( true ), imp );
		final double std0 = Math.sqrt( ( 100.0 * 100 - 1 ) / 12 ); // population std of 0..99
		assertArrayEquals( new double[] { 49.5, 1099 }, meanStd.offsets(), 1e-9 );
		assertArrayEquals( new double[] { 1 / std0, 1 / ( 2 * std0 ) }, meanStd.scales(), 1e-12 );

		// float path (two passes) gives the same moments
		final Normalization floatMeanStd = Normalizer.fit( Normalization.meanStd( true ),
				ImagePlusImages.toImagePlus( ImagePlusImages.wrap( imp ), imp, OutputType.FLOAT_32, "f" ) );
		assertArrayEquals( meanStd.offsets(), floatMeanStd.offsets(), 1e-9 );
		assertArrayEquals( meanStd.scales(), floatMeanStd.scales(), 1e-12 );
	}

	@Test
	void invertUndoesApply()
	{
		final ImagePlus imp = twoChannels();
		final Normalization n = Normalizer.fit( Normalization.percentile( 3, 97, true ), imp );
		final float[] hwc = new float[ 100 * 2 ];
		ImageTensors.reader( imp ).read2D( 0, 0, 10, 10, 0, 0, hwc, 0 );
		final float[] original = hwc.clone();
		// numpy.percentile( 0..99, [3, 97] ) = [2.97, 96.03]; channel 1 is 1000 + 2 * channel 0
		assertArrayEquals( new double[] { 2.97, 1005.94 }, n.offsets(), 1e-9 );
		assertArrayEquals( new double[] { 1 / 93.06, 1 / 186.12 }, n.scales(), 1e-12 );
		n.apply( hwc, 0, hwc.length, 2 );
		assertEquals( ( 3 - 2.97 ) / 93.06, hwc[ 2 * 3 ], 1e-7, "channel 0, pixel value 3" );
		assertEquals( ( 1006 - 1005.94 ) / 186.12, hwc[ 2 * 3 + 1 ], 1e-7, "channel 1, pixel value 1006" );
		n.invert( hwc, 0, hwc.length, 2 );
		double maxRelative = 0;
		for ( int i = 0; i < hwc.length; i++ )
			maxRelative = Math.max( maxRelative,
					Math.abs( hwc[ i ] - original[ i ] ) / Math.max( 1, Math.abs( original[ i ] ) ) );
		assertTrue( maxRelative <= 1e-5, "max relative error " + maxRelative );
		for ( double x = -500; x < 5000; x += 12.34 )
			for ( int c = 0; c < 2; c++ )
				assertEquals( x, n.invert( n.apply( x, c ), c ), 1e-9 );
		final Normalization eight = Normalization.eightBit();
		assertEquals( 1, eight.apply( 255, 5 ), 1e-15 );
		assertEquals( 255, eight.invert( eight.apply( 255, 0 ), 0 ), 1e-12 );
	}

	@Test
	void jsonRoundTripAndValidation()
	{
		final Normalization fitted = Normalizer.fit( Normalization.percentileDefault(), twoChannels() );
		final Normalization back = Normalization.fromJson( fitted.toJson() );
		assertEquals( fitted, back );
		assertTrue( fitted.toJson().contains( "\"method\": \"PERCENTILE\"" ), fitted.toJson() );
		assertEquals( Normalization.none(), Normalization.fromJson( Normalization.none().toJson() ) );

		final IllegalArgumentException unknown = assertThrows( IllegalArgumentException.class,
				() -> Normalization.fromJson( "{\"method\":\"BANANA\"}" ) );
		assertTrue( unknown.getMessage().contains( "PERCENTILE" ), unknown.getMessage() );
		assertThrows( IllegalArgumentException.class, () -> Normalization.percentile( 99, 1, true ) );
		assertThrows( IllegalArgumentException.class,
				() -> Normalization.fromJson( "{\"offsets\":[1,2],\"scales\":[1]}" ) );
		assertThrows( IllegalArgumentException.class, () -> Normalization.fixed( 0, 0 ) );
		assertThrows( IllegalArgumentException.class, () -> Normalization.fromJson( "not json" ) );
		final IllegalStateException unfitted = assertThrows( IllegalStateException.class,
				() -> Normalization.percentileDefault().apply( 1, 0 ) );
		assertTrue( unfitted.getMessage().contains( "Normalizer.fit" ), unfitted.getMessage() );
		assertThrows( IllegalArgumentException.class, () -> fitted.apply( 1, 2 ) ); // fitted on 2 channels
		assertFalse( Normalization.minMax( true ).isFitted() );
		assertThrows( IllegalArgumentException.class,
				() -> Normalizer.percentiles( ArrayImgs.floats( 3, 3 ), 5, true, 50 ) );
		assertThrows( IllegalArgumentException.class,
				() -> Normalizer.percentiles( ArrayImgs.floats( 3, 3 ), -1, true, 101 ) );
		assertThrows( IllegalArgumentException.class,
				() -> Normalizer.percentiles( ArrayImgs.floats( 0, 3 ), -1, true, 50 ) );
	}

	// -- images beyond 2^31 pixels --

	@Test
	void histogramCountsBeyondIntegerRange()
	{
		final IntegerHistogram h = new IntegerHistogram();
		h.add( 7, 3_000_000_000L );
		h.add( 9, 1_000_000_000L );
		assertEquals( 4_000_000_000L, h.total() );
		assertEquals( 7, h.percentile( 50 ), 0 );
		// q = 0.75 * (4e9 - 1) = 2999999999.25: between rank 2999999999 (7) and 3e9 (9)
		assertEquals( 7.5, h.percentile( 75 ), 1e-6 );
		assertEquals( 9, h.percentile( 80 ), 0 );
		assertEquals( 7, h.min() );
		assertEquals( 9, h.max() );
		assertArrayEquals( new double[] { 7.5, Math.sqrt( 0.75 ) }, h.meanStd(), 1e-12 );
	}

	@Test
	void percentilesOfALazyImageWithMoreThan2To31Pixels()
	{
		// 50000 x 43000 = 2.15e9 8-bit pixels, 2150 cells of 1000 x 1000 sharing one array: no pixel memory
		final int cellSize = 1000;
		final byte[] pattern = new byte[ cellSize * cellSize ];
		for ( int y = 0; y < cellSize; y++ )
			for ( int x = 0; x < cellSize; x++ )
				pattern[ y * cellSize + x ] = ( byte ) ( ( x + 3 * y + ( x * y ) % 17 ) & 0xff );
		final ByteArray shared = new ByteArray( pattern );
		final CellGrid grid = new CellGrid( new long[] { 50_000, 43_000 }, new int[] { cellSize, cellSize } );
		final LazyCellImg< UnsignedByteType, ByteArray > huge = new LazyCellImg<>( grid, new UnsignedByteType(),
				index -> {
					final long[] min = new long[ 2 ];
					return new Cell<>( grid.getCellDimensions( index, min ), min, shared );
				} );
		final long pixels = 50_000L * 43_000L;
		assertTrue( pixels > Integer.MAX_VALUE );

		final Normalizer.Statistics[] stats = Normalizer.measure( huge, -1, false, true );
		assertEquals( pixels, stats[ 0 ].integers.total() );

		// expected from one sorted cell: every value occurs 2150 times as often, so rank k of the image is rank k / 2150 of a cell
		final long copies = pixels / pattern.length;
		final int[] sortedCell = new int[ pattern.length ];
		for ( int i = 0; i < pattern.length; i++ )
			sortedCell[ i ] = pattern[ i ] & 0xff;
		Arrays.sort( sortedCell );
		for ( final double p : new double[] { 1, 33.3, 99.8 } )
		{
			final double q = p / 100 * ( pixels - 1 );
			final long k = ( long ) Math.floor( q );
			final double lo = sortedCell[ ( int ) ( k / copies ) ], hi = sortedCell[ ( int ) ( ( k + 1 ) / copies ) ];
			assertEquals( lo + ( q - k ) * ( hi - lo ), stats[ 0 ].percentile( p ), 1e-9, "percentile " + p );
		}
	}
}
