package fiji.plugin.autoencoder.macro;

import java.util.Arrays;
import java.util.concurrent.CancellationException;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import ij.IJ;
import ij.macro.Interpreter;

/**
 * How the plain-macro entries end: a one-line message in the log and an
 * aborted macro; in a command-line {@code ImageJ -batch} run the JVM exits
 * with status 1, so a cluster job or SLURM array task shows as failed.
 */
public final class MacroFailure
{
	private MacroFailure()
	{}

	/** Stops the macro with this message as a failing entry point does (in a command-line -batch run ImageJ exits with status 1); for checks in macros. */
	public static String error( final String message )
	{
		return fail( "macro", new IllegalArgumentException( message ) );
	}

	/** Logs a folder run's summary and returns it; failed files end the macro (after the others were done). */
	static String finished( final String what, final FolderProcessor.Report r )
	{
		log( what + ": " + r );
		if ( !r.failed.isEmpty() )
			throw new IllegalStateException( r.failed.size() + " file(s) failed: " + r.failed );
		return r.toString();
	}

	static void log( final String line )
	{
		IJ.log( "Autoencoder: " + line );
	}

	static void logNote( final String note )
	{
		if ( note != null )
			IJ.log( "Autoencoder: note: " + note );
	}

	/** Logs the failure and stops the macro (exit status 1 in a command-line -batch run); returns "error: ..." where the macro goes on. */
	public static String fail( final String what, final Exception e )
	{
		final String msg = "Autoencoder " + what + ( e instanceof CancellationException ? " cancelled: " : " failed: " )
				+ ( e.getMessage() == null ? e.toString() : e.getMessage() );
		IJ.log( msg );
		final Interpreter interp = Interpreter.getInstance();
		if ( interp != null && commandLineBatchRun() )
		{
			System.out.flush();
			System.exit( 1 ); // NB: ImageJ -batch ends the JVM after the macro anyway, but with status 0
		}
		if ( interp != null )
		{
			if ( java.awt.GraphicsEnvironment.isHeadless() )
				Interpreter.abort(); // NB: abort( message ) opens a dialog, impossible without a display; the message is in the log
			else
				interp.abort( msg );
		}
		return "error: " + msg;
	}

	/** True in {@code ImageJ -batch macro.ijm}: no ImageJ window, and ImageJ will exit when the macro ends. */
	private static boolean commandLineBatchRun()
	{
		final String[] args = ij.ImageJ.getArgs();
		return IJ.getInstance() == null && args != null && Arrays.asList( args ).contains( "-batch" );
	}
}
