package fiji.plugin.autoencoder.convert;

import java.util.Arrays;
import java.util.Objects;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

/**
 * How raw pixel values map to network values: {@code normalised = (raw - offset) * scale},
 * one (offset, scale) pair per channel or one for all channels.
 * <p>
 * An immutable value, serialised with Gson into the model file. A spec such as
 * {@link #percentile(double, double, boolean)} is <em>unfitted</em> (no offsets
 * yet); {@link Normalizer#fit} measures an image and returns a fitted copy.
 * FIXED and NONE are fitted from the start. Methods (as CSBDeep):
 * <ul>
 * <li>PERCENTILE: offset = p_low, scale = 1 / (p_high - p_low), so p_low..p_high maps to 0..1 (default 1 and 99.8);</li>
 * <li>MIN_MAX: the same with the minimum and maximum;</li>
 * <li>MEAN_STD: offset = mean, scale = 1 / standard deviation;</li>
 * <li>FIXED: given offset and scale, e.g. {@link #eightBit()} maps 0..255 to 0..1;</li>
 * <li>NONE: offset 0, scale 1.</li>
 * </ul>
 * A zero range (flat image) gives scale 1 instead of infinity.
 *
 * <pre>{@code
 * Normalization n = Normalizer.fit( Normalization.percentile( 1, 99.8, true ), imp );
 * n.apply( hwc, 0, hwc.length, channels );   // in place, channels-last
 * String json = n.toJson();                  // stored with the model
 * }</pre>
 */
public final class Normalization
{
	/** The normalisation methods. */
	public enum Method
	{
		PERCENTILE, MIN_MAX, MEAN_STD, FIXED, NONE
	}

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
			.create();

	// NB: non-final fields with defaults so Gson can fill them
	private Method method = Method.PERCENTILE;

	private double lowPercentile = 1;

	private double highPercentile = 99.8;

	private boolean perChannel = true;

	/** Null until fitted; length 1 when global. */
	private double[] offsets;

	private double[] scales;

	private Normalization()
	{}

	private Normalization( final Method method, final double low, final double high, final boolean perChannel,
			final double[] offsets,
			final double[] scales )
	{
		this.method = method;
		this.lowPercentile = low;
		this.highPercentile = high;
		this.perChannel = perChannel;
		this.offsets = offsets;
		this.scales = scales;
		validate();
	}

	// -- factories --

	/** Percentile normalisation, e.g. {@code percentile( 1, 99.8, true )} (CSBDeep's default). */
	public static Normalization percentile( final double lowPercentile, final double highPercentile,
			final boolean perChannel )
	{
		return new Normalization( Method.PERCENTILE, lowPercentile, highPercentile, perChannel, null, null );
	}

	/** Percentiles 1 and 99.8, per channel. */
	public static Normalization percentileDefault()
	{
		return percentile( 1, 99.8, true );
	}

	/** Minimum to 0, maximum to 1. */
	public static Normalization minMax( final boolean perChannel )
	{
		return new Normalization( Method.MIN_MAX, 0, 100, perChannel, null, null );
	}

	/** Mean to 0, one standard deviation to 1. */
	public static Normalization meanStd( final boolean perChannel )
	{
		return new Normalization( Method.MEAN_STD, 1, 99.8, perChannel, null, null );
	}

	/** Fixed offset and scale for all channels. */
	public static Normalization fixed( final double offset, final double scale )
	{
		return new Normalization( Method.FIXED, 1, 99.8, false, new double[] { offset }, new double[] { scale } );
	}

	/** Fixed offset and scale per channel. */
	public static Normalization fixed( final double[] offsets, final double[] scales )
	{
		return new Normalization( Method.FIXED, 1, 99.8, true, offsets.clone(), scales.clone() );
	}

	/** 8-bit range 0..255 to 0..1. */
	public static Normalization eightBit()
	{
		return fixed( 0, 1 / 255.0 );
	}

	/** Identity. */
	public static Normalization none()
	{
		return new Normalization( Method.NONE, 1, 99.8, false, new double[] { 0 }, new double[] { 1 } );
	}

	/** This spec with measured offsets and scales (length 1 if global, one per channel otherwise). */
	public Normalization withParameters( final double[] offsets, final double[] scales )
	{
		return new Normalization( method, lowPercentile, highPercentile, perChannel, offsets.clone(), scales.clone() );
	}

	// -- getters --

	public Method method()
	{
		return method;
	}

	public double lowPercentile()
	{
		return lowPercentile;
	}

	public double highPercentile()
	{
		return highPercentile;
	}

	public boolean isPerChannel()
	{
		return perChannel;
	}

	/** True once offsets and scales are known. */
	public boolean isFitted()
	{
		return offsets != null;
	}

	/** Offsets (a copy), or null if not fitted. */
	public double[] offsets()
	{
		return offsets == null ? null : offsets.clone();
	}

	/** Scales (a copy), or null if not fitted. */
	public double[] scales()
	{
		return scales == null ? null : scales.clone();
	}

	// -- mapping --

	/** Raw to normalised: {@code (v - offset[c]) * scale[c]}. */
	public double apply( final double raw, final int channel )
	{
		final int i = parameterIndex( channel );
		return ( raw - offsets[ i ] ) * scales[ i ];
	}

