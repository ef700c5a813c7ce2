package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.cell.CellImgFactory;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.parallel.Parallelization;
import net.imglib2.test.RandomImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/** Tiled prediction equals the untiled {@link Reference} for CNN-like fake networks. */
class TiledPredictorTest
{
	static final double TOLERANCE = 1e-5;

	// -- tiled == reference --

	/** (a) 5x5 box mean, halo 2, on 257 x 131; tiles down to 1-pixel cores, remainders of 1 pixel, larger than the image. */
	@Test
	void convNetMatchesReferenceForManyTileSizes()
	{
		final FakeNet net = FakeNet.conv2d();
		final Img< FloatType > input = randomFloats( 11, 257, 131 );
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 257, 131 } );
		// 68 x 69: cores 64 x 65, so 257 = 4 * 64 + 1 and 131 = 2 * 65 + 1 leave 1-pixel cores
		for ( final int[] tile : new int[][] { { 68, 69 }, { 16, 16 }, { 37, 101 }, { 300, 200 }, { 5, 131 } } )
		{
			final float[][] tiled = tiled( net, input, tile, 4, 2 );
			assertEquals( 0, Reference.maxAbsDiff( tiled, reference ), TOLERANCE, "tile " + Arrays.toString( tile ) );
		}
	}

	/** (b) max-pool net, sizeMultiple 2, halo 4; (d) 1-pixel remainders: cores 64 x 130 on 257 x 131. */
	@Test
	void poolingNetMatchesReference()
	{
		final FakeNet net = FakeNet.pooling2d( 4 );
		final Img< FloatType > input = randomFloats( 12, 257, 131 );
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 257, 131 } );
		for ( final int[] tile : new int[][] { { 72, 138 }, { 10, 10 }, { 12, 30 }, { 64, 48 }, { 266, 140 } } )
		{
			final double diff = Reference.maxAbsDiff( tiled( net, input, tile, 3, 2 ), reference );
			assertEquals( 0, diff, TOLERANCE, "tile " + Arrays.toString( tile ) );
		}
		// automatic tile size from a small budget: several cells, same result
		final TiledPredictor auto = TiledPredictor.builder( net ).memoryBudget( 200_000 ).threads( 2 ).batchSize( 2 )
				.build();
		assertTrue( auto.grid( new long[] { 257, 131 } ).numCells() > 4 );
		final ArrayImg< FloatType, FloatArray > out = ArrayImgs.floats( 257, 131 );
		auto.predict( input, out, Progress.none() );
		assertEquals( 0, Reference.maxAbsDiff( arrays( out ), reference ), TOLERANCE );
	}

	/** (c) 3 input channels (8-bit, X, Y, C) to 2 output channels, with per-channel normalisation both ways. */
	@Test
	void multiChannelWithNormalisation()
	{
		final FakeNet net = FakeNet.multiChannel();
		final Img< UnsignedByteType > input = RandomImgs.seed( 42 ).nextImage( new UnsignedByteType(), 97, 61, 3 );
		final float[] inOffset = { 100, 120, 90 }, inScale = { 1 / 50f, 1 / 60f, 1 / 40f };
		final float[] outOffset = { 10, -3 }, outScale = { 0.5f, 4 };
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 97, 61 },
				inOffset, inScale, outOffset, outScale );
		for ( final int[] tile : new int[][] { { 24, 24 }, { 50, 18 }, { 110, 74 } } )
		{
			final Img< FloatType > output = ArrayImgs.floats( 97, 61, 2 );
			TiledPredictor.builder( net ).tileSize( tile ).batchSize( 3 ).threads( 2 )
					.inputNormalization( inOffset, inScale )
					.outputDenormalization( outOffset, outScale ).build().predict( input, output, Progress.none() );
			assertEquals( 0, Reference.maxAbsDiff( Reference.toArrays( output, 2 ), reference ), TOLERANCE,
					"tile " + Arrays.toString( tile ) );
		}
	}

	/** The allocating variant gives a float image X, Y, C(out) with the same values. */
	@Test
	void allocatingPredict()
	{
		final FakeNet net = FakeNet.multiChannel();
		final Img< FloatType > input = randomFloats( 8, 45, 33, 3 );
		final Img< FloatType > output = TiledPredictor.builder( net ).tileSize( 20, 20 ).build().predict( input,
				Progress.none() );
		assertArrayEquals( new long[] { 45, 33, 2 }, output.dimensionsAsLongArray() );
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 45, 33 } );
		assertEquals( 0, Reference.maxAbsDiff( Reference.toArrays( output, 2 ), reference ), TOLERANCE );
		final Img< FloatType > single = TiledPredictor.builder( FakeNet.conv2d() ).build()
				.predict( randomFloats( 8, 45, 33 ), Progress.none() );
		assertArrayEquals( new long[] { 45, 33 }, single.dimensionsAsLongArray() );
	}

	/** (e) 3D pooling net, 2 input channels, output without a channel axis. */
	@Test
	void threeD()
	{
		final FakeNet net = FakeNet.pooling3d();
		final Img< FloatType > input = randomFloats( 13, 37, 29, 11, 2 );
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 3 ), new int[] { 37, 29, 11 } );
		for ( final int[] tile : new int[][] { { 16, 16, 12 }, { 24, 20, 10 }, { 46, 38, 20 } } )
		{
			final Img< FloatType > output = ArrayImgs.floats( 37, 29, 11 );
			TiledPredictor.builder( net ).tileSize( tile ).batchSize( 2 ).build().predict( input, output,
					Progress.none() );
			assertEquals( 0, Reference.maxAbsDiff( Reference.toArrays( output, 3 ), reference ), TOLERANCE,
					"tile " + Arrays.toString( tile ) );
		}
	}

	/** Images smaller than a tile and 1 pixel thin are padded by mirroring (constant along a 1-pixel axis), not refused. */
	@Test
	void tinyAndThinImages()
	{
		final FakeNet net = FakeNet.pooling2d( 4 );
		for ( final long[] size : new long[][] { { 1, 1 }, { 1, 7 }, { 9, 1 }, { 3, 2 } } )
		{
			final Img< FloatType > input = randomFloats( 5, size );
			final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ),
					Reference.toInt( size ) );
			final ArrayImg< FloatType, FloatArray > output = ArrayImgs.floats( size );
			TiledPredictor.builder( net ).tileSize( 10, 10 ).build().predict( input, output, Progress.none() );
			assertEquals( 0, Reference.maxAbsDiff( arrays( output ), reference ), TOLERANCE,
					"size " + Arrays.toString( size ) );
		}
	}

	/** Input and output with different, non-zero mins; a CellImg input; a PlanarImg 16-bit output that saturates. */
	@Test
	void offsetsCellImgsAndIntegerOutput()
	{
		final FakeNet net = FakeNet.conv2d();
		final Img< UnsignedShortType > input = new CellImgFactory<>( new UnsignedShortType(), 16 ).create( 70, 50 );
		RandomImgs.seed( 3 ).randomize( input );
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 70, 50 },
				new float[] { 0 }, new float[] { 1 },
				new float[] { -30000 }, new float[] { 1 } ); // output shifted down by 30000: part of it saturates at 0
		final RandomAccessibleInterval< UnsignedShortType > movedInput = Views.translate( input, -5, 1000 );
		final Img< UnsignedShortType > output = PlanarImgs.unsignedShorts( 70, 50 );
		TiledPredictor.builder( net ).tileSize( 20, 36 ).threads( 2 )
				.outputDenormalization( new float[] { -30000 }, new float[] { 1 } ).build()
				.predict( movedInput, Views.translate( output, 7, -3 ), Progress.none() );
		final float[] got = Reference.toArrays( output, 2 )[ 0 ];
		int saturated = 0;
		for ( int i = 0; i < got.length; i++ )
		{
			final double expected = Math.max( 0, Math.min( 65535, Math.round( reference[ 0 ][ i ] ) ) );
			assertEquals( expected, got[ i ], 1e-9, "pixel " + i );
			if ( expected == 0 )
				saturated++;
		}
		assertTrue( saturated > 100 && saturated < got.length - 100, "some but not all pixels saturate: " + saturated );
	}

	/** Fixed-shape (dense) models: windows of exactly that shape, halo 0, one mean per window. */
	@Test
	void fixedShapeModel()
	{
		final FakeNet dense = new FakeNet( 2, 1, 1, 1, 0, new int[] { 8, 16 }, FakeNet.globalMean() );
		final Img< FloatType > input = randomFloats( 9, 40, 20 );
		final ArrayImg< FloatType, FloatArray > output = ArrayImgs.floats( 40, 20 );
		final TiledPredictor tiler = TiledPredictor.builder( dense ).batchSize( 4 ).build();
		tiler.predict( input, output, Progress.none() );
		for ( final String shape : dense.shapesSeen )
			assertTrue( shape.endsWith( "[8, 16]" ), shape );
		final TileGrid grid = tiler.grid( new long[] { 40, 20 } );
		assertArrayEquals( new long[] { 3, 3 }, grid.cellsPerDimension() );
		final float[] in = arrays( ( ArrayImg< FloatType, FloatArray > ) input )[ 0 ];
		final float[] out = arrays( output )[ 0 ];
		for ( long i = 0; i < grid.numCells(); i++ )
		{
			final TileCell cell = grid.cell( i );
			double sum = 0;
			for ( int y = 0; y < 8; y++ )
				for ( int x = 0; x < 16; x++ )
					sum += in[ ( int ) ( Reference.reflect( cell.windowMin()[ 0 ] + x, 40 )
							+ 40 * Reference.reflect( cell.windowMin()[ 1 ] + y, 20 ) ) ];
			final int px = ( int ) cell.coreMin()[ 0 ], py = ( int ) cell.coreMin()[ 1 ];
			assertEquals( sum / 128, out[ px + 40 * py ], 1e-4, "cell " + cell );
			assertEquals( sum / 128, out[ px + cell.coreSize()[ 0 ] - 1 + 40 * ( py + cell.coreSize()[ 1 ] - 1 ) ],
					1e-4, "cell " + cell );
		}
		assertThrows( IllegalArgumentException.class, () -> TiledPredictor.builder( dense ).tileSize( 16, 16 ) );
	}

	/** Time and Z axes under a 2D model: ImageJ order X, Y, C, Z, T. */
	@Test
	void planeByPlane()
	{
		final FakeNet net = FakeNet.multiChannel();
		final Img< FloatType > input = randomFloats( 21, 30, 26, 3, 4, 2 );
		final Img< FloatType > output = ArrayImgs.floats( 30, 26, 2, 4, 2 );
		final List< Long > reports = new ArrayList<>();
		final TiledPredictor tiler = TiledPredictor.builder( net ).tileSize( 24, 24 ).build();
		tiler.predictPlanes( input, 2, output, 2, recording( reports, Long.MAX_VALUE ) );
		for ( int t = 0; t < 2; t++ )
			for ( int z = 0; z < 4; z++ )
			{
				final RandomAccessibleInterval< FloatType > in = Views.hyperSlice( Views.hyperSlice( input, 4, t ), 3,
						z );
				final RandomAccessibleInterval< FloatType > out = Views.hyperSlice( Views.hyperSlice( output, 4, t ), 3,
						z );
				final float[][] reference = Reference.untiled( net, Reference.toArrays( in, 2 ), new int[] { 30, 26 } );
				assertEquals( 0, Reference.maxAbsDiff( Reference.toArrays( out, 2 ), reference ), TOLERANCE,
						"z " + z + " t " + t );
			}
		final long perPlane = tiler.grid( new long[] { 30, 26 } ).numCells();
		assertEquals( 8 * perPlane, ( long ) reports.get( reports.size() - 1 ) );
	}

	// -- batching, threads, progress, cancel --

	@Test
	void batchesGroupCellsOfOneWindowShape()
	{
		final FakeNet net = FakeNet.conv2d();
		// core 32: 100 = 3 * 32 + 4 -> 9 full cells, 3 + 3 edge cells and 1 corner, in 4 shapes; batch 4 -> 3 + 1 + 1 + 1 calls
		final List< Long > reports = new ArrayList<>();
		Parallelization.runSingleThreaded( () -> TiledPredictor.builder( net ).tileSize( 36, 36 ).batchSize( 4 ).build()
				.predict( randomFloats( 1, 100, 100 ), ArrayImgs.floats( 100, 100 ),
						recording( reports, Long.MAX_VALUE ) ) );
		assertEquals( 6, net.calls.get() );
		assertEquals( Arrays.asList( "4x[36, 36]", "4x[36, 36]", "1x[36, 36]", "3x[36, 8]", "3x[8, 36]", "1x[8, 8]" ),
				net.shapesSeen );
		assertEquals( Arrays.asList( 0L, 4L, 8L, 9L, 12L, 15L, 16L ), reports );
	}

	// -- helpers --

	static float[][] tiled( final ImagePredictor net, final Img< FloatType > input, final int[] tile, final int batch,
			final int threads )
	{
		final ArrayImg< FloatType, FloatArray > output = ArrayImgs.floats( input.dimensionsAsLongArray() );
		final AtomicLong last = new AtomicLong();
		TiledPredictor.builder( net ).tileSize( tile ).batchSize( batch ).threads( threads ).build().predict( input,
				output, new Progress()
				{
					@Override
					public synchronized void report( final long done, final long total, final String message )
					{
						last.set( Math.max( last.get(), done ) );
						assertTrue( done <= total );
					}

					@Override
					public boolean isCancelled()
					{
						return false;
					}
				} );
		assertEquals( TileGrid.forPredictor( net, input.dimensionsAsLongArray(), tile ).numCells(), last.get(),
				"progress reaches the total" );
		return arrays( output );
	}

	/** Records done counts; cancels once {@code cancelFrom} tiles are done. */
	static Progress recording( final List< Long > reports, final long cancelFrom )
	{
		return new Progress()
		{
			private volatile long done;

			@Override
			public synchronized void report( final long d, final long total, final String message )
			{
				reports.add( d );
				done = Math.max( done, d );
			}

			@Override
			public boolean isCancelled()
			{
				return done >= cancelFrom;
			}
		};
	}

	static float[][] arrays( final ArrayImg< FloatType, FloatArray > img )
	{
		return new float[][] { img.update( null ).getCurrentStorageArray() };
	}

	static Img< FloatType > randomFloats( final long seed, final long... size )
	{
		final ArrayImg< FloatType, FloatArray > img = ArrayImgs.floats( size );
		final float[] a = ReferenceTest.random( ( int ) img.size(), seed );
		System.arraycopy( a, 0, img.update( null ).getCurrentStorageArray(), 0, a.length );
		return img;
	}

	static < T extends RealType< T > > double mean( final RandomAccessibleInterval< T > img )
	{
		double s = 0;
		long n = 0;
		for ( final T t : Views.iterable( img ) )
		{
			s += t.getRealDouble();
			n++;
		}
		return s / n;
	}
}
