package fiji.plugin.autoencoder.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The default number of Spark tasks (blocks of tiles): one per task slot,
 * counting executors a cluster promises but has not registered yet (Spark's
 * settings as a map: a SparkConf needs Spark's whole class path, which the
 * test JVM lacks).
 */
public class TaskSlotsTest
{
	@Test
	public void oneTaskPerSlot()
	{
		assertEquals( 2, SparkDenoise.taskSlots( Map.of( "spark.master", "local[2]" ), 2 ) );
		assertEquals( 1, SparkDenoise.taskSlots( Map.of( "spark.master", "local[2]", "spark.task.cpus", "2" ), 2 ) );
		// local mode: only the default parallelism counts
		assertEquals( 2, SparkDenoise.taskSlots(
				Map.of( "spark.master", "local[2]", "spark.executor.instances", "8", "spark.executor.cores", "4" ),
				2 ) );
		// a cluster whose 8 executors of 4 cores have not registered yet: Spark's default parallelism is then 2
		final Map< String, String > cluster = Map.of( "spark.master", "spark://head:7077", "spark.executor.instances",
				"8", "spark.executor.cores", "4" );
		assertEquals( 32, SparkDenoise.taskSlots( cluster, 2 ) );
		assertEquals( 64, SparkDenoise.taskSlots( cluster, 64 ), "registered cores count when there are more" );
		assertEquals( 16, SparkDenoise.taskSlots( Map.of( "spark.master", "yarn", "spark.executor.instances", "8",
				"spark.executor.cores", "4", "spark.task.cpus", "2" ), 2 ) );
		assertEquals( 12,
				SparkDenoise.taskSlots( Map.of( "spark.master", "spark://head:7077", "spark.cores.max", "12" ),
						2 ) );
		assertEquals( 1, SparkDenoise.taskSlots( Map.of( "spark.master", "local[1]", "spark.task.cpus", "4" ), 1 ) );
	}
}
