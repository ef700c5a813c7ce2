package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * The automatic tile size ({@link TileSizing#fromBudget}) is the grid of least modelled time (window pixels plus a
 * fixed cost per run) among all tile sizes whose window fits the memory budget, found by brute force here, and the
 * result of such a grid equals the untiled one.
 */
class TileSizingTest
{
	/** Every legal 2D tile size of a random image, halo, size multiple and budget: none is cheaper, none breaks the budget. */
	@Test
	void noLegalTileIsFasterByTheModelAndTheBudgetHolds()
	{
		final Random r = new Random( 7 );
		for ( int trial = 0; trial < 40; trial++ )
		{
			final int m = new int[] { 1, 2, 4, 8, 16 }[ r.nextInt( 5 ) ];
			final int halo = m * r.nextInt( 6 );
			final long[] image = { 1 + r.nextInt( 300 ), 1 + r.nextInt( 300 ) };
			final int bytes = 8 + r.nextInt( 200 );
			final ImagePredictor net = sizing( halo, m, bytes );
			final int min = TileGrid.minTileSize( halo, m );
			final long budget = ( long ) ( min * ( double ) min * TileSizing.bytesPerVoxel( net, 1, 1 )
					* ( 1 + r.nextDouble() * 60 ) );
			final int[] chosen = TileSizing.fromBudget( net, image, 1, 1, budget );
			final TileGrid grid = TileGrid.forPredictor( net, image, chosen );
			final String what = Arrays.toString( image ) + " halo " + halo + " multiple " + m + " budget " + budget;
			assertTrue( largestWindow( grid ) * TileSizing.bytesPerVoxel( net, 1, 1 ) <= budget, what );
			final double cost = cost( grid );
			final int[] untiled = TileGrid.untiledSize( image, halo, m );
			for ( int x = min; x <= untiled[ 0 ]; x += m )
				for ( int y = min; y <= untiled[ 1 ]; y += m )
				{
					final TileGrid g = TileGrid.forPredictor( net, image, new int[] { x, y } );
					if ( largestWindow( g ) * TileSizing.bytesPerVoxel( net, 1, 1 ) <= budget )
						assertTrue( cost <= cost( g ) + 1e-9,
								what + ": " + Arrays.toString( chosen ) + " costs " + cost + ", " + x + " x " + y
										+ " only " + cost( g ) );
				}
		}
	}

	/**
	 * The Train Segmenter U-Net's numbers on a 2048^2 image (with the halo 80 of the former hand formula, multiple 16, its activation estimate, 768 MB):
	 * with the former estimate (968 bytes per pixel) the old square rule gave 3 x 3 tiles of 848^2 (6.47 Mpixel
	 * computed) and the least modelled time 2 x 4 tiles of 1184 x 672; the peak-live estimate (260 bytes per pixel,
	 * {@code ActivationMemoryTest}, times the allocator's slack) buys 3 tiles of 2208 x 848 (5.62 Mpixel). A 3D volume
	 * gets a grid of the least modelled time too.
	 */
	@Test
	void segmenterOn2048SquaredAndAVolume()
	{
		final ModelSpec spec = Presets.segmenter( 1 );
		spec.layers = new int[] { 16, 32, 64, 128 }; // as Train Segmenter builds it
		spec.convsPerLevel = 2;
		final ImagePredictor seg = sizing( 80, 16, ( int ) spec.validate().activationBytesPerPixel() );
		final long[] image = { 2048, 2048 };
		final TileGrid grid = TileGrid.forPredictor( seg, image,
				TileSizing.fromBudget( seg, image, 1, 1, 768L << 20 ) );
		final TileGrid square = TileGrid.forPredictor( seg, image, new int[] { 848, 848 } );
		assertEquals( 9, square.numCells() );
		assertTrue( cost( grid ) < cost( square ), grid + " vs " + square );
		assertEquals( 3, grid.numCells(), grid.toString() );
		assertTrue( largestWindow( grid ) * TileSizing.bytesPerVoxel( seg, 1, 1 ) <= 768L << 20 );

		final ImagePredictor vol = new Sized( 3, 8, 4, 400 );
		final long[] stack = { 300, 200, 70 };
		final long budget = 40L << 20;
		final TileGrid g3 = TileGrid.forPredictor( vol, stack, TileSizing.fromBudget( vol, stack, 1, 1, budget ) );
		assertTrue( largestWindow( g3 ) * TileSizing.bytesPerVoxel( vol, 1, 1 ) <= budget );
		final int[] untiled = TileGrid.untiledSize( stack, 8, 4 );
		for ( int x = 20; x <= untiled[ 0 ]; x += 4 )
			for ( int y = 20; y <= untiled[ 1 ]; y += 4 )
				for ( int z = 20; z <= untiled[ 2 ]; z += 4 )
				{
					final TileGrid g = TileGrid.forPredictor( vol, stack, new int[] { x, y, z } );
					if ( largestWindow( g ) * TileSizing.bytesPerVoxel( vol, 1, 1 ) <= budget )
						assertTrue( cost( g3 ) <= cost( g ) + 1e-9, g3 + " vs " + g );
				}
		// a large volume and a large plane are sized at once (the search prunes by a lower bound of the cost)
		final long[] big = { 4096, 4096, 1024 };
		final int[] t = assertTimeoutPreemptively( Duration.ofSeconds( 20 ),
				() -> TileSizing.fromBudget( vol, big, 1, 1, 768L << 20 ) );
		assertTrue( largestWindow( TileGrid.forPredictor( vol, big, t ) )
				* TileSizing.bytesPerVoxel( vol, 1, 1 ) <= 768L << 20 );
		final long[] plane = { 60000, 50000 };
		assertTimeoutPreemptively( Duration.ofSeconds( 20 ),
				() -> TileSizing.fromBudget( sizing( 4, 4, 1000 ), plane, 1, 1, 768L << 20 ) );
	}

	/** A non-square automatic grid gives the untiled result (max-pool net, halo 4, multiple 2). */
	@Test
	void automaticGridEqualsUntiled()
	{
		final FakeNet net = FakeNet.pooling2d( 4 );
		final Img< FloatType > input = ArrayImgs.floats( 301, 97 );
		final Random r = new Random( 3 );
		Views.flatIterable( input ).forEach( p -> p.set( r.nextFloat() ) );
		final float[][] reference = Reference.untiled( net, Reference.toArrays( input, 2 ), new int[] { 301, 97 } );
		final TiledPredictor auto = TiledPredictor.builder( net ).memoryBudget( 150_000 ).threads( 1 ).build();
		final TileGrid grid = auto.grid( new long[] { 301, 97 } );
		assertTrue( grid.numCells() > 2, grid.toString() );
		final Img< FloatType > out = ArrayImgs.floats( 301, 97 );
		auto.predict( input, out, Progress.none() );
		final float[][] tiled = Reference.toArrays( out, 2 );
		assertEquals( 0, Reference.maxAbsDiff( tiled, reference ), 1e-5, grid.toString() );
		assertArrayEquals( grid.tileSize(), auto.grid( new long[] { 301, 97 } ).tileSize() );
	}

	/** Pixels of all windows (a product of per-axis sums, as windows form a grid) plus the fixed cost per run. */
	static double cost( final TileGrid g )
	{
		final long[] cells = g.cellsPerDimension();
		final int[] last = g.cell( g.numCells() - 1 ).windowSize();
		double pixels = 1;
		for ( int d = 0; d < cells.length; d++ )
			pixels *= ( cells[ d ] - 1 ) * ( double ) g.tileSize()[ d ] + last[ d ];
		return pixels + TileSizing.RUN_COST_PIXELS * g.numCells();
	}

	static double largestWindow( final TileGrid g )
	{
		return Arrays.stream( g.tileSize() ).asDoubleStream().reduce( 1, ( a, b ) -> a * b );
	}

	static ImagePredictor sizing( final int halo, final int m, final int bytes )
	{
		return new Sized( 2, halo, m, bytes );
	}

	/** Only what the sizing reads: halo, size multiple, activation bytes; one channel in and out. */
	private static final class Sized implements ImagePredictor
	{
		final int dims, halo, m, bytes;

		Sized( final int dims, final int halo, final int m, final int bytes )
		{
			this.dims = dims;
			this.halo = halo;
			this.m = m;
			this.bytes = bytes;
		}

		@Override
		public int spatialDims()
		{
			return dims;
		}

		@Override
		public int inputChannels()
		{
			return 1;
		}

		@Override
		public int outputChannels()
		{
			return 1;
		}

		@Override
		public int sizeMultiple()
		{
			return m;
		}

		@Override
		public int halo()
		{
			return halo;
		}

		@Override
		public int[] fixedSpatialShape()
		{
			return null;
		}

		@Override
		public long activationBytesPerPixel()
		{
			return bytes;
		}

		@Override
		public void predict( final float[] input, final float[] output, final int batch, final int[] spatial )
		{
			throw new UnsupportedOperationException( "sizing only" );
		}
	}
}
