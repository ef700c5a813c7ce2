package fiji.plugin.autoencoder.macro;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code key=value} options string of an ImageJ macro call, parsed once
 * and checked against the keys its entry point knows: values with spaces go in
 * ImageJ's brackets ({@code model_file=[/my data/m.aemodel.zip]}), a bare word
 * is a flag ({@code resume} reads as {@code resume=true}), an unknown key is an
 * error naming it and the closest known key, and a repeated key is an error.
 * The typed getters refuse values that are not of their type with a message a
 * user can act on ({@code "learning_rate=abc is not a number; use e.g. 0.001"}).
 *
 * <pre>{@code
 * MacroOptions o = MacroOptions.parse( "epochs=5 model_file=[/a b/m.zip]", "train", List.of( "epochs", "model_file" ) );
 * int epochs = o.integer( "epochs", 20, 1 );
 * Path model = o.path( "model_file" );
 * }</pre>
 *
 * Immutable after parsing, so thread-safe.
 */
public final class MacroOptions
{
	private final String entry;

	private final Map< String, String > values;

	private MacroOptions( final String entry, final Map< String, String > values )
	{
		this.entry = entry;
		this.values = values;
	}

	/**
	 * Parses {@code options} for the entry point {@code entry} (named by
	 * messages), which knows the keys {@code known}.
	 *
	 * @throws IllegalArgumentException for an unknown or repeated key, or an unclosed bracket
	 */
	public static MacroOptions parse( final String options, final String entry, final Collection< String > known )
	{
		final Map< String, String > values = new LinkedHashMap<>();
		final String s = options == null ? "" : options;
		int i = 0;
		while ( i < s.length() )
		{
			if ( Character.isWhitespace( s.charAt( i ) ) )
			{
				i++;
				continue;
			}
			int j = i;
			while ( j < s.length() && s.charAt( j ) != '=' && !Character.isWhitespace( s.charAt( j ) ) )
				j++;
			final String key = s.substring( i, j );
			final String value;
			if ( j < s.length() && s.charAt( j ) == '=' )
			{
				int k = j + 1;
				if ( k < s.length() && s.charAt( k ) == '[' )
				{
					final int close = s.indexOf( ']', k + 1 );
					if ( close < 0 )
						throw new IllegalArgumentException( "The value of " + key
								+ "= opens a bracket [ but never closes it: write " + key + "=[value]" );
					value = s.substring( k + 1, close );
					k = close + 1;
				}
				else
				{
					final int start = k;
					while ( k < s.length() && !Character.isWhitespace( s.charAt( k ) ) )
						k++;
					value = s.substring( start, k );
				}
				i = k;
			}
			else
			{
				value = "true"; // NB: ImageJ's convention for a checked checkbox: the bare key
				i = j;
			}
			if ( !known.contains( key ) )
				throw new IllegalArgumentException( unknownKey( key, known ) );
			if ( values.containsKey( key ) )
				throw new IllegalArgumentException( key + "= is given twice (" + key + "=" + values.get( key ) + " and "
						+ key + "=" + value + "): give it once" );
			values.put( key, value.trim() );
		}
		return new MacroOptions( entry, values );
	}

	/** Parses with the known keys given as an array. */
	public static MacroOptions parse( final String options, final String entry, final String... known )
	{
		return parse( options, entry, new LinkedHashSet<>( Arrays.asList( known ) ) );
	}

	private static String unknownKey( final String key, final Collection< String > known )
	{
		String closest = null;
		int best = Integer.MAX_VALUE;
		for ( final String k : known )
		{
			final int d = levenshtein( key.toLowerCase( Locale.ROOT ), k );
			if ( d < best )
			{
				best = d;
				closest = k;
			}
		}
		final boolean path = key.contains( "/" ) || key.contains( "\\" ) || key.contains( "." );
		return "unknown key '" + key + "'" + ( closest == null ? "" : "; did you mean " + closest + "=?" )
				+ ( path ? " (a value with spaces must be in brackets: key=[/my folder/file.tif])" : "" )
				+ " Known keys: " + String.join( ", ", known );
	}

