package fiji.plugin.autoencoder.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds out before long work starts whether an output file can be written,
 * by creating (and deleting) a small file next to it: a training whose model
 * file cannot be saved fails at once, not after its first epoch. Checks only
 * writability (not whether an existing file may be replaced).
 */
public final class OutputCheck
{
	private OutputCheck()
	{}

	/**
	 * @param key the setting that names the file (e.g. {@code model_file}), for the message
	 * @throws IllegalArgumentException when {@code file} is a folder, or its folder is missing or not writable
	 */
	public static void requireWritable( final Path file, final String key )
	{
		final Path abs = file.toAbsolutePath().normalize();
		if ( Files.isDirectory( abs ) )
			throw new IllegalArgumentException( key + " " + file + " is a folder: give a file name inside it, e.g. "
					+ abs.resolve( "model.aemodel.zip" ) );
		final Path dir = abs.getParent();
		if ( dir == null || !Files.isDirectory( dir ) )
			throw new IllegalArgumentException( key + " " + file + ": its folder " + dir
					+ " does not exist; create it or choose another location" );
		if ( Files.exists( abs ) && !Files.isWritable( abs ) )
			throw new IllegalArgumentException(
					key + " " + file + " exists and cannot be written (read-only?): choose another location" );
		try
		{
			final Path probe = Files.createTempFile( dir, ".autoencoder-write-check-", ".tmp" );
			Files.delete( probe );
		}
		catch ( final IOException | UnsupportedOperationException | SecurityException e )
		{
			throw new IllegalArgumentException( key + " " + file + ": cannot write in the folder " + dir + " ("
					+ e.getClass().getSimpleName()
					+ ( e.getMessage() == null ? "" : ": " + e.getMessage() ) + "); choose a folder you can write to",
					e );
		}
	}
}
