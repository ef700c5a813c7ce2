package fiji.plugin.autoencoder.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

import fiji.plugin.autoencoder.io.ModelFile;

/**
 * One loaded model per executor JVM: TensorFlow's graph and session cannot be
 * serialised to the tasks, and loading per task would cost seconds each, so the
 * first task of a JVM loads the model file and later tasks (also concurrent
 * ones) share it; TensorFlow sessions may run concurrently. Keyed by path, size,
 * modification time and threads, so a changed file is loaded anew. The models
 * live until the JVM ends (a shutdown hook closes them).
 * <p>
 * This is process-wide state on purpose: it is what "one model per executor"
 * means. Nothing else in the plugin keeps such a cache for TensorFlow models.
 */
public final class ExecutorModels
{
	private ExecutorModels()
	{}

	private static final Map< String, ModelFile.Loaded > MODELS = new HashMap<>();

	private static int loads;

	static
	{
		Runtime.getRuntime().addShutdownHook( new Thread( ExecutorModels::closeAll, "close-models" ) );
	}

	/** The model of this JVM for {@code file} with {@code threads} TensorFlow threads, loaded on first use. */
	public static synchronized ModelFile.Loaded get( final String file, final int threads )
	{
		final Path p = Paths.get( file );
		final String key;
		try
		{
			key = p.toRealPath() + "|" + Files.size( p ) + "|" + Files.getLastModifiedTime( p ).toMillis() + "|" + threads;
		}
		catch ( final IOException e )
		{
			throw new UncheckedIOException( "The model file " + file + " cannot be read on this executor (" + e.getMessage() + "): put it on storage every node sees", e );
		}
		ModelFile.Loaded m = MODELS.get( key );
		if ( m == null )
		{
			try
			{
				m = ModelFile.load( p, threads );
			}
			catch ( final IOException e )
			{
				throw new UncheckedIOException( "Cannot load the model file " + file + ": " + e.getMessage(), e );
			}
			MODELS.put( key, m );
			loads++;
		}
		return m;
	}

	/** How many times this JVM loaded a model (for tests and logs). */
	public static synchronized int loads()
	{
		return loads;
	}

	private static synchronized void closeAll()
	{
		for ( final ModelFile.Loaded m : MODELS.values() )
			try
			{
				m.close();
			}
			catch ( final RuntimeException e )
			{
				// the JVM ends anyway
			}
		MODELS.clear();
	}
}
