package fiji.plugin.autoencoder.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import net.imglib2.RandomAccess;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.complex.ComplexFloatType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

class ImageTensorsTest
{
	/** value(x, y, c, z, t) = x + 10 y + 100 c + 1000 z + 10000 t, in a 16-bit planar image of 7 x 5 x 3 x 4 x 2. */
	private static PlanarImg< UnsignedShortType, ShortArray > coded()
	{
		final PlanarImg< UnsignedShortType, ShortArray > img = PlanarImgs.unsignedShorts( 7, 5, 3, 4, 2 );
		final RandomAccess< UnsignedShortType > ra = img.randomAccess();
		final long[] p = new long[ 5 ];
		for ( p[ 4 ] = 0; p[ 4 ] < 2; p[ 4 ]++ )
			for ( p[ 3 ] = 0; p[ 3 ] < 4; p[ 3 ]++ )
				for ( p[ 2 ] = 0; p[ 2 ] < 3; p[ 2 ]++ )
					for ( p[ 1 ] = 0; p[ 1 ] < 5; p[ 1 ]++ )
						for ( p[ 0 ] = 0; p[ 0 ] < 7; p[ 0 ]++ )
						{
							ra.setPosition( p );
							ra.get().set( code( p[ 0 ], p[ 1 ], p[ 2 ], p[ 3 ], p[ 4 ] ) );
						}
		return img;
	}

	private static int code( final long x, final long y, final long c, final long z, final long t )
	{
		return ( int ) ( x + 10 * y + 100 * c + 1000 * z + 10000 * t );
	}

	/** Mirror-single index for size n (no edge repeat): -1 -> 1, n -> n - 2. */
	private static long mirror( long i, final long n )
	{
		final long period = 2 * n - 2;
		i = Math.floorMod( i, period );
		return i < n ? i : period - i;
	}

	@Test
	void read2DIsChannelsLastWithMirroredBorder()
	{
		final TensorReader reader = ImageTensors.reader( coded() );
		assertEquals( 3, reader.channels() );
		final int w = 6, h = 4, c = 3;
		final float[] hwc = new float[ 5 + w * h * c ];
		reader.read2D( -2, 3, w, h, 2, 1, hwc, 5 ); // x -2..3, y 3..6: both reach past the border
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
				for ( int ch = 0; ch < c; ch++ )
					assertEquals( code( mirror( x - 2, 7 ), mirror( y + 3, 5 ), ch, 2, 1 ),
							hwc[ 5 + ImageTensors.index2D( x, y, ch, w, c ) ], 0,
							"x=" + x + " y=" + y + " c=" + ch );
	}

	@Test
	void read3DIsDepthHeightWidthChannels()
	{
		final TensorReader reader = ImageTensors.reader( coded() );
		final int w = 7, h = 5, d = 6, c = 3;
		final float[] dhwc = new float[ d * h * w * c ];
		reader.read3D( 0, 0, -1, w, h, d, 0, dhwc, 0 ); // z -1..4 of a 4-slice image
		for ( int z = 0; z < d; z++ )
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
					for ( int ch = 0; ch < c; ch++ )
						assertEquals( code( x, y, ch, mirror( z - 1, 4 ), 0 ),
								dhwc[ ImageTensors.index3D( x, y, z, ch, w, h, c ) ], 0 );
	}

	@Test
	void singletonAxesAndOnePixelImagesReadWithoutFallback()
	{
		// the PrimitiveBlocks view chain must stay on the bulk-copy path (FAIL throws otherwise)
		final long[][] shapes = { { 9, 8, 1, 1, 1 }, { 1, 8, 2, 1, 3 }, { 1, 1, 1, 1, 1 }, { 9, 1, 1, 5, 1 } };
		for ( final long[] shape : shapes )
		{
			final PlanarImg< UnsignedShortType, ShortArray > img = PlanarImgs.unsignedShorts( shape );
			PrimitiveBlocks.of( TensorReader.bulkView( Views.zeroMin( img ) ), PrimitiveBlocks.OnFallback.FAIL );
		}
		// a 1-pixel-wide image read with a halo repeats its single column
		final PlanarImg< UnsignedShortType, ShortArray > column = PlanarImgs.unsignedShorts( 1, 4, 1, 1, 1 );
		final short[] values = column.getPlane( 0 ).getCurrentStorageArray();
		for ( int y = 0; y < 4; y++ )
			values[ y ] = ( short ) ( 10 + y );
		final float[] hwc = new float[ 3 * 4 ];
		ImageTensors.reader( column ).read2D( -1, 0, 3, 4, 0, 0, hwc, 0 );
		assertArrayEquals( new float[] { 10, 10, 10, 11, 11, 11, 12, 12, 12, 13, 13, 13 }, hwc, 0 );
	}

