package fiji.plugin.autoencoder.zarr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/**
 * The chunk compressors this codec handles, all with {@code java.util.zip}:
 * none ({@code "compressor": null}), {@code zlib} and {@code gzip} (numcodecs'
 * ids, with a {@code level} 0-9). Blosc and every other compressor are refused
 * with a message saying how to convert the array.
 */
public final class Compressor
{
	/** The compressor id, or null for none. */
	public final String id;

	/** Compression level 0-9 (ignored for none). */
	public final int level;

	private Compressor( final String id, final int level )
	{
		this.id = id;
		this.level = level;
	}

	/** No compression. */
	public static Compressor none()
	{
		return new Compressor( null, 0 );
	}

	/** zlib stream (numcodecs {@code Zlib}). */
	public static Compressor zlib( final int level )
	{
		return new Compressor( "zlib", checkLevel( level ) );
	}

	/** gzip member (numcodecs {@code GZip}). */
	public static Compressor gzip( final int level )
	{
		return new Compressor( "gzip", checkLevel( level ) );
	}

	/** By name as a user types it: {@code none}, {@code zlib}, {@code gzip}, each optionally with {@code :level}. */
	public static Compressor of( final String spec )
	{
		final String[] p = spec.trim().toLowerCase().split( ":" );
		final int level = p.length > 1 ? Integer.parseInt( p[ 1 ] ) : 1;
		switch ( p[ 0 ] )
		{
		case "none":
		case "null":
		case "raw":
			return none();
		case "zlib":
			return zlib( level );
		case "gzip":
			return gzip( level );
		default:
			throw new IllegalArgumentException(
					"Compressor " + spec + " is not supported for writing; use none, zlib or gzip (e.g. zlib:1)" );
		}
	}

	private static int checkLevel( final int level )
	{
		if ( level < 0 || level > 9 )
			throw new IllegalArgumentException( "Compression level " + level + " is invalid; use 0 to 9" );
		return level;
	}

	/** From the {@code compressor} entry of a {@code .zarray} (null for none). */
	static Compressor fromMetadata( final Map< ?, ? > m, final String array )
	{
		if ( m == null )
			return none();
		final Object id = m.get( "id" );
		final Object lvl = m.get( "level" );
		final int level = lvl instanceof Number ? ( ( Number ) lvl ).intValue() : 1;
		if ( "zlib".equals( id ) )
			return new Compressor( "zlib", Math.max( 0, Math.min( 9, level ) ) );
		if ( "gzip".equals( id ) )
			return new Compressor( "gzip", Math.max( 0, Math.min( 9, level ) ) );
		throw new IllegalArgumentException( "The Zarr array " + array + " uses the compressor '" + id
				+ "', which this reader does not handle (it reads none, zlib and gzip"
				+ ( "blosc".equals( id ) ? "; Blosc needs a native library" : "" ) + "). Convert it, e.g. in Python: "
				+ "zarr.copy_all(zarr.open(src), zarr.open(dst, 'w')) after setting compressor=numcodecs.Zlib(), or "
				+ "zarr.array(a[:], chunks=a.chunks, compressor=numcodecs.Zlib(), store=dst)" );
	}

	/** The {@code compressor} entry for a {@code .zarray}, or null. */
	Map< String, Object > toMetadata()
	{
		if ( id == null )
			return null;
		final Map< String, Object > m = new java.util.LinkedHashMap<>();
		m.put( "id", id );
		m.put( "level", level );
		return m;
	}

	byte[] compress( final byte[] raw )
	{
		if ( id == null )
			return raw;
		if ( id.equals( "gzip" ) )
		{
			final ByteArrayOutputStream bos = new ByteArrayOutputStream( raw.length / 2 + 64 );
			try ( java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream( bos, 1 << 16 )
			{
				{
					def.setLevel( level );
				}
			} )
			{
				gz.write( raw );
			}
			catch ( final IOException e )
			{
				throw new IllegalStateException( e );
			}
			return bos.toByteArray();
		}
		final Deflater d = new Deflater( level );
		try
		{
			d.setInput( raw );
			d.finish();
			final ByteArrayOutputStream bos = new ByteArrayOutputStream( raw.length / 2 + 64 );
			final byte[] buf = new byte[ 1 << 16 ];
			while ( !d.finished() )
				bos.write( buf, 0, d.deflate( buf ) );
			return bos.toByteArray();
		}
		finally
		{
			d.end();
		}
	}

	byte[] decompress( final byte[] stored, final int rawLength, final String where )
	{
		if ( id == null )
			return stored;
		try
		{
			if ( id.equals( "gzip" ) )
			{
				try ( GZIPInputStream in = new GZIPInputStream( new java.io.ByteArrayInputStream( stored ) ) )
				{
					final byte[] out = in.readNBytes( rawLength + 1 );
					return out;
				}
			}
			final Inflater inf = new Inflater();
			try
			{
				inf.setInput( stored );
				final byte[] out = new byte[ rawLength ];
				int n = 0;
				while ( n < rawLength && !inf.finished() )
				{
					final int k = inf.inflate( out, n, rawLength - n );
					if ( k == 0 && ( inf.needsInput() || inf.needsDictionary() ) )
						break;
					n += k;
				}
				return n == rawLength ? out : java.util.Arrays.copyOf( out, n );
			}
			finally
			{
				inf.end();
			}
		}
		catch ( final IOException | DataFormatException e )
		{
			throw new IllegalArgumentException( "The chunk " + where + " is not valid " + id + " data ("
					+ e.getMessage() + "); the chunk is damaged: rewrite it", e );
		}
	}

	@Override
	public String toString()
	{
		return id == null ? "none" : id + ":" + level;
	}
}
