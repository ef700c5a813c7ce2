import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;
import fiji.plugin.autoencoder.tiling.TileGrid;
import fiji.plugin.autoencoder.tiling.TiledPredictor;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.type.numeric.integer.UnsignedShortType;

/**
 * Tiling benchmark (not part of the test suite; run with bench/run-tiling-bench.sh).
 * <ul>
 * <li>{@code speed}: a 4096 x 4096 16-bit image through a cheap fake network
 * (3x3 mean, halo 4, sizeMultiple 4), untiled (one window) vs tiled (default
 * memory budget), one thread each, best of 3; prints the ratio (goal &lt;= 1.10).</li>
 * <li>{@code memory N}: an N x N 16-bit image tiled into a caller-owned N x N
 * 16-bit ArrayImg with the default budget and 2 threads; prints the image
 * bytes, the live heap half-way (after a full GC), the peak heap in use
 * including garbage (sampled every 5 ms) and the process peak RSS (VmHWM).
 * Run once per JVM so VmHWM belongs to one size.</li>
 * </ul>
 */
public class TilingBench
{
	/** 3x3 box mean with zero padding, separable: about as cheap as a network can be. */
	static final class Mean3 implements ImagePredictor
	{
		@Override
		public int spatialDims()
		{
			return 2;
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
			final int h = spatial[ 0 ], w = spatial[ 1 ];
			final float[] row = new float[ w ];
			for ( int b = 0; b < batch; b++ )
			{
				final int o = b * h * w;
				for ( int y = 0; y < h; y++ )
				{
					// vertical sum into row, then horizontal sum into out
					for ( int x = 0; x < w; x++ )
					{
						float s = in[ o + y * w + x ];
						if ( y > 0 )
							s += in[ o + ( y - 1 ) * w + x ];
						if ( y < h - 1 )
							s += in[ o + ( y + 1 ) * w + x ];
						row[ x ] = s;
					}
					for ( int x = 0; x < w; x++ )
					{
						float s = row[ x ];
						if ( x > 0 )
							s += row[ x - 1 ];
						if ( x < w - 1 )
							s += row[ x + 1 ];
						out[ o + y * w + x ] = s / 9;
					}
				}
			}
		}
	}

	public static void main( final String[] args ) throws Exception
	{
		if ( args.length > 0 && args[ 0 ].equals( "memory" ) )
			memory( Integer.parseInt( args[ 1 ] ) );
		else
			speed();
	}

	private static ArrayImg< UnsignedShortType, ShortArray > image( final int size )
	{
		final ArrayImg< UnsignedShortType, ShortArray > img = ArrayImgs.unsignedShorts( size, size );
		final short[] data = img.update( null ).getCurrentStorageArray();
		for ( int i = 0; i < data.length; i++ )
			data[ i ] = ( short ) ( ( i * 2654435761L ) >>> 20 ); // cheap pseudo-random 16-bit pattern
		return img;
	}

	private static void speed()
	{
		final int size = 4096;
		final ImagePredictor net = new Mean3();
		final ArrayImg< UnsignedShortType, ShortArray > input = image( size );
		final ArrayImg< UnsignedShortType, ShortArray > output = ArrayImgs.unsignedShorts( size, size );
		final long[] dims = { size, size };
		final TiledPredictor untiled = TiledPredictor.builder( net ).tileSize( TileGrid.untiledSize( dims, net.halo(), net.sizeMultiple() ) ).batchSize( 1 ).threads( 1 ).build();
		final TiledPredictor tiled = TiledPredictor.builder( net ).threads( 1 ).build();
		final TiledPredictor tiled2 = TiledPredictor.builder( net ).threads( 2 ).build();
		System.out.println( "image " + size + " x " + size + " 16-bit, fake net: 3x3 mean, halo 4, sizeMultiple 4" );
		System.out.println( "untiled grid: " + untiled.grid( dims ) );
		System.out.println( "tiled grid:   " + tiled.grid( dims ) + ", batch " + tiled.batchSize() );
		final double tu = best( untiled, input, output );
		final double tt = best( tiled, input, output );
		final double tt2 = best( tiled2, input, output );
		System.out.printf( "untiled, 1 thread:  %.0f ms%n", tu );
		System.out.printf( "tiled,   1 thread:  %.0f ms%n", tt );
		System.out.printf( "tiled,   2 threads: %.0f ms (tiles from a budget for 2 threads: %s)%n", tt2, Arrays.toString( tiled2.grid( dims ).tileSize() ) );
		System.out.printf( "ratio tiled/untiled (1 thread): %.3f (goal <= 1.10)%n", tt / tu );
	}

