package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.io.ModelFile;

/**
 * TensorFlow's thread pool is per process, sized by the first session: a later
 * request for other threads is warned about (once per count) and served by the
 * cached model, unless TF_OVERRIDE_GLOBAL_THREADPOOL=1 gives each session its
 * own pool, which then has the threads asked for.
 */
class TensorFlowThreadsTest
{
	@TempDir
	Path dir;

	@Test
	void aLaterRequestForOtherThreadsIsWarnedAboutOnce()
	{
		final TensorFlowThreads.Pools global = new TensorFlowThreads.Pools( false );
		assertNull( global.check( 4 ), "no session yet: any count is honoured" );
		assertEquals( 4, global.effective( 4 ) );
		global.session( 1 );
		assertNull( global.check( 1 ) );
		final String w = global.check( 2 );
		assertTrue( w != null && w.contains( "runs with 1 thread(s)" ) && w.contains( "the 2 thread(s) asked for" )
				&& w.contains( "TF_OVERRIDE_GLOBAL_THREADPOOL=1" ), w );
		assertNull( global.check( 2 ), "once per count" );
		assertTrue( global.check( 4 ) != null );
		assertEquals( 1, global.effective( 2 ) );
		global.session( 2 );
		assertEquals( 1, global.effective( 4 ), "the first session's pool stays" );

		final TensorFlowThreads.Pools own = new TensorFlowThreads.Pools( true );
		own.session( 1 );
		assertNull( own.check( 2 ) );
		assertEquals( 2, own.effective( 2 ) );

		assertTrue( TensorFlowThreads.perSession( "1" ) && TensorFlowThreads.perSession( "TRUE" ) );
		assertFalse( TensorFlowThreads.perSession( null ) || TensorFlowThreads.perSession( "0" )
				|| TensorFlowThreads.perSession( "false" ) );
	}

	@Test
	@Tag( "slow" ) // two JVMs with TensorFlow
	void aSecondThreadCountGetsItsOwnPoolOnlyWithTheEnvironmentVariable() throws Exception
	{
		final Path model = dir.resolve( "dn.aemodel.zip" );
		try ( Model m = Model.create( Presets.denoiser( 1 ).validate(), 1, 1 ) )
		{
			ModelFile.save( m, model, Collections.emptyMap() );
		}
		// without the variable: 1 thread, then 2 asked for: a warning, the same pool, no second load
		final String plain = probe( model, null );
		final int[] p = counts( plain );
		assertTrue( plain.contains( "warning: TensorFlow runs with 1 thread(s) in this JVM, so the 2 thread(s)" ),
				plain );
		assertEquals( p[ 0 ], p[ 1 ], "no new threads: " + plain );
		assertEquals( 1, p[ 2 ], "the cached model served the second request: " + plain );
		// with it: no warning, a second load with its own 2-thread pool
		final String own = probe( model, "1" );
		final int[] o = counts( own );
		assertFalse( own.contains( "warning:" ), own );
		assertTrue( o[ 1 ] >= o[ 0 ] + 2, "a pool of 2 more threads: " + own );
		assertEquals( 2, o[ 2 ], own );
		System.out.println( "JVM threads after a 1- then a 2-thread model: " + p[ 0 ] + ", " + p[ 1 ] + "; with "
				+ TensorFlowThreads.PER_SESSION_ENV + "=1: " + o[ 0 ] + ", " + o[ 1 ] );
	}

	private String probe( final Path model, final String env ) throws Exception
	{
		final Path log = dir.resolve( "log-" + env + ".txt" );
		final String cp = System.getProperty( "surefire.test.class.path", System.getProperty( "java.class.path" ) );
		final ProcessBuilder pb = new ProcessBuilder(
				Paths.get( System.getProperty( "java.home" ), "bin", "java" ).toString(), "-Djava.awt.headless=true",
				"-cp", cp, ThreadPoolsProbe.class.getName(), model.toString(), "1", "2" ).redirectErrorStream( true )
				.redirectOutput( log.toFile() );
		pb.environment().put( "TF_CPP_MIN_LOG_LEVEL", "2" );
		pb.environment().remove( TensorFlowThreads.PER_SESSION_ENV );
		if ( env != null )
			pb.environment().put( TensorFlowThreads.PER_SESSION_ENV, env );
		final Process p = pb.start();
		assertTrue( p.waitFor( 120, TimeUnit.SECONDS ), "the probe JVM finished" );
		final String out = new String( Files.readAllBytes( log ), StandardCharsets.UTF_8 );
		assertEquals( 0, p.exitValue(), out );
		return out;
	}

	private static int[] counts( final String log )
	{
		final Matcher m = Pattern.compile( "threads: (\\d+) (\\d+) loads: (\\d+)" ).matcher( log );
		assertTrue( m.find(), log );
		return new int[] { Integer.parseInt( m.group( 1 ) ), Integer.parseInt( m.group( 2 ) ),
				Integer.parseInt( m.group( 3 ) ) };
	}
}
