package fiji.plugin.autoencoder.denoise;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A synthetic noise process that turns a clean image into a noisy one, with an
 * explicit seed so the same seed always gives the same noisy image.
 * <p>
 * Kinds and parameters (all in the image's own units unless stated):
 * <ul>
 * <li>{@code gaussian:sigma=S} — additive white Gaussian noise of standard deviation S.</li>
 * <li>{@code poisson:peak=P} — shot noise: the image is scaled so its maximum
 * becomes P photons, Poisson-sampled, and scaled back.</li>
 * <li>{@code poisson-gaussian:peak=P,sigma=S} — a camera: Poisson at peak P, then
 * Gaussian read noise S (image units, after scaling back).</li>
 * <li>{@code salt-and-pepper:fraction=F,low=L,high=H} — a fraction F of pixels set to
 * L or H with equal probability.</li>
 * <li>{@code speckle:sigma=S} — multiplicative noise {@code v * (1 + S * n)}, n standard
 * normal (ultrasound-like).</li>
 * </ul>
 * Negative pixel values count as zero photons for the Poisson kinds. Outputs are not
 * clipped. Instances are immutable; {@link #kind()} and {@link #parameters()} are
 * all the state, so a model stores or prints as {@link #describe()} and comes back
 * with {@link #parse(String)} or {@link #of(Kind, Map)}.
 *
 * <pre>{@code
 * NoiseModel noise = NoiseModel.parse( "poisson-gaussian:peak=30,sigma=0.02" );
 * float[] noisy = noise.apply( clean, 42L );  // clean is not modified
 * }</pre>
 */
public final class NoiseModel
{
	/** The noise processes, with their spelling in {@link #describe()} and their parameter names. */
	public enum Kind
	{
		GAUSSIAN( "gaussian", "sigma" ),
		POISSON( "poisson", "peak" ),
		POISSON_GAUSSIAN( "poisson-gaussian", "peak", "sigma" ),
		SALT_AND_PEPPER( "salt-and-pepper", "fraction", "low", "high" ),
		SPECKLE( "speckle", "sigma" );

		private final String spelling;

		private final String[] parameterNames;

		Kind( final String spelling, final String... parameterNames )
		{
			this.spelling = spelling;
			this.parameterNames = parameterNames;
		}

		/** The name used in {@link NoiseModel#describe()}, e.g. {@code "poisson-gaussian"}. */
		public String spelling()
		{
			return spelling;
		}

		/** Names of the parameters this kind needs, in canonical order. */
		public String[] parameterNames()
		{
			return parameterNames.clone();
		}

		/** The kind spelled {@code name} (case-insensitive; '_' and '-' are interchangeable). */
		public static Kind fromName( final String name )
		{
			final String key = name.trim().toLowerCase( Locale.ROOT ).replace( '_', '-' );
			for ( final Kind k : values() )
				if ( k.spelling.equals( key ) )
					return k;
			throw new IllegalArgumentException(
					"Unknown noise model '" + name + "': use one of " + allSpellings() + "." );
		}

		private static String allSpellings()
		{
			final StringBuilder sb = new StringBuilder();
			for ( final Kind k : values() )
				sb.append( sb.length() == 0 ? "" : ", " ).append( k.spelling );
			return sb.toString();
		}
	}

	private final Kind kind;

	private final LinkedHashMap< String, Double > parameters;

	private NoiseModel( final Kind kind, final LinkedHashMap< String, Double > parameters )
	{
		this.kind = kind;
		this.parameters = parameters;
	}

	/** Additive Gaussian noise of standard deviation {@code sigma} (image units, >= 0). */
	public static NoiseModel gaussian( final double sigma )
	{
		return of( Kind.GAUSSIAN, params( "sigma", sigma ) );
	}

	/** Poisson shot noise with the image maximum mapped to {@code peak} photons (> 0). */
	public static NoiseModel poisson( final double peak )
	{
		return of( Kind.POISSON, params( "peak", peak ) );
	}

	/** Poisson noise at {@code peak} photons plus Gaussian read noise {@code sigma} (image units). */
	public static NoiseModel poissonGaussian( final double peak, final double sigma )
	{
		return of( Kind.POISSON_GAUSSIAN, params( "peak", peak, "sigma", sigma ) );
	}

	/** A {@code fraction} of pixels (0..1) set to {@code low} or {@code high}, each with probability 1/2. */
	public static NoiseModel saltAndPepper( final double fraction, final double low, final double high )
	{
		return of( Kind.SALT_AND_PEPPER, params( "fraction", fraction, "low", low, "high", high ) );
	}

	/** Multiplicative noise {@code v * (1 + sigma * n)} with n standard normal ({@code sigma >= 0}). */
	public static NoiseModel speckle( final double sigma )
	{
		return of( Kind.SPECKLE, params( "sigma", sigma ) );
	}

	/**
	 * The model of the given kind with the given parameters (e.g. read back from JSON).
	 *
	 * @throws IllegalArgumentException if a parameter is missing, unknown or out of range
	 */
	public static NoiseModel of( final Kind kind, final Map< String, ? extends Number > parameters )
	{
		Objects.requireNonNull( kind, "kind" );
		final String[] names = kind.parameterNames;
		for ( final String given : parameters.keySet() )
			if ( !contains( names, given ) )
				throw new IllegalArgumentException( "Noise model '" + kind.spelling + "' has no parameter '" + given
						+ "': its parameters are " + String.join( ", ", names ) + "." );
		final LinkedHashMap< String, Double > p = new LinkedHashMap<>();
		for ( final String name : names )
		{
			final Number v = parameters.get( name );
			if ( v == null )
				throw new IllegalArgumentException( "Noise model '" + kind.spelling + "' needs parameter '" + name
						+ "': write e.g. " + example( kind ) + "." );
			final double d = v.doubleValue();
			if ( !Double.isFinite( d ) )
				throw new IllegalArgumentException(
						"Noise parameter " + name + " of '" + kind.spelling + "' is " + d + ": give a finite number." );
			p.put( name, d );
		}
		check( kind, p );
		return new NoiseModel( kind, p );
	}

	/**
	 * Reads the form written by {@link #describe()}, e.g. {@code "gaussian:sigma=0.1"} or
	 * {@code "poisson-gaussian:peak=30,sigma=0.02"} (spaces allowed, parameters in any order).
	 */
	public static NoiseModel parse( final String spec )
	{
		if ( spec == null || spec.trim().isEmpty() )
			throw new IllegalArgumentException( "Empty noise model: write e.g. " + example( Kind.GAUSSIAN ) + "." );
		final String s = spec.trim();
		final int colon = s.indexOf( ':' );
		final Kind kind = Kind.fromName( colon < 0 ? s : s.substring( 0, colon ) );
		final LinkedHashMap< String, Double > p = new LinkedHashMap<>();
		final String rest = colon < 0 ? "" : s.substring( colon + 1 ).trim();
		if ( !rest.isEmpty() )
		{
			for ( final String part : rest.split( "," ) )
			{
				final int eq = part.indexOf( '=' );
				if ( eq < 0 )
					throw new IllegalArgumentException( "Noise parameter '" + part.trim() + "' in '" + spec
							+ "' has no value: write name=value, e.g. " + example( kind ) + "." );
				final String name = part.substring( 0, eq ).trim().toLowerCase( Locale.ROOT );
				final String value = part.substring( eq + 1 ).trim();
				final double d;
				try
				{
					d = Double.parseDouble( value );
				}
				catch ( final NumberFormatException e )
				{
					throw new IllegalArgumentException( "Noise parameter " + name + "='" + value + "' in '" + spec
							+ "' is not a number: write e.g. " + example( kind ) + "." );
				}
				if ( p.put( name, d ) != null )
					throw new IllegalArgumentException(
							"Noise parameter '" + name + "' is given twice in '" + spec + "': give it once." );
			}
		}
		return of( kind, p );
	}

	/** This model's kind. */
	public Kind kind()
	{
		return kind;
	}

	/** The parameters by name, in canonical order (unmodifiable; JSON-friendly). */
	public Map< String, Double > parameters()
	{
		return Collections.unmodifiableMap( parameters );
	}

	/** The value of parameter {@code name}. */
	public double parameter( final String name )
	{
		final Double v = parameters.get( name );
		if ( v == null )
			throw new IllegalArgumentException( "Noise model '" + kind.spelling + "' has no parameter '" + name
					+ "': its parameters are " + String.join( ", ", kind.parameterNames ) + "." );
		return v;
	}

	/** The text form read by {@link #parse(String)}, e.g. {@code "poisson-gaussian:peak=30,sigma=0.02"}. */
	public String describe()
	{
		final StringBuilder sb = new StringBuilder( kind.spelling ).append( ':' );
		boolean first = true;
		for ( final Map.Entry< String, Double > e : parameters.entrySet() )
		{
			sb.append( first ? "" : "," ).append( e.getKey() ).append( '=' ).append( format( e.getValue() ) );
			first = false;
		}
		return sb.toString();
	}

	/** A new noisy copy of {@code clean}, drawn from a generator seeded with {@code seed}. */
	public float[] apply( final float[] clean, final long seed )
	{
		return apply( clean, new SplittableRandom( seed ) );
	}

	/**
	 * A new noisy copy of {@code clean}, drawing from {@code random}. For the Poisson
	 * kinds the maximum of {@code clean} is mapped to the peak.
	 */
	public float[] apply( final float[] clean, final SplittableRandom random )
	{
		return apply( clean, max( clean ), random );
	}

	/**
	 * A new noisy copy of {@code clean} where, for the Poisson kinds, the value
	 * {@code signalMax} (not the maximum of {@code clean}) maps to the peak. Use
	 * this for patches cut from a larger image: pass the whole image's maximum so
	 * every patch sees the same photon scale. Other kinds ignore {@code signalMax}.
	 */
	public float[] apply( final float[] clean, final double signalMax, final SplittableRandom random )
	{
		return NoiseSampling.sample( kind, parameters, clean, signalMax, random );
	}

	@Override
	public String toString()
	{
		return describe();
	}

	@Override
	public boolean equals( final Object o )
	{
		if ( !( o instanceof NoiseModel ) )
			return false;
		final NoiseModel other = ( NoiseModel ) o;
		return kind == other.kind && parameters.equals( other.parameters );
	}

	@Override
	public int hashCode()
	{
		return 31 * kind.hashCode() + parameters.hashCode();
	}

	// --- internals ---

	private static void check( final Kind kind, final Map< String, Double > p )
	{
		switch ( kind )
		{
		case GAUSSIAN:
		case SPECKLE:
			atLeast( kind, "sigma", p.get( "sigma" ), 0, "e.g. sigma=0.1" );
			break;
		case POISSON:
			positive( kind, "peak", p.get( "peak" ) );
			break;
		case POISSON_GAUSSIAN:
			positive( kind, "peak", p.get( "peak" ) );
			atLeast( kind, "sigma", p.get( "sigma" ), 0, "e.g. sigma=0.02" );
			break;
		case SALT_AND_PEPPER:
		{
			final double f = p.get( "fraction" );
			if ( f < 0 || f > 1 )
				throw new IllegalArgumentException( "Noise parameter fraction=" + format( f )
						+ " of 'salt-and-pepper' is outside 0..1: give the fraction of corrupted pixels, e.g. fraction=0.05." );
			if ( p.get( "low" ) > p.get( "high" ) )
				throw new IllegalArgumentException( "Noise parameters of 'salt-and-pepper' have low="
						+ format( p.get( "low" ) ) + " > high=" + format( p.get( "high" ) ) + ": swap them." );
			break;
		}
		default:
			throw new AssertionError( kind );
		}
	}

	private static void positive( final Kind kind, final String name, final double v )
	{
		if ( !( v > 0 ) )
			throw new IllegalArgumentException( "Noise parameter " + name + "=" + format( v ) + " of '" + kind.spelling
					+ "' must be > 0: give the photon count of the brightest pixel, e.g. " + name + "=30." );
	}

	private static void atLeast( final Kind kind, final String name, final double v, final double min,
			final String hint )
	{
		if ( v < min )
			throw new IllegalArgumentException( "Noise parameter " + name + "=" + format( v ) + " of '" + kind.spelling
					+ "' must be >= " + format( min ) + ": " + hint + "." );
	}

	private static String example( final Kind kind )
	{
		switch ( kind )
		{
		case GAUSSIAN:
			return "gaussian:sigma=0.1";
		case POISSON:
			return "poisson:peak=30";
		case POISSON_GAUSSIAN:
			return "poisson-gaussian:peak=30,sigma=0.02";
		case SALT_AND_PEPPER:
			return "salt-and-pepper:fraction=0.05,low=0,high=1";
		case SPECKLE:
			return "speckle:sigma=0.2";
		default:
			throw new AssertionError( kind );
		}
	}

	private static boolean contains( final String[] names, final String name )
	{
		for ( final String n : names )
			if ( n.equals( name ) )
				return true;
		return false;
	}

	private static LinkedHashMap< String, Double > params( final Object... nameValue )
	{
		final LinkedHashMap< String, Double > p = new LinkedHashMap<>();
		for ( int i = 0; i < nameValue.length; i += 2 )
			p.put( ( String ) nameValue[ i ], ( ( Number ) nameValue[ i + 1 ] ).doubleValue() );
		return p;
	}

	static String format( final double v )
	{
		if ( v == Math.rint( v ) && Math.abs( v ) < 1e15 )
			return Long.toString( ( long ) v );
		return Double.toString( v );
	}

	private static double max( final float[] a )
	{
		double m = Double.NEGATIVE_INFINITY;
		for ( final float v : a )
			if ( v > m )
				m = v;
		return m;
	}
}
