import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.TileGrid;
import ij.ImagePlus;
import ij.process.ShortProcessor;

/**
 * The real TensorFlow denoiser (Presets.denoiser, untrained weights: the cost
 * does not depend on them) on large 16-bit images through ImageRunner:
 *   speed N       tiled (automatic tiles) vs untiled (one window) time on an N x N image, and their ratio
 *   memory N      denoise an N x N 16-bit image, print peak resident memory (VmHWM) of this JVM
 */
public class DenoiseScaleBench
{
	static ImagePlus image( final int n )
	{
		final ShortProcessor sp = new ShortProcessor( n, n );
		final short[] px = ( short[] ) sp.getPixels();
		long s = 1;
		for ( int i = 0; i < px.length; i++ )
		{
			s = s * 6364136223846793005L + 1442695040888963407L;
			final int x = i % n, y = i / n;
			px[ i ] = ( short ) ( 1000 + 800 * Math.sin( x * 0.01 ) * Math.cos( y * 0.013 ) + ( ( s >>> 40 ) & 255 ) );
		}
		return new ImagePlus( "synthetic-" + n, sp );
	}

	static long vmHwmKb() throws Exception
	{
		for ( final String l : Files.readAllLines( Paths.get( "/proc/self/status" ) ) )
			if ( l.startsWith( "VmHWM:" ) )
				return Long.parseLong( l.replaceAll( "[^0-9]", "" ) );
		return -1;
	}

	public static void main( final String[] args ) throws Exception
	{
		final int n = Integer.parseInt( args[ 1 ] );
		final Normalization norm = Normalization.percentileDefault();
		try ( Model model = Model.create( Presets.denoiser( 1 ), 1, 0 ) )
		{
			final ImagePlus imp = image( n );
			if ( args[ 0 ].equals( "speed" ) )
			{
				final ImageRunner.Options tiled = new ImageRunner.Options();
				final ImageRunner.Options untiled = new ImageRunner.Options();
				untiled.tileSize = TileGrid.untiledSize( new long[] { n, n }, model.halo(), model.sizeMultiple() );
				ImageRunner.run( model, norm, imp, OutputType.FLOAT_32, "w", true, tiled, Progress.none() ); // warm-up
				double bestT = Double.MAX_VALUE, bestU = Double.MAX_VALUE;
				for ( int r = 0; r < 2; r++ )
				{
					long t0 = System.nanoTime();
					ImageRunner.run( model, norm, imp, OutputType.FLOAT_32, "t", true, tiled, Progress.none() );
					bestT = Math.min( bestT, ( System.nanoTime() - t0 ) / 1e9 );
					t0 = System.nanoTime();
					ImageRunner.run( model, norm, imp, OutputType.FLOAT_32, "u", true, untiled, Progress.none() );
					bestU = Math.min( bestU, ( System.nanoTime() - t0 ) / 1e9 );
				}
				System.out.println( String.format( Locale.ROOT, "speed %d x %d: tiled %.2f s, untiled %.2f s, tiled/untiled %.2f (load %s)", n, n, bestT, bestU, bestT / bestU,
						Files.readAllLines( Paths.get( "/proc/loadavg" ) ).get( 0 ) ) );
			}
			else
			{
				final long t0 = System.nanoTime();
				final ImagePlus out = ImageRunner.run( model, norm, imp, OutputType.SAME_AS_INPUT, "denoised", true, new ImageRunner.Options(), Progress.none() );
				System.out.println( String.format( Locale.ROOT, "memory %d x %d 16-bit (%d MiB in, %d MiB out): %.1f s, peak resident memory (VmHWM) %.2f GiB, heap max %d MiB", n, n,
						( long ) n * n * 2 >> 20, ( long ) out.getWidth() * out.getHeight() * 2 >> 20, ( System.nanoTime() - t0 ) / 1e9, vmHwmKb() / 1048576.0, Runtime.getRuntime().maxMemory() >> 20 ) );
			}
		}
		System.exit( 0 );
	}
}
