package fiji.plugin.autoencoder.spark;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Collections;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.bigimage.ZarrJob;
import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.CellBlocks;
import fiji.plugin.autoencoder.tiling.ChunkedPredictor;
import fiji.plugin.autoencoder.tiling.TileGrid;

/**
 * Denoises an OME-Zarr on Apache Spark, the way BigStitcher-Spark does its
 * jobs: the driver checks the input and creates the output container and its
 * metadata ({@link ZarrJob#prepare}); the grid of chunk-aligned tiles (each a
 * whole number of output chunks) is cut into contiguous blocks
 * ({@link CellBlocks}: by default one per task slot, so that the halo chunks
 * between blocks are decoded twice but all others once, as in one JVM), which
 * are {@code parallelize}d, one block per task; each task opens its
 * own reader and writer, takes this JVM's model from {@link ExecutorModels}
 * (loaded once per executor), skips tiles whose chunks exist (so a rerun
 * resumes) and writes whole chunks atomically; a tile that fails is retried
 * {@code retries} times in the task before the task fails (and Spark retries
 * the task, spark.task.maxFailures).
 * <p>
 * Threads: an executor runs {@code cores / spark.task.cpus} tasks at once; they
 * share the JVM's one TensorFlow model, whose thread pool gets the executor's
 * cores, so each task has {@code cores / concurrent tasks} of them and the
 * executor is not oversubscribed. TensorFlow's intra- and inter-op pools are
 * per process, sized by the first session the JVM creates (later sessions'
 * thread settings are ignored: measured by thread counts), so in local mode the
 * driver's first load must already ask for the executor's cores: it leases the
 * model the tasks use (a driver that loaded with 1 thread first left local[2]
 * with one TensorFlow thread).
 */
public final class SparkDenoise implements Serializable
{
	private static final long serialVersionUID = 1L;

	private final ZarrJob job;

	private final String model;

	private final int retries;

	/** Seconds of the last run's task stage (after the driver's checks and output creation). */
	private transient double stageSeconds;

	/** CPU seconds of this JVM during the last run's task stage. */
	private transient double stageCpuSeconds;

	/** The last run's tasks summed: tiles computed, skipped, lease nanoseconds, task nanoseconds, longest lease, tasks, input chunks decoded. */
	private transient long[] taskStats;

	public SparkDenoise( final ZarrJob job, final String model, final int retries )
	{
		this.job = job;
		this.model = model;
		this.retries = retries;
	}

	/** Seconds of the last {@link #run}'s task stage, from parallelize to the last task (executor model loads included). */
	public double stageSeconds()
	{
		return stageSeconds;
	}

	/** Cores of one executor: spark.executor.cores, or N of local[N] (local[*]: this machine's). */
	public static int executorCores( final SparkConf conf )
	{
		final String master = conf.get( "spark.master", "local[*]" );
		if ( master.startsWith( "local" ) )
		{
			final java.util.regex.Matcher m = java.util.regex.Pattern.compile( "local\\[(\\d+|\\*)" ).matcher( master );
			if ( m.find() )
				return m.group( 1 ).equals( "*" ) ? Runtime.getRuntime().availableProcessors()
						: Integer.parseInt( m.group( 1 ) );
			return 1;
		}
		return conf.getInt( "spark.executor.cores", 1 );
	}

	/** TensorFlow threads each task gets: executor cores / concurrent tasks (= spark.task.cpus), at least 1. */
	public static int threadsPerTask( final SparkConf conf )
	{
		final int cores = executorCores( conf ), taskCpus = Math.max( 1, conf.getInt( "spark.task.cpus", 1 ) );
		final int concurrent = Math.max( 1, cores / taskCpus );
		return Math.max( 1, cores / concurrent );
	}