	/** The edit distance (insertions, deletions, substitutions) between two strings. */
	static int levenshtein( final String a, final String b )
	{
		int[] prev = new int[ b.length() + 1 ], cur = new int[ b.length() + 1 ];
		for ( int j = 0; j <= b.length(); j++ )
			prev[ j ] = j;
		for ( int i = 1; i <= a.length(); i++ )
		{
			cur[ 0 ] = i;
			for ( int j = 1; j <= b.length(); j++ )
				cur[ j ] = Math.min( Math.min( cur[ j - 1 ] + 1, prev[ j ] + 1 ),
						prev[ j - 1 ] + ( a.charAt( i - 1 ) == b.charAt( j - 1 ) ? 0 : 1 ) );
			final int[] t = prev;
			prev = cur;
			cur = t;
		}
		return prev[ b.length() ];
	}

	/** True when the key was given (also with an empty value). */
	public boolean has( final String key )
	{
		return values.containsKey( key );
	}

	/** The keys given, in order. */
	public Set< String > keys()
	{
		return values.keySet();
	}

	/** The value of {@code key} (trimmed), or {@code def} when it is absent. */
	public String string( final String key, final String def )
	{
		final String v = values.get( key );
		return v == null ? def : v;
	}

	/** One of {@code choices} (exact spelling), or {@code def}; another value is refused, listing the choices. */
	public String choice( final String key, final String def, final String... choices )
	{
		final String v = string( key, def );
		for ( final String c : choices )
			if ( c.equals( v ) )
				return c;
		throw new IllegalArgumentException(
				key + "=" + v + " is not one of the choices: " + String.join( ", ", choices )
						+ " (values with spaces in brackets: " + key + "=[" + choices[ 0 ] + "])" );
	}

	/** true or false (any case), or {@code def}. */
	public boolean bool( final String key, final boolean def )
	{
		final String v = string( key, null );
		if ( v == null )
			return def;
		if ( v.equalsIgnoreCase( "true" ) )
			return true;
		if ( v.equalsIgnoreCase( "false" ) )
			return false;
		throw new IllegalArgumentException(
				key + "=" + v + " is neither true nor false: use " + key + "=true or " + key + "=false" );
	}

	/** A whole number of at least {@code min}, or {@code def}. */
	public int integer( final String key, final int def, final int min )
	{
		final long v = wholeNumber( key, def, min );
		if ( v > Integer.MAX_VALUE )
			throw new IllegalArgumentException( key + "=" + v + " is too large: use at most " + Integer.MAX_VALUE );
		return ( int ) v;
	}

	/** A whole number of at least {@code min} (long), or {@code def}. */
	public long wholeNumber( final String key, final long def, final long min )
	{
		final String v = string( key, null );
		if ( v == null )
			return def;
		final long n;
		try
		{
			n = Long.parseLong( v );
		}
		catch ( final NumberFormatException e )
		{
			throw new IllegalArgumentException(
					key + "=" + v + " is not a whole number; use e.g. " + key + "=" + Math.max( min, def ) );
		}
		if ( n < min )
			throw new IllegalArgumentException( key + "=" + v + " is too small: use " + min + " or more"
					+ ( key.equals( "tile_size" ) ? " (0: automatic)" : "" ) );
		return n;
	}

	/**
	 * A finite number of at least {@code min}, or {@code def}; NaN and infinity
	 * are refused. {@code example} is the value the message suggests.
	 */
	public double number( final String key, final double def, final double min, final String example )
	{
		final String v = string( key, null );
		if ( v == null )
			return def;
		final double d;
		try
		{
			d = Double.parseDouble( v );
		}
		catch ( final NumberFormatException e )
		{
			throw new IllegalArgumentException( key + "=" + v + " is not a number; use e.g. " + key + "=" + example );
		}
		if ( !Double.isFinite( d ) )
			throw new IllegalArgumentException(
					key + "=" + v + " is not a finite number; use e.g. " + key + "=" + example );
		if ( d < min )
			throw new IllegalArgumentException( key + "=" + v + " is too small: use "
					+ ( min == 0 ? "0" : Double.toString( min ) ) + " or more, e.g. " + key + "=" + example );
		return d;
	}

	/** A required path. */
	public Path path( final String key )
	{
		final String v = string( key, "" );
		if ( v.isEmpty() )
			throw new IllegalArgumentException(
					"Missing " + key + "=<path> (in brackets when it has spaces: " + key + "=[/my folder/file])" );
		return Paths.get( v );
	}

	@Override
	public String toString()
	{
		return entry + " " + values;
	}
}
