package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.img.Img;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.test.RandomImgs;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.view.Views;

class TileReaderTest
{
	/** Windows far outside a small image, with a non-zero min: same values as Views.extendMirrorSingle, channels last, normalised. */
	@Test
	void readsWhatExtendMirrorSingleGives()
	{
		final Img< UnsignedShortType > img = RandomImgs.seed( 5 ).nextImage( new UnsignedShortType(), 7, 5, 2 );
		final RandomAccessibleInterval< UnsignedShortType > moved = Views.translate( img, 100, -20, 0 );
		final float[] offset = { 1000, -5 }, scale = { 0.5f, 2 };
		final TileReader reader = new TileReader( moved, 2, 2, offset, scale, PrimitiveBlocks.OnFallback.FAIL );
		final TileGrid grid = TileGrid.create( new long[] { 7, 5 }, new int[] { 30, 30 }, 12, 1,
				TileGrid.EdgeTiles.SHRINK ); // windows reach 12 pixels out, more than the image
		final RandomAccess< UnsignedShortType > mirror = Views.extendMirrorSingle( moved ).randomAccess();
		for ( long i = 0; i < grid.numCells(); i++ )
		{
			final TileCell cell = grid.cell( i );
			final int[] w = cell.windowSize();
			final float[] dest = new float[ 3 + w[ 0 ] * w[ 1 ] * 2 ];
			reader.read( cell, dest, 3 );
			for ( int y = 0; y < w[ 1 ]; y++ )
				for ( int x = 0; x < w[ 0 ]; x++ )
					for ( int c = 0; c < 2; c++ )
					{
						mirror.setPosition(
								new long[] { 100 + cell.windowMin()[ 0 ] + x, -20 + cell.windowMin()[ 1 ] + y, c } );
						final float expected = ( mirror.get().getRealFloat() - offset[ c ] ) * scale[ c ];
						assertEquals( expected, dest[ 3 + ( y * w[ 0 ] + x ) * 2 + c ], 0,
								"x " + x + " y " + y + " c " + c );
					}
		}
	}

	/** Size-1 axes in the underlying image (a 1-pixel-high image with a singleton channel) read as constant along them. */
	@Test
	void singlePixelAxesAreConstant()
	{
		final Img< UnsignedShortType > img = PlanarImgs.unsignedShorts( 6, 1, 1 );
		int v = 10;
		for ( final UnsignedShortType t : img )
			t.set( v++ );
		final TileReader reader = new TileReader( img, 2, 2, new float[] { 0 }, new float[] { 1 },
				PrimitiveBlocks.OnFallback.FAIL );
		final TileGrid grid = TileGrid.create( new long[] { 6, 1 }, new int[] { 12, 9 }, 4, 1,
				TileGrid.EdgeTiles.SHRINK );
		final TileCell cell = grid.cell( 0 ); // window x -4 .. 7 (12 wide), y -4 .. 4
		final int[] w = cell.windowSize();
		final float[] dest = new float[ w[ 0 ] * w[ 1 ] ];
		reader.read( cell, dest, 0 );
		final int[] mirroredX = { 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 4, 3, 2, 1 }; // x = -4 .. 9 in a 6-wide image
		for ( int y = 0; y < w[ 1 ]; y++ )
			for ( int x = 0; x < w[ 0 ]; x++ )
				assertEquals( 10 + mirroredX[ x ], dest[ y * w[ 0 ] + x ], 0 );
	}
}
