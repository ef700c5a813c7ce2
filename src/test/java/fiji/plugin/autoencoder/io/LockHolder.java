package fiji.plugin.autoencoder.io;

import java.nio.file.Paths;

/** A second process for the lock tests: locks the model file given, prints "locked", then waits to be killed. */
public final class LockHolder
{
	public static void main( final String[] args ) throws Exception
	{
		try ( ModelLock lock = ModelLock.acquire( Paths.get( args[ 0 ] ) ) )
		{
			System.out.println( "locked" );
			System.out.flush();
			Thread.sleep( 120_000 );
		}
	}

	/** Starts a JVM that holds the lock of {@code model}; returns once it holds it. */
	public static Process start( final java.nio.file.Path model ) throws Exception
	{
		final String cp = System.getProperty( "surefire.test.class.path", System.getProperty( "java.class.path" ) );
		final Process p = new ProcessBuilder( Paths.get( System.getProperty( "java.home" ), "bin", "java" ).toString(),
				"-cp", cp, LockHolder.class.getName(), model.toString() )
				.redirectErrorStream( true ).start();
		final String line = new java.io.BufferedReader( new java.io.InputStreamReader( p.getInputStream() ) )
				.readLine();
		if ( !"locked".equals( line ) )
			throw new IllegalStateException( "the lock holder said " + line );
		return p;
	}
}
