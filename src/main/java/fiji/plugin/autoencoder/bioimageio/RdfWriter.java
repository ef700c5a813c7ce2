package fiji.plugin.autoencoder.bioimageio;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import fiji.plugin.autoencoder.convert.Normalization;

/**
 * Builds the {@code rdf.yaml} of an exported package (bioimage.io model
 * description format {@value #FORMAT_VERSION}) as plain maps and lists, and
 * writes it with SnakeYAML in block style.
 */
final class RdfWriter
{
	private RdfWriter()
	{}

	static final String FORMAT_VERSION = "0.5.3";

	static final String COVER = "cover.png", README = "README.md", WEIGHTS_ZIP = "tf_saved_model_bundle.zip",
			TEST_INPUT = "test_input.npy", TEST_OUTPUT = "test_output.npy";

	/** Tensor axes in the exported order: batch, y, x, channel (TensorFlow's NHWC). */
	static List< Object > axes( final int channels, final boolean input, final int min, final int step, final int halo )
	{
		final List< Object > axes = new ArrayList<>();
		axes.add( map( "type", "batch" ) );
		for ( final String id : new String[] { "y", "x" } )
		{
			final Map< String, Object > a = map( "type", "space", "id", id );
			if ( input )
				a.put( "size", map( "min", min, "step", step ) );
			else
			{
				a.put( "size", map( "tensor_id", "input", "axis_id", id ) );
				if ( halo > 0 )
					a.put( "halo", halo );
			}
			axes.add( a );
		}
		final List< String > names = new ArrayList<>();
		for ( int c = 0; c < channels; c++ )
			names.add( ( input ? "channel" : "output" ) + c );
		axes.add( map( "type", "channel", "channel_names", names ) );
		return axes;
	}

	/**
	 * The preprocessing that reproduces a normalisation: per image
	 * ({@code scale_range}, {@code zero_mean_unit_variance}) for an unfitted
	 * method, fixed ({@code scale_linear}, {@code fixed_zero_mean_unit_variance})
	 * for a fitted one.
	 */
	static List< Object > preprocessing( final Normalization n, final int channels )
	{
		final List< Object > ops = new ArrayList<>();
		final List< Object > statAxes = new ArrayList<>( List.of( "batch", "y", "x" ) );
		if ( !n.isPerChannel() )
			statAxes.add( "channel" );
		if ( n.method() == Normalization.Method.NONE )
			return ops;
		if ( !n.isFitted() )
		{
			if ( n.method() == Normalization.Method.MEAN_STD )
				ops.add( map( "id", "zero_mean_unit_variance", "kwargs", map( "axes", statAxes, "eps", 1e-6 ) ) );
			else
			{
				final boolean p = n.method() == Normalization.Method.PERCENTILE;
				ops.add( map( "id", "scale_range", "kwargs",
						map( "axes", statAxes, "min_percentile", p ? n.lowPercentile() : 0.0, "max_percentile",
								p ? n.highPercentile() : 100.0, "eps", 1e-6 ) ) );
			}
			return ops;
		}
		final double[] o = floats( n.offsets(), channels ), s = floats( n.scales(), channels );
		if ( n.method() == Normalization.Method.MEAN_STD )
		{
			final double[] std = new double[ channels ];
			for ( int c = 0; c < channels; c++ )
				std[ c ] = 1 / s[ c ] - 1e-6;
			ops.add( map( "id", "fixed_zero_mean_unit_variance", "kwargs",
					along( "mean", o, "std", std, "eps", 1e-6 ) ) );
			return ops;
		}
		final double[] gain = new double[ channels ], off = new double[ channels ];
		for ( int c = 0; c < channels; c++ )
		{
			gain[ c ] = s[ c ];
			off[ c ] = -o[ c ] * s[ c ];
		}
		ops.add( map( "id", "scale_linear", "kwargs", along( "gain", gain, "offset", off ) ) );
		return ops;
	}

	/** {@code scale_linear} back to the input's intensities: {@code v / scale + offset}. */
	static List< Object > inverse( final Normalization n, final int channels )
	{
		if ( n.method() == Normalization.Method.NONE )
			return new ArrayList<>();
		final double[] o = floats( n.offsets(), channels ), s = floats( n.scales(), channels );
		final double[] gain = new double[ channels ];
		for ( int c = 0; c < channels; c++ )
			gain[ c ] = 1 / s[ c ];
		return new ArrayList<>( List.of( map( "id", "scale_linear", "kwargs", along( "gain", gain, "offset", o ) ) ) );
	}

	/** Values as the tiler uses them (float), one per channel. */
	private static double[] floats( final double[] v, final int channels )
	{
		final double[] f = new double[ channels ];
		for ( int c = 0; c < channels; c++ )
			f[ c ] = ( float ) v[ v.length == 1 ? 0 : c ];
		return f;
	}

	/** kwargs with scalars for one channel, lists {@code axis: channel} otherwise. */
	private static Map< String, Object > along( final Object... keysAndValues )
	{
		final Map< String, Object > m = new LinkedHashMap<>();
		boolean list = false;
		for ( int i = 0; i < keysAndValues.length; i += 2 )
		{
			final Object v = keysAndValues[ i + 1 ];
			if ( v instanceof double[] && ( ( double[] ) v ).length > 1 )
			{
				final List< Double > l = new ArrayList<>();
				for ( final double d : ( double[] ) v )
					l.add( d );
				m.put( ( String ) keysAndValues[ i ], l );
				list = true;
			}
			else
				m.put( ( String ) keysAndValues[ i ], v instanceof double[] ? ( ( double[] ) v )[ 0 ] : v );
		}
		if ( list )
		{
			final Map< String, Object > a = new LinkedHashMap<>();
			a.put( "axis", "channel" );
			a.putAll( m );
			return a;
		}
		return m;
	}

	static List< Object > authors( final String names )
	{
		final List< Object > l = new ArrayList<>();
		for ( final String n : names.split( "," ) )
			if ( !n.isBlank() )
				l.add( map( "name", n.trim() ) );
		if ( l.isEmpty() )
			throw new IllegalArgumentException(
					"Give at least one author name (authors=Name, Other Name): bioimage.io requires authors" );
		return l;
	}

	static String timestamp()
	{
		return Instant.now().truncatedTo( ChronoUnit.SECONDS ).toString();
	}

	static Map< String, Object > map( final Object... keysAndValues )
	{
		final Map< String, Object > m = new LinkedHashMap<>();
		for ( int i = 0; i < keysAndValues.length; i += 2 )
			m.put( ( String ) keysAndValues[ i ], keysAndValues[ i + 1 ] );
		return m;
	}

	static String dump( final Map< String, Object > rdf )
	{
		final DumperOptions o = new DumperOptions();
		o.setDefaultFlowStyle( DumperOptions.FlowStyle.BLOCK );
		o.setIndent( 2 );
		o.setIndicatorIndent( 0 );
		o.setWidth( 120 );
		return "# bioimage.io model description written by fiji-autoencoder\n" + new Yaml( o ).dump( rdf );
	}
}
