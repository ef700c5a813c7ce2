package fiji.plugin.autoencoder.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Map;

import fiji.plugin.autoencoder.model.Model;

/**
 * The model file a training saves to, checked and locked before the training
 * starts and kept safe while it runs:
 * <ul>
 * <li>a file that is not a model (e.g. the training image) is never replaced,
 * and an existing model only with overwrite (or when resuming it);</li>
 * <li>the file is locked ({@link ModelLock}) until {@link #close()}, so a
 * second training into it stops at once;</li>
 * <li>when a save fails (disk full, folder removed), this and every later save
 * go to a fallback file in the system temp folder ({@link #fallback()}), so the
 * trained model is not lost; {@link #finish()} then fails naming both.</li>
 * </ul>
 *
 * <pre>{@code
 * try ( ModelOutput out = ModelOutput.open( file, null, overwrite, "overwrite=true", "resume=true" ) ) {
 *     train, calling out.save( model, extras, embedded ) for each checkpoint
 *     out.finish();
 * }
 * }</pre>
 *
 * Not thread-safe; one per training.
 */
public final class ModelOutput implements AutoCloseable
{
	/** The macro key and command parameter that allows replacing an existing model file. */
	public static final String OVERWRITE_KEY = "overwrite";

	private final Path target;

	private final ModelLock lock;

	private Path fallback;

	private String failure;

	private ModelOutput( final Path target, final ModelLock lock )
	{
		this.target = target;
		this.lock = lock;
	}

	/**
	 * Checks {@code target} and locks it.
	 *
	 * @param resumeFrom      the model file the training continues, or null; resuming the target itself replaces it without overwrite
	 * @param overwriteOption how the user says overwrite, for the message (e.g. "overwrite=true")
	 * @param resumeOption    how the user says resume, or null where the command cannot resume
	 * @throws IllegalArgumentException if the target is not a model, or exists without overwrite
	 * @throws IllegalStateException    if another training holds the target's lock
	 */
	public static ModelOutput open( final Path target, final Path resumeFrom, final boolean overwrite,
			final String overwriteOption, final String resumeOption ) throws IOException
	{
		if ( target == null )
			throw new IllegalArgumentException( "No model file given: choose where to save the model" );
		OutputPaths.checkNewModel( target, overwrite || OutputPaths.same( target, resumeFrom ), overwriteOption,
				resumeOption );
		OutputCheck.requireWritable( target, "model_file" ); // a missing folder named as such, before the lock file is tried
		return new ModelOutput( target, ModelLock.acquire( target ) );
	}

	/** {@link #open} with the macro keys' words, "overwrite=true" and "resume=true". */
	public static ModelOutput open( final Path target, final Path resumeFrom, final boolean overwrite )
			throws IOException
	{
		return open( target, resumeFrom, overwrite, OVERWRITE_KEY + "=true", "resume=true" );
	}

	/**
	 * Saves {@code model} to the target, or, if that fails, to the fallback
	 * file (also every later time).
	 *
	 * @throws UncheckedIOException if the fallback cannot be written either
	 */
	public void save( final Model model, final Map< String, String > extras, final Map< String, Path > embedded )
	{
		if ( fallback == null )
		{
			try
			{
				write( model, target, extras, embedded );
				return;
			}
			catch ( final IOException | IllegalArgumentException e )
			{
				failure = e.getMessage();
				fallback = fallbackFor( target );
			}
		}
		try
		{
			write( model, fallback, extras, embedded );
		}
		catch ( final IOException e )
		{
			throw new UncheckedIOException( "Could not save the model to " + target + " (" + failure
					+ "), nor to the fallback " + fallback + " (" + e.getMessage()
					+ "): free disk space or choose another location", e );
		}
	}

	/**
	 * Saves with the thread's interrupt flag cleared, and again if an interrupt
	 * broke the save, then sets the flag again: an interrupted training (a
	 * cancelled command) keeps its best model, as NIO channels refuse to write
	 * on an interrupted thread.
	 */
	private static void write( final Model model, final Path file, final Map< String, String > extras,
			final Map< String, Path > embedded ) throws IOException
	{
		boolean interrupted = Thread.interrupted();
		try
		{
			for ( int attempt = 1;; attempt++ )
				try
				{
					ModelFile.save( model, file, extras, embedded == null ? Collections.emptyMap() : embedded );
					return;
				}
				catch ( final IOException e )
				{
					final boolean again = Thread.interrupted();
					interrupted |= again;
					if ( !again || attempt == 3 )
						throw e;
				}
		}
		finally
		{
			if ( interrupted )
				Thread.currentThread().interrupt();
		}
	}

	/** The file the model went to instead of the target after a failed save, or null. */
	public Path fallback()
	{
		return fallback;
	}

	/**
	 * Call when the training has saved its model for the last time.
	 *
	 * @throws IOException naming the target, why it failed and the fallback file that holds the model
	 */
	public void finish() throws IOException
	{
		if ( fallback != null )
			throw new IOException( "Could not save the model to " + target + " (" + failure
					+ "). The trained model was saved to " + fallback
					+ " instead: move it to where you want it, or train again with a model file you can write" );
	}

	/** Releases the lock. */
	@Override
	public void close() throws IOException
	{
		lock.close();
	}

	/** A new file in the system temp folder named after {@code target}. */
	static Path fallbackFor( final Path target )
	{
		return Paths.get( System.getProperty( "java.io.tmpdir" ) )
				.resolve( "rescued-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis() + "-"
						+ target.getFileName() )
				.toAbsolutePath();
	}
}
