import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;

import fiji.plugin.autoencoder.MacroCalls;
import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/**
 * A macro loop of {@code MacroCalls.denoise} calls on one image, with the
 * JVM's model cache (the model loads once) and without it (the cache cleared
 * before each call: a load per call, as before the cache), interleaved call by
 * call (cached, uncached, cached, ...) so both see the same machine load.
 * Reports per mode the median and total process CPU time (all threads,
 * TensorFlow's native pool included) and wall time per call.
 * <pre>
 * java MacroLoopBench [CALLS=20] [SIZE=512] [THREADS=2] [AVERAGE=false]
 * </pre>
 */
public class MacroLoopBench
{
	public static void main( final String[] args ) throws Exception
	{
		final int calls = args.length > 0 ? Integer.parseInt( args[ 0 ] ) : 20;
		final int size = args.length > 1 ? Integer.parseInt( args[ 1 ] ) : 512;
		final int threads = args.length > 2 ? Integer.parseInt( args[ 2 ] ) : 2;
		final boolean average = args.length > 3 && Boolean.parseBoolean( args[ 3 ] );
		final Path dir = Files.createTempDirectory( "macro-loop" );
		final Path model = dir.resolve( "denoiser.aemodel.zip" ), image = dir.resolve( "in.tif" );
		try ( Model m = Model.create( Presets.denoiser( 1 ), 1, 1 ) )
		{
			ModelFile.save( m, model, Collections.emptyMap() );
		}
		final float[] px = new float[ size * size ];
		final java.util.Random r = new java.util.Random( 1 );
		for ( int i = 0; i < px.length; i++ )
			px[ i ] = ( float ) ( 100 + 20 * Math.sin( i % size / 9.0 ) + 10 * r.nextGaussian() );
		new FileSaver( new ImagePlus( "in", new FloatProcessor( size, size, px ) ) ).saveAsTiff( image.toString() );
		final com.sun.management.OperatingSystemMXBean os = ( com.sun.management.OperatingSystemMXBean ) ManagementFactory.getOperatingSystemMXBean();
		final double[][] cpu = new double[ 2 ][ calls ], wall = new double[ 2 ][ calls ];
		final String opts = "input=[" + image + "] model_file=[" + model + "] average_orientations=" + average + " threads=" + threads + " output=[";
		MacroCalls.denoise( opts + dir.resolve( "warm.tif" ) + "]" ); // JIT and TensorFlow warm-up for both modes
		final long loads0 = ModelCache.models().loads();
		for ( int i = 0; i < calls; i++ )
			for ( int mode = 0; mode < 2; mode++ )
			{
				if ( mode == 1 )
					ModelCache.models().clear(); // before the cache: every call loads
				final long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
				final String res = MacroCalls.denoise( opts + dir.resolve( "out" + mode + "-" + i + ".tif" ) + "]" );
				cpu[ mode ][ i ] = ( os.getProcessCpuTime() - c0 ) * 1e-9;
				wall[ mode ][ i ] = ( System.nanoTime() - w0 ) * 1e-9;
				if ( res.startsWith( "error:" ) )
					throw new IllegalStateException( res );
			}
		final boolean same = Arrays.equals( Files.readAllBytes( dir.resolve( "out0-" + ( calls - 1 ) + ".tif" ) ), Files.readAllBytes( dir.resolve( "out1-" + ( calls - 1 ) + ".tif" ) ) );
		System.out.println( String.format( Locale.ROOT, "# %d calls each, %dx%d 32-bit, threads=%d, average_orientations=%s; loads during the loop: %d (of %d uncached calls; each cached call reuses the model the call before it left in the cache); last outputs byte-identical: %s",
				calls, size, size, threads, average, ModelCache.models().loads() - loads0, calls, same ) );
		System.out.println( "| mode | CPU s per call (median) | CPU s total | wall s per call (median) | wall s total |" );
		System.out.println( "|---|---:|---:|---:|---:|" );
		for ( int mode = 0; mode < 2; mode++ )
			System.out.println( String.format( Locale.ROOT, "| %s | %.3f | %.2f | %.3f | %.2f |", mode == 0 ? "cached (load once)" : "uncached (load per call)", median( cpu[ mode ] ), sum( cpu[ mode ] ),
					median( wall[ mode ] ), sum( wall[ mode ] ) ) );
		System.out.println( String.format( Locale.ROOT, "uncached / cached: CPU %.2fx, wall %.2fx", sum( cpu[ 1 ] ) / sum( cpu[ 0 ] ), sum( wall[ 1 ] ) / sum( wall[ 0 ] ) ) );
		System.exit( 0 );
	}

	static double median( final double[] v )
	{
		final double[] s = v.clone();
		Arrays.sort( s );
		return s.length % 2 == 1 ? s[ s.length / 2 ] : ( s[ s.length / 2 - 1 ] + s[ s.length / 2 ] ) / 2;
	}

	static double sum( final double[] v )
	{
		double t = 0;
		for ( final double x : v )
			t += x;
		return t;
	}
}
