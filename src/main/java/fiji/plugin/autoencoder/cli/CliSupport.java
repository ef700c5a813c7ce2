package fiji.plugin.autoencoder.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.TiffCheck;
import fiji.plugin.autoencoder.macro.BatchProgress;
import fiji.plugin.autoencoder.macro.MacroOptions;
import ij.IJ;
import ij.ImagePlus;
import picocli.CommandLine.Option;

/**
 * What the work subcommands share. Their options are thin: no option carries a
 * default of its own. Each becomes the macro key of the same setting (e.g.
 * {@code --tile-size 256} is {@code tile_size=256}) and is parsed by the same
 * {@link fiji.plugin.autoencoder.macro.MacroSettings} / command definitions as
 * the menu commands and macros, so an option that is left out gets the menu's
 * default, and a bad value the menu's message. {@code --set key=value} passes
 * any other key of the command.
 */
final class CliSupport
{
	private CliSupport()
	{}

	/** Options every work subcommand has. */
	static final class Common
	{
		@Option( names = "--threads", paramLabel = "N",
				description = "TensorFlow threads (0 or absent: all cores, or -Dautoencoder.threads)." )
		Integer threads;

		@Option( names = "--precision", paramLabel = "float32|bfloat16",
				description = "Arithmetic of the network (denoise, segment, segment-by-reconstruction): float32 (absent: the default) or bfloat16, the convolutions in bfloat16 (faster on CPUs with AVX-512 BF16 or AMX)." )
		String precision;

		@Option( names = "--shard", paramLabel = "i/n",
				description = "Process shard i of n (0 <= i < n): files by name order, or tiles of an OME-Zarr; e.g. --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT." )
		String shard;

		@Option( names = "--set", paramLabel = "key=value",
				description = "Any other setting by its macro key (repeatable), e.g. --set normalization=[Refit on each image]." )
		List< String > set;

		/** {@code {index, count}} of --shard, or {0, 1}. */
		int[] shard()
		{
			if ( shard == null )
				return new int[] { 0, 1 };
			final String[] p = shard.split( "/" );
			try
			{
				final int i = Integer.parseInt( p[ 0 ].trim() ), n = Integer.parseInt( p[ 1 ].trim() );
				if ( p.length == 2 && n >= 1 && i >= 0 && i < n )
					return new int[] { i, n };
			}
			catch ( final RuntimeException e )
			{
				// refused below
			}
			throw new picocli.CommandLine.ParameterException( new picocli.CommandLine( new Main() ),
					"--shard " + shard + " is invalid: use i/n with 0 <= i < n, e.g. --shard 0/4" );
		}
	}

	/** Macro keys and values, written as a macro option string. */
	static final class Keys
	{
		private final Map< String, String > values = new LinkedHashMap<>();

		Keys put( final String key, final Object value )
		{
			if ( value != null )
				values.put( key, value.toString() );
			return this;
		}

		Keys common( final Common c )
		{
			put( "threads", c.threads );
			put( "precision", c.precision );
			if ( c.set != null )
				for ( final String kv : c.set )
				{
					final int eq = kv.indexOf( '=' );
					if ( eq < 1 )
						throw new IllegalArgumentException( "--set " + kv + ": give key=value" );
					final String v = kv.substring( eq + 1 );
					put( kv.substring( 0, eq ),
							v.startsWith( "[" ) && v.endsWith( "]" ) ? v.substring( 1, v.length() - 1 ) : v );
				}
			return this;
		}

		MacroOptions parse( final String entry, final List< String > known )
		{
			return MacroOptions.parse( toString(), entry, known );
		}

		/** The macro option string, {@code key=[value] ...}. */
		@Override
		public String toString()
		{
			final StringBuilder b = new StringBuilder();
			values.forEach( ( k, v ) -> b.append( k ).append( "=[" ).append( v ).append( "] " ) );
			return b.toString().trim();
		}
	}

	/** CPU seconds this process used so far (all its threads, TensorFlow's included); NaN where the JVM cannot say. */
	static double cpuSeconds()
	{
		final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
				.getOperatingSystemMXBean();
		return os instanceof com.sun.management.OperatingSystemMXBean
				? ( ( com.sun.management.OperatingSystemMXBean ) os ).getProcessCpuTime() / 1e9
				: Double.NaN;
	}

	/** Progress lines on standard error, at most one per {@code seconds}. */
	static Progress progress( final String task )
	{
		final int seconds = Integer.getInteger( "autoencoder.progress.seconds", 5 );
		return new BatchProgress( task, line -> System.err.println( line ), System::nanoTime,
				TimeUnit.SECONDS.toNanos( seconds ) );
	}

	/** Opens an image file, checked first (truncated TIFFs, 64-bit samples). */
	static ImagePlus open( final Path file )
	{
		if ( !Files.isRegularFile( file ) )
			throw new IllegalArgumentException( "The input " + file + " does not exist or is not a file" );
		TiffCheck.check( file );
		final ImagePlus imp = IJ.openImage( file.toString() );
		if ( imp == null )
			throw new IllegalArgumentException(
					"ImageJ cannot open " + file + ": give a TIFF (or another format ImageJ reads)" );
		return imp;
	}
}
