package fiji.plugin.autoencoder.zarr;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Atomic writes of chunk and metadata files: a hidden temporary file
 * {@code .<name>.partial-<host>-<pid>-<random>} in the same folder, renamed
 * over the target, so a chunk exists whole or not at all; and the removal of
 * the temporary files that killed writers leave behind.
 */
final class ChunkFiles
{
	private ChunkFiles()
	{}

	private static final String PARTIAL = ".partial-";

	private static final String HOST = host();

	private static String host()
	{
		try
		{
			return java.net.InetAddress.getLocalHost().getHostName().replaceAll( "[^A-Za-z0-9_.]", "_" );
		}
		catch ( final IOException e )
		{
			return "host";
		}
	}

	/**
	 * Deletes the temporary chunk files that killed writers left behind: those
	 * of a process of this host that no longer runs, and any not modified for
	 * 10 minutes. Returns how many were deleted. Call it before a run starts
	 * (the driver), not while other writers of another host may be writing.
	 */
	static int removeStalePartials( final Path dir ) throws IOException
	{
		final long stale = System.currentTimeMillis() - 10 * 60 * 1000;
		int n = 0;
		try ( java.util.stream.Stream< Path > s = Files.walk( dir ) )
		{
			for ( final Path p : ( Iterable< Path > ) s::iterator )
			{
				final String name = p.getFileName().toString();
				final int at = name.indexOf( PARTIAL );
				if ( !name.startsWith( "." ) || at < 0 || !Files.isRegularFile( p ) )
					continue;
				final String[] id = name.substring( at + PARTIAL.length() ).split( "-" );
				boolean dead = false;
				if ( id.length == 3 && id[ 0 ].equals( HOST ) )
					try
					{
						dead = !ProcessHandle.of( Long.parseLong( id[ 1 ] ) ).map( ProcessHandle::isAlive )
								.orElse( false );
					}
					catch ( final NumberFormatException e )
					{
						// not ours
					}
				if ( dead || Files.getLastModifiedTime( p ).toMillis() < stale )
					n += Files.deleteIfExists( p ) ? 1 : 0;
			}
		}
		return n;
	}

	/** Writes {@code bytes} to {@code target} through a hidden temporary file in the same folder, renamed over it. */
	static void atomicWrite( final Path target, final byte[] bytes ) throws IOException
	{
		final Path tmp = target.resolveSibling( "." + target.getFileName() + PARTIAL + HOST + "-"
				+ ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring( 0, 8 ) );
		try
		{
			Files.write( tmp, bytes );
			try
			{
				Files.move( tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING );
			}
			catch ( final AtomicMoveNotSupportedException e )
			{
				Files.move( tmp, target, StandardCopyOption.REPLACE_EXISTING );
			}
		}
		finally
		{
			Files.deleteIfExists( tmp );
		}
	}
}
