package fiji.plugin.autoencoder.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.ModelSpec.Kind;
import ij.measure.ResultsTable;

/**
 * A Keras-like summary of an autoencoder: one row per layer with its type,
 * output shape (batch as {@code None}; fully convolutional models at their
 * training size) and parameter count, plus the total.
 * <p>
 * The rows are derived from the {@link ModelSpec} alone, with the parameter
 * shapes each layer creates; {@link #of(Model)} also checks them against the
 * variables in the model's graph, so a summary never disagrees with the model.
 * <p>
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * ModelSummary s = ModelSummary.of( model );
 * System.out.println( s.format() );
 * ResultsTable t = s.table();
 * long total = s.total();
 * }</pre>
 */
public final class ModelSummary
{
	/** One layer. */
	public static final class Row
	{
		public final String name, type;

		/** Output shape, batch first (-1 for the batch). */
		public final long[] outputShape;

		/** The layer's parameters: full graph names ({@code params/enc0_w}) to shapes. */
		public final Map< String, long[] > parameters;

		Row( final String name, final String type, final long[] outputShape, final Map< String, long[] > parameters )
		{
			this.name = name;
			this.type = type;
			this.outputShape = outputShape;
			this.parameters = Collections.unmodifiableMap( parameters );
		}

		/** Number of parameter values of this layer. */
		public long parameterCount()
		{
			long n = 0;
			for ( final long[] s : parameters.values() )
				n += size( s );
			return n;
		}

		/** The output shape as Keras prints it, e.g. {@code (None, 14, 14, 16)}. */
		public String shapeString()
		{
			final StringBuilder sb = new StringBuilder( "(" );
			for ( int i = 0; i < outputShape.length; i++ )
				sb.append( i == 0 ? "" : ", " )
						.append( outputShape[ i ] < 0 ? "None" : Long.toString( outputShape[ i ] ) );
			return sb.append( ")" ).toString();
		}
	}

	private final ModelSpec spec;

	private final List< Row > rows;

	private ModelSummary( final ModelSpec spec, final List< Row > rows )
	{
		this.spec = spec;
		this.rows = Collections.unmodifiableList( rows );
	}

	/** The summary of a spec (no TensorFlow needed). */
	public static ModelSummary of( final ModelSpec spec )
	{
		spec.validate();
		final Builder b = new Builder( spec );
		if ( spec.kind == Kind.DENSE )
			b.dense();
		else
			b.conv();
		return new ModelSummary( spec.copy(), b.rows );
	}

	/**
	 * The summary of a model, checked against its graph: every variable under
	 * {@code params/} belongs to exactly one row with the same shape.
	 *
	 * @throws IllegalStateException if graph and spec disagree (a model this version cannot describe)
	 */
	public static ModelSummary of( final Model model )
	{
		final ModelSummary s = of( model.spec() );
		final Map< String, long[] > graph = new LinkedHashMap<>( model.parameterShapes() );
		for ( final Row r : s.rows )
			for ( final Map.Entry< String, long[] > p : r.parameters.entrySet() )
			{
				final long[] actual = graph.remove( p.getKey() );
				if ( actual == null || !Arrays.equals( actual, p.getValue() ) )
					throw new IllegalStateException( "Layer " + r.name + " should have " + p.getKey() + " of shape "
							+ Arrays.toString( p.getValue() )
							+ " but the graph has "
							+ ( actual == null ? "no such variable" : Arrays.toString( actual ) )
							+ ": the model was built by another plugin version." );
			}
		if ( !graph.isEmpty() )
			throw new IllegalStateException( "The graph has parameters no layer accounts for: " + graph.keySet()
					+ ": the model was built by another plugin version." );
		return s;
	}

	public List< Row > rows()
	{
		return rows;
	}

	/** Total number of parameter values. */
	public long total()
	{
		long n = 0;
		for ( final Row r : rows )
			n += r.parameterCount();
		return n;
	}

	/** One row per layer: layer, type, output_shape, parameters (and a last row "total"). */
	public ResultsTable table()
	{
		final ResultsTable rt = new ResultsTable( rows.size() + 1 );
		for ( int i = 0; i < rows.size(); i++ )
		{
			final Row r = rows.get( i );
			rt.setValue( "layer", i, r.name );
			rt.setValue( "type", i, r.type );
			rt.setValue( "output_shape", i, r.shapeString() );
			rt.setValue( "parameters", i, r.parameterCount() );
		}
		rt.setValue( "layer", rows.size(), "total" );
		rt.setValue( "type", rows.size(), "" );
		rt.setValue( "output_shape", rows.size(), "" );
		rt.setValue( "parameters", rows.size(), total() );
		rt.setDecimalPlaces( rt.getColumnIndex( "parameters" ), 0 );
		return rt;
	}

