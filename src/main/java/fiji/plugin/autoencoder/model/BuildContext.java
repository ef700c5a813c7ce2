package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import fiji.plugin.autoencoder.model.ModelSpec.Activation;

/**
 * The state shared by the parts of one graph construction ({@link GraphBuilder},
 * {@link DenseLayers}, {@link ConvLayers}, {@link LossOps}, {@link OptimizerOps},
 * {@link MultiStepOps}, {@link PretrainingOps}): the spec, the graph, the
 * current {@link Ops} scope, and the parameter variables (created Glorot-uniform
 * from a stateless random op seeded by {@code seed}, or looked up when extending
 * a built graph). Not thread-safe: one construction at a time.
 */
final class BuildContext
{
	private static final float LEAKY_ALPHA = 0.2f;

	final ModelSpec spec;

	final long seed;

	final Graph graph;

	final Ops root;

	/** The ops of the part being built: the root, or one step of the multi-step ops. Read it at the start of each method. */
	Ops tf;

	/** Parameter variables by name (without scope), in creation order. */
	final Map< String, Operand< TFloat32 > > params = new LinkedHashMap<>();

	final Map< String, long[] > paramShapes = new LinkedHashMap<>();

	/** Names of the weight matrices and kernels (not biases), for the L2 penalty. */
	final List< String > weights = new ArrayList<>();

	/** Batch-norm running statistics among {@link #params}: saved and restored with them, never trained. */
	final Set< String > statistics = new HashSet<>();

	/** The running-average updates of the training-mode pass, run with each training step. */
	final List< Op > statisticUpdates = new ArrayList<>();

	/** Batch norm normalises with the batch's statistics (the loss's pass) rather than the running averages (prediction). */
	boolean training;

	/** The values the computation reads instead of the variables (one step of the multi-step ops); empty: the variables. */
	final Map< String, Operand< TFloat32 > > view = new HashMap<>();

	/** Mean BCE losses by their output, with their logits and targets ({@link BceGradient}). */
	final Map< org.tensorflow.Output< ? >, Operand< ? >[] > bceLosses = new HashMap<>();

	/** The convolutional layers compute in bfloat16 (the inference endpoint {@link Endpoints#RECONSTRUCTION_BF16}). */
	boolean bf16;

	/** Build 2D convolutions to one channel as transposed convolutions ({@link SingleChannelConv}). */
	boolean singleChannelAsTransposed;

	/** True when adding to a built graph: parameters and optimiser slots exist and are looked up, never created. */
	final boolean extending;

	private int seedCounter;

	private final Map< String, Ops > scopes = new HashMap<>();

	BuildContext( final ModelSpec spec, final long seed, final Graph graph, final boolean extending )
	{
		this.spec = spec;
		this.seed = seed;
		this.graph = graph;
		this.root = Ops.create( graph );
		this.tf = root;
		this.extending = extending;
	}

	/** The shape of a batch of inputs (or outputs) with this many channels: unknown batch, spatial sizes unless fixed. */
	Shape batchShape( final int channels )
	{
		if ( spec.is3D() )
			return Shape.of( -1, -1, -1, -1, channels );
		final boolean fixed = spec.hasFixedInputSize();
		final long h = fixed ? spec.height : -1, w = fixed ? spec.width : -1;
		return Shape.of( -1, h, w, channels );
	}

	/** Rank of the image tensors: 4 (NHWC) or 5 (NDHWC). */
	int rank()
	{
		return spec.spatialDims() + 2;
	}

	/** {@code [0, 1, ..., rank - 1]}: all axes of an image tensor. */
	int[] allAxes()
	{
		final int[] a = new int[ rank() ];
		for ( int i = 0; i < a.length; i++ )
			a[ i ] = i;
		return a;
	}

	/** An int vector of rank() entries: {@code first}, then {@code rest} repeated. */
	int[] vector( final int first, final int rest )
	{
		final int[] a = new int[ rank() ];
		Arrays.fill( a, rest );
		a[ 0 ] = first;
		return a;
	}

	/** The int vector as a list of longs, with the last entry replaced by {@code last}. */
	static List< Long > longs( final int[] a, final long last )
	{
		final List< Long > l = new ArrayList<>();
		for ( final int v : a )
			l.add( ( long ) v );
		l.set( l.size() - 1, last );
		return l;
	}

	/** Ops that name the next op {@code fullName}, which may contain '/' scopes. */
	Ops named( final String fullName )
	{
		final int slash = fullName.lastIndexOf( '/' );
		if ( slash < 0 )
			return tf.withName( fullName );
		return scope( fullName.substring( 0, slash ) ).withName( fullName.substring( slash + 1 ) );
	}

	/** One Ops per scope name: TensorFlow would otherwise make each new sub-scope unique (params_1, ...). */
	Ops scope( final String name )
	{
		return scopes.computeIfAbsent( name, n -> {
			Ops o = root;
			for ( final String part : n.split( "/" ) )
				o = o.withSubScope( part );
			return o;
		} );
	}

	Operand< TFloat32 > activation( final Operand< TFloat32 > x, final Activation a )
	{
		switch ( a )
		{
		case RELU:
			return tf.nn.relu( x );
		case LEAKY_RELU:
			return tf.nn.leakyRelu( x, LeakyRelu.alpha( LEAKY_ALPHA ) );
		case ELU:
			return tf.nn.elu( x );
		case TANH:
			return tf.math.tanh( x );
		case SIGMOID:
			return tf.math.sigmoid( x );
		case LINEAR:
			return x;
		case SOFTMAX:
			return SegmentationLosses.softmax( tf, x, spec.outChannels() );
		default:
			throw new IllegalArgumentException( "Unknown activation " + a );
		}
	}

