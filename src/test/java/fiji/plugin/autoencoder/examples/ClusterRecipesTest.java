package fiji.plugin.autoencoder.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

/**
 * The cluster recipes in examples/, run here as a cluster would run them: the
 * SLURM training body once, then the array body with SLURM_ARRAY_TASK_ID set by
 * hand for each task; the spark-submit script through a stand-in for
 * spark-submit that starts the same main class with Spark's class path in local mode.
 */
@Tag( "slow" ) // starts other JVMs (Spark, ImageJ -batch): excluded from the fast tier (mvn test -Pfast)
public class ClusterRecipesTest
{
	@TempDir
	Path dir;

	static final String CP = System.getProperty( "surefire.test.class.path", System.getProperty( "java.class.path" ) );

	/** A stand-in for bin/autoencoder on the test class path. */
	Path autoencoder() throws Exception
	{
		final Path ae = dir.resolve( "autoencoder" );
		Files.writeString( ae,
				"#!/bin/sh\nexec \"" + Paths.get( System.getProperty( "java.home" ), "bin", "java" )
						+ "\" -Xmx2g -Djava.awt.headless=true -cp \"" + CP
						+ "\" fiji.plugin.autoencoder.cli.Main \"$@\"\n" );
		Files.setPosixFilePermissions( ae, PosixFilePermissions.fromString( "rwxr-xr-x" ) );
		return ae;
	}

	int bash( final Map< String, String > env, final Path log, final String... args ) throws Exception
	{
		final ProcessBuilder pb = new ProcessBuilder(
				Stream.concat( Stream.of( "bash" ), Stream.of( args ) ).toArray( String[]::new ) )
				.redirectErrorStream( true )
				.redirectOutput( ProcessBuilder.Redirect.appendTo( log.toFile() ) );
		pb.environment().putAll( env );
		pb.environment().put( "TF_CPP_MIN_LOG_LEVEL", "2" );
		final Process p = pb.start();
		assertTrue( p.waitFor( 300, TimeUnit.SECONDS ) );
		return p.exitValue();
	}

