package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.core.Progress;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ColorProcessor;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.loops.LoopBuilder;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;

/** (f) Real images from scikit-image: cell.png (8-bit, 550 x 660) and ihc.png (RGB as 3 channels, 512 x 512). */
class RealImageTilingTest
{
	private static final String DATA = "/usr/lib/python3/dist-packages/skimage/data/";

	private static ImagePlus open( final String name )
	{
		final File file = new File( DATA + name );
		Assumptions.assumeTrue( file.exists(),
				"scikit-image test image " + file + " is absent (install python3-skimage)" );
		return IJ.openImage( file.getPath() );
	}

	/** 8-bit gray or RGB ImagePlus to an X, Y[, C] byte image (no convert package needed here). */
	private static ArrayImg< UnsignedByteType, ByteArray > toImg( final ImagePlus imp )
	{
		final int w = imp.getWidth(), h = imp.getHeight();
		if ( imp.getProcessor() instanceof ColorProcessor )
		{
			final byte[] rgb = new byte[ 3 * w * h ];
			final byte[] r = new byte[ w * h ], g = new byte[ w * h ], b = new byte[ w * h ];
			( ( ColorProcessor ) imp.getProcessor() ).getRGB( r, g, b );
			System.arraycopy( r, 0, rgb, 0, w * h );
			System.arraycopy( g, 0, rgb, w * h, w * h );
			System.arraycopy( b, 0, rgb, 2 * w * h, w * h );
			return ArrayImgs.unsignedBytes( rgb, w, h, 3 );
		}
		assertEquals( 8, imp.getBitDepth() );
		return ArrayImgs.unsignedBytes( ( byte[] ) imp.getProcessor().getPixels(), w, h );
	}

	@Test
	void cellWithPoolingNet()
	{
		final ArrayImg< UnsignedByteType, ByteArray > input = toImg( open( "cell.png" ) );
		final FakeNet net = FakeNet.pooling2d( 4 );
		final float[] offset = { ( float ) TiledPredictorTest.mean( input ) }, scale = { 1 / 40f };
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 550, 660 },
				offset, scale, offset, scale );
		for ( final int[] tile : new int[][] { { 128, 128 }, { 90, 250 }, { 1000, 1000 } } )
		{
			final ArrayImg< FloatType, FloatArray > output = ArrayImgs.floats( 550, 660 );
			TiledPredictor.builder( net ).tileSize( tile ).batchSize( 3 ).threads( 2 ).normalization( offset, scale )
					.build().predict( input, output, Progress.none() );
			final double diff = Reference.maxAbsDiff( TiledPredictorTest.arrays( output ), reference );
			assertTrue( diff < 1e-5, "tile " + tile[ 0 ] + "x" + tile[ 1 ] + ": max abs diff " + diff );
		}
	}

	@Test
	void ihcRgbAsThreeChannels()
	{
		final ArrayImg< UnsignedByteType, ByteArray > input = toImg( open( "ihc.png" ) );
		final FakeNet net = FakeNet.multiChannel();
		final float[] inOffset = { 180, 150, 170 }, inScale = { 1 / 60f, 1 / 50f, 1 / 45f };
		final float[] outOffset = { 0.5f, 0 }, outScale = { 2, 1 / 255f };
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 512, 512 },
				inOffset, inScale, outOffset, outScale );
		for ( final int[] tile : new int[][] { { 140, 140 }, { 64, 524 } } )
		{
			final Img< FloatType > output = ArrayImgs.floats( 512, 512, 2 );
			TiledPredictor.builder( net ).tileSize( tile ).batchSize( 2 ).threads( 2 )
					.inputNormalization( inOffset, inScale )
					.outputDenormalization( outOffset, outScale ).build().predict( input, output, Progress.none() );
			final double diff = Reference.maxAbsDiff( Reference.toArrays( output, 2 ), reference );
			assertTrue( diff < 1e-5, "tile " + tile[ 0 ] + "x" + tile[ 1 ] + ": max abs diff " + diff );
		}
	}

	@Test
	void cancelOnCellAfterFirstBatch()
	{
		final ArrayImg< UnsignedByteType, ByteArray > input = toImg( open( "cell.png" ) );
		final FakeNet net = FakeNet.pooling2d( 4 );
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 550, 660 } );
		final ArrayImg< FloatType, FloatArray > output = ArrayImgs.floats( 550, 660 );
		LoopBuilder.setImages( output ).forEachPixel( p -> p.set( -1 ) );
		final TiledPredictor tiler = TiledPredictor.builder( net ).tileSize( 136, 136 ).batchSize( 3 ).threads( 1 )
				.build(); // cores 128
		final List< Long > reports = new ArrayList<>();
		final int callsBefore = net.calls.get(); // the reference used the net once
		assertThrows( CancellationException.class,
				() -> tiler.predict( input, output, TiledPredictorTest.recording( reports, 1 ) ) );
		assertEquals( 1, net.calls.get() - callsBefore );
		final float[] out = TiledPredictorTest.arrays( output )[ 0 ];
		long written = 0;
		double maxDiff = 0;
		for ( int i = 0; i < out.length; i++ )
		{
			final int x = i % 550, y = i / 550;
			if ( x < 3 * 128 && y < 128 ) // cells 0, 1, 2
			{
				maxDiff = Math.max( maxDiff, Math.abs( out[ i ] - reference[ 0 ][ i ] ) );
				written++;
			}
			else
				assertEquals( -1, out[ i ], 0, "pixel " + x + "," + y + " must stay untouched" );
		}
		assertTrue( maxDiff < 1e-5, "first batch max abs diff " + maxDiff );
		assertEquals( 3 * 128 * 128, written );
	}
}