	/**
	 * Tasks the cluster runs at once: its cores (the default parallelism, or
	 * what spark.executor.instances x spark.executor.cores or spark.cores.max
	 * promise, since executors that have not registered yet are not counted in
	 * the default parallelism) / spark.task.cpus, at least 1.
	 */
	public static int taskSlots( final SparkConf conf, final int defaultParallelism )
	{
		final java.util.Map< String, String > settings = new java.util.HashMap<>();
		for ( final scala.Tuple2< String, String > t : conf.getAll() )
			settings.put( t._1(), t._2() );
		return taskSlots( settings, defaultParallelism );
	}

	/** {@link #taskSlots(SparkConf, int)} from Spark's settings as a map (absent keys: Spark's defaults). */
	static int taskSlots( final java.util.Map< String, String > conf, final int defaultParallelism )
	{
		long cores = defaultParallelism;
		if ( !conf.getOrDefault( "spark.master", "local[*]" ).startsWith( "local" ) )
			cores = Math.max( cores, Math.max( Long.parseLong( conf.getOrDefault( "spark.cores.max", "0" ) ),
					Long.parseLong( conf.getOrDefault( "spark.executor.instances", "0" ) )
							* Long.parseLong( conf.getOrDefault( "spark.executor.cores", "1" ) ) ) );
		final int taskCpus = Math.max( 1, Integer.parseInt( conf.getOrDefault( "spark.task.cpus", "1" ) ) );
		return ( int ) Math.max( 1, Math.min( Integer.MAX_VALUE, cores / taskCpus ) );
	}

	/**
	 * Refuses a {@code spark://host:port} master that does not answer within 5
	 * s, with what to do, instead of Spark's long retries.
	 */
	public static void checkMaster( final String master )
	{
		if ( master == null || !master.startsWith( "spark://" ) )
			return;
		for ( final String hostPort : master.substring( "spark://".length() ).split( "," ) )
		{
			final URI u = URI.create( "spark://" + hostPort );
			try ( Socket s = new Socket() )
			{
				s.connect( new InetSocketAddress( u.getHost(), u.getPort() < 0 ? 7077 : u.getPort() ), 5000 );
				return;
			}
			catch ( final IOException | IllegalArgumentException e )
			{
				// try the next master of a standby list
			}
		}
		throw new IllegalArgumentException( "The Spark master " + master
				+ " cannot be reached: start it (sbin/start-master.sh), check host and port, or use --master local[N] to run on this machine" );
	}

	/**
	 * Runs the job on {@code sc}; returns tiles computed and skipped over all
	 * tasks. In local mode the driver is the executor, so the model the driver
	 * loads for its checks is the one the tasks lease (loaded once, before the
	 * task stage); elsewhere the driver loads its own with 1 thread.
	 */
	public ChunkedPredictor.Result run( final JavaSparkContext sc ) throws IOException
	{
		final SparkConf conf = sc.getConf();
		final int cores = executorCores( conf );
		final TileGrid grid;
		final int[] chunk;
		try ( ModelCache< ModelFile.Loaded >.Lease lease = sc.isLocal() ? ExecutorModels.get( model, cores ) : null;
				ModelFile.Loaded own = sc.isLocal() ? null : ModelFile.load( java.nio.file.Paths.get( model ), 1 ) )
		{
			grid = job.prepare( own != null ? own : lease.model() ); // the driver: checks, output container and metadata
			chunk = job.inputChunks( ( own != null ? own : lease.model() ).model().spatialDims() );
			final int slots = taskSlots( conf, sc.defaultParallelism() );
			final List< long[] > blocks = CellBlocks.split( grid,
					Math.max( 1, conf.getInt( "autoencoder.partitions", slots ) ), chunk );
			System.err.println( "spark-denoise: " + grid.numCells() + " tiles of "
					+ java.util.Arrays.toString( grid.tileSize() ) + " in " + blocks.size() + " tasks (blocks of "
					+ blocks.get( 0 ).length + " tiles); " + cores + " core(s) per executor, "
					+ threadsPerTask( conf ) + " TensorFlow thread(s) per task" );
			final long start = System.nanoTime();
			final double cpu = processCpuSeconds();
			final long[] total = sc.parallelize( blocks, blocks.size() ).mapPartitions( it -> {
				long[] s = null;
				while ( it.hasNext() ) // one block per partition
				{
					final long[] r = runCells( it.next(), cores );
					s = s == null ? r : sum( s, r );
				}
				return Collections.singletonList( s ).iterator();
			} ).filter( s -> s != null ).reduce( SparkDenoise::sum );
			stageSeconds = ( System.nanoTime() - start ) / 1e9;
			stageCpuSeconds = processCpuSeconds() - cpu;
			taskStats = total;
			return new ChunkedPredictor.Result( total[ 0 ], total[ 1 ], total[ 6 ] );
		}
	}

