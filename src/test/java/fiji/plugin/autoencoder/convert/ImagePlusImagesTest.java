package fiji.plugin.autoencoder.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.util.Random;

import org.junit.jupiter.api.Test;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.DoubleArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.DoubleType;

class ImagePlusImagesTest
{
	// -- round trips ImagePlus -> float[] -> new ImagePlus --

	/** Reads every (z, t) plane into an (H, W, C) float[] and writes it into a fresh output image. */
	private static ImagePlus roundTrip( final ImagePlus in, final OutputType type )
	{
		final TensorReader reader = ImageTensors.reader( in );
		final ImagePlus out = ImagePlusImages.createOutput( in, type, reader.channels(), "denoised" );
		final TensorWriter writer = ImageTensors.writer( out );
		final int w = in.getWidth(), h = in.getHeight();
		final float[] hwc = new float[ w * h * reader.channels() ];
		for ( int t = 0; t < in.getNFrames(); t++ )
			for ( int z = 0; z < in.getNSlices(); z++ )
			{
				reader.read2D( 0, 0, w, h, z, t, hwc, 0 );
				writer.write2D( hwc, 0, 0, 0, w, h, z, t );
			}
		return out;
	}

	private static double maxAbsDiff( final ImagePlus a, final ImagePlus b )
	{
		assertEquals( a.getStackSize(), b.getStackSize() );
		double max = 0;
		for ( int i = 1; i <= a.getStackSize(); i++ )
		{
			final ImageProcessor pa = a.getStack().getProcessor( i ), pb = b.getStack().getProcessor( i );
			for ( int k = 0; k < pa.getPixelCount(); k++ )
				max = Math.max( max, Math.abs( pa.getf( k ) - pb.getf( k ) ) );
		}
		return max;
	}

	private static void assertCalibrationEquals( final Calibration expected, final Calibration actual )
	{
		assertEquals( expected.pixelWidth, actual.pixelWidth, 0 );
		assertEquals( expected.pixelHeight, actual.pixelHeight, 0 );
		assertEquals( expected.pixelDepth, actual.pixelDepth, 0 );
		assertEquals( expected.frameInterval, actual.frameInterval, 0 );
		assertEquals( expected.getUnit(), actual.getUnit() );
		assertEquals( expected.getTimeUnit(), actual.getTimeUnit() );
	}

	private static void assertLutEquals( final LUT expected, final LUT actual )
	{
		final byte[] r1 = new byte[ 256 ], r2 = new byte[ 256 ], g1 = new byte[ 256 ], g2 = new byte[ 256 ];
		expected.getReds( r1 );
		actual.getReds( r2 );
		expected.getGreens( g1 );
		actual.getGreens( g2 );
		assertArrayEquals( r1, r2 );
		assertArrayEquals( g1, g2 );
	}

	private static Calibration calibration()
	{
		final Calibration cal = new Calibration();
		cal.pixelWidth = 0.25;
		cal.pixelHeight = 0.3;
		cal.pixelDepth = 1.5;
		cal.frameInterval = 2.5;
		cal.setUnit( "micron" );
		cal.setTimeUnit( "s" );
		return cal;
	}

	@Test
	void roundTrip8BitKeepsPixelsCalibrationTitleLutAndDisplayRange()
	{
		final ImagePlus in = TestImages.open( "cell.png" );
		assertEquals( ImagePlus.GRAY8, in.getType() );
		in.setCalibration( calibration() );
		in.getProcessor().setLut( LUT.createLutFromColor( Color.GREEN ) );
		in.setDisplayRange( 20, 180 );
		final ImagePlus out = roundTrip( in, OutputType.SAME_AS_INPUT );
		assertEquals( ImagePlus.GRAY8, out.getType() );
		assertEquals( 0, maxAbsDiff( in, out ) );
		assertEquals( "cell-denoised", out.getTitle() );
		assertCalibrationEquals( in.getCalibration(), out.getCalibration() );
		assertLutEquals( in.getProcessor().getLut(), out.getProcessor().getLut() );
		assertEquals( 20, out.getDisplayRangeMin(), 0 );
		assertEquals( 180, out.getDisplayRangeMax(), 0 );

		final ImagePlus asFloat = roundTrip( in, OutputType.FLOAT_32 );
		assertEquals( ImagePlus.GRAY32, asFloat.getType() );
		assertEquals( 0, maxAbsDiff( in, asFloat ) );
		assertEquals( 20, asFloat.getDisplayRangeMin(), 0 );
	}

