package fiji.plugin.autoencoder.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import fiji.plugin.autoencoder.bigimage.ZarrJob;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.macro.MacroSettings;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spark-denoise}: an OME-Zarr denoised on Apache Spark. With
 * {@code --master local[N]} Spark runs inside this JVM; under spark-submit the
 * master comes from spark-submit. Spark classes are touched only inside
 * {@link #call}, so the other subcommands run without Spark on the class path.
 */
@Command( name = "spark-denoise", mixinStandardHelpOptions = true,
		description = "Denoise an OME-Zarr on Apache Spark: tiles of whole output chunks as tasks, one model per executor, resumable.",
		footer = { "", "Examples:",
				"  bin/autoencoder spark-denoise --master local[2] --model n2v.aemodel.zip --input big.ome.zarr --output big-denoised.ome.zarr",
				"  spark-submit --master spark://head:7077 --executor-cores 8 --executor-memory 6g --conf spark.task.cpus=2 \\",
				"    --class fiji.plugin.autoencoder.cli.Main target/fiji-autoencoder_-0.1.0-SNAPSHOT-spark.jar spark-denoise --model /shared/n2v.aemodel.zip \\",
				"    --input /shared/big.ome.zarr --output /shared/big-denoised.ome.zarr",
				"",
				"A rerun skips the chunks already written. Exit status: 0 done, 1 failed (e.g. master unreachable), 2 bad usage." } )
public class SparkDenoiseCli implements Callable< Integer >
{
	@Option( names = "--master",
			description = "Spark master: local[N], spark://host:7077, yarn ... (default: spark-submit's, else local[*])." )
	String master;

	@Option( names = "--model", required = true,
			description = "The model file (.aemodel.zip), on storage every executor sees." )
	Path model;

	@Option( names = "--input", required = true, description = "The OME-Zarr to denoise." )
	Path input;

	@Option( names = "--output", required = true,
			description = "The OME-Zarr to write (created; an existing one of the same shape is resumed)." )
	Path output;

	@Option( names = "--output-type", description = "Same as input (default) or 32-bit." )
	String outputType;

	@Option( names = "--tile-size", description = "Network input per tile (0: chunk-aligned, automatic)." )
	Integer tileSize;

	@Option( names = "--chunk", description = "Output chunk size in x and y (default: the input's)." )
	Integer chunk;

	@Option( names = "--compressor", description = "none, zlib[:level] (default zlib:1) or gzip[:level]." )
	String compressor;

	@Option( names = "--partitions",
			description = "Spark tasks, each a block of whole tiles (default: one per task slot, the default parallelism / spark.task.cpus; more balance uneven nodes but decode more halo chunks)." )
	Integer partitions;

	@Option( names = "--retries", description = "Retries of a failed tile inside its task (default 2)." )
	Integer retries;

	@Override
	public Integer call() throws Exception
	{
		final MacroOptions o = new CliSupport.Keys().put( "output_type", outputType ).put( "tile_size", tileSize )
				.parse( "spark-denoise", MacroSettings.DENOISE_KEYS );
		final ImageRunner.Options tiles = MacroSettings.tiles( o );
		final ZarrJob job = new ZarrJob( input.toAbsolutePath().toString(), output.toAbsolutePath().toString(),
				MacroSettings.outputType( o ), tiles.tileSize == null ? 0 : tiles.tileSize[ 0 ],
				chunk == null ? 0 : chunk, compressor == null ? "zlib:1" : compressor, 1 );
		try
		{
			Class.forName( "org.apache.spark.SparkConf" );
		}
		catch ( final ClassNotFoundException e )
		{
			throw new IllegalStateException(
					"Apache Spark is not on the class path: run through bin/autoencoder spark-denoise (which resolves target/spark-lib) or spark-submit" );
		}
		return SparkRun.run( job, model.toAbsolutePath().toString(), master, partitions,
				retries == null ? 2 : retries );
	}
}