	/** CPU seconds this JVM has used (NaN where the JVM does not tell). */
	static double processCpuSeconds()
	{
		final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
				.getOperatingSystemMXBean();
		return os instanceof com.sun.management.OperatingSystemMXBean
				? ( ( com.sun.management.OperatingSystemMXBean ) os ).getProcessCpuTime() / 1e9
				: Double.NaN;
	}

	/**
	 * CPU seconds of the driver's JVM during the last {@link #run}'s task stage
	 * (the same window as {@link #stageSeconds}); in local mode the tasks ran in
	 * it, so this is the tiles' CPU, without the driver's checks and model load.
	 */
	public double stageCpuSeconds()
	{
		return stageCpuSeconds;
	}

	private static long[] sum( final long[] a, final long[] b )
	{
		final long[] s = new long[ a.length ];
		for ( int i = 0; i < a.length; i++ )
			s[ i ] = i == 4 ? Math.max( a[ i ], b[ i ] ) : a[ i ] + b[ i ];
		return s;
	}

	/**
	 * The last {@link #run}'s tasks: seconds summed over tasks of waiting for
	 * the model lease (an executor's first task loads the model), the longest
	 * such wait, and seconds summed over tasks from start to end.
	 */
	public String taskSummary()
	{
		if ( taskStats == null )
			return "no tasks";
		return String.format( java.util.Locale.ROOT,
				"%d tasks, %.1f s in all (%.3f s per tile); model leases %.2f s in all, longest %.2f s", taskStats[ 5 ],
				taskStats[ 3 ] / 1e9, taskStats[ 3 ] / 1e9 / Math.max( 1, taskStats[ 0 ] + taskStats[ 1 ] ),
				taskStats[ 2 ] / 1e9, taskStats[ 4 ] / 1e9 );
	}

	/**
	 * In a task: its tiles (a contiguous run of the grid, so neighbouring tiles
	 * share the reader's cached chunks) in one pass; when the pass fails, it is
	 * retried up to {@code retries} times, and each retry computes only the
	 * tiles whose chunks are still missing.
	 */
	long[] runCells( final long[] cells, final int cores )
	{
		final long start = System.nanoTime();
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ExecutorModels.get( model, cores ) )
		{
			final long leased = System.nanoTime() - start;
			final ModelFile.Loaded m = lease.model();
			final long[] todo = cells.clone();
			java.util.Arrays.sort( todo );
			long computed = 0, decoded = 0;
			for ( int attempt = 0;; attempt++ )
				try
				{
					final ChunkedPredictor.Result r = job.run( m, todo, Progress.none() );
					computed += r.computed;
					decoded += r.chunksDecoded;
					return new long[] { computed, todo.length - computed, leased, System.nanoTime() - start, leased,
							1, decoded };
				}
				catch ( final RuntimeException e )
				{
					if ( attempt >= retries || e instanceof IllegalArgumentException )
						throw e;
					System.err.println( "spark-denoise: a tile of " + todo.length + " failed (" + e.getMessage()
							+ "), retry " + ( attempt + 1 ) + " of " + retries + " for the tiles not written yet" );
				}
		}
	}
}
