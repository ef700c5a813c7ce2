package fiji.plugin.autoencoder.io;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * The entries of a model file that loading needs, read into memory: nothing
 * is unpacked to disk. Kept are the top-level JSON entries (as text), the
 * checkpoint files {@code saved_model/variables/variables.*} and embedded
 * model files ({@code *.aemodel.zip} at the top level); every other entry,
 * {@code saved_model/saved_model.pb} (the file's graph) included, is read
 * past and dropped.
 * <p>
 * Guards: an entry name that is absolute, has a {@code ..} segment, a
 * backslash or a drive letter is refused (zip slip), as is a name that occurs
 * twice (two readers could see different files); all entries of a file and of
 * the models it embeds together may unpack to at most a {@link Budget} (zip
 * bomb); the zip's own CRC of every entry is checked.
 */
final class ModelZip
{
	/** Refuse model files whose entries unpack to more than this, embedded models included (a zip bomb guard). */
	static final long MAX_UNPACKED_BYTES = ( 2L << 30 ) - 1;

	/** Largest JSON entry read. */
	private static final long MAX_TEXT_BYTES = 64L << 20;

	static final String VARIABLES = "saved_model/variables/";

	/** Top-level JSON entries by name, as text. */
	final Map< String, String > texts = new LinkedHashMap<>();

	/** The files under {@link #VARIABLES}, by file name (e.g. {@code variables.index}). */
	final Map< String, byte[] > variables = new LinkedHashMap<>();

	/** Embedded model files by entry name, as bytes. */
	final Map< String, byte[] > embedded = new LinkedHashMap<>();

	/**
	 * What may still be unpacked, shared by a file and the models it embeds:
	 * {@link #MAX_UNPACKED_BYTES}, or a third of the Java heap if that is less,
	 * so that a zip bomb is refused before it exhausts the memory.
	 */
	static final class Budget
	{
		final long limit;

		long left;

		Budget()
		{
			this( Math.min( MAX_UNPACKED_BYTES, Runtime.getRuntime().maxMemory() / 3 ) );
		}

		Budget( final long limit )
		{
			this.limit = limit;
			this.left = limit;
		}
	}

	private ModelZip()
	{}

	/**
	 * Reads the zip; {@code all} false keeps only the JSON entries (enough for
	 * the spec).
	 *
	 * @param source the file's name for messages
	 */
	static ModelZip read( final InputStream in, final String source, final boolean all, final Budget budget )
			throws IOException
	{
		final ModelZip z = new ModelZip();
		final Set< String > names = new HashSet<>();
		boolean any = false;
		try ( ZipInputStream zip = new ZipInputStream( in ) )
		{
			for ( ZipEntry e; ( e = zip.getNextEntry() ) != null; )
			{
				any = true;
				final String name = e.getName();
				if ( unsafe( name ) )
					throw new IOException( source + " contains an entry with an unsafe path (" + name
							+ "): refusing it (not a model file written by this plugin)" );
				if ( !names.add( name ) )
					throw new IOException(
							source + " is damaged: it holds two entries named " + name + ". Re-save the model." );
				if ( e.isDirectory() )
					continue;
				final boolean top = !name.contains( "/" );
				if ( top && name.endsWith( ".json" ) )
					z.texts.put( name,
							new String( bytes( zip, Math.min( MAX_TEXT_BYTES, budget.left ), budget, source ),
									StandardCharsets.UTF_8 ) );
				else if ( all && top && name.endsWith( ModelFile.EMBEDDED_SUFFIX ) )
					z.embedded.put( name, bytes( zip, budget.left, budget, source ) );
				else if ( all && name.startsWith( VARIABLES ) && name.indexOf( '/', VARIABLES.length() ) < 0 )
					z.variables.put( name.substring( VARIABLES.length() ), bytes( zip, budget.left, budget, source ) );
				else
					copy( zip, OutputStream.nullOutputStream(), budget.left, budget, source );
			}
		}
		catch ( final ZipException | EOFException | IllegalArgumentException e )
		{
			throw new IOException( source + " is damaged or not a model file (" + e.getMessage()
					+ "): it may have been truncated while copying. Copy or save it again.", e );
		}
		if ( !any )
			throw new IOException(
					source + " is empty or not a zip model file. Choose a file saved by 'Train Autoencoder'." );
		return z;
	}

	/** True for names that could point outside a folder they are unpacked into. */
	static boolean unsafe( final String name )
	{
		if ( name.isEmpty() || name.startsWith( "/" ) || name.indexOf( '\\' ) >= 0 || name.indexOf( ':' ) >= 0
				|| name.indexOf( '\0' ) >= 0 )
			return true;
		for ( final String segment : name.split( "/" ) )
			if ( segment.equals( ".." ) )
				return true;
		return false;
	}

	private static byte[] bytes( final InputStream in, final long limit, final Budget budget, final String source )
			throws IOException
	{
		final ByteArrayOutputStream b = new ByteArrayOutputStream();
		copy( in, b, limit, budget, source );
		return b.toByteArray();
	}

	private static void copy( final InputStream in, final OutputStream out, final long limit, final Budget budget,
			final String source ) throws IOException
	{
		final byte[] buf = new byte[ 1 << 16 ];
		long n = 0;
		for ( int r; ( r = in.read( buf ) ) > 0; )
		{
			n += r;
			if ( n > limit )
				throw new IOException( source + " unpacks to more than "
						+ ( limit == budget.left ? ( budget.limit >> 20 ) + " MiB"
								: ( MAX_TEXT_BYTES >> 20 ) + " MiB in one JSON entry" )
						+ ": refusing it (a zip bomb, not a model file written by this plugin; the limit is the smaller of "
						+ ( MAX_UNPACKED_BYTES >> 20 ) + " MiB and a third of the Java memory)" );
			out.write( buf, 0, r );
		}
		budget.left -= n;
	}
}
