package fiji.plugin.autoencoder.tiling;

import static fiji.plugin.autoencoder.tiling.TiledPredictorTest.arrays;
import static fiji.plugin.autoencoder.tiling.TiledPredictorTest.randomFloats;
import static fiji.plugin.autoencoder.tiling.TiledPredictorTest.recording;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.core.Progress;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.cell.CellImgFactory;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.loops.LoopBuilder;
import net.imglib2.parallel.Parallelization;
import net.imglib2.test.RandomImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;

/** Tiled prediction: cancel leaves whole, right cells; failures propagate; bad arguments get clear messages. */
class TiledPredictorCancelTest
{
	private static final double TOLERANCE = TiledPredictorTest.TOLERANCE;

	/** (f) cancel after the first batch: exactly the first batch's cores are written (and right), the rest untouched. */
	@Test
	void cancelAfterFirstBatchWritesNothingMore()
	{
		final FakeNet net = FakeNet.pooling2d( 4 );
		final Img< FloatType > input = randomFloats( 2, 120, 90 );
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 120, 90 } );
		final ArrayImg< FloatType, FloatArray > output = ArrayImgs.floats( 120, 90 );
		final float sentinel = -12345;
		LoopBuilder.setImages( output ).forEachPixel( p -> p.set( sentinel ) );
		final TiledPredictor tiler = TiledPredictor.builder( net ).tileSize( 40, 40 ).batchSize( 2 ).threads( 1 )
				.build();
		final List< Long > reports = new ArrayList<>();
		final int callsBefore = net.calls.get(); // the reference used the net once
		final CancellationException e = assertThrows( CancellationException.class,
				() -> tiler.predict( input, output, recording( reports, 1 ) ) );
		assertTrue( e.getMessage().contains( "after 2 of " ), e.getMessage() );
		assertEquals( 1, net.calls.get() - callsBefore );
		final TileGrid grid = tiler.grid( new long[] { 120, 90 } );
		final float[] out = arrays( output )[ 0 ];
		int written = 0;
		for ( int i = 0; i < out.length; i++ )
		{
			final int x = i % 120, y = i / 120;
			final boolean inFirstBatch = y < grid.coreSize()[ 1 ] && x < 2 * grid.coreSize()[ 0 ]; // cells 0 and 1
			if ( inFirstBatch )
				assertEquals( reference[ 0 ][ i ], out[ i ], TOLERANCE, "written pixel " + x + "," + y );
			else
				assertEquals( sentinel, out[ i ], 0, "untouched pixel " + x + "," + y );
			written += inFirstBatch ? 1 : 0;
		}
		assertEquals( 2 * 32 * 32, written );
	}

	/** With several threads: each cell is either complete and right, or untouched. */
	@Test
	void cancelWithThreadsLeavesWholeCells()
	{
		final FakeNet net = FakeNet.conv2d();
		final Img< FloatType > input = randomFloats( 4, 200, 160 );
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 200, 160 } );
		final ArrayImg< FloatType, FloatArray > output = ArrayImgs.floats( 200, 160 );
		LoopBuilder.setImages( output ).forEachPixel( p -> p.set( Float.NaN ) );
		final TiledPredictor tiler = TiledPredictor.builder( net ).tileSize( 24, 24 ).batchSize( 3 ).threads( 2 )
				.build();
		assertThrows( CancellationException.class, () -> Parallelization.runWithNumThreads( 2,
				() -> tiler.predict( input, output, recording( new ArrayList<>(), 10 ) ) ) );
		final TileGrid grid = tiler.grid( new long[] { 200, 160 } );
		final float[] out = arrays( output )[ 0 ];
		int writtenCells = 0;
		for ( long c = 0; c < grid.numCells(); c++ )
		{
			final TileCell cell = grid.cell( c );
			int written = 0, total = 0;
			for ( int y = 0; y < cell.coreSize()[ 1 ]; y++ )
				for ( int x = 0; x < cell.coreSize()[ 0 ]; x++ )
				{
					final int i = ( int ) ( cell.coreMin()[ 0 ] + x + 200 * ( cell.coreMin()[ 1 ] + y ) );
					total++;
					if ( !Float.isNaN( out[ i ] ) )
					{
						written++;
						assertEquals( reference[ 0 ][ i ], out[ i ], TOLERANCE );
					}
				}
			assertTrue( written == 0 || written == total, "cell " + cell + " partly written" );
			writtenCells += written > 0 ? 1 : 0;
		}
		assertTrue( writtenCells >= 10 && writtenCells < grid.numCells(),
				"written " + writtenCells + " of " + grid.numCells() );
	}

	@Test
	void predictorFailurePropagates()
	{
		final FakeNet failing = new FakeNet( 2, 1, 1, 1, 0, null, in -> {
			throw new IllegalStateException( "GPU on fire" );
		} );
		final IllegalStateException e = assertThrows( IllegalStateException.class,
				() -> TiledPredictor.builder( failing ).tileSize( 8, 8 ).threads( 2 ).build()
						.predict( randomFloats( 1, 40, 40 ), ArrayImgs.floats( 40, 40 ), Progress.none() ) );
		assertEquals( "GPU on fire", e.getMessage() );
	}

	/** The usual image types are read with PrimitiveBlocks' optimised copier, not its per-pixel fall-back. */
	@Test
	void bulkCopyPathIsUsed()
	{
		final FakeNet net = FakeNet.conv2d();
		final TiledPredictor strict = TiledPredictor.builder( net ).tileSize( 20, 20 )
				.onFallback( PrimitiveBlocks.OnFallback.FAIL ).build();
		final ArrayImg< FloatType, FloatArray > out = ArrayImgs.floats( 30, 20 );
		strict.predict( RandomImgs.seed( 1 ).nextImage( new UnsignedByteType(), 30, 20 ), out, Progress.none() );
		strict.predict( PlanarImgs.unsignedShorts( 30, 20, 1 ), out, Progress.none() );
		strict.predict( randomFloats( 1, 30, 20 ), out, Progress.none() );
		strict.predict( new CellImgFactory<>( new UnsignedShortType(), 8 ).create( 30, 20 ), out, Progress.none() );
	}

	// -- clear errors --

	@Test
	void clearErrors()
	{
		final FakeNet three = FakeNet.multiChannel(); // 3 in, 2 out
		final TiledPredictor tiler = TiledPredictor.builder( three ).tileSize( 24, 24 ).build();
		assertMessage( "has 4 channels but the model takes 3",
				() -> tiler.predict( randomFloats( 1, 30, 30, 4 ), ArrayImgs.floats( 30, 30, 2 ), null ) );
		assertMessage( "no channel axis but the model takes 3",
				() -> tiler.predict( randomFloats( 1, 30, 30 ), ArrayImgs.floats( 30, 30, 2 ), null ) );
		assertMessage( "output has 3 channels but the model gives 2",
				() -> tiler.predict( randomFloats( 1, 30, 30, 3 ), ArrayImgs.floats( 30, 30, 3 ), null ) );
		assertMessage( "output is 29 pixels along Y",
				() -> tiler.predict( randomFloats( 1, 30, 30, 3 ), ArrayImgs.floats( 30, 29, 2 ), null ) );
		assertMessage( "use predictPlanes",
				() -> tiler.predict( randomFloats( 1, 30, 30, 3, 2 ), ArrayImgs.floats( 30, 30, 2, 2 ), null ) );
		assertMessage( "Tile size 25 along X", () -> TiledPredictor.builder( three ).tileSize( 25, 24 ) );
		assertMessage( "at least 2 * halo + 2 = 14", () -> TiledPredictor.builder( three ).tileSize( 24, 12 ) );
		assertMessage( "Give 2 tile sizes", () -> TiledPredictor.builder( three ).tileSize( 24, 24, 24 ) );
		assertMessage( "memory budget of 1000 bytes is too small",
				() -> TiledPredictor.builder( three ).memoryBudget( 1000 ).build().grid( new long[] { 100, 100 } ) );
		assertMessage( "give X, Y, Z, C", () -> TiledPredictor.builder( FakeNet.pooling3d() ).build()
				.predict( randomFloats( 1, 30, 30, 2 ), ArrayImgs.floats( 30, 30, 2 ), null ) );
		assertMessage( "one offset and one scale per input channel (3)",
				() -> TiledPredictor.builder( three ).inputNormalization( new float[] { 0 }, new float[] { 1 } ) );
		assertMessage( "use inputNormalization and outputDenormalization separately",
				() -> TiledPredictor.builder( three ).normalization( new float[ 3 ], new float[] { 1, 1, 1 } ) );
	}

	private static void assertMessage( final String part, final org.junit.jupiter.api.function.Executable action )
	{
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class, action );
		assertTrue( e.getMessage().contains( part ),
				"message \"" + e.getMessage() + "\" should contain \"" + part + "\"" );
	}
}