	@Test
	void roundTrip16BitOverTheFullRange()
	{
		final int w = 300, h = 200;
		final ShortProcessor sp = new ShortProcessor( w, h );
		final Random random = new Random( 42 );
		for ( int i = 0; i < w * h; i++ )
			sp.set( i, random.nextInt( 65536 ) );
		sp.set( 0, 0 );
		sp.set( 1, 65535 );
		final ImagePlus in = new ImagePlus( "sixteen.tif", sp );
		in.setCalibration( calibration() );
		in.setDisplayRange( 100, 60000 );
		final ImagePlus out = roundTrip( in, OutputType.SAME_AS_INPUT );
		assertEquals( ImagePlus.GRAY16, out.getType() );
		assertEquals( 0, maxAbsDiff( in, out ) );
		assertEquals( 65535, out.getProcessor().get( 1 ) );
		assertEquals( "sixteen-denoised", out.getTitle() );
		assertCalibrationEquals( in.getCalibration(), out.getCalibration() );
		assertEquals( 100, out.getDisplayRangeMin(), 0 );
		assertEquals( 60000, out.getDisplayRangeMax(), 0 );
	}

	@Test
	void roundTrip32BitIsBitExactIncludingNaN()
	{
		final int w = 64, h = 48;
		final FloatProcessor fp = new FloatProcessor( w, h );
		final Random random = new Random( 7 );
		for ( int i = 0; i < w * h; i++ )
			fp.setf( i, ( float ) ( random.nextGaussian() * 1e4 ) );
		fp.setf( 5, Float.NaN );
		fp.setf( 6, -Float.MAX_VALUE );
		final ImagePlus in = new ImagePlus( "noise", fp );
		final ImagePlus out = roundTrip( in, OutputType.SAME_AS_INPUT );
		assertEquals( ImagePlus.GRAY32, out.getType() );
		assertArrayEquals( ( float[] ) in.getProcessor().getPixels(), ( float[] ) out.getProcessor().getPixels() );
		assertEquals( "noise-denoised", out.getTitle() );
	}

	@Test
	void roundTripRgbAsThreeChannels()
	{
		final ImagePlus in = TestImages.open( "ihc.png" );
		assertEquals( ImagePlus.COLOR_RGB, in.getType() );
		in.setCalibration( calibration() );
		final TensorReader reader = ImageTensors.reader( in );
		assertEquals( 3, reader.channels() );
		final ImagePlus out = roundTrip( in, OutputType.SAME_AS_INPUT );
		assertEquals( ImagePlus.COLOR_RGB, out.getType() );
		final int[] a = ( int[] ) in.getProcessor().getPixels(), b = ( int[] ) out.getProcessor().getPixels();
		int differing = 0;
		for ( int i = 0; i < a.length; i++ )
			if ( ( a[ i ] & 0xffffff ) != ( b[ i ] & 0xffffff ) )
				differing++;
		assertEquals( 0, differing );
		assertCalibrationEquals( in.getCalibration(), out.getCalibration() );

		// 32-bit output: a 3-channel composite with the red, green, blue values
		final ImagePlus asFloat = roundTrip( in, OutputType.FLOAT_32 );
		assertTrue( asFloat.isComposite() );
		assertEquals( 3, asFloat.getNChannels() );
		final int k = 1234;
		assertEquals( ( a[ k ] >> 16 ) & 0xff, asFloat.getStack().getProcessor( 1 ).getf( k ), 0 );
		assertEquals( ( a[ k ] >> 8 ) & 0xff, asFloat.getStack().getProcessor( 2 ).getf( k ), 0 );
		assertEquals( a[ k ] & 0xff, asFloat.getStack().getProcessor( 3 ).getf( k ), 0 );
		// and back to RGB from the 3 float channels
		final ImagePlus rgbAgain = ImagePlusImages.toImagePlus( ImagePlusImages.wrap( asFloat ), in,
				OutputType.SAME_AS_INPUT, "again" );
		assertEquals( ImagePlus.COLOR_RGB, rgbAgain.getType() );
		assertEquals( 0, maxAbsDiff( in, rgbAgain ) );
	}

