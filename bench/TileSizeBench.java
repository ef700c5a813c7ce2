import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.TileGrid;
import fiji.plugin.autoencoder.tiling.TiledPredictor;
import ij.ImagePlus;
import ij.process.FloatProcessor;

/**
 * Inference throughput against the tile size (issue #19, "tile size for speed"): the Denoise / Segment Image path
 * (ImageRunner.run, one tile per run, one worker) on a SIZE^2 image, each tile size ("auto" = the automatic choice
 * from the default 768 MB budget) run in turn, round by round, so all see the same load. Prints per tile size the
 * grid, the useful share (image pixels / computed window pixels) and the medians of image megapixels per process CPU
 * second and per wall second. With {@code --rss true} (one tile size per JVM) it prints the peak resident memory
 * (VmHWM) above the resident memory before the run, i.e. what the tiles, buffers and TensorFlow's activations took;
 * {@code --dump FILE} writes the last output (raw little-endian floats).
 * <pre>
 * java TileSizeBench --net denoiser|segmenter --tiles auto,512,1024,1184x672 [--size 2048] [--rounds 3] [--threads 2] [--rss false] [--dump out.f32]
 * </pre>
 */
public class TileSizeBench
{
	public static void main( final String[] args ) throws Exception
	{
		String net = "denoiser", tiles = "auto";
		int size = 2048, rounds = 3, threads = 2;
		boolean rss = false;
		String dump = null;
		for ( int i = 0; i + 1 < args.length; i += 2 )
			switch ( args[ i ] )
			{
			case "--net": net = args[ i + 1 ]; break;
			case "--tiles": tiles = args[ i + 1 ]; break;
			case "--size": size = Integer.parseInt( args[ i + 1 ] ); break;
			case "--rounds": rounds = Integer.parseInt( args[ i + 1 ] ); break;
			case "--threads": threads = Integer.parseInt( args[ i + 1 ] ); break;
			case "--rss": rss = Boolean.parseBoolean( args[ i + 1 ] ); break;
			case "--dump": dump = args[ i + 1 ]; break;
			default: throw new IllegalArgumentException( args[ i ] );
			}
		final com.sun.management.OperatingSystemMXBean os = ( com.sun.management.OperatingSystemMXBean ) ManagementFactory.getOperatingSystemMXBean();
		final float[] px = UNetSpeedBench.smooth( 1, size, size, 1 );
		final ImagePlus imp = new ImagePlus( "bench", new FloatProcessor( size, size, px ) );
		final String[] ts = tiles.split( "," );
		final List< List< double[] > > rates = new ArrayList<>();
		try ( Model model = Model.create( InferenceBench.spec( net ), 1, threads ) )
		{
			ImageRunner.run( model, Normalization.none(), UNetSpeedBench.crop( imp ), OutputType.FLOAT_32, "w", false,
					new ImageRunner.Options(), Progress.none() ); // warm-up
			final long rss0 = rss( "VmRSS" );
			for ( final String t : ts )
				rates.add( new ArrayList<>() );
			for ( int r = 0; r < rounds; r++ )
				for ( int i = 0; i < ts.length; i++ )
				{
					final ImageRunner.Options o = options( ts[ i ] );
					final long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
					final ImagePlus out = ImageRunner.run( model, Normalization.none(), imp, OutputType.FLOAT_32, "out", false, o, Progress.none() );
					if ( dump != null && r == rounds - 1 && i == ts.length - 1 )
						dump( ( float[] ) out.getProcessor().getPixels(), dump );
					final double wall = ( System.nanoTime() - w0 ) * 1e-9, cpu = ( os.getProcessCpuTime() - c0 ) * 1e-9;
					rates.get( i ).add( new double[] { size * ( double ) size / 1e6 / cpu, size * ( double ) size / 1e6 / wall } );
				}
			for ( int i = 0; i < ts.length; i++ )
			{
				final ImageRunner.Options o = options( ts[ i ] );
				final TiledPredictor tp = TiledPredictor.builder( model ).batchSize( o.batchSize ).memoryBudget( o.memoryBudget )
						.threads( o.threads ).tileSize( o.tileSize ).build();
				final TileGrid g = tp.grid( new long[] { size, size } );
				final int[] tile = g.tileSize();
				final double computed = windowPixels( g );
				System.out.println( String.format( Locale.ROOT, "RESULT tiles %s %s tile %s cells %d useful %.3f Mpix/cpu_s %.3f Mpix/wall_s %.3f%s",
						net, ts[ i ], Arrays.toString( tile ), g.numCells(), size * ( double ) size / computed,
						median( rates.get( i ), 0 ), median( rates.get( i ), 1 ),
						rss ? String.format( Locale.ROOT, " peak_rss_above_start_MB %.0f", ( rss( "VmHWM" ) - rss0 ) / 1024.0 ) : "" ) );
			}
		}
		System.exit( 0 );
	}

	/** The output's floats, little-endian, for comparing runs (e.g. bf16 against float32). */
	static void dump( final float[] v, final String file ) throws Exception
	{
		final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate( 4 * v.length ).order( java.nio.ByteOrder.LITTLE_ENDIAN );
		b.asFloatBuffer().put( v );
		Files.write( Paths.get( file ), b.array() );
	}

	static ImageRunner.Options options( final String t )
	{
		final ImageRunner.Options o = new ImageRunner.Options();
		if ( !t.equals( "auto" ) ) // N (square) or XxY
			o.tileSize = t.contains( "x" ) ? new int[] { Integer.parseInt( t.split( "x" )[ 0 ] ), Integer.parseInt( t.split( "x" )[ 1 ] ) }
					: new int[] { Integer.parseInt( t ), Integer.parseInt( t ) };
		return o;
	}

	static double windowPixels( final TileGrid g )
	{
		double sum = 0;
		for ( long i = 0; i < g.numCells(); i++ )
		{
			double p = 1;
			for ( final int w : g.cell( i ).windowSize() )
				p *= w;
			sum += p;
		}
		return sum;
	}

	static double median( final List< double[] > v, final int k )
	{
		final double[] a = v.stream().mapToDouble( x -> x[ k ] ).sorted().toArray();
		return a.length % 2 == 1 ? a[ a.length / 2 ] : 0.5 * ( a[ a.length / 2 - 1 ] + a[ a.length / 2 ] );
	}

	/** kB from /proc/self/status. */
	static long rss( final String key ) throws Exception
	{
		for ( final String l : Files.readAllLines( Paths.get( "/proc/self/status" ) ) )
			if ( l.startsWith( key + ":" ) )
				return Long.parseLong( l.replaceAll( "[^0-9]", "" ) );
		return -1;
	}
}
