package fiji.plugin.autoencoder.model;

import java.util.HashSet;
import java.util.Set;

/**
 * How many threads TensorFlow's operations may use: the {@code threads}
 * setting of a command or macro call when it is positive, else the system
 * property {@value #PROPERTY} ({@code java -Dautoencoder.threads=4 ...}, for a
 * job that shares a cluster node), else every core.
 * <p>
 * TensorFlow's intra-op thread pool is per process, sized by the first session
 * the JVM creates: a later model's thread setting is ignored (measured by
 * thread counts: a 1-thread model then a 2- and a 4-thread one leave 24 JVM
 * threads throughout). Only the environment variable {@value #PER_SESSION_ENV}
 * {@code =1}, set before the JVM starts (TensorFlow reads it once), gives each
 * session its own pool of its own size (then 24, 26, 30 threads). Without it,
 * a request that differs from the first session's threads is answered with a
 * warning on standard error ({@link #effective}), once per thread count, and
 * {@code io.ModelCache} keys models by the threads they really get, so such a
 * request does not load the model again for nothing. This record mirrors
 * TensorFlow's own per-process state, so it is kept per process too.
 *
 * <pre>{@code
 * ConfigProto c = Model.sessionConfig( TensorFlowThreads.resolve( 0 ) );
 * }</pre>
 */
public final class TensorFlowThreads
{
	/** The system property that caps the threads of every model this JVM runs when no {@code threads} is given. */
	public static final String PROPERTY = "autoencoder.threads";

	/** The environment variable with which TensorFlow gives each session its own intra-op pool (read at start). */
	public static final String PER_SESSION_ENV = "TF_OVERRIDE_GLOBAL_THREADPOOL";

	private static final Pools POOLS = new Pools( perSession( System.getenv( PER_SESSION_ENV ) ) );

	private TensorFlowThreads()
	{}

	/** Whether a value of {@value #PER_SESSION_ENV} switches per-session pools on (as TensorFlow parses it). */
	static boolean perSession( final String value )
	{
		return value != null && ( value.trim().equals( "1" ) || value.trim().equalsIgnoreCase( "true" ) );
	}

	/** Whether this JVM's sessions get their own thread pools ({@value #PER_SESSION_ENV} was set at start). */
	public static boolean perSessionPools()
	{
		return POOLS.perSession;
	}

	/**
	 * The intra-op threads a session asked for with {@code threads} (as
	 * {@link #resolve}) really gets in this JVM: the requested number with
	 * per-session pools or before the first session, else the first session's.
	 * Warns on standard error (once per number) when the request cannot be honoured.
	 */
	public static int effective( final int threads )
	{
		final int n = resolve( threads );
		warn( POOLS.check( n ) );
		return POOLS.effective( n );
	}

	/** Called for each new session with its resolved threads: records the first, warns when not honoured. */
	static void sessionCreated( final int n )
	{
		warn( POOLS.check( n ) );
		POOLS.session( n );
	}

	private static void warn( final String message )
	{
		if ( message != null )
			System.err.println( "warning: " + message );
	}

	/** The record of one process's TensorFlow pools. */
	static final class Pools
	{
		final boolean perSession;

		private int first;

		private final Set< Integer > warned = new HashSet<>();

		Pools( final boolean perSession )
		{
			this.perSession = perSession;
		}

		synchronized void session( final int n )
		{
			if ( first == 0 )
				first = n;
		}

		synchronized int effective( final int n )
		{
			return perSession || first == 0 ? n : first;
		}

		/** A warning when a session for {@code n} threads would get another number (once per {@code n}), else null. */
		synchronized String check( final int n )
		{
			if ( perSession || first == 0 || first == n || !warned.add( n ) )
				return null;
			return "TensorFlow runs with " + first + " thread(s) in this JVM, so the " + n
					+ " thread(s) asked for now are not honoured: its thread pool is per process and sized by the first model loaded. "
					+ "To use " + n + ", start a new JVM (Fiji) whose first model asks for " + n + " (threads=" + n
					+ "), or set the environment variable " + PER_SESSION_ENV
					+ "=1 before starting it, which gives each model its own pool";
		}
	}

	/**
	 * The intra-op threads for a requested number: {@code threads} when
	 * positive, else the property's value, else all available cores.
	 *
	 * @throws IllegalArgumentException when the property is not a positive whole number
	 */
	public static int resolve( final int threads )
	{
		if ( threads > 0 )
			return threads;
		final String p = System.getProperty( PROPERTY );
		if ( p != null && !p.trim().isEmpty() )
		{
			try
			{
				final int n = Integer.parseInt( p.trim() );
				if ( n > 0 )
					return n;
			}
			catch ( final NumberFormatException e )
			{
				// reported below
			}
			throw new IllegalArgumentException(
					"-D" + PROPERTY + "=" + p + " is not a positive whole number: use e.g. -D" + PROPERTY
							+ "=4 (or leave it out for all cores)" );
		}
		return Runtime.getRuntime().availableProcessors();
	}
}
