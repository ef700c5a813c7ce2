package fiji.plugin.autoencoder.workflow;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One user-facing setting: its key (the SciJava parameter name, the macro key
 * and, with '-' for '_', the command-line option), label, default, choices,
 * range and help. The SciJava commands, the plain-macro entries
 * ({@code macro.MacroSettings}), the ImageJ 1 dialogs and the CLI read the
 * definitions in {@link Settings}; {@code SettingsTest} checks that every
 * command's inputs agree with them. Immutable.
 */
public final class Setting
{
	/** What kind of value the setting takes. */
	public enum Type
	{
		INTEGER, NUMBER, FLAG, CHOICE, TEXT, FILE, FOLDER
	}

	public final String key, label, defaultValue, help;

	public final Type type;

	/** The allowed values of a {@link Type#CHOICE}, else empty. */
	public final List< String > choices;

	/** The smallest allowed value of a number, or null. */
	public final Double min;

	private Setting( final String key, final Type type, final String label, final String defaultValue,
			final List< String > choices, final Double min, final String help )
	{
		this.key = key;
		this.type = type;
		this.label = label;
		this.defaultValue = defaultValue;
		this.choices = choices;
		this.min = min;
		this.help = help;
	}

	static Setting integer( final String key, final String label, final int defaultValue, final int min,
			final String help )
	{
		return new Setting( key, Type.INTEGER, label, Integer.toString( defaultValue ), Collections.emptyList(),
				( double ) min, help );
	}

	static Setting number( final String key, final String label, final double defaultValue, final Double min,
			final String help )
	{
		return new Setting( key, Type.NUMBER, label, Double.toString( defaultValue ), Collections.emptyList(), min,
				help );
	}

	static Setting flag( final String key, final String label, final boolean defaultValue, final String help )
	{
		return new Setting( key, Type.FLAG, label, Boolean.toString( defaultValue ), Collections.emptyList(), null,
				help );
	}

	static Setting choice( final String key, final String label, final String defaultValue, final String[] choices,
			final String help )
	{
		if ( !Arrays.asList( choices ).contains( defaultValue ) )
			throw new IllegalArgumentException( key + ": the default " + defaultValue + " is not one of the choices "
					+ Arrays.toString( choices ) );
		return new Setting( key, Type.CHOICE, label, defaultValue,
				Collections.unmodifiableList( Arrays.asList( choices.clone() ) ), null, help );
	}

	static Setting text( final String key, final String label, final String defaultValue, final String help )
	{
		return new Setting( key, Type.TEXT, label, defaultValue, Collections.emptyList(), null, help );
	}

	/** A file (no default: the user names it). */
	static Setting file( final String key, final String label, final String help )
	{
		return new Setting( key, Type.FILE, label, "", Collections.emptyList(), null, help );
	}

	static Setting folder( final String key, final String label, final String help )
	{
		return new Setting( key, Type.FOLDER, label, "", Collections.emptyList(), null, help );
	}

	/** The same setting with another default (one operation's default differs from another's). */
	Setting withDefault( final Object value )
	{
		final String v = type == Type.NUMBER ? Double.toString( ( ( Number ) value ).doubleValue() )
				: String.valueOf( value );
		if ( type == Type.CHOICE && !choices.contains( v ) )
			throw new IllegalArgumentException( key + ": the default " + v + " is not one of the choices " + choices );
		return new Setting( key, type, label, v, choices, min, help );
	}

	/** The same setting with another label (e.g. what averaging orientations buys differs by operation). */
	Setting withLabel( final String newLabel )
	{
		return new Setting( key, type, newLabel, defaultValue, choices, min, help );
	}

	public int defaultInt()
	{
		return Integer.parseInt( defaultValue );
	}

	public double defaultNumber()
	{
		return Double.parseDouble( defaultValue );
	}

	public boolean defaultFlag()
	{
		return Boolean.parseBoolean( defaultValue );
	}

	/** The command-line option of this setting: {@code --tile-size} for {@code tile_size}. */
	public String option()
	{
		return "--" + key.replace( '_', '-' ).toLowerCase( Locale.ROOT );
	}

	/** An example value for error messages: the default, or the smallest allowed value. */
	public String example()
	{
		return defaultValue.isEmpty() ? "..." : defaultValue;
	}

	@Override
	public String toString()
	{
		return key + "=" + defaultValue + ( choices.isEmpty() ? "" : " " + choices )
				+ ( min == null ? "" : " (min " + min + ")" );
	}
}
