package fiji.plugin.autoencoder.io;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.annotations.SerializedName;

import fiji.plugin.autoencoder.convert.Normalization;

/**
 * Checks a model file's {@code normalization.json} strictly: it must be
 * present, a JSON object whose keys are all keys {@link Normalization} reads
 * (its serialised fields), and accepted by {@link Normalization#fromJson}.
 * A missing entry or a mistyped key would otherwise change the output
 * silently (Gson ignores unknown keys and keeps defaults).
 */
final class NormalizationCheck
{
	private NormalizationCheck()
	{}

	/** @throws IllegalArgumentException naming what is wrong and what to do */
	static void check( final String json )
	{
		if ( json == null )
			throw new IllegalArgumentException( "it lacks " + ModelFile.NORMALIZATION
					+ " (how pixel values are scaled for the network), so its output would be wrong."
					+ " The file is damaged or was written by an early version: re-save it (train again)" );
		final JsonElement e;
		try
		{
			e = JsonParser.parseString( json );
		}
		catch ( final JsonParseException x )
		{
			throw new IllegalArgumentException(
					"its " + ModelFile.NORMALIZATION + " is not valid JSON (" + problem( x ) + "): re-save the model" );
		}
		if ( !e.isJsonObject() )
			throw new IllegalArgumentException(
					"its " + ModelFile.NORMALIZATION + " is not a JSON object {...}: re-save the model" );
		final Set< String > known = knownKeys();
		for ( final Map.Entry< String, JsonElement > m : e.getAsJsonObject().entrySet() )
			if ( !known.contains( m.getKey() ) )
				throw new IllegalArgumentException(
						"its " + ModelFile.NORMALIZATION + " has the unknown key '" + m.getKey() + "' (known: " + known
								+ "): it was edited or damaged; re-save the model" );
		try
		{
			Normalization.fromJson( json );
		}
		catch ( final IllegalArgumentException | JsonParseException x )
		{
			throw new IllegalArgumentException( "its " + ModelFile.NORMALIZATION + " is invalid: " + x.getMessage(),
					x );
		}
	}

	/** Gson's parse error without its developer hints: e.g. "malformed JSON at line 1 column 5 path $". */
	static String problem( final JsonParseException e )
	{
		final String m = String.valueOf( e.getMessage() ).replaceFirst( "^[\\w.]+Exception: ", "" )
				.replace( "Use JsonReader.setLenient(true) to accept malformed JSON", "malformed JSON" );
		final int see = m.indexOf( "\nSee " );
		return see < 0 ? m : m.substring( 0, see );
	}

	/** The JSON keys of Normalization's serialised fields (as Gson names them). */
	static Set< String > knownKeys()
	{
		final Set< String > keys = new TreeSet<>();
		for ( final Field f : Normalization.class.getDeclaredFields() )
		{
			if ( Modifier.isStatic( f.getModifiers() ) || Modifier.isTransient( f.getModifiers() ) )
				continue;
			final SerializedName n = f.getAnnotation( SerializedName.class );
			keys.add( n == null ? f.getName() : n.value() );
			if ( n != null )
				for ( final String a : n.alternate() )
					keys.add( a );
		}
		return keys;
	}
}
