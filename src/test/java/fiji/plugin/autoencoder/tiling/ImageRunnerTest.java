package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;
import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

class ImageRunnerTest
{
	/** out = in (channels unchanged), with a pooling-like size multiple and halo. */
	static ImagePredictor identity( final int channels )
	{
		return new ImagePredictor()
		{
			@Override
			public int spatialDims()
			{
				return 2;
			}

			@Override
			public int inputChannels()
			{
				return channels;
			}

			@Override
			public int outputChannels()
			{
				return channels;
			}

			@Override
			public int sizeMultiple()
			{
				return 4;
			}

			@Override
			public int halo()
			{
				return 4;
			}

			@Override
			public int[] fixedSpatialShape()
			{
				return null;
			}

			@Override
			public void predict( final float[] in, final float[] out, final int batch, final int[] spatial )
			{
				System.arraycopy( in, 0, out, 0, out.length );
			}
		};
	}

	static void assertSamePixels( final ImagePlus a, final ImagePlus b, final double tol )
	{
		assertEquals( a.getStackSize(), b.getStackSize() );
		assertEquals( a.getType(), b.getType(), "same type" );
		for ( int i = 1; i <= a.getStackSize(); i++ )
		{
			final ImageProcessor pa = a.getStack().getProcessor( i ), pb = b.getStack().getProcessor( i );
			for ( int k = 0; k < pa.getPixelCount(); k++ )
				if ( a.getType() == ImagePlus.COLOR_RGB )
					assertEquals( pa.get( k ), pb.get( k ), "rgb pixel " + k );
				else
					assertEquals( pa.getf( k ), pb.getf( k ), tol, "slice " + i + " pixel " + k );
		}
	}

	@Test
	void everyTypeComesBackAsItWent()
	{
		final ImagePlus cell = TestImages.open( "cell.png" );
		final Normalization pct = Normalization.percentileDefault();
		for ( final ImagePlus imp : new ImagePlus[] { cell, convert( cell, "16-bit" ), convert( cell, "32-bit" ) } )
		{
			final ImagePlus out = ImageRunner.run( identity( 1 ), pct, imp, OutputType.SAME_AS_INPUT, "denoised", true,
					tiles( 100 ), Progress.none() );
			assertSamePixels( imp, out, imp.getBitDepth() == 32 ? 1e-3 : 0 );
			assertEquals( "cell-denoised", out.getTitle() );
		}
		final ImagePlus ihc = TestImages.open( "ihc.png" );
		assertSamePixels( ihc, ImageRunner.run( identity( 3 ), pct, ihc, OutputType.SAME_AS_INPUT, "out", true,
				tiles( 64 ), Progress.none() ), 0 );

		final ImagePlus hyper = IJ.createHyperStack( "hyper", 70, 50, 2, 3, 2, 16 );
		for ( int i = 1; i <= hyper.getStackSize(); i++ )
		{
			final ImageProcessor ip = hyper.getStack().getProcessor( i );
			for ( int k = 0; k < ip.getPixelCount(); k++ )
				ip.set( k, ( k * 7 + i * 1000 ) % 60000 );
		}
		hyper.getCalibration().pixelWidth = 0.25;
		final ImagePlus out = ImageRunner.run( identity( 2 ), Normalization.minMax( true ), hyper,
				OutputType.SAME_AS_INPUT, "x", true, tiles( 32 ), Progress.none() );
		assertSamePixels( hyper, out, 0 );
		assertEquals( 3, out.getNSlices() );
		assertEquals( 2, out.getNFrames() );
		assertEquals( 0.25, out.getCalibration().pixelWidth, 0 );
	}

	static ImageRunner.Options tiles( final int size )
	{
		final ImageRunner.Options o = new ImageRunner.Options();
		o.tileSize = new int[] { size, size };
		return o;
	}

	static ImagePlus convert( final ImagePlus imp, final String type )
	{
		final ImageProcessor ip = type.equals( "16-bit" ) ? imp.getProcessor().convertToShort( false )
				: imp.getProcessor().convertToFloat();
		return new ImagePlus( imp.getTitle(), ip );
	}

	@Test
	void badImagesAreRefusedWithTheFix()
	{
		final FloatProcessor fp = new FloatProcessor( 40, 30 );
		fp.setf( 7, 3, Float.NaN );
		final String nan = assertThrows( IllegalArgumentException.class,
				() -> ImageRunner.run( identity( 1 ), Normalization.minMax( false ), new ImagePlus( "nan", fp ),
						OutputType.FLOAT_32, "x", true, Progress.none() ) )
				.getMessage();
		assertTrue( nan.contains( "NaN pixel at x=7, y=3" ) && nan.contains( "Remove NaNs" ), nan );
		final String ch = assertThrows( IllegalArgumentException.class,
				() -> ImageRunner.run( identity( 1 ), Normalization.minMax( false ), TestImages.open( "ihc.png" ),
						OutputType.FLOAT_32, "x", true, Progress.none() ) )
				.getMessage();
		assertTrue( ch.contains( "3 channel(s) (RGB)" ) && ch.contains( "trained on 1" ), ch );
		assertTrue( assertThrows( IllegalArgumentException.class,
				() -> ImageRunner.run( identity( 1 ), Normalization.none(), null, OutputType.FLOAT_32, "x", true,
						Progress.none() ) )
				.getMessage().contains( "open an image" ) );
	}
}
