package fiji.plugin.autoencoder.cli;

import org.scijava.command.CommandInfo;
import org.scijava.module.Module;
import org.scijava.module.ModuleException;

/**
 * The default of a menu command's parameter, read from the command itself
 * (its field initialiser, through SciJava's module), so that the CLI keeps no
 * copy of a default: where a setting has no macro-level definition yet, this
 * is its one source.
 */
final class MenuDefaults
{
	private MenuDefaults()
	{}

	static Object of( final Class< ? extends org.scijava.command.Command > command, final String parameter )
	{
		try
		{
			final Module m = new CommandInfo( command ).createModule();
			final Object v = m.getInput( parameter );
			if ( v == null && new CommandInfo( command ).getInput( parameter ) == null )
				throw new IllegalStateException( command.getSimpleName() + " has no parameter " + parameter );
			return v;
		}
		catch ( final ModuleException e )
		{
			throw new IllegalStateException(
					"Cannot read the defaults of " + command.getSimpleName() + ": " + e.getMessage(), e );
		}
	}
}
