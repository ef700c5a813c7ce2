package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Zip, unzip (with path and size guards), SHA-256 and temporary folders of packages. */
final class PackageFiles
{
	private PackageFiles()
	{}

	/** Refuse packages that would unpack to more than this. */
	static final long MAX_UNPACKED = 4L << 30;

	static String sha256( final Path file ) throws IOException
	{
		try ( InputStream in = Files.newInputStream( file ) )
		{
			final MessageDigest d = MessageDigest.getInstance( "SHA-256" );
			final byte[] buf = new byte[ 1 << 16 ];
			for ( int r; ( r = in.read( buf ) ) > 0; )
				d.update( buf, 0, r );
			final StringBuilder s = new StringBuilder();
			for ( final byte b : d.digest() )
				s.append( String.format( "%02x", b ) );
			return s.toString();
		}
		catch ( final NoSuchAlgorithmException e )
		{
			throw new IllegalStateException( e );
		}
	}

	/** Unpacks a zip into dir, refusing entries outside it and more than {@link #MAX_UNPACKED} bytes. */
	static void unzip( final Path zipFile, final Path dir, final String source ) throws IOException
	{
		long total = 0;
		try ( ZipInputStream zip = new ZipInputStream( Files.newInputStream( zipFile ) ) )
		{
			for ( ZipEntry e; ( e = zip.getNextEntry() ) != null; )
			{
				final Path out = dir.resolve( e.getName() ).normalize();
				if ( !out.startsWith( dir ) || e.getName().startsWith( "/" ) || e.getName().contains( ".." ) )
					throw new IOException(
							source + " contains an entry with an unsafe path (" + e.getName() + "): refusing it" );
				if ( e.isDirectory() )
				{
					Files.createDirectories( out );
					continue;
				}
				Files.createDirectories( out.getParent() );
				try ( OutputStream o = Files.newOutputStream( out ) )
				{
					final byte[] buf = new byte[ 1 << 16 ];
					for ( int r; ( r = zip.read( buf ) ) > 0; )
					{
						total += r;
						if ( total > MAX_UNPACKED )
							throw new IOException(
									source + " unpacks to more than " + ( MAX_UNPACKED >> 30 ) + " GiB: refusing it" );
						o.write( buf, 0, r );
					}
				}
			}
		}
		catch ( final java.util.zip.ZipException e )
		{
			throw new IOException( source + " is not a readable zip (" + e.getMessage() + ")", e );
		}
	}

	/** Zips the files under dir (sorted, relative names with '/'), plus empty folders. */
	static void zip( final Path dir, final Path zipFile ) throws IOException
	{
		final List< Path > all = new ArrayList<>();
		try ( Stream< Path > s = Files.walk( dir ) )
		{
			s.filter( p -> !p.equals( dir ) ).sorted().forEach( all::add );
		}
		try ( ZipOutputStream zip = new ZipOutputStream( Files.newOutputStream( zipFile ) ) )
		{
			for ( final Path p : all )
			{
				final String name = dir.relativize( p ).toString().replace( '\\', '/' );
				if ( Files.isDirectory( p ) )
				{
					zip.putNextEntry( new ZipEntry( name + "/" ) );
					zip.closeEntry();
					continue;
				}
				zip.putNextEntry( new ZipEntry( name ) );
				Files.copy( p, zip );
				zip.closeEntry();
			}
		}
	}

	static void deleteTree( final Path dir ) throws IOException
	{
		if ( dir != null )
			fiji.plugin.autoencoder.io.AtomicFiles.deleteTree( dir );
	}
}
