package fiji.plugin.autoencoder.bioimageio;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bioimage.io pre- and postprocessing ops this plugin runs, as the 0.5
 * spec defines them (eps default 1e-6):
 * <ul>
 * <li>{@code scale_linear}: {@code gain * x + offset} (scalars, or lists along {@code axis: channel});</li>
 * <li>{@code fixed_zero_mean_unit_variance}: {@code (x - mean) / (std + eps)} with given values;</li>
 * <li>{@code zero_mean_unit_variance}: the same with the tensor's own mean and std over {@code axes};</li>
 * <li>{@code scale_range}: {@code (x - p_min) / (p_max - p_min + eps)}, percentiles over {@code axes};</li>
 * <li>postprocessing only: {@code sigmoid}, {@code clip}, {@code binarize}; {@code ensure_dtype} float32 anywhere.</li>
 * </ul>
 * Preprocessing is a per-channel affine map whose coefficients follow from the
 * raw image's statistics ({@link Stats}), so it runs inside the tiler at no
 * cost; a percentile or mean of an affine map of the image is the same map of
 * the image's. Postprocessing runs pixel by pixel on the float output.
 * {@code axes} without {@code channel} means per channel; with it, all
 * channels together.
 */
final class Processing
{
	private Processing()
	{}

	static final Set< String > PRE = Set.of( "scale_linear", "fixed_zero_mean_unit_variance", "zero_mean_unit_variance",
			"scale_range", "ensure_dtype" );

	static final Set< String > POST = Set.of( "scale_linear", "fixed_zero_mean_unit_variance", "sigmoid", "clip",
			"binarize", "ensure_dtype" );

	/** Statistics of the raw input, per channel ({@code channel} &ge; 0) or of all channels ({@code -1}). */
	interface Stats
	{
		double percentile( int channel, double p );

		/** {mean, std (population)}. */
		double[] meanStd( int channel );
	}

	/** Checks the ops against what is supported; throws naming the op and the supported ones. */
	static void check( final List< Map< String, Object > > ops, final boolean pre, final String where )
	{
		for ( final Map< String, Object > op : ops )
		{
			final String id = String.valueOf( op.get( "id" ) );
			if ( !( pre ? PRE : POST ).contains( id ) )
				throw new IllegalArgumentException( where + ": " + ( pre ? "preprocessing" : "postprocessing" ) + " '"
						+ id + "' is not supported; supported are " + new java.util.TreeSet<>( pre ? PRE : POST ) );
			final Map< String, Object > k = kwargs( op );
			if ( id.equals( "ensure_dtype" ) && !"float32".equals( k.get( "dtype" ) ) )
				throw new IllegalArgumentException(
						where + ": ensure_dtype " + k.get( "dtype" ) + " is not supported (only float32)" );
			if ( k.get( "reference_tensor" ) != null && !pre )
				throw new IllegalArgumentException(
						where + ": postprocessing with a reference_tensor is not supported" );
		}
	}

	/**
	 * The preprocessing as {offsets[c], scales[c]} such that the network input
	 * is {@code (raw - offset) * scale}.
	 */
	static double[][] affine( final List< Map< String, Object > > ops, final Stats raw, final int channels )
	{
		final double[] g = new double[ channels ], b = new double[ channels ];
		java.util.Arrays.fill( g, 1 );
		for ( final Map< String, Object > op : ops )
		{
			final String id = String.valueOf( op.get( "id" ) );
			final Map< String, Object > k = kwargs( op );
			final double eps = number( k.getOrDefault( "eps", 1e-6 ) );
			final boolean joint = axes( k ).contains( "channel" )
					|| k.get( "axes" ) == null && !id.equals( "scale_linear" );
			for ( int c = 0; c < channels; c++ )
			{
				final int sc = joint ? -1 : c;
				switch ( id )
				{
				case "scale_linear":
				{
					final double gain = perChannel( k.getOrDefault( "gain", 1.0 ), c ),
							off = perChannel( k.getOrDefault( "offset", 0.0 ), c );
					g[ c ] *= gain;
					b[ c ] = gain * b[ c ] + off;
					break;
				}
				case "fixed_zero_mean_unit_variance":
				{
					final double m = perChannel( k.get( "mean" ), c ), s = perChannel( k.get( "std" ), c ) + eps;
					g[ c ] /= s;
					b[ c ] = ( b[ c ] - m ) / s;
					break;
				}
				case "zero_mean_unit_variance":
				{
					final double[] ms = raw.meanStd( sc );
					final double m = g[ c ] * ms[ 0 ] + b[ c ], s = Math.abs( g[ c ] ) * ms[ 1 ] + eps;
					g[ c ] /= s;
					b[ c ] = ( b[ c ] - m ) / s;
					break;
				}
				case "scale_range":
				{
					final double pl = number( k.getOrDefault( "min_percentile", 0.0 ) ),
							ph = number( k.getOrDefault( "max_percentile", 100.0 ) );
					final double rl = raw.percentile( sc, g[ c ] >= 0 ? pl : ph ),
							rh = raw.percentile( sc, g[ c ] >= 0 ? ph : pl );
					final double lo = g[ c ] * rl + b[ c ], hi = g[ c ] * rh + b[ c ];
					g[ c ] /= hi - lo + eps;
					b[ c ] = ( b[ c ] - lo ) / ( hi - lo + eps );
					break;
				}
				default: // ensure_dtype float32
				}
			}
		}
		final double[][] p = new double[ 2 ][ channels ];
		for ( int c = 0; c < channels; c++ )
		{
			if ( g[ c ] == 0 || !Double.isFinite( g[ c ] ) || !Double.isFinite( b[ c ] ) )
				throw new IllegalArgumentException( "The preprocessing maps channel " + c + " to a constant (gain "
						+ g[ c ] + "): the image may be flat" );
			p[ 0 ][ c ] = -b[ c ] / g[ c ];
			p[ 1 ][ c ] = g[ c ];
		}
		return p;
	}

