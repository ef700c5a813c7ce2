package fiji.plugin.autoencoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.History;

/**
 * {@code bin/autoencoder train} in a real JVM sent SIGTERM (what SLURM sends at a job's time limit; Ctrl-C's SIGINT
 * takes the same shutdown hook) after its epoch {@link #K}: it stops within one epoch, saves the best model, says
 * where on standard error and exits with 143 (128 + 15).
 */
@Tag( "slow" ) // another JVM
class TrainSignalTest
{
	private static final int K = 2;

	@TempDir
	Path dir;

	@Test
	void sigtermStopsTheTrainingSavesTheBestModelAndExitsNonZero() throws Exception
	{
		final Path model = dir.resolve( "signal.aemodel.zip" ), err = dir.resolve( "stderr.txt" );
		final String cp = System.getProperty( "surefire.test.class.path", System.getProperty( "java.class.path" ) );
		final ProcessBuilder pb = new ProcessBuilder( Paths.get( System.getProperty( "java.home" ), "bin", "java" )
				.toString(), "-Xmx1g", "-Djava.awt.headless=true", "-cp", cp, Main.class.getName(), "train",
				"--input", "test-images/cell_256.tif", "--mode", "Conv autoencoder", "--model", model.toString(),
				"--epochs", "500", "--threads", "1", "--set", "patches_per_epoch=256", "--set", "patch_size=16",
				"--set", "batch_size=16", "--set", "patience=0" ).redirectError( err.toFile() );
		pb.environment().put( "TF_CPP_MIN_LOG_LEVEL", "2" );
		final Process p = pb.start();
		final List< String > out = Collections.synchronizedList( new ArrayList<>() );
		int seen = 0;
		try ( BufferedReader r = new BufferedReader(
				new InputStreamReader( p.getInputStream(), StandardCharsets.UTF_8 ) ) )
		{
			for ( String line; ( line = r.readLine() ) != null; )
			{
				out.add( line );
				if ( line.startsWith( "Autoencoder: train epoch " ) && ++seen == K )
					break;
			}
			assertEquals( K, seen, "epochs before the signal: " + out + " " + read( err ) );
			final long sent = System.nanoTime();
			assertEquals( 0, new ProcessBuilder( "kill", "-TERM", Long.toString( p.pid() ) ).start().waitFor() );
			for ( String line; ( line = r.readLine() ) != null; )
				out.add( line );
			assertTrue( p.waitFor( 5, TimeUnit.MINUTES ), "the JVM ended" );
			final double seconds = ( System.nanoTime() - sent ) / 1e9;
			final String stderr = read( err );
			assertEquals( 143, p.exitValue(), "128 + SIGTERM: " + stderr );
			final Matcher m = Pattern.compile( "train: stopped by a signal .*Stopped on request in epoch (\\d+); "
					+ "kept the best weights \\(epoch (\\d+).*Saved (\\S+)" ).matcher( stderr );
			assertTrue( m.find(), stderr );
			final int stoppedIn = Integer.parseInt( m.group( 1 ) ), kept = Integer.parseInt( m.group( 2 ) );
			assertTrue( stoppedIn == K + 1 || stoppedIn == K + 2, "stopped within one epoch of the signal: " + stderr );
			assertEquals( model.toRealPath(), Paths.get( m.group( 3 ).replaceAll( "[.,;]$", "" ) ).toRealPath(),
					"the message names the model file" );
			try ( ModelFile.Loaded saved = ModelFile.load( model, 1 ) )
			{
				final History h = History.fromJson( saved.extras().get( ModelFile.HISTORY ) );
				final long logged = out.stream().filter( l -> l.startsWith( "Autoencoder: train epoch " ) ).count();
				assertEquals( logged, h.epochs.size(), "the saved history is the epochs that ran: " + out );
				assertTrue( logged == stoppedIn - 1 || logged == stoppedIn,
						"a stopped epoch is logged if it validated" );
				int best = 0;
				for ( final History.Epoch e : h.epochs )
					if ( best == 0 || e.validationLoss < h.epochs.get( best - 1 ).validationLoss )
						best = e.epoch;
				assertEquals( best, kept, "kept the epoch of the lowest validation loss: " + stderr );
			}
			System.out.printf( "SIGTERM after epoch %d: stopped in epoch %d, kept epoch %d, exit 143 after %.1f s%n",
					K, stoppedIn, kept, seconds );
		}
		finally
		{
			p.destroyForcibly();
		}
	}

	private static String read( final Path file ) throws java.io.IOException
	{
		return Files.exists( file ) ? new String( Files.readAllBytes( file ), StandardCharsets.UTF_8 ) : "";
	}
}
