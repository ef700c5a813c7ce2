import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import fiji.plugin.autoencoder.bigimage.ZarrJob;
import fiji.plugin.autoencoder.bigimage.ZarrSink;
import fiji.plugin.autoencoder.bigimage.ZarrSource;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.StoredNormalization;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ImagePredictor;
import fiji.plugin.autoencoder.tiling.BlockSource;
import fiji.plugin.autoencoder.tiling.ChunkSink;
import fiji.plugin.autoencoder.tiling.ChunkedPredictor;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import fiji.plugin.autoencoder.tiling.TileGrid;
import fiji.plugin.autoencoder.tiling.TiledPredictor;
import fiji.plugin.autoencoder.zarr.OmeZarr;

/**
 * Where the time of an out-of-core run goes (issue 18, Spark against one JVM): in one JVM, runs the first
 * {@code tiles} tiles of an OME-Zarr with several worker/thread layouts, interleaved {@code reps} times,
 * and prints per layout the job time and the summed wall time of reading (decoding chunks), prediction
 * (TensorFlow) and writing per tile, plus the process CPU time. Layouts: {@code w1t2} one worker on a model
 * with 2 TensorFlow threads (the single-JVM CLI), {@code w2t2} two workers sharing a 2-thread model (Spark
 * local[2] tasks sharing the executor's model), {@code w2t1} two workers sharing a 1-thread model,
 * {@code own2t1} two workers with a 1-thread model each, {@code spark} SparkDenoise on an in-process local[2]
 * context (the whole image; -Dpartitions=N tasks, default 8). The models are loaded first (2 threads, then 1):
 * TensorFlow's pools are per process and sized by that first load, so the thread layouts differ only in workers.
 * Usage (class path: the plugin jar, target/lib/* and target/spark-lib/*, with the --add-opens flags of
 * bin/autoencoder): {@code SparkProfile model.zip in.ome.zarr workdir tiles reps layout...}
 */
public class SparkProfile
{
	static final AtomicLong readNs = new AtomicLong(), predictNs = new AtomicLong(), writeNs = new AtomicLong();

	static org.apache.spark.api.java.JavaSparkContext sc;

	public static void main( final String[] args ) throws Exception
	{
		final Path model = Paths.get( args[ 0 ] );
		final String in = args[ 1 ];
		final Path work = Paths.get( args[ 2 ] );
		final int tiles = Integer.parseInt( args[ 3 ] ), reps = Integer.parseInt( args[ 4 ] );
		long t0 = System.nanoTime();
		final ModelFile.Loaded m2 = ModelFile.load( model, 2 );
		System.out.printf( Locale.ROOT, "model load (2 threads): %.2f s%n", ( System.nanoTime() - t0 ) / 1e9 );
		t0 = System.nanoTime();
		final ModelFile.Loaded m1 = ModelFile.load( model, 1 ), m1b = ModelFile.load( model, 1 );
		System.out.printf( Locale.ROOT, "two model loads (1 thread): %.2f s%n", ( System.nanoTime() - t0 ) / 1e9 );
		for ( int r = 0; r < reps; r++ )
			for ( int a = 5; a < args.length; a++ )
			{
				final String layout = args[ a ];
				final Path out = work.resolve( "profile-" + layout + ".ome.zarr" );
				delete( out );
				final ZarrJob job = new ZarrJob( in, out.toString(), OutputType.SAME_AS_INPUT, 0, 0, "none", 1 );
				final TileGrid grid = job.prepare( m2 );
				final long[] cells = new long[ ( int ) Math.min( tiles, grid.numCells() ) ];
				for ( int i = 0; i < cells.length; i++ )
					cells[ i ] = i;
				readNs.set( 0 );
				predictNs.set( 0 );
				writeNs.set( 0 );
				final double cpu0 = cpuSeconds();
				final long start = System.nanoTime();
				switch ( layout )
				{
				case "w1t2":
					run( m2, 1, in, out, cells );
					break;
				case "w2t2":
					run( m2, 2, in, out, cells );
					break;
				case "w2t1":
					run( m1, 2, in, out, cells );
					break;
				case "own2t1":
				{
					final long[][] halves = split( cells );
					final Thread t = new Thread( () -> run( m1b, 1, in, out, halves[ 1 ] ) );
					t.start();
					run( m1, 1, in, out, halves[ 0 ] );
					t.join();
					break;
				}
				case "spark":
				{
					if ( sc == null )
						sc = new org.apache.spark.api.java.JavaSparkContext( new org.apache.spark.SparkConf()
								.setMaster( "local[2]" ).setAppName( "profile" ).set( "spark.ui.enabled", "false" )
								.set( "autoencoder.partitions", System.getProperty( "partitions", "8" ) ) );
					final fiji.plugin.autoencoder.spark.SparkDenoise sd = new fiji.plugin.autoencoder.spark.SparkDenoise(
							job, model.toString(), 0 );
					sd.run( sc );
					System.out.printf( Locale.ROOT, "spark stage %.2f s, model loads %d%n", sd.stageSeconds(),
							fiji.plugin.autoencoder.spark.ExecutorModels.loads() );
					break;
				}
				default:
					throw new IllegalArgumentException( layout );
				}
				final double s = ( System.nanoTime() - start ) / 1e9, cpu = cpuSeconds() - cpu0;
				final double n = cells.length;
				System.out.printf( Locale.ROOT,
						"rep %d %-7s %d tiles in %6.2f s (%.3f s/tile), CPU %.1f s (%.2f cores); per tile summed over workers: read %.1f ms, predict %.1f ms, write %.1f ms; load %.2f%n",
						r, layout, cells.length, s, s / n, cpu, cpu / s, readNs.get() / n / 1e6,
						predictNs.get() / n / 1e6, writeNs.get() / n / 1e6, load() );
				delete( out );
			}
	}