	/** The Keras-style text table. */
	public String format()
	{
		final String rule = repeat( '_', 90 ), doubleRule = repeat( '=', 90 );
		final StringBuilder sb = new StringBuilder();
		sb.append( "Model: \"" ).append( spec.name ).append( "\" (" ).append( ModelSpec.name( spec.kind ) )
				.append( ", input " )
				.append( spec.is3D() ? spec.depth + " x " : "" ).append( spec.height ).append( " x " )
				.append( spec.width ).append( " x " ).append( spec.channels )
				.append( spec.hasFixedInputSize() ? "" : "; any multiple of " + spec.sizeMultiple() ).append( ")\n" );
		sb.append( rule ).append( '\n' );
		sb.append( String.format( Locale.ROOT, "%-48s %-26s %14s%n", "Layer (type)", "Output Shape", "Param #" ) );
		sb.append( doubleRule ).append( '\n' );
		for ( final Row r : rows )
			sb.append( String.format( Locale.ROOT, "%-48s %-26s %,14d%n", r.name + " (" + r.type + ")", r.shapeString(),
					r.parameterCount() ) );
		sb.append( doubleRule ).append( '\n' );
		sb.append( String.format( Locale.ROOT, "Total params: %,d%n", total() ) );
		return sb.toString();
	}

	@Override
	public String toString()
	{
		return format();
	}

	static long size( final long[] shape )
	{
		long n = 1;
		for ( final long d : shape )
			n *= d;
		return n;
	}

	private static String repeat( final char c, final int n )
	{
		final char[] a = new char[ n ];
		Arrays.fill( a, c );
		return new String( a );
	}

	/** Mirrors the layer structure GraphBuilder creates. */
	private static final class Builder
	{
		final ModelSpec spec;

		final List< Row > rows = new ArrayList<>();

		Builder( final ModelSpec spec )
		{
			this.spec = spec;
		}

		void add( final String name, final String type, final long[] shape, final Object... params )
		{
			final Map< String, long[] > p = new LinkedHashMap<>();
			boolean normed = false;
			for ( int i = 0; i < params.length; i += 2 )
			{
				final String n = ( String ) params[ i ];
				final long[] s = ( long[] ) params[ i + 1 ];
				p.put( Endpoints.PARAMS + "/" + n, s );
				if ( spec.batchNorm && n.endsWith( "_w" ) && !n.equals( "out_w" ) ) // batch_norm: scale, shift and running mean, variance per channel
					for ( final String k : new String[] { "_gamma", "_beta", "_mean", "_var" } )
						p.put( Endpoints.PARAMS + "/" + n.substring( 0, n.length() - 2 ) + k,
								new long[] { s[ s.length - 1 ] } );
				normed |= spec.batchNorm && n.endsWith( "_w" ) && !n.equals( "out_w" );
			}
			rows.add( new Row( name, normed ? type + ", batch norm" : type, shape, p ) );
		}

		String act( final ModelSpec.Activation a )
		{
			return ModelSpec.name( a );
		}

		void dense()
		{
			final long[] sizes = new long[ spec.layers.length + 2 ];
			sizes[ 0 ] = spec.inputSize();
			for ( int i = 0; i < spec.layers.length; i++ )
				sizes[ i + 1 ] = spec.layers[ i ];
			sizes[ sizes.length - 1 ] = spec.codeSize;
			add( "input", "Input", new long[] { -1, spec.height, spec.width, spec.channels } );
			add( "flatten", "Flatten", new long[] { -1, sizes[ 0 ] } );
			for ( int i = 0; i + 1 < sizes.length; i++ )
			{
				final boolean code = i + 2 == sizes.length;
				add( "enc" + i + ( code ? " = code" : "" ),
						"Dense, " + act( code ? spec.codeActivation : spec.activation ),
						new long[] { -1, sizes[ i + 1 ] },
						"enc" + i + "_w", new long[] { sizes[ i ], sizes[ i + 1 ] }, "enc" + i + "_b",
						new long[] { sizes[ i + 1 ] } );
			}
			for ( int i = sizes.length - 2; i >= 0; i-- )
			{
				final long out = i == 0 ? ( long ) spec.height * spec.width * spec.outChannels() : sizes[ i ];
				final String a = act( i == 0 ? spec.outputActivation : spec.activation );
				if ( spec.tiedWeights )
					add( "dec" + i, "Dense tied to enc" + i + ", " + a, new long[] { -1, out }, "dec" + i + "_b",
							new long[] { out } );
				else
					add( "dec" + i, "Dense, " + a, new long[] { -1, out }, "dec" + i + "_w",
							new long[] { sizes[ i + 1 ], out }, "dec" + i + "_b", new long[] { out } );
			}
			add( "reshape", "Reshape", new long[] { -1, spec.height, spec.width, spec.outChannels() } );
		}

