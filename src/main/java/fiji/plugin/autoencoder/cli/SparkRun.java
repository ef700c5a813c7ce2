package fiji.plugin.autoencoder.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import fiji.plugin.autoencoder.bigimage.ZarrJob;
import fiji.plugin.autoencoder.spark.SparkDenoise;
import fiji.plugin.autoencoder.tiling.ChunkedPredictor;

/** The Spark side of {@link SparkDenoiseCli}, in its own class so that only it needs Spark on the class path. */
final class SparkRun
{
	private SparkRun()
	{}

	static int run( final ZarrJob job, final String model, final String master, final Integer partitions,
			final int retries ) throws Exception
	{
		final SparkConf conf = new SparkConf().setAppName( "autoencoder spark-denoise" );
		if ( master != null )
			conf.setMaster( master );
		else if ( !conf.contains( "spark.master" ) )
			conf.setMaster( "local[*]" );
		SparkDenoise.checkMaster( conf.get( "spark.master" ) );
		if ( partitions != null )
			conf.set( "autoencoder.partitions", partitions.toString() );
		conf.setIfMissing( "spark.ui.enabled", "false" );
		try ( JavaSparkContext sc = new JavaSparkContext( conf ) )
		{
			sc.setLogLevel( "WARN" );
			final long start = System.nanoTime();
			final SparkDenoise spark = new SparkDenoise( job, model, retries );
			final double cpu = CliSupport.cpuSeconds();
			final ChunkedPredictor.Result r = spark.run( sc );
			System.out.println( "spark-denoise: " + job.output + ": " + r
					+ String.format( java.util.Locale.ROOT, ", %.1f s with the driver's checks; tiles in %.1f s",
							( System.nanoTime() - start ) / 1e9, spark.stageSeconds() ) );
			if ( sc.isLocal() ) // the driver's JVM ran the tasks
				System.err.println( String.format( java.util.Locale.ROOT,
						"spark-denoise: the task stage used %.1f s of CPU in this JVM (%.1f s with the driver's checks and model load); the model loaded %d time(s) in this JVM",
						spark.stageCpuSeconds(), CliSupport.cpuSeconds() - cpu,
						fiji.plugin.autoencoder.spark.ExecutorModels.loads() ) );
			System.err.println( "spark-denoise: " + spark.taskSummary() );
			return 0;
		}
	}
}
