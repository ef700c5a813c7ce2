package fiji.plugin.autoencoder.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Paths;

import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;

/**
 * One loaded model per executor JVM: TensorFlow's graph and session cannot be
 * serialised to the tasks, and loading per task would cost seconds each, so the
 * first task of a JVM loads the model file and later tasks (also concurrent
 * ones) share it; TensorFlow sessions may run concurrently. The model comes
 * from the JVM's one model cache ({@link ModelCache#models()}: keyed by real
 * path and the threads TensorFlow gives it, a changed file loaded anew, closed at JVM exit); a task
 * holds a lease while it runs, so the model is never closed under it.
 */
public final class ExecutorModels
{
	private ExecutorModels()
	{}

	/** A lease on this JVM's model for {@code file} with {@code threads} TensorFlow threads, loaded on first use; close it when the task is done. */
	public static ModelCache< ModelFile.Loaded >.Lease get( final String file, final int threads )
	{
		try
		{
			return ModelCache.models().get( Paths.get( file ), threads );
		}
		catch ( final IOException e )
		{
			throw new UncheckedIOException( "Cannot load the model file " + file + " on this executor ("
					+ e.getMessage() + "): put it on storage every node sees", e );
		}
	}

	/** How many times this JVM loaded a model file (for tests and logs). */
	public static long loads()
	{
		return ModelCache.models().loads();
	}
}
