package fiji.plugin.autoencoder.model;

/**
 * How many threads TensorFlow's operations may use: the {@code threads}
 * setting of a command or macro call when it is positive, else the system
 * property {@value #PROPERTY} ({@code java -Dautoencoder.threads=4 ...}, for a
 * job that shares a cluster node), else every core.
 *
 * <pre>{@code
 * ConfigProto c = Model.sessionConfig( TensorFlowThreads.resolve( 0 ) );
 * }</pre>
 */
public final class TensorFlowThreads
{
	/** The system property that caps the threads of every model this JVM runs when no {@code threads} is given. */
	public static final String PROPERTY = "autoencoder.threads";

	private TensorFlowThreads()
	{}

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
