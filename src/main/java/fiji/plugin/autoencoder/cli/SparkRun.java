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

	static int run( final ZarrJob job, final String model, final String master, final Integer partitions, final int retries ) throws Exception
	{
		try
		{
			Class.forName( "org.apache.spark.SparkConf" );
		}
		catch ( final ClassNotFoundException e )
		{
			throw new IllegalStateException( "Apache Spark is not on the class path: run through bin/autoencoder (which builds target/spark-lib) or spark-submit" );
		}
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
			final ChunkedPredictor.Result r = new SparkDenoise( job, model, retries ).run( sc );
			System.out.println( "spark-denoise: " + job.output + ": " + r + " in " + String.format( java.util.Locale.ROOT, "%.1f", ( System.nanoTime() - start ) / 1e9 ) + " s" );
			return 0;
		}
	}
}
