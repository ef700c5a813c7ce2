package fiji.plugin.autoencoder.zarr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

/** JSON reading and writing for Zarr metadata (Gson; numbers read as doubles). */
final class Json
{
	private Json()
	{}

	private static final Gson GSON = new GsonBuilder().serializeNulls().setPrettyPrinting()
			.serializeSpecialFloatingPointValues().create();

	static Map< ?, ? > readObject( final Path file )
	{
		try
		{
			final Object o = GSON.fromJson( Files.readString( file, StandardCharsets.UTF_8 ), Object.class );
			if ( !( o instanceof Map ) )
				throw new IllegalArgumentException( file + " is not a JSON object; the Zarr metadata is damaged" );
			return ( Map< ?, ? > ) o;
		}
		catch ( final JsonParseException e )
		{
			throw new IllegalArgumentException(
					file + " is not valid JSON (" + e.getMessage() + "); the Zarr metadata is damaged", e );
		}
		catch ( final IOException e )
		{
			throw new UncheckedIOException( "Cannot read " + file + ": " + e.getMessage(), e );
		}
	}

	static String write( final Object o )
	{
		return GSON.toJson( o ) + "\n";
	}

	static long[] longs( final Object o, final String key, final String where )
	{
		if ( !( o instanceof List ) )
			throw new IllegalArgumentException( "The Zarr metadata of " + where + " has no list '" + key + "'" );
		final List< ? > l = ( List< ? > ) o;
		final long[] a = new long[ l.size() ];
		for ( int i = 0; i < a.length; i++ )
		{
			if ( !( l.get( i ) instanceof Number ) )
				throw new IllegalArgumentException(
						"The Zarr metadata of " + where + " has a non-number in '" + key + "': " + l );
			a[ i ] = ( ( Number ) l.get( i ) ).longValue();
		}
		return a;
	}

	static double[] doubles( final Object o, final String key, final String where )
	{
		if ( !( o instanceof List ) )
			throw new IllegalArgumentException( "The Zarr metadata of " + where + " has no list '" + key + "'" );
		final List< ? > l = ( List< ? > ) o;
		final double[] a = new double[ l.size() ];
		for ( int i = 0; i < a.length; i++ )
			a[ i ] = l.get( i ) instanceof Number ? ( ( Number ) l.get( i ) ).doubleValue() : Double.NaN;
		return a;
	}

	/** A {@code fill_value}: a number, "NaN", "Infinity", "-Infinity", or null (taken as 0). */
	static double fill( final Object o )
	{
		if ( o == null )
			return 0;
		if ( o instanceof Number )
			return ( ( Number ) o ).doubleValue();
		switch ( o.toString() )
		{
		case "NaN":
			return Double.NaN;
		case "Infinity":
			return Double.POSITIVE_INFINITY;
		case "-Infinity":
			return Double.NEGATIVE_INFINITY;
		default:
			throw new IllegalArgumentException(
					"Zarr fill_value " + o + " is not supported; use a number, NaN, Infinity or null" );
		}
	}
}