		void conv()
		{
			final int levels = spec.layers.length;
			final long k = spec.kernel;
			final boolean pool = spec.kind == Kind.CONV_POOL;
			add( "input", "Input", map( 0, spec.channels ) );
			final String conv = spec.is3D() ? "Conv3D " + k + "x" + k + "x" + k : "Conv2D " + k + "x" + k;
			final String convT = spec.is3D() ? "Conv3DTranspose " + k + "x" + k + "x" + k
					: "Conv2DTranspose " + k + "x" + k;
			final String pool2 = spec.is3D() ? "2x2x2" : "2x2";
			for ( int l = 0; l < levels; l++ )
			{
				final long cin = l == 0 ? spec.channels : spec.layers[ l - 1 ], cout = spec.layers[ l ];
				final boolean code = l == levels - 1 && spec.codeSize == 0;
				final String a = act( code ? spec.codeActivation : spec.activation );
				final long[] params = kernel( cin, cout );
				if ( pool )
				{
					final int n = spec.convsPerLevel;
					add( "enc" + l, conv + ", " + ( n > 1 ? act( spec.activation ) : a ), map( l, cout ),
							"enc" + l + "_w", params, "enc" + l + "_b", new long[] { cout } );
					for ( int j = 1; j < n; j++ )
						add( "enc" + l + "_" + j, conv + ", " + ( j == n - 1 ? a : act( spec.activation ) ),
								map( l, cout ), "enc" + l + "_" + j + "_w", kernel( cout, cout ),
								"enc" + l + "_" + j + "_b", new long[] { cout } );
					add( "pool" + l + ( code ? " = code" : "" ), "MaxPool " + pool2, map( l + 1, cout ) );
				}
				else
					add( "enc" + l + ( code ? " = code" : "" ), conv + " stride 2, " + a, map( l + 1, cout ),
							"enc" + l + "_w", params,
							"enc" + l + "_b", new long[] { cout } );
			}
			final long last = spec.layers[ levels - 1 ];
			final long flat = map( levels, last )[ 1 ] * map( levels, last )[ 2 ] * last;
			if ( spec.codeSize > 0 )
			{
				add( "flatten", "Flatten", new long[] { -1, flat } );
				add( "code", "Dense, " + act( spec.codeActivation ), new long[] { -1, spec.codeSize }, "code_w",
						new long[] { flat, spec.codeSize }, "code_b",
						new long[] { spec.codeSize } );
				add( "uncode", "Dense, " + act( spec.activation ), new long[] { -1, flat }, "uncode_w",
						new long[] { spec.codeSize, flat }, "uncode_b",
						new long[] { flat } );
				add( "reshape", "Reshape", map( levels, last ) );
			}
			for ( int l = levels - 1; l >= 0; l-- )
			{
				if ( pool )
				{
					final int skip = spec.skipConnections ? 2 : 1; // U-Net: the level's encoder map is concatenated after unpooling
					final long cin = l == levels - 1 ? last : merged( l + 1 ), cout = spec.layers[ l ];
					add( "dec" + l, conv + ", " + act( spec.activation ), map( l + 1, cout ), "dec" + l + "_w",
							kernel( cin, cout ),
							"dec" + l + "_b", new long[] { cout } );
					add( "unpool" + l, "Unpool " + pool2 + " " + ModelSpec.name( spec.unpooling ), map( l, cout ) );
					if ( spec.skipConnections )
						add( "concat" + l, "Concatenate with enc" + l, map( l, cout * 2 ) );
					for ( int j = 1; j < spec.convsPerLevel; j++ )
						add( "merge" + l + "_" + j, conv + ", " + act( spec.activation ), map( l, cout ),
								"merge" + l + "_" + j + "_w", kernel( j == 1 ? cout * skip : cout, cout ),
								"merge" + l + "_" + j + "_b", new long[] { cout } );
				}
				else
				{
					final long cin = spec.layers[ l ], cout = l == 0 ? spec.outChannels() : spec.layers[ l - 1 ];
					add( "dec" + l, convT + " stride 2, " + act( l == 0 ? spec.outputActivation : spec.activation ),
							map( l, cout ),
							"dec" + l + "_w", kernel( cout, cin ), "dec" + l + "_b", new long[] { cout } );
				}
			}
			if ( pool )
				add( "out", conv + ", " + act( spec.outputActivation ), map( 0, spec.outChannels() ), "out_w",
						kernel( merged( 0 ), spec.outChannels() ), "out_b", new long[] { spec.outChannels() } );
			if ( spec.residual )
				add( "residual", "Add the input (the net predicts a correction)", map( 0, spec.outChannels() ) );
		}

		/** Channels of the decoder's map at level l after the merge (as GraphBuilder builds it). */
		long merged( final int l )
		{
			return spec.convsPerLevel > 1 ? spec.layers[ l ] : spec.layers[ l ] * ( spec.skipConnections ? 2 : 1 );
		}

		/** Feature map shape at level l (size / 2^l) with the layer's channels; with the depth first for 3D models. */
		long[] map( final int level, final long channels )
		{
			if ( spec.is3D() )
				return new long[] { -1, spec.depth >> level, spec.height >> level, spec.width >> level, channels };
			return new long[] { -1, spec.height >> level, spec.width >> level, channels };
		}

		/** A conv kernel's shape: {k, k, a, b}, or {k, k, k, a, b} for 3D models. */
		long[] kernel( final long a, final long b )
		{
			final long k = spec.kernel;
			return spec.is3D() ? new long[] { k, k, k, a, b } : new long[] { k, k, a, b };
		}

		long[] map( final int level )
		{
			return map( level, spec.layers[ level ] );
		}
	}
}