	/**
	 * {@code x} in the precision the layers compute in: cast to bfloat16 when building {@link #bf16}, else itself.
	 * The result is typed as float32 for the builders' sake only; TensorFlow's ops take the type of their inputs.
	 */
	@SuppressWarnings( "unchecked" )
	Operand< TFloat32 > compute( final Operand< TFloat32 > x )
	{
		return bf16 ? ( Operand< TFloat32 > ) ( Operand< ? > ) tf.dtypes.cast( x, TBfloat16.class ) : x;
	}

	/** {@code x} back in float32 where the layers computed in bfloat16, else itself. */
	Operand< TFloat32 > float32( final Operand< TFloat32 > x )
	{
		return bf16 ? tf.dtypes.cast( x, TFloat32.class ) : x;
	}

	/** The network's output from its logits (the spec's output activation). */
	Operand< TFloat32 > output( final Operand< TFloat32 > logits )
	{
		return activation( logits, spec.outputActivation );
	}

	Operand< TFloat32 > sumAll( final Operand< TFloat32 > x )
	{
		final Operand< TInt32 > rank = tf.rank( x );
		return tf.sum( x, tf.range( tf.constant( 0 ), rank, tf.constant( 1 ) ) );
	}

	// -- parameters --

	/** The value of a parameter as the part being built reads it. */
	Operand< TFloat32 > param( final String name )
	{
		final Operand< TFloat32 > v = view.get( name );
		return v != null ? v : params.get( name );
	}

	Operand< TFloat32 > weight( final String name, final long fanIn, final long fanOut )
	{
		return weight( name, new long[] { fanIn, fanOut }, fanIn, fanOut );
	}

	Operand< TFloat32 > weight( final String name, final long[] shape, final long fanIn, final long fanOut )
	{
		if ( params.containsKey( name ) || extending )
			return existing( name );
		final float limit = ( float ) Math.sqrt( 6.0 / ( fanIn + fanOut ) );
		final Operand< TInt64 > seedPair = tf.constant( new long[] { seed, ++seedCounter } );
		final Operand< TFloat32 > uniform = tf.random.statelessRandomUniform( tf.constant( shape ), seedPair,
				TFloat32.class );
		final Operand< TFloat32 > init = tf.math.mul( tf.math.sub( uniform, tf.constant( 0.5f ) ),
				tf.constant( 2 * limit ) );
		final Variable< TFloat32 > v = scope( Endpoints.PARAMS ).withName( name ).variable( init );
		params.put( name, v );
		paramShapes.put( name, shape );
		weights.add( name );
		return v;
	}

	Operand< TFloat32 > bias( final String name, final long size )
	{
		if ( params.containsKey( name ) || extending )
			return existing( name );
		final Variable< TFloat32 > v = scope( Endpoints.PARAMS ).withName( name )
				.variable( tf.zeros( tf.constant( new long[] { size } ), TFloat32.class ) );
		params.put( name, v );
		paramShapes.put( name, new long[] { size } );
		return v;
	}

	/** A vector parameter filled with {@code value}; a {@link #statistics} entry (not trained) if {@code statistic}. */
	Operand< TFloat32 > vector( final String name, final long size, final float value, final boolean statistic )
	{
		if ( params.containsKey( name ) || extending )
			return existing( name );
		final Variable< TFloat32 > v = scope( Endpoints.PARAMS ).withName( name )
				.variable( tf.fill( tf.constant( new long[] { size } ), tf.constant( value ) ) );
		params.put( name, v );
		paramShapes.put( name, new long[] { size } );
		if ( statistic )
			statistics.add( name );
		return v;
	}

	/** The names of the trained parameters: {@link #params} less the {@link #statistics}. */
	List< String > trainable()
	{
		final List< String > out = new ArrayList<>();
		for ( final String n : params.keySet() )
			if ( !statistics.contains( n ) )
				out.add( n );
		return out;
	}

	private Operand< TFloat32 > existing( final String name )
	{
		if ( !params.containsKey( name ) )
			throw new IllegalArgumentException( "The graph has no parameter '" + Endpoints.PARAMS + "/" + name
					+ "': it does not match its spec; rebuild the model from the spec" );
		return param( name );
	}

	/** Fills {@link #params} from a built graph's parameter variables (extending). */
	void findParameters()
	{
		final String prefix = Endpoints.PARAMS + "/";
		final Iterator< GraphOperation > it = graph.operations();
		final List< String > names = new ArrayList<>();
		while ( it.hasNext() )
		{
			final GraphOperation op = it.next();
			if ( op.name().startsWith( prefix ) && op.name().indexOf( '/', prefix.length() ) < 0
					&& op.type().startsWith( "Variable" ) )
				names.add( op.name().substring( prefix.length() ) );
		}
		for ( final String n : names )
		{
			final Output< TFloat32 > v = graph.operation( prefix + n ).output( 0 );
			params.put( n, v );
			paramShapes.put( n, v.shape().asArray() );
			if ( n.endsWith( "_w" ) )
				weights.add( n );
			if ( n.endsWith( BatchNormOps.MEAN ) || n.endsWith( BatchNormOps.VARIANCE ) )
				statistics.add( n );
		}
		if ( params.isEmpty() )
			throw new IllegalArgumentException(
					"The graph has no '" + prefix + "' parameters: it was not built by this plugin" );
	}
}