	@Test
	void writeCropsTheCoreOfALargerTensor()
	{
		final PlanarImg< UnsignedShortType, ShortArray > source = coded();
		final PlanarImg< UnsignedShortType, ShortArray > target = PlanarImgs.unsignedShorts( 7, 5, 3, 4, 2 );
		final TensorReader reader = ImageTensors.reader( source );
		final TensorWriter writer = ImageTensors.writer( target );
		// tiles of 4 x 3 core with a 1-pixel halo, covering the plane (z=3, t=1)
		final float[] tile = new float[ 6 * 5 * 3 ];
		for ( int y0 = 0; y0 < 5; y0 += 3 )
			for ( int x0 = 0; x0 < 7; x0 += 4 )
			{
				reader.read2D( x0 - 1, y0 - 1, 6, 5, 3, 1, tile, 0 );
				final long w = Math.min( 4, 7 - x0 ), h = Math.min( 3, 5 - y0 );
				writer.write2D( tile, 0, x0 - 1, y0 - 1, 6, 5, Intervals.createMinSize( x0, y0, w, h ), 3, 1 );
			}
		final RandomAccess< UnsignedShortType > ra = target.randomAccess();
		for ( int c = 0; c < 3; c++ )
			for ( int y = 0; y < 5; y++ )
				for ( int x = 0; x < 7; x++ )
				{
					ra.setPosition( new long[] { x, y, c, 3, 1 } );
					assertEquals( code( x, y, c, 3, 1 ), ra.get().get() );
					ra.setPosition( 0, 3 );
					assertEquals( 0, ra.get().get(), "other planes stay untouched" );
				}
	}

	@Test
	void badRegionsAndTypesGiveClearMessages()
	{
		final TensorReader reader = ImageTensors.reader( coded() );
		final float[] dest = new float[ 4 * 4 * 3 ];
		final IllegalArgumentException outside = assertThrows( IllegalArgumentException.class,
				() -> reader.read2D( 20, 0, 4, 4, 0, 0, dest, 0 ) );
		assertTrue( outside.getMessage().contains( "outside the image" ), outside.getMessage() );
		final IllegalArgumentException small = assertThrows( IllegalArgumentException.class,
				() -> reader.read2D( 0, 0, 4, 4, 0, 0, dest, 1 ) );
		assertTrue( small.getMessage().contains( "allocate" ), small.getMessage() );
		assertThrows( IllegalArgumentException.class, () -> reader.read2D( 0, 0, 4, 4, 4, 0, dest, 0 ) ); // z=4 of 4 slices
		assertThrows( IllegalArgumentException.class, () -> reader.read2D( 0, 0, 4, 4, 0, 2, dest, 0 ) ); // t=2 of 2 frames
		assertThrows( IllegalArgumentException.class, () -> reader.read2D( 0, 0, 0, 4, 0, 0, dest, 0 ) );

		final TensorWriter writer = ImageTensors.writer( coded() );
		final IllegalArgumentException notInside = assertThrows( IllegalArgumentException.class,
				() -> writer.write2D( dest, 0, 5, 0, 4, 4, 0, 0 ) ); // x 5..8 of width 7
		assertTrue( notInside.getMessage().contains( "inside the image" ), notInside.getMessage() );
		assertThrows( IllegalArgumentException.class,
				() -> writer.write2D( dest, 0, 0, 0, 4, 4, Intervals.createMinSize( 1, 1, 4, 2 ), 0, 0 ) ); // region leaves the tensor

		final IllegalArgumentException complex = assertThrows( IllegalArgumentException.class,
				() -> ImageTensors.reader( ArrayImgs.complexFloats( 4, 4, 1, 1, 1 ) ) );
		assertTrue( complex.getMessage().contains( ComplexFloatType.class.getSimpleName() ), complex.getMessage() );
		final IllegalArgumentException axes = assertThrows( IllegalArgumentException.class,
				() -> ImageTensors.reader( ArrayImgs.floats( 4, 4 ) ) );
		assertTrue( axes.getMessage().contains( "X, Y, C, Z, T" ), axes.getMessage() );
		assertThrows( IllegalArgumentException.class, () -> ImageTensors.reader( ( ImagePlus ) null ) );
	}
}