	/** Applies the postprocessing in place to channels-last data ({@code channels} values per pixel). */
	static void post( final List< Map< String, Object > > ops, final float[] data, final int channels )
	{
		for ( int c = 0; c < channels; c++ )
			post( ops, data, c, channels, c );
	}

	/** Applies the postprocessing of channel {@code c} in place to {@code data[start], data[start + stride], ...}. */
	static void post( final List< Map< String, Object > > ops, final float[] data, final int start, final int stride,
			final int c )
	{
		for ( final Map< String, Object > op : ops )
		{
			final String id = String.valueOf( op.get( "id" ) );
			final Map< String, Object > k = kwargs( op );
			{
				double gain = 1, off = 0;
				switch ( id )
				{
				case "scale_linear":
					gain = perChannel( k.getOrDefault( "gain", 1.0 ), c );
					off = perChannel( k.getOrDefault( "offset", 0.0 ), c );
					break;
				case "fixed_zero_mean_unit_variance":
				{
					final double s = perChannel( k.get( "std" ), c ) + number( k.getOrDefault( "eps", 1e-6 ) );
					gain = 1 / s;
					off = -perChannel( k.get( "mean" ), c ) / s;
					break;
				}
				default:
				}
				final float divisor = ( float ) ( 1 / gain ), offF = ( float ) off;
				for ( int i = start; i < data.length; i += stride )
				{
					final double v = data[ i ];
					switch ( id )
					{
					case "sigmoid":
						data[ i ] = ( float ) ( 1 / ( 1 + Math.exp( -v ) ) );
						break;
					case "clip":
						data[ i ] = ( float ) Math.max( number( k.get( "min" ) ),
								Math.min( number( k.get( "max" ) ), v ) );
						break;
					case "binarize":
						data[ i ] = v > perChannel( k.get( "threshold" ), c ) ? 1 : 0;
						break;
					case "ensure_dtype":
						break;
					// NB: in float as x / (1 / gain) + offset, the tiler's de-normalisation, so an exported inverse reproduces the plugin bit for bit
					default:
						data[ i ] = data[ i ] / divisor + offF;
					}
				}
			}
		}
	}

	@SuppressWarnings( "unchecked" )
	static Map< String, Object > kwargs( final Map< String, Object > op )
	{
		final Object k = op.get( "kwargs" );
		return k instanceof Map ? ( Map< String, Object > ) k : Map.of();
	}

	@SuppressWarnings( "unchecked" )
	static Collection< String > axes( final Map< String, Object > kwargs )
	{
		final Object a = kwargs.get( "axes" );
		return a instanceof Collection ? ( Collection< String > ) a : List.of();
	}

	static double number( final Object o )
	{
		if ( !( o instanceof Number ) )
			throw new IllegalArgumentException( "Expected a number in the pre/postprocessing kwargs, got " + o );
		return ( ( Number ) o ).doubleValue();
	}

	static double perChannel( final Object o, final int c )
	{
		if ( o instanceof List )
		{
			final List< ? > l = ( List< ? > ) o;
			return number( l.get( l.size() == 1 ? 0 : c ) );
		}
		return number( o );
	}
}