	private static double best( final TiledPredictor tiler, final ArrayImg< UnsignedShortType, ShortArray > in, final ArrayImg< UnsignedShortType, ShortArray > out )
	{
		double best = Double.MAX_VALUE;
		for ( int run = 0; run < 4; run++ ) // first run warms up
		{
			final long t0 = System.nanoTime();
			tiler.predict( in, out, Progress.none() );
			final double ms = ( System.nanoTime() - t0 ) / 1e6;
			if ( run > 0 )
				best = Math.min( best, ms );
		}
		return best;
	}

	private static void memory( final int size ) throws Exception
	{
		final ImagePredictor net = new Mean3();
		final ArrayImg< UnsignedShortType, ShortArray > input = image( size );
		final ArrayImg< UnsignedShortType, ShortArray > output = ArrayImgs.unsignedShorts( size, size );
		final long imageBytes = 2L * 2 * size * size;
		final TiledPredictor tiler = TiledPredictor.builder( net ).threads( 2 ).build();
		System.gc();
		final Runtime rt = Runtime.getRuntime();
		final long before = rt.totalMemory() - rt.freeMemory();
		final AtomicLong peak = new AtomicLong( before );
		final Thread sampler = new Thread( () -> {
			while ( !Thread.currentThread().isInterrupted() )
			{
				peak.accumulateAndGet( rt.totalMemory() - rt.freeMemory(), Math::max );
				try
				{
					Thread.sleep( 5 );
				}
				catch ( final InterruptedException e )
				{
					return;
				}
			}
		} );
		sampler.setDaemon( true );
		sampler.start();
		// live heap half-way: a full GC from the progress callback, while the other worker holds its buffers
		final AtomicLong live = new AtomicLong( -1 );
		final Progress midwayGc = new Progress()
		{
			@Override
			public void report( final long done, final long total, final String message )
			{
				if ( done >= total / 2 && live.get() < 0 )
				{
					live.set( 0 );
					System.gc();
					live.set( rt.totalMemory() - rt.freeMemory() );
				}
			}

			@Override
			public boolean isCancelled()
			{
				return false;
			}
		};
		final long t0 = System.nanoTime();
		tiler.predict( input, output, midwayGc );
		final double ms = ( System.nanoTime() - t0 ) / 1e6;
		sampler.interrupt();
		sampler.join();
		final short check = output.update( null ).getCurrentStorageArray()[ size * ( size / 2 ) + size / 2 ];
		System.out.printf( "memory %d x %d: grid %s%n", size, size, tiler.grid( new long[] { size, size } ) );
		System.out.printf( "  time %.0f ms (incl. one full GC); in + out images %d MiB; heap before predict %d MiB; live heap half-way %d MiB (+%d MiB);"
				+ " peak heap used incl. garbage %d MiB (+%d MiB); VmHWM %s; centre pixel %d%n",
				ms, imageBytes >> 20, before >> 20, live.get() >> 20, ( live.get() - before ) >> 20, peak.get() >> 20, ( peak.get() - before ) >> 20, vmHwm(),
				check & 0xffff );
	}

	private static String vmHwm() throws IOException
	{
		for ( final String line : Files.readAllLines( Paths.get( "/proc/self/status" ) ) )
			if ( line.startsWith( "VmHWM" ) )
				return line.substring( 6 ).trim();
		return "n/a";
	}
}