	/** A 16-bit composite with C=2, Z=3, T=2 and known values. */
	static ImagePlus hyperstack()
	{
		final int w = 40, h = 30, c = 2, z = 3, t = 2;
		final ImageStack stack = new ImageStack( w, h );
		final Random random = new Random( 3 );
		for ( int i = 0; i < c * z * t; i++ )
		{
			final ShortProcessor sp = new ShortProcessor( w, h );
			for ( int k = 0; k < w * h; k++ )
				sp.set( k, random.nextInt( 4000 ) + 1000 * i );
			stack.addSlice( "plane " + i, sp );
		}
		final ImagePlus imp = new ImagePlus( "embryo.ome.tif", stack );
		imp.setDimensions( c, z, t );
		imp.setOpenAsHyperStack( true );
		final CompositeImage ci = new CompositeImage( imp, IJ.COMPOSITE );
		ci.setCalibration( calibration() );
		final LUT green = LUT.createLutFromColor( Color.GREEN );
		green.min = 1000;
		green.max = 5000;
		final LUT magenta = LUT.createLutFromColor( Color.MAGENTA );
		magenta.min = 2000;
		magenta.max = 9000;
		ci.setLuts( new LUT[] { green, magenta } );
		return ci;
	}

	@Test
	void roundTripHyperstackKeepsDimensionsCompositeModeAndChannelLuts()
	{
		final ImagePlus in = hyperstack();
		final ImagePlus out = roundTrip( in, OutputType.SAME_AS_INPUT );
		assertEquals( 0, maxAbsDiff( in, out ) );
		assertArrayEquals( in.getDimensions(), out.getDimensions() );
		assertTrue( out.isHyperStack() );
		assertTrue( out.isComposite() );
		assertEquals( IJ.COMPOSITE, ( ( CompositeImage ) out ).getMode() );
		assertEquals( "embryo.ome-denoised", out.getTitle() );
		assertCalibrationEquals( in.getCalibration(), out.getCalibration() );
		final LUT[] expected = ( ( CompositeImage ) in ).getLuts(), actual = ( ( CompositeImage ) out ).getLuts();
		for ( int i = 0; i < 2; i++ )
		{
			assertLutEquals( expected[ i ], actual[ i ] );
			assertEquals( expected[ i ].min, actual[ i ].min, 0 );
			assertEquals( expected[ i ].max, actual[ i ].max, 0 );
		}
		// the 3D path (D, H, W, C) gives the same image
		final TensorReader reader = ImageTensors.reader( in );
		final ImagePlus out3d = ImagePlusImages.createOutput( in, OutputType.FLOAT_32, 2, "3d" );
		final float[] dhwc = new float[ 3 * 30 * 40 * 2 ];
		for ( int t = 0; t < 2; t++ )
		{
			reader.read3D( 0, 0, 0, 40, 30, 3, t, dhwc, 0 );
			ImageTensors.writer( out3d ).write3D( dhwc, 0, 0, 0, 0, 40, 30, 3, t );
		}
		assertEquals( 0, maxAbsDiff( in, out3d ) );
	}

	@Test
	void wrapIsAViewOfTheImagePlusPixels()
	{
		final ImagePlus imp = hyperstack();
		final PlanarImg< UnsignedShortType, ? > img = ImagePlusImages.wrap( imp );
		assertArrayEquals( new long[] { 40, 30, 2, 3, 2 }, img.dimensionsAsLongArray() );
		final RandomAccess< UnsignedShortType > ra = img.randomAccess();
		ra.setPosition( new long[] { 5, 7, 1, 2, 1 } );
		final int stackIndex = imp.getStackIndex( 2, 3, 2 );
		assertEquals( imp.getStack().getProcessor( stackIndex ).get( 5, 7 ), ra.get().get() );
		ra.get().set( 12345 );
		assertEquals( 12345, imp.getStack().getProcessor( stackIndex ).get( 5, 7 ) );
	}

	@Test
	void splitRgbGivesRedGreenBlueChannels()
	{
		final ColorProcessorFactory f = new ColorProcessorFactory();
		final ImagePlus imp = new ImagePlus( "rgb", f.make() );
		final PlanarImg< ARGBType, ? > argb = ImagePlusImages.wrap( imp );
		final RandomAccessibleInterval< UnsignedByteType > split = ImagePlusImages.splitRgb( argb );
		assertArrayEquals( new long[] { 4, 3, 3, 1, 1 }, split.dimensionsAsLongArray() );
		final RandomAccess< UnsignedByteType > ra = split.randomAccess();
		ra.setPosition( new long[] { 2, 1, 0, 0, 0 } );
		assertEquals( 10, ra.get().get() );
		ra.setPosition( 1, 2 );
		assertEquals( 20, ra.get().get() );
		ra.setPosition( 2, 2 );
		assertEquals( 30, ra.get().get() );
	}

	private static final class ColorProcessorFactory
	{
		ij.process.ColorProcessor make()
		{
			final ij.process.ColorProcessor cp = new ij.process.ColorProcessor( 4, 3 );
			cp.set( 2, 1, ( 10 << 16 ) | ( 20 << 8 ) | 30 );
			return cp;
		}
	}