	/** Normalised to raw: {@code v / scale[c] + offset[c]}. */
	public double invert( final double normalised, final int channel )
	{
		final int i = parameterIndex( channel );
		return normalised / scales[ i ] + offsets[ i ];
	}

	/** Normalises {@code data[offset, offset + length)} in place, a channels-last array with {@code channels} values per pixel. */
	public void apply( final float[] data, final int offset, final int length, final int channels )
	{
		map( data, offset, length, channels, false );
	}

	/** Inverse of {@link #apply(float[], int, int, int)}, in place. */
	public void invert( final float[] data, final int offset, final int length, final int channels )
	{
		map( data, offset, length, channels, true );
	}

	private void map( final float[] data, final int offset, final int length, final int channels,
			final boolean inverse )
	{
		if ( channels < 1 || length % channels != 0 || offset < 0 || offset + ( long ) length > data.length )
			throw new IllegalArgumentException( "Cannot map " + length + " values from offset " + offset
					+ " of an array of " + data.length
					+ " with " + channels + " channels: length must be a multiple of channels and fit the array." );
		for ( int c = 0; c < channels; c++ )
		{
			final int i = parameterIndex( c );
			final double o = offsets[ i ], s = scales[ i ];
			if ( inverse )
			{
				final double inv = 1 / s;
				for ( int k = offset + c; k < offset + length; k += channels )
					data[ k ] = ( float ) ( data[ k ] * inv + o );
			}
			else
				for ( int k = offset + c; k < offset + length; k += channels )
					data[ k ] = ( float ) ( ( data[ k ] - o ) * s );
		}
	}

	private int parameterIndex( final int channel )
	{
		if ( offsets == null )
			throw new IllegalStateException(
					method + " normalisation is not fitted yet: call Normalizer.fit( spec, image ) first." );
		if ( offsets.length == 1 )
			return 0;
		if ( channel < 0 || channel >= offsets.length )
			throw new IllegalArgumentException(
					"Channel " + channel + " has no normalisation: this one was fitted on " + offsets.length
							+ " channels; fit it on an image with the same channels or use a global normalisation." );
		return channel;
	}

	// -- JSON --

	/** JSON for the model file. */
	public String toJson()
	{
		return GSON.toJson( this );
	}

	/** Reads JSON written by {@link #toJson()}; checks it. */
	public static Normalization fromJson( final String json )
	{
		final Normalization n;
		try
		{
			n = GSON.fromJson( json, Normalization.class );
		}
		catch ( final JsonParseException e )
		{
			throw new IllegalArgumentException(
					"Normalisation JSON is malformed (" + e.getMessage() + "): re-save the model file.", e );
		}
		if ( n == null )
			throw new IllegalArgumentException( "Normalisation JSON is empty: re-save the model file." );
		n.validate();
		return n;
	}

	private void validate()
	{
		if ( method == null )
			throw new IllegalArgumentException( "Normalisation method is missing or unknown: use one of "
					+ Arrays.toString( Method.values() ) + "." );
		if ( method == Method.PERCENTILE
				&& !( 0 <= lowPercentile && lowPercentile < highPercentile && highPercentile <= 100 ) )
			throw new IllegalArgumentException( "Percentiles " + lowPercentile + " and " + highPercentile
					+ " are invalid: need 0 <= low < high <= 100, e.g. 1 and 99.8." );
		if ( ( offsets == null ) != ( scales == null )
				|| offsets != null && ( offsets.length == 0 || offsets.length != scales.length ) )
			throw new IllegalArgumentException( "Normalisation needs as many offsets as scales (at least one): got "
					+ ( offsets == null ? "none" : offsets.length ) + " and "
					+ ( scales == null ? "none" : scales.length ) + "." );
		if ( scales != null )
			for ( int i = 0; i < scales.length; i++ )
				if ( !Double.isFinite( scales[ i ] ) || scales[ i ] == 0 || !Double.isFinite( offsets[ i ] ) )
					throw new IllegalArgumentException(
							"Normalisation channel " + i + " has offset " + offsets[ i ] + " and scale " + scales[ i ]
									+ ": both must be finite and the scale non-zero." );
	}

	// -- Object methods --

	@Override
	public boolean equals( final Object o )
	{
		if ( !( o instanceof Normalization ) )
			return false;
		final Normalization n = ( Normalization ) o;
		return method == n.method && lowPercentile == n.lowPercentile && highPercentile == n.highPercentile
				&& perChannel == n.perChannel
				&& Arrays.equals( offsets, n.offsets ) && Arrays.equals( scales, n.scales );
	}

	@Override
	public int hashCode()
	{
		return Objects.hash( method, lowPercentile, highPercentile, perChannel, Arrays.hashCode( offsets ),
				Arrays.hashCode( scales ) );
	}

	@Override
	public String toString()
	{
		return "Normalization[" + method
				+ ( method == Method.PERCENTILE ? " " + lowPercentile + ".." + highPercentile : "" )
				+ ( perChannel ? " per channel" : " global" ) + ", offsets=" + Arrays.toString( offsets ) + ", scales="
				+ Arrays.toString( scales ) + "]";
	}
}
