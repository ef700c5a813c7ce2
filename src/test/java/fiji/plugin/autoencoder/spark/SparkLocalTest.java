package fiji.plugin.autoencoder.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.bigimage.ZarrJob;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.zarr.Compressor;
import fiji.plugin.autoencoder.zarr.DataType;
import fiji.plugin.autoencoder.zarr.OmeZarr;
import fiji.plugin.autoencoder.zarr.ZarrArray;

/**
 * Spark local[2] in a separate JVM (as bin/autoencoder spark-denoise runs it,
 * with Java 17's module flags) against the single-JVM out-of-core run: the
 * output chunks are byte-identical; a run killed half-way and started again
 * computes only the tiles whose chunks are missing and ends with the same
 * bytes; an unreachable master is refused before anything is written.
 * Needs Spark's class path in target/spark-lib ({@code mvn -f spark/pom.xml package}, which .ci/run does).
 */
@Tag( "slow" ) // starts other JVMs (Spark, ImageJ -batch): excluded from the fast tier (mvn test -Pfast)
public class SparkLocalTest
{
	@TempDir
	static Path dir;

	static Path input, model, single;

	static final Path SPARK_LIB = Paths.get( "target/spark-lib" ).toAbsolutePath();

	static final int SIZE = 1024, CHUNK = 128;

	@BeforeAll
	static void setUp() throws Exception
	{
		assumeTrue( Files.isDirectory( SPARK_LIB ),
				"Spark's class path is not in target/spark-lib: run mvn -B -q -f spark/pom.xml package first (.ci/run does); the Spark tests are skipped" );
		model = dir.resolve( "small.aemodel.zip" );
		final ModelSpec s = Presets.denoiser( 1 );
		s.layers = new int[] { 8, 16 };
		try ( Model m = Model.create( s.validate(), 1, 1 ) )
		{
			final Map< String, String > extras = new TreeMap<>();
			extras.put( ModelFile.NORMALIZATION,
					Normalization.fixed( new double[] { 3000 }, new double[] { 1 / 2000.0 } ).toJson() );
			ModelFile.save( m, model, extras );
		}
		input = dir.resolve( "in.ome.zarr" );
		final ZarrArray a = OmeZarr.create( input, "in", List.of( "y", "x" ), new long[] { SIZE, SIZE },
				new int[] { CHUNK, CHUNK }, DataType.U2, Compressor.zlib( 1 ), "/",
				new double[] { 1, 1 }, null ).array();
		long r = 3;
		for ( int gy = 0; gy < SIZE / CHUNK; gy++ )
			for ( int gx = 0; gx < SIZE / CHUNK; gx++ )
			{
				final short[] c = new short[ CHUNK * CHUNK ];
				for ( int i = 0; i < c.length; i++ )
				{
					r = r * 6364136223846793005L + 1442695040888963407L;
					c[ i ] = ( short ) ( 3000 + 1500 * Math.sin( ( gx * CHUNK + i % CHUNK ) / 23.0 )
							+ ( ( r >>> 40 ) % 400 ) );
				}
				a.writeChunk( new long[] { gy, gx }, c );
			}
		single = dir.resolve( "single.ome.zarr" );
		final ZarrJob job = new ZarrJob( input.toString(), single.toString(), OutputType.SAME_AS_INPUT, 0, 0, "zlib:1",
				1 );
		try ( ModelFile.Loaded m = ModelFile.load( model, 2 ) ) // as the Spark executor: its 2 cores
		{
			job.prepare( m );
			job.run( m, null, Progress.none() );
		}
	}

	/**
	 * The JVM module flags that spark-submit adds on Java 17, for Spark in local mode inside a JVM we start (the
	 * scripts' copy is bin/spark-opens.sh).
	 */
	public static List< String > addOpens()
	{
		final List< String > flags = new ArrayList<>( List.of( "-XX:+IgnoreUnrecognizedVMOptions" ) );
		for ( final String p : new String[] { "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io",
				"java.net", "java.nio", "java.util", "java.util.concurrent",
				"java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch", "sun.nio.cs", "sun.security.action",
				"sun.util.calendar" } )
			flags.add( "--add-opens=java.base/" + p + "=ALL-UNNAMED" );
		return flags;
	}

	static Process spark( final Path output, final Path log, final String master ) throws IOException
	{
		return spark( output, log, master, 16 );
	}

	/** spark-denoise in its own JVM with {@code partitions} tasks (0: the default, one per task slot). */
	static Process spark( final Path output, final Path log, final String master, final int partitions )
			throws IOException
	{
		final List< String > cmd = new ArrayList<>(
				List.of( Paths.get( System.getProperty( "java.home" ), "bin", "java" ).toString(), "-Xmx1g" ) );
		cmd.addAll( addOpens() );
		cmd.addAll( List.of( "-Djava.awt.headless=true", "-cp",
				System.getProperty( "surefire.test.class.path", System.getProperty( "java.class.path" ) )
						+ java.io.File.pathSeparator + SPARK_LIB + "/*",
				"fiji.plugin.autoencoder.cli.Main", "spark-denoise", "--master", master, "--model", model.toString(),
				"--input", input.toString(), "--output", output.toString() ) );
		if ( partitions > 0 )
			cmd.addAll( List.of( "--partitions", Integer.toString( partitions ) ) );
		final ProcessBuilder pb = new ProcessBuilder( cmd ).redirectErrorStream( true ).redirectOutput( log.toFile() );
		pb.environment().put( "TF_CPP_MIN_LOG_LEVEL", "2" );
		return pb.start();
	}