	// -- clamping --

	@Test
	void outOfRangeFloatsAreRoundedAndClamped()
	{
		final float[] values = { -5f, 0.4f, 0.5f, 254.6f, 300f, Float.NaN, 70000f, 1.49f };
		final ImagePlus eight = ImagePlusImages.fromChannelsLast( values, values.length, 1, 1, null,
				OutputType.UNSIGNED_8, "clamped" );
		final ImagePlus sixteen = ImagePlusImages.fromChannelsLast( values, values.length, 1, 1, null,
				OutputType.UNSIGNED_16, "clamped" );
		final int[] expected8 = { 0, 0, 1, 255, 255, 0, 255, 1 };
		final int[] expected16 = { 0, 0, 1, 255, 300, 0, 65535, 1 };
		for ( int i = 0; i < values.length; i++ )
		{
			assertEquals( expected8[ i ], eight.getProcessor().get( i ), "8-bit value " + i );
			assertEquals( expected16[ i ], sixteen.getProcessor().get( i ), "16-bit value " + i );
		}
		assertEquals( "clamped", eight.getTitle() );
	}

	@Test
	void fromImgLib2DoubleImageThroughConverterAndRandomAccessPaths()
	{
		final ArrayImg< DoubleType, DoubleArray > img = ArrayImgs.doubles( 5, 4, 2, 1, 1 );
		final RandomAccess< DoubleType > ra = img.randomAccess();
		for ( int c = 0; c < 2; c++ )
			for ( int y = 0; y < 4; y++ )
				for ( int x = 0; x < 5; x++ )
				{
					ra.setPosition( new long[] { x, y, c, 0, 0 } );
					ra.get().set( x + 10 * y + 100 * c + 0.25 );
				}
		final ImagePlus out = ImagePlusImages.toImagePlus( img, null, OutputType.FLOAT_32, "from-imglib2" );
		assertEquals( 2, out.getNChannels() );
		assertEquals( 3 + 10 * 2 + 100 + 0.25, out.getStack().getProcessor( 2 ).getf( 3, 2 ), 0 );
		// and write back into the double image (RandomAccess path, no rounding for doubles)
		final float[] hwc = new float[ 5 * 4 * 2 ];
		ImageTensors.reader( out ).read2D( 0, 0, 5, 4, 0, 0, hwc, 0 );
		final ArrayImg< DoubleType, DoubleArray > back = ArrayImgs.doubles( 5, 4, 2, 1, 1 );
		ImageTensors.writer( back ).write2D( hwc, 0, 0, 0, 5, 4, 0, 0 );
		final double[] a = img.update( null ).getCurrentStorageArray(),
				b = back.update( null ).getCurrentStorageArray();
		assertArrayEquals( a, b, 0 );
	}

	// -- titles and bad input --

	@Test
	void derivedTitles()
	{
		assertEquals( "cell-denoised", ImagePlusImages.derivedTitle( "cell.png", "denoised" ) );
		assertEquals( "cell-denoised", ImagePlusImages.derivedTitle( "cell", "denoised" ) );
		assertEquals( "my.cells v2-mask", ImagePlusImages.derivedTitle( "my.cells v2.tiff", "mask" ) );
		assertEquals( "image-x", ImagePlusImages.derivedTitle( null, "x" ) );
	}

	@Test
	void badInputGivesClearMessages()
	{
		final ImagePlus imp = new ImagePlus( "b", new ByteProcessor( 10, 8 ) );
		final IllegalArgumentException noTemplate = assertThrows( IllegalArgumentException.class,
				() -> ImagePlusImages.createOutput( null, OutputType.SAME_AS_INPUT, 10, 8, 1, 1, 1, "x" ) );
		assertTrue( noTemplate.getMessage().contains( "SAME_AS_INPUT needs a template" ), noTemplate.getMessage() );
		assertThrows( IllegalArgumentException.class,
				() -> ImagePlusImages.createOutput( imp, OutputType.FLOAT_32, 0, "x" ) );
		assertThrows( IllegalArgumentException.class, () -> ImagePlusImages.wrap( null ) );
		final IllegalArgumentException wrongLength = assertThrows( IllegalArgumentException.class,
				() -> ImagePlusImages.fromChannelsLast( new float[ 7 ], 2, 2, 2, null, OutputType.FLOAT_32, "x" ) );
		assertTrue( wrongLength.getMessage().contains( "(H, W, C)" ), wrongLength.getMessage() );
		assertFalse( imp.isComposite() );
	}
}