	static long[][] split( final long[] cells )
	{
		final int h = cells.length / 2;
		return new long[][] { java.util.Arrays.copyOfRange( cells, 0, h ),
				java.util.Arrays.copyOfRange( cells, h, cells.length ) };
	}

	static void run( final ModelFile.Loaded m, final int workers, final String in, final Path out, final long[] cells )
	{
		final ImagePredictor p = new TimedPredictor( m.model() );
		final float[][] n = ImageRunner.parameters(
				StoredNormalization.forInput( ModelFileRunner.normalization( m ), false ).normalization, 1 );
		final ChunkedPredictor c = new ChunkedPredictor( TiledPredictor.builder( p ).batchSize( 1 ).threads( workers )
				.memoryBudget( new ImageRunner.Options().memoryBudget ).normalization( n[ 0 ], n[ 1 ] ).build() );
		c.run( new TimedSource( new ZarrSource( OmeZarr.open( Paths.get( in ) ), 2 ) ),
				new TimedSink( new ZarrSink( OmeZarr.open( out ), 2 ) ), cells, null );
	}

	static double cpuSeconds()
	{
		return ( ( com.sun.management.OperatingSystemMXBean ) java.lang.management.ManagementFactory
				.getOperatingSystemMXBean() ).getProcessCpuTime() / 1e9;
	}

	static double load() throws java.io.IOException
	{
		return Double.parseDouble( new String( Files.readAllBytes( Paths.get( "/proc/loadavg" ) ) ).split( " " )[ 0 ] );
	}

	static void delete( final Path p ) throws java.io.IOException
	{
		if ( !Files.exists( p ) )
			return;
		try ( Stream< Path > s = Files.walk( p ) )
		{
			final List< Path > all = new ArrayList<>();
			s.sorted( Comparator.reverseOrder() ).forEach( all::add );
			for ( final Path f : all )
				Files.delete( f );
		}
	}

	static final class TimedPredictor implements ImagePredictor
	{
		final ImagePredictor p;

		TimedPredictor( final ImagePredictor p )
		{
			this.p = p;
		}

		public int spatialDims()
		{
			return p.spatialDims();
		}

		public int inputChannels()
		{
			return p.inputChannels();
		}

		public int outputChannels()
		{
			return p.outputChannels();
		}

		public int sizeMultiple()
		{
			return p.sizeMultiple();
		}

		public int halo()
		{
			return p.halo();
		}

		public int[] fixedSpatialShape()
		{
			return p.fixedSpatialShape();
		}

		public long activationBytesPerPixel()
		{
			return p.activationBytesPerPixel();
		}

		public void predict( final float[] input, final float[] output, final int batch, final int[] spatial )
		{
			final long t = System.nanoTime();
			p.predict( input, output, batch, spatial );
			predictNs.addAndGet( System.nanoTime() - t );
		}
	}

	static final class TimedSource implements BlockSource
	{
		final BlockSource s;

		TimedSource( final BlockSource s )
		{
			this.s = s;
		}

		public long[] size()
		{
			return s.size();
		}

		public int channels()
		{
			return s.channels();
		}

		public void read( final long[] min, final int[] size, final int channel, final float[] dest )
		{
			final long t = System.nanoTime();
			s.read( min, size, channel, dest );
			readNs.addAndGet( System.nanoTime() - t );
		}

		public BlockSource independentCopy()
		{
			return new TimedSource( s.independentCopy() );
		}
	}

	static final class TimedSink implements ChunkSink
	{
		final ChunkSink s;

		TimedSink( final ChunkSink s )
		{
			this.s = s;
		}

		public long[] size()
		{
			return s.size();
		}

		public int[] chunkSize()
		{
			return s.chunkSize();
		}

		public int channels()
		{
			return s.channels();
		}

		public boolean isWritten( final long[] g )
		{
			return s.isWritten( g );
		}

		public void write( final long[] min, final int[] size, final float[][] data ) throws java.io.IOException
		{
			final long t = System.nanoTime();
			s.write( min, size, data );
			writeNs.addAndGet( System.nanoTime() - t );
		}
	}
}