	static int finish( final Process p, final Path log ) throws Exception
	{
		assertTrue( p.waitFor( 300, TimeUnit.SECONDS ), "Spark run did not finish: " + Files.readString( log ) );
		return p.exitValue();
	}

	static Map< String, byte[] > chunks( final Path root ) throws IOException
	{
		final Map< String, byte[] > m = new TreeMap<>();
		try ( Stream< Path > s = Files.walk( root.resolve( "0" ) ) )
		{
			for ( final Path p : ( Iterable< Path > ) s::iterator )
				if ( Files.isRegularFile( p ) && !p.getFileName().toString().startsWith( "." )
						&& !p.getFileName().toString().contains( ".partial-" ) )
					m.put( root.resolve( "0" ).relativize( p ).toString(), Files.readAllBytes( p ) );
		}
		return m;
	}

	/**
	 * Chunks written so far by a running job. Temporary chunk files are renamed while the folder is walked, so the walk
	 * is retried when an entry vanishes under it.
	 */
	static long chunkCount( final Path root ) throws IOException
	{
		for ( int attempt = 0;; attempt++ )
			try ( Stream< Path > s = Files.walk( root.resolve( "0" ) ) )
			{
				return s.filter( p -> p.getFileName().toString().matches( "\\d+" ) && Files.isRegularFile( p ) )
						.count();
			}
			catch ( final java.io.UncheckedIOException e )
			{
				if ( attempt == 20 )
					throw e;
			}
	}

	static void assertSameChunks( final Path expected, final Path actual ) throws IOException
	{
		final Map< String, byte[] > a = chunks( expected ), b = chunks( actual );
		assertEquals( a.keySet(), b.keySet() );
		for ( final String k : a.keySet() )
			assertArrayEquals( a.get( k ), b.get( k ), k );
	}

	@Test
	public void localSparkEqualsTheSingleJvmAndResumesAfterAKill() throws Exception
	{
		final Path out = dir.resolve( "spark.ome.zarr" ), log = dir.resolve( "spark.log" );
		assertEquals( 0, finish( spark( out, log, "local[2]", 0 ), log ), Files.readString( log ) );
		// one block per task slot: 2 bands of 4 tile rows, each decoding its 4 chunk rows and the one beyond its
		// border (8 chunks each), 64 + 16 decodes; the former default, 8 tasks of one tile row, decoded 176
		assertTrue( Files.readString( log ).contains( "64 tiles computed, 0 already written, 80 input chunks decoded" ),
				Files.readString( log ) );
		assertTrue( Files.readString( log ).contains( "in 2 tasks (blocks of 32 tiles)" ), Files.readString( log ) );
		assertTrue( Files.readString( log ).contains( "1 TensorFlow thread(s) per task" ), Files.readString( log ) );
		// local mode: the driver's checks and the tasks share one model, loaded with the executor's 2 cores
		assertTrue( Files.readString( log ).contains( "the model loaded 1 time(s) in this JVM" ),
				Files.readString( log ) );
		assertSameChunks( single, out );
		assertEquals( 64, chunks( out ).size() );

		// killed half-way, then started again
		final Path killed = dir.resolve( "killed.ome.zarr" ), log1 = dir.resolve( "killed.log" ),
				log2 = dir.resolve( "restart.log" );
		final Process p = spark( killed, log1, "local[2]" );
		final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos( 240 );
		while ( System.nanoTime() < deadline && p.isAlive()
				&& ( !Files.isDirectory( killed.resolve( "0" ) ) || chunkCount( killed ) < 20 ) )
			Thread.sleep( 50 );
		p.destroyForcibly().waitFor();
		final int present = chunks( killed ).size();
		System.out.println( "killed with " + present + " of 64 chunks written" );
		assertTrue( present >= 20 && present < 64,
				"killed half-way: " + present + " chunks. " + Files.readString( log1 ) );
		assertEquals( 0, finish( spark( killed, log2, "local[2]" ), log2 ), Files.readString( log2 ) );
		final Matcher m = Pattern.compile( "(\\d+) tiles computed, (\\d+) already written" )
				.matcher( Files.readString( log2 ) );
		assertTrue( m.find(), Files.readString( log2 ) );
		assertEquals( 64 - present, Integer.parseInt( m.group( 1 ) ), "only the missing chunks are computed" );
		assertEquals( present, Integer.parseInt( m.group( 2 ) ) );
		assertSameChunks( single, killed );
		try ( Stream< Path > files = Files.walk( killed ) )
		{
			assertEquals( 0, files.filter( f -> f.getFileName().toString().contains( ".partial-" ) ).count(),
					"no temporary chunk file of the killed run is left" );
		}
	}

	@Test
	public void unreachableMasterIsRefusedBeforeAnythingIsWritten() throws Exception
	{
		final Path out = dir.resolve( "never.ome.zarr" ), log = dir.resolve( "master.log" );
		assertEquals( 1, finish( spark( out, log, "spark://127.0.0.1:1" ), log ) );
		final String text = Files.readString( log, StandardCharsets.UTF_8 );
		assertTrue( text.contains( "spark://127.0.0.1:1 cannot be reached" ) && text.contains( "local[N]" ), text );
		assertFalse( Files.exists( out ) );
	}
}
