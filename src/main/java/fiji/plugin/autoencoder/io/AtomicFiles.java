package fiji.plugin.autoencoder.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Writes a file so that readers never see half of it: the content goes to a
 * hidden temporary file next to the target, which is then renamed over it
 * (atomically where the file system can). A failed or interrupted write leaves
 * the target as it was and no temporary file behind. Temporary files get the
 * normal permissions of new files (not the private ones of
 * {@code Files.createTempFile}), so outputs in shared folders stay readable.
 *
 * <pre>{@code
 * AtomicFiles.write( target, tmp -> Files.writeString( tmp, text ) );
 * }</pre>
 */
public final class AtomicFiles
{
	private AtomicFiles()
	{}

	/** Writes the content of a file to the given (temporary) path. */
	public interface Content
	{
		void writeTo( Path file ) throws IOException;
	}

	/** Writes {@code target} through a temporary file; returns the target. */
	public static Path write( final Path target, final Content content ) throws IOException
	{
		final Path absolute = target.toAbsolutePath();
		final Path dir = absolute.getParent();
		if ( dir == null || !Files.isDirectory( dir ) )
			throw new IOException( "Cannot write " + absolute + ": folder " + dir + " does not exist. Create it or choose another location." );
		if ( !Files.isWritable( dir ) )
			throw new IOException( "Cannot write " + absolute + ": folder " + dir + " is not writable. Choose another location." );
		// NB: hidden, and with the target's own extension: some writers (ResultsTable, ImageJ's savers) choose the format by extension
		final Path tmp = dir.resolve( "." + UUID.randomUUID() + "-" + absolute.getFileName() );
		try
		{
			content.writeTo( tmp );
			if ( !Files.isRegularFile( tmp ) )
				throw new IOException( "Nothing was written for " + absolute + " (disk full or not writable?)" );
			try
			{
				return Files.move( tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING );
			}
			catch ( final AtomicMoveNotSupportedException e )
			{
				return Files.move( tmp, absolute, StandardCopyOption.REPLACE_EXISTING );
			}
		}
		finally
		{
			Files.deleteIfExists( tmp );
		}
	}
}
