package fiji.plugin.autoencoder.tiling;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Test-time recorruption of a denoiser trained on recorrupted inputs (mode "Denoise (noisy image + noise model)",
 * {@code denoise.Recorruption}; Pang et al. 2021, "Recorrupted-to-Recorrupted"): that network learnt on inputs
 * noisier than the image, so Pang et al. average the net over recorrupted copies of the image. Here, when asked
 * ({@link ImageRunner.Options#recorruptInputs}, off by default: on real data the plain image in 8 orientations did
 * better, see bench/results/real-quality.md) and the orientations are averaged, each of the 8 passes denoises its own
 * recorrupted copy of the image, drawn as at training, and the result is the mean of the 8. The model file stores it
 * also as the record of how its network was trained. Gaussian kinds: y + a z, z ~ N(0, gain max(y, 0) + sigma^2); thinning (Poisson): gain / keep
 * Binomial(round(y / gain), keep).
 * <p>
 * The noise is drawn plane by plane (in raw grey values, before normalisation) from the seed, the pass and the
 * plane's index, over the whole plane before tiling, so a tiled run equals an untiled one and a rerun gives the same
 * pixels. Stored in the model file as the entry {@value #ENTRY}.
 */
public final class InputRecorruption
{
	/** The model file entry. */
	public static final String ENTRY = "recorruption.json";

	/** How the input is recorrupted. */
	public enum Kind
	{
		/** y + alpha z, z ~ N(0, gain max(y, 0) + sigma^2). */
		GAUSSIAN,
		/** Binomial thinning of the photon counts y / gain, scaled back by 1 / keep. */
		THINNING
	}

	public final Kind kind;

	/** Gaussian kind: the recorruption strength a, and the read noise sigma (grey values). */
	public final double alpha, sigma;

	/** Grey values per photon (0 for pure Gaussian noise). */
	public final double gain;

	/** Thinning: the share of the photons kept. */
	public final double keep;

	public final long seed;

	private InputRecorruption( final Kind kind, final double alpha, final double sigma, final double gain,
			final double keep, final long seed )
	{
		this.kind = kind;
		this.alpha = alpha;
		this.sigma = sigma;
		this.gain = gain;
		this.keep = keep;
		this.seed = seed;
	}

	/** y + alpha z, z ~ N(0, gain max(y, 0) + sigma^2) (gain 0: Gaussian noise of sigma). */
	public static InputRecorruption gaussian( final double alpha, final double sigma, final double gain,
			final long seed )
	{
		return new InputRecorruption( Kind.GAUSSIAN, alpha, sigma, gain, 0, seed );
	}

	/** gain / keep Binomial(round(y / gain), keep). */
	public static InputRecorruption thinning( final double keep, final double gain, final long seed )
	{
		return new InputRecorruption( Kind.THINNING, 0, 0, gain, keep, seed );
	}

	/** The same recorruption with another seed. */
	public InputRecorruption withSeed( final long s )
	{
		return new InputRecorruption( kind, alpha, sigma, gain, keep, s );
	}

	/** The recorruption of channel {@code c} of an image run channel by channel (its own noise). */
	public InputRecorruption forChannel( final int c )
	{
		return withSeed( seed + 0x9E3779B97F4A7C15L * ( c + 1 ) );
	}

	/**
	 * Recorrupts {@code length} values of one plane, from {@code offset}, in place.
	 *
	 * @param plane the plane's index in the image (channel, z and time point together)
	 * @param pass  the averaging pass (orientation)
	 */
	public void apply( final float[] values, final int offset, final int length, final long plane, final int pass )
	{
		final SplittableRandom r = new SplittableRandom(
				seed ^ ( 0xBF58476D1CE4E5B9L * ( plane + 1 ) ) ^ ( 0x94D049BB133111EBL * ( pass + 1 ) ) );
		final Normal g = new Normal( r );
		for ( int i = offset; i < offset + length; i++ )
		{
			final double y = values[ i ];
			if ( kind == Kind.THINNING )
				values[ i ] = ( float ) ( gain * binomial( Math.max( 0, Math.round( y / gain ) ), keep, r::nextDouble,
						g ) / keep );
			else
				values[ i ] = ( float ) ( y
						+ alpha * Math.sqrt( gain * Math.max( 0, y ) + sigma * sigma ) * g.getAsDouble() );
		}
	}

	/** Binomial(k, p): exact for k up to 64, a rounded clipped normal beyond. */
	public static long binomial( final long k, final double p, final DoubleSupplier uniform,
			final DoubleSupplier normal )
	{
		if ( k <= 64 )
		{
			long s = 0;
			for ( long i = 0; i < k; i++ )
				if ( uniform.getAsDouble() < p )
					s++;
			return s;
		}
		final long v = Math.round( k * p + Math.sqrt( k * p * ( 1 - p ) ) * normal.getAsDouble() );
		return Math.max( 0, Math.min( k, v ) );
	}

	public String toJson()
	{
		final JsonObject o = new JsonObject();
		o.addProperty( "kind", kind.name().toLowerCase( Locale.ROOT ) );
		o.addProperty( "alpha", alpha );
		o.addProperty( "sigma", sigma );
		o.addProperty( "gain", gain );
		o.addProperty( "keep", keep );
		o.addProperty( "seed", seed );
		return o.toString();
	}

	/** The entry's recorruption, or null when the model file has none. */
	public static InputRecorruption of( final java.util.Map< String, String > extras )
	{
		final String json = extras.get( ENTRY );
		if ( json == null )
			return null;
		try
		{
			final JsonObject o = JsonParser.parseString( json ).getAsJsonObject();
			return new InputRecorruption( Kind.valueOf( o.get( "kind" ).getAsString().toUpperCase( Locale.ROOT ) ),
					o.get( "alpha" ).getAsDouble(), o.get( "sigma" ).getAsDouble(), o.get( "gain" ).getAsDouble(),
					o.get( "keep" ).getAsDouble(), o.get( "seed" ).getAsLong() );
		}
		catch ( final RuntimeException e )
		{
			throw new IllegalArgumentException(
					"The model file's " + ENTRY + " is malformed (" + e.getMessage() + "): re-save the model file", e );
		}
	}

	@Override
	public String toString()
	{
		return kind == Kind.THINNING
				? String.format( Locale.ROOT, "binomial thinning, keep %.2f, gain %.4g", keep, gain )
				: String.format( Locale.ROOT, "y + %.2f z, z ~ N(0, %.4g max(y, 0) + %.4g^2)", alpha, gain, sigma );
	}

	/** Standard normal samples from {@code random} by Marsaglia's polar method (not thread-safe: one per loop). */
	public static DoubleSupplier normal( final SplittableRandom random )
	{
		return new Normal( random );
	}

	private static final class Normal implements DoubleSupplier
	{
		private final SplittableRandom random;

		private double spare;

		private boolean hasSpare;

		Normal( final SplittableRandom random )
		{
			this.random = random;
		}

		@Override
		public double getAsDouble()
		{
			if ( hasSpare )
			{
				hasSpare = false;
				return spare;
			}
			double u, v, s;
			do
			{
				u = 2 * random.nextDouble() - 1;
				v = 2 * random.nextDouble() - 1;
				s = u * u + v * v;
			}
			while ( s >= 1 || s == 0 );
			final double f = Math.sqrt( -2 * Math.log( s ) / s );
			spare = v * f;
			hasSpare = true;
			return u * f;
		}
	}
}
