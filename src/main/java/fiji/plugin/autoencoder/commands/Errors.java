package fiji.plugin.autoencoder.commands;

import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;

import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;

/** How commands report failures: one clear line in the log and a cancelled command (no stack trace for the user). */
final class Errors
{
	private Errors()
	{}

	static void report( final ContextCommand command, final LogService log, final String what, final Throwable e )
	{
		final Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
		final String message = e instanceof CancellationException
				? what + " cancelled" + ( e.getMessage() == null ? "" : ": " + e.getMessage() )
				: what + " failed: " + ( cause instanceof java.nio.file.NoSuchFileException ? "file not found: " : "" )
						+ ( cause.getMessage() == null ? cause.toString() : cause.getMessage() );
		if ( log != null )
			log.error( message );
		if ( log != null && !( cause instanceof IllegalArgumentException || cause instanceof java.io.IOException
				|| e instanceof CancellationException ) )
			log.debug( e ); // unexpected: the trace goes to the debug log only
		command.cancel( message );
	}
}
