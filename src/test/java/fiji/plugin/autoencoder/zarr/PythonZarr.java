package fiji.plugin.autoencoder.zarr;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's python3-zarr (the independent implementation the codec is tested against). */
final class PythonZarr
{
	private PythonZarr()
	{}

	static final String PYTHON = "/usr/bin/python3";

	private static Boolean available;

	/** Skips the calling test, with the reason, where python3-zarr is absent. */
	static synchronized void assumeAvailable()
	{
		if ( available == null )
		{
			try
			{
				available = Files.isExecutable( Path.of( PYTHON ) ) && run( "import zarr, numcodecs" ).isEmpty();
			}
			catch ( final IOException | RuntimeException e )
			{
				available = false;
			}
		}
		assumeTrue( available,
				"python3-zarr is not installed (bin/setup installs it with apt): the Zarr interoperability tests are skipped" );
	}

	/** Runs a Python script with arguments; returns its standard output; fails on a non-zero exit. */
	static String run( final String script, final String... args ) throws IOException
	{
		final List< String > cmd = new ArrayList<>( List.of( PYTHON, "-c", script ) );
		cmd.addAll( List.of( args ) );
		final Process p = new ProcessBuilder( cmd ).redirectErrorStream( true ).start();
		try
		{
			final String out = new String( p.getInputStream().readAllBytes(), StandardCharsets.UTF_8 );
			if ( !p.waitFor( 120, TimeUnit.SECONDS ) )
				throw new IllegalStateException( "python3 did not finish: " + out );
			if ( p.exitValue() != 0 )
				throw new IllegalStateException( "python3 failed (" + p.exitValue() + "): " + out );
			return out.trim();
		}
		catch ( final InterruptedException e )
		{
			Thread.currentThread().interrupt();
			throw new IllegalStateException( e );
		}
		finally
		{
			p.destroy();
		}
	}
}
