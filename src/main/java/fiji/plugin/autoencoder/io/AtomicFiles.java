package fiji.plugin.autoencoder.io;

import java.nio.file.attribute.BasicFileAttributes;

import java.nio.file.SimpleFileVisitor;

import java.nio.file.FileVisitResult;

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
 * the target as it was and no temporary file behind. The temporary file is
 * named {@code .<name>.partial-<host>-<pid>-<random><extension>} (e.g.
 * {@code .a.tif.partial-node7-4711-1f2e3d4c.tif}): a writer that was killed
 * leaves it behind, and the next write of the same target removes it when its
 * process is gone (same host) or it was not modified for
 * {@link #STALE_AFTER_MS} (another host). Temporary files get the
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

	/** The marker between the target's name and the writer's id in a temporary file's name. */
	public static final String PARTIAL = ".partial-";

	/** A temporary file of another host's writer not modified for this long is stale. */
	public static final long STALE_AFTER_MS = 10 * 60 * 1000;

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
			throw new IOException( "Cannot write " + absolute + ": folder " + dir
					+ " does not exist. Create it or choose another location." );
		if ( !Files.isWritable( dir ) )
			throw new IOException(
					"Cannot write " + absolute + ": folder " + dir + " is not writable. Choose another location." );
		// NB: hidden, and with the target's own extension
		removeStale( absolute );
		final Path tmp = dir.resolve( prefix( absolute ) + HOST + "-" + ProcessHandle.current().pid() + "-"
				+ UUID.randomUUID().toString().substring( 0, 8 ) + extension( absolute ) );
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

	/**
	 * Deletes the temporary files that killed writers of {@code target} left
	 * behind (see the class comment); returns them.
	 */
	public static java.util.List< Path > removeStale( final Path target ) throws IOException
	{
		final Path absolute = target.toAbsolutePath();
		final Path dir = absolute.getParent();
		final java.util.List< Path > removed = new java.util.ArrayList<>();
		if ( dir == null || !Files.isDirectory( dir ) )
			return removed;
		final String prefix = prefix( absolute ), ext = extension( absolute );
		try ( java.util.stream.Stream< Path > s = Files.list( dir ) )
		{
			for ( final Path p : ( Iterable< Path > ) s::iterator )
			{
				final String name = p.getFileName().toString();
				if ( !name.startsWith( prefix ) || !name.endsWith( ext ) || !Files.isRegularFile( p ) )
					continue;
				final String[] id = name.substring( prefix.length(), name.length() - ext.length() ).split( "-" ); // host, pid, random
				if ( id.length != 3 )
					continue;
				final boolean gone = id[ 0 ].equals( HOST ) && !alive( id[ 1 ] );
				final boolean old = System.currentTimeMillis()
						- Files.getLastModifiedTime( p ).toMillis() > STALE_AFTER_MS;
				if ( ( gone || old ) && Files.deleteIfExists( p ) )
					removed.add( p );
			}
		}
		return removed;
	}

	static final String HOST = host(); // NB: package-private for tests

	private static String prefix( final Path absolute )
	{
		return "." + absolute.getFileName() + PARTIAL;
	}

	/** The target's extension (".tif"), kept at the end: some writers (ResultsTable, ImageJ's savers) choose the format by it. */
	private static String extension( final Path absolute )
	{
		final String name = absolute.getFileName().toString();
		final int dot = name.lastIndexOf( '.' );
		return dot > 0 ? name.substring( dot ) : "";
	}

	private static boolean alive( final String pid )
	{
		try
		{
			final long p = Long.parseLong( pid );
			return p == ProcessHandle.current().pid()
					|| ProcessHandle.of( p ).map( ProcessHandle::isAlive ).orElse( false );
		}
		catch ( final NumberFormatException e )
		{
			return true; // not ours to judge: left to the age rule
		}
	}

	private static String host()
	{
		try
		{
			return java.net.InetAddress.getLocalHost().getHostName().replaceAll( "[^A-Za-z0-9._]", "_" );
		}
		catch ( final IOException e )
		{
			return "localhost";
		}
	}

	/** Deletes a folder and everything in it (nothing if it does not exist). */
	public static void deleteTree( final Path dir ) throws IOException
	{
		if ( !Files.exists( dir ) )
			return;
		Files.walkFileTree( dir, new SimpleFileVisitor< Path >()
		{
			@Override
			public FileVisitResult visitFile( final Path f, final BasicFileAttributes a ) throws IOException
			{
				Files.delete( f );
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory( final Path d, final IOException e ) throws IOException
			{
				Files.delete( d );
				return FileVisitResult.CONTINUE;
			}
		} );
	}
}
