package fiji.plugin.autoencoder.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Test helper: a zip's entries in order, as bytes, and back. */
final class ZipEntries
{
	private ZipEntries()
	{}

	static Map< String, byte[] > read( final Path zip ) throws IOException
	{
		final Map< String, byte[] > entries = new LinkedHashMap<>();
		try ( InputStream in = Files.newInputStream( zip ); ZipInputStream z = new ZipInputStream( in ) )
		{
			for ( ZipEntry e; ( e = z.getNextEntry() ) != null; )
				entries.put( e.getName(), z.readAllBytes() );
		}
		return entries;
	}

	static byte[] write( final Map< String, byte[] > entries ) throws IOException
	{
		final ByteArrayOutputStream b = new ByteArrayOutputStream();
		try ( ZipOutputStream z = new ZipOutputStream( b ) )
		{
			for ( final Map.Entry< String, byte[] > e : entries.entrySet() )
			{
				z.putNextEntry( new ZipEntry( e.getKey() ) );
				z.write( e.getValue() );
				z.closeEntry();
			}
		}
		return b.toByteArray();
	}

	static void write( final Map< String, byte[] > entries, final Path zip ) throws IOException
	{
		try ( OutputStream o = Files.newOutputStream( zip ) )
		{
			o.write( write( entries ) );
		}
	}
}