	@Test
	public void slurmTrainOnceThenTheArray() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) ), out = dir.resolve( "out" ),
				model = dir.resolve( "n2v.aemodel.zip" ), log = dir.resolve( "log.txt" );
		final ImagePlus cell = IJ.openImage( "test-images/cell_256.tif" );
		for ( int i = 0; i < 3; i++ )
		{
			cell.setRoi( i * 40, i * 30, 120, 110 );
			new FileSaver( cell.crop() ).saveAsTiff( in.resolve( "c" + i + ".tif" ).toString() );
		}
		final String ae = autoencoder().toString();
		assertEquals( 0,
				bash( Map.of( "AE", ae, "SLURM_CPUS_PER_TASK", "2", "TRAIN_OPTIONS",
						"--epochs 1 --set patches_per_epoch=16 --set patch_size=32 --set batch_size=8" ), log,
						"examples/slurm/train.sbatch", "test-images/cell_256.tif", model.toString() ),
				Files.readString( log ) );
		assertTrue( Files.isRegularFile( model ) );
		for ( int task = 0; task < 2; task++ )
			assertEquals( 0,
					bash( Map.of( "AE", ae, "SLURM_ARRAY_TASK_ID", "" + task, "SLURM_ARRAY_TASK_COUNT", "2",
							"SLURM_CPUS_PER_TASK", "2" ), log,
							"examples/slurm/denoise-array.sbatch", model.toString(), in.toString(), out.toString() ),
					Files.readString( log ) );
		try ( Stream< Path > s = Files.list( out ) )
		{
			assertEquals( List.of( "c0-denoised.tif", "c1-denoised.tif", "c2-denoised.tif" ),
					s.map( p -> p.getFileName().toString() ).sorted().collect( java.util.stream.Collectors.toList() ) );
		}
		// task 1 again (a requeue): nothing to do, exit 0
		assertEquals( 0,
				bash( Map.of( "AE", ae, "SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "2" ), log,
						"examples/slurm/denoise-array.sbatch", model.toString(), in.toString(),
						out.toString() ) );
		assertTrue( Files.readString( log ).contains( "0 written, 1 skipped" ), Files.readString( log ) );
	}

	@Test
	public void sparkSubmitScript() throws Exception
	{
		final Path sparkLib = Paths.get( "target/spark-lib" ).toAbsolutePath();
		assumeTrue( Files.isDirectory( sparkLib ),
				"Spark's class path is not in target/spark-lib (mvn -B -q -f spark/pom.xml package): the spark-submit recipe test is skipped" );
		final Path shim = dir.resolve( "spark-submit" ), log = dir.resolve( "spark.txt" );
		final String opens = String.join( " ", fiji.plugin.autoencoder.spark.SparkLocalTest.addOpens() );
		Files.writeString( shim,
				"#!/bin/bash\n# stands in for spark-submit: the same main class and arguments, Spark in local mode in one JVM\n"
						+ "props=(); main=''; jar=''\nwhile [ $# -gt 0 ]; do case \"$1\" in\n  --master) props+=(\"-Dspark.master=$2\"); shift 2;;\n  --class) main=$2; shift 2;;\n"
						+ "  --conf) props+=(\"-D$2\"); shift 2;;\n  --executor-cores|--executor-memory|--driver-memory) shift 2;;\n  *) if [ -z \"$jar\" ]; then jar=$1; shift; else break; fi;;\nesac; done\n"
						+ "exec \"" + Paths.get( System.getProperty( "java.home" ), "bin", "java" ) + "\" -Xmx1g "
						+ opens + " \"${props[@]}\" -cp \"$jar:" + sparkLib + "/*\" \"$main\" \"$@\"\n" );
		Files.setPosixFilePermissions( shim, PosixFilePermissions.fromString( "rwxr-xr-x" ) );
		// a small OME-Zarr and model
		final Path model = dir.resolve( "dn.aemodel.zip" ), zarr = dir.resolve( "cell.ome.zarr" ),
				out = dir.resolve( "cell-dn.ome.zarr" );
		try ( fiji.plugin.autoencoder.model.Model m = fiji.plugin.autoencoder.model.Model
				.create( fiji.plugin.autoencoder.model.Presets.denoiser( 1 ).validate(), 1, 1 ) )
		{
			fiji.plugin.autoencoder.io.ModelFile.save( m, model,
					java.util.Collections.singletonMap( fiji.plugin.autoencoder.io.ModelFile.NORMALIZATION,
							fiji.plugin.autoencoder.convert.Normalization
									.fixed( new double[] { 40 }, new double[] { 1 / 80.0 } ).toJson() ) );
		}
		final byte[] px = ( byte[] ) IJ.openImage( "test-images/cell_256.tif" ).getProcessor().getPixels();
		final fiji.plugin.autoencoder.zarr.ZarrArray a = fiji.plugin.autoencoder.zarr.OmeZarr
				.create( zarr, "cell", List.of( "y", "x" ), new long[] { 256, 256 }, new int[] { 128, 128 },
						fiji.plugin.autoencoder.zarr.DataType.U1, fiji.plugin.autoencoder.zarr.Compressor.zlib( 1 ),
						"/", new double[] { 1, 1 }, null )
				.array();
		for ( int gy = 0; gy < 2; gy++ )
			for ( int gx = 0; gx < 2; gx++ )
			{
				final byte[] c = new byte[ 128 * 128 ];
				for ( int y = 0; y < 128; y++ )
					System.arraycopy( px, ( gy * 128 + y ) * 256 + gx * 128, c, y * 128, 128 );
				a.writeChunk( new long[] { gy, gx }, c );
			}
		assertEquals( 0,
				bash( Map.of( "SPARK_SUBMIT", shim.toString(), "AE_SPARK_JAR", CP, "EXECUTOR_CORES", "2", "TASK_CPUS",
						"1" ), log, "examples/spark-submit-denoise.sh", "local[2]",
						model.toString(), zarr.toString(), out.toString() ),
				Files.readString( log ) );
		assertTrue( Files.readString( log ).contains( "4 tiles computed, 0 already written" ),
				Files.readString( log ) );
		assertEquals( 4, Stream.of( "0/0", "0/1", "1/0", "1/1" )
				.filter( k -> Files.isRegularFile( out.resolve( "0" ).resolve( k ) ) ).count() );
		assertTrue( new File( out.resolve( ".zattrs" ).toString() ).length() > 0 );
	}
}
