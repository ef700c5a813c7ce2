package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import fiji.plugin.autoencoder.model.ModelSpec.Activation;
import fiji.plugin.autoencoder.model.ModelSpec.Kind;
import fiji.plugin.autoencoder.model.ModelSpec.Loss;
import fiji.plugin.autoencoder.model.ModelSpec.Optimizer;
import fiji.plugin.autoencoder.model.ModelSpec.Unpooling;

/**
 * Builds the TensorFlow graph of a {@link ModelSpec}: encoder, decoder (also on
 * its own, from {@link Endpoints#CODE_INPUT}), loss, L2 objective, optimiser
 * ops from {@code Graph.addGradients} on the model's own parameters and the raw
 * {@code ApplyAdam}/{@code ApplyAdadelta} ops, greedy layer-wise pretraining ops
 * when asked, and assign ops to restore parameter snapshots. All endpoints are
 * named as in {@link Endpoints}.
 * <p>
 * Weights are Glorot-uniform from a stateless random op seeded by {@code seed}
 * (the same seed gives the same initial weights), biases zero.
 *
 * <pre>{@code
 * try ( Graph g = GraphBuilder.build( Presets.convStrided(), 42 ) ) { ... }
 * }</pre>
 */
public final class GraphBuilder
{
	private static final float LEAKY_ALPHA = 0.2f;

	private final ModelSpec spec;

	private final long seed;

	private final Graph graph;

	private final Ops tf;

	/** Parameters by name (without scope), in creation order. */
	private final Map< String, Variable< TFloat32 > > params = new LinkedHashMap<>();

	private final Map< String, long[] > paramShapes = new LinkedHashMap<>();

	/** Weight matrices and kernels (not biases), for the L2 penalty. */
	private final List< Variable< TFloat32 > > weights = new ArrayList<>();

	private int seedCounter;

	/** The encoder's pre-pool feature map per level (skip_connections only). */
	private final List< Operand< TFloat32 > > skips = new ArrayList<>();

	private final Map< String, Ops > scopes = new java.util.HashMap<>();

	private GraphBuilder( final ModelSpec spec, final long seed, final Graph graph )
	{
		this.spec = spec;
		this.seed = seed;
		this.graph = graph;
		this.tf = Ops.create( graph );
	}

	/** Builds a new graph for the (validated) spec; the caller owns and closes it. */
	public static Graph build( final ModelSpec spec, final long seed )
	{
		spec.validate();
		final Graph g = new Graph();
		try
		{
			new GraphBuilder( spec, seed, g ).build();
			return g;
		}
		catch ( final RuntimeException e )
		{
			g.close();
			throw e;
		}
	}

	private void build()
	{
		final boolean fixed = spec.hasFixedInputSize();
		final long h = fixed ? spec.height : -1, w = fixed ? spec.width : -1;
		final Placeholder< TFloat32 > input = tf.withName( Endpoints.INPUT ).placeholder( TFloat32.class,
				Placeholder.shape( Shape.of( -1, h, w, spec.channels ) ) );
		final Placeholder< TFloat32 > target = tf.withName( Endpoints.TARGET ).placeholder( TFloat32.class,
				Placeholder.shape( Shape.of( -1, h, w, spec.outChannels() ) ) );

		final Operand< TFloat32 > logits;
		final Operand< TFloat32 > code;
		final List< Operand< TFloat32 > > denseHidden = new ArrayList<>();
		if ( spec.kind == Kind.DENSE )
		{
			final Operand< TFloat32 > flat = tf.reshape( input, tf.constant( new long[] { -1, spec.inputSize() } ) );
			code = tf.withName( Endpoints.CODE ).identity( denseEncoder( flat, denseHidden ) );
			logits = imageShaped( denseDecoder( code ) );
			final Placeholder< TFloat32 > codeIn = tf.withName( Endpoints.CODE_INPUT ).placeholder( TFloat32.class,
					Placeholder.shape( Shape.of( -1, spec.codeSize ) ) );
			tf.withName( Endpoints.DECODED ).identity( output( imageShaped( denseDecoder( codeIn ) ) ) );
		}
		else
		{
			final List< Operand< TFloat32 > > switches = new ArrayList<>();
			code = tf.withName( Endpoints.CODE ).identity( convEncoder( input, switches ) );
			logits = convDecoder( code, spec.unpooling == Unpooling.ZERO_FILL ? switches : null );
			if ( spec.unpooling != Unpooling.ZERO_FILL && !spec.skipConnections )
			{
				final Placeholder< TFloat32 > codeIn = tf.withName( Endpoints.CODE_INPUT ).placeholder( TFloat32.class,
						Placeholder.shape( codeShape() ) );
				tf.withName( Endpoints.DECODED ).identity( output( convDecoder( codeIn, null ) ) );
			}
		}
		tf.withName( Endpoints.RECONSTRUCTION ).identity( output( logits ) );

		final Placeholder< TFloat32 > weight = !spec.weightedLoss ? null : tf.withName( Endpoints.LOSS_WEIGHT ).placeholder( TFloat32.class,
				Placeholder.shape( Shape.of( -1, h, w, spec.outChannels() ) ) );
		final Operand< TFloat32 > perElement = elementLoss( logits, target, spec.loss );
		final Operand< TFloat32 > loss;
		if ( spec.loss == Loss.DICE )
			loss = tf.withName( Endpoints.LOSS ).identity( diceLoss( output( logits ), target, weight ) );
		else if ( weight != null )
		{
			loss = tf.withName( Endpoints.LOSS ).math.div( sumAll( tf.math.mul( perElement, weight ) ),
					tf.math.maximum( sumAll( weight ), tf.constant( 1e-8f ) ) );
		}
		else
			loss = tf.withName( Endpoints.LOSS ).math.mean( perElement, tf.constant( new int[] { 0, 1, 2, 3 } ) );

		Operand< TFloat32 > objective = loss;
		if ( spec.l2 > 0 && !weights.isEmpty() )
		{
			Operand< TFloat32 > penalty = null;
			for ( final Variable< TFloat32 > v : weights )
			{
				final Operand< TFloat32 > s = sumAll( tf.math.square( tf.identity( v ) ) ); // NB: Square's gradient crashes on a ref-typed input
				penalty = penalty == null ? s : tf.math.add( penalty, s );
			}
			objective = tf.math.add( loss, tf.math.mul( tf.constant( ( float ) spec.l2 ), penalty ) );
		}
		objective = tf.withName( Endpoints.OBJECTIVE ).identity( objective );

		optimizer( objective, new ArrayList<>( params.values() ), "", Endpoints.TRAIN, Endpoints.STEP, Endpoints.LEARNING_RATE );
		if ( spec.layerwisePretraining )
			pretrainingOps( input, denseHidden );
		restoreOps();
	}

	// -- dense --

	private int[] denseSizes()
	{
		final int[] sizes = new int[ spec.layers.length + 2 ];
		sizes[ 0 ] = ( int ) spec.inputSize();
		for ( int i = 0; i < spec.layers.length; i++ )
			sizes[ i + 1 ] = spec.layers[ i ];
		sizes[ sizes.length - 1 ] = spec.codeSize;
		return sizes;
	}

	/** Encoder layers; {@code hidden} receives each layer's input (the flat image first). */
	private Operand< TFloat32 > denseEncoder( final Operand< TFloat32 > flat, final List< Operand< TFloat32 > > hidden )
	{
		final int[] sizes = denseSizes();
		Operand< TFloat32 > x = flat;
		for ( int i = 0; i + 1 < sizes.length; i++ )
		{
			hidden.add( x );
			x = activation( encoderLayer( x, i, sizes ), i + 2 == sizes.length ? spec.codeActivation : spec.activation );
		}
		return x;
	}

	private Operand< TFloat32 > encoderLayer( final Operand< TFloat32 > x, final int i, final int[] sizes )
	{
		final Variable< TFloat32 > w = weight( "enc" + i + "_w", sizes[ i ], sizes[ i + 1 ] );
		final Variable< TFloat32 > b = bias( "enc" + i + "_b", sizes[ i + 1 ] );
		return tf.nn.biasAdd( tf.linalg.matMul( x, w ), b );
	}

	/** Pre-activation of decoder layer {@code i}, which maps size i+1 back to size i. */
	private Operand< TFloat32 > decoderLayer( final Operand< TFloat32 > z, final int i, final int[] sizes )
	{
		final int outSize = i == 0 ? spec.height * spec.width * spec.outChannels() : sizes[ i ];
		final Variable< TFloat32 > b = bias( "dec" + i + "_b", outSize );
		if ( spec.tiedWeights )
			return tf.nn.biasAdd( tf.linalg.matMul( z, params.get( "enc" + i + "_w" ), MatMul.transposeB( true ) ), b );
		final Variable< TFloat32 > w = weight( "dec" + i + "_w", sizes[ i + 1 ], outSize );
		return tf.nn.biasAdd( tf.linalg.matMul( z, w ), b );
	}

	private Operand< TFloat32 > denseDecoder( final Operand< TFloat32 > code )
	{
		final int[] sizes = denseSizes();
		Operand< TFloat32 > z = code;
		for ( int i = sizes.length - 2; i >= 0; i-- )
		{
			z = decoderLayer( z, i, sizes );
			if ( i > 0 )
				z = activation( z, spec.activation );
		}
		return z;
	}

	private Operand< TFloat32 > imageShaped( final Operand< TFloat32 > flat )
	{
		return tf.reshape( flat, tf.constant( new long[] { -1, spec.height, spec.width, spec.outChannels() } ) );
	}

	/**
	 * Greedy layer-wise pretraining: layer i is trained as a shallow autoencoder
	 * on the (fixed) output of layers below it, updating only its own encoder
	 * and decoder parameters.
	 */
	private void pretrainingOps( final Operand< TFloat32 > input, final List< Operand< TFloat32 > > hidden )
	{
		final int[] sizes = denseSizes();
		for ( int i = 0; i + 1 < sizes.length; i++ )
		{
			final Operand< TFloat32 > in = i == 0 ? hidden.get( 0 ) : tf.stopGradient( hidden.get( i ) );
			final Operand< TFloat32 > code = activation( encoderLayer( in, i, sizes ), i + 2 == sizes.length ? spec.codeActivation : spec.activation );
			final Operand< TFloat32 > pre = decoderLayer( code, i, sizes );
			final Operand< TFloat32 > loss;
			if ( i == 0 )
			{
				final Operand< TFloat32 > target = tf.reshape( tf.withName( "pretrain_target" ).identity( input ), tf.constant( new long[] { -1, spec.inputSize() } ) );
				loss = tf.math.mean( elementLoss( pre, target, spec.loss ), tf.constant( new int[] { 0, 1 } ) );
			}
			else
				loss = tf.math.mean( tf.math.squaredDifference( activation( pre, spec.activation ), in ), tf.constant( new int[] { 0, 1 } ) );
			final String scope = "pretrain_" + i;
			named( Endpoints.pretrainLoss( i ) ).identity( loss );
			final List< Variable< TFloat32 > > vars = new ArrayList<>();
			vars.add( params.get( "enc" + i + "_w" ) );
			vars.add( params.get( "enc" + i + "_b" ) );
			if ( !spec.tiedWeights )
				vars.add( params.get( "dec" + i + "_w" ) );
			vars.add( params.get( "dec" + i + "_b" ) );
			optimizer( loss, vars, scope + "/", Endpoints.pretrainTrain( i ), scope + "/step", scope + "/learning_rate" );
		}
	}

	// -- convolutional --

	private int inChannels( final int level )
	{
		return level == 0 ? spec.channels : spec.layers[ level - 1 ];
	}

	private Shape codeShape()
	{
		if ( spec.codeSize > 0 )
			return Shape.of( -1, spec.codeSize );
		return Shape.of( -1, -1, -1, spec.layers[ spec.layers.length - 1 ] );
	}

	private int codeMapHeight()
	{
		return spec.height / spec.sizeMultiple();
	}

	private int codeMapWidth()
	{
		return spec.width / spec.sizeMultiple();
	}

	private Operand< TFloat32 > convEncoder( final Operand< TFloat32 > input, final List< Operand< TFloat32 > > switches )
	{
		final int levels = spec.layers.length;
		Operand< TFloat32 > x = input;
		for ( int l = 0; l < levels; l++ )
		{
			final boolean last = l == levels - 1 && spec.codeSize == 0;
			final Activation act = last ? spec.codeActivation : spec.activation;
			if ( spec.kind == Kind.CONV_POOL )
			{
				final Operand< TFloat32 > pre = activation( conv( x, "enc" + l, inChannels( l ), spec.layers[ l ], 1 ), act );
				if ( spec.skipConnections )
					skips.add( pre );
				x = tf.nn.maxPool( pre, tf.constant( new int[] { 1, 2, 2, 1 } ), tf.constant( new int[] { 1, 2, 2, 1 } ), "VALID" );
				if ( spec.unpooling == Unpooling.ZERO_FILL )
					switches.add( tf.stopGradient( tf.dtypes.cast( tf.math.equal( pre, upsample( x ) ), TFloat32.class ) ) );
			}
			else
				x = activation( conv( x, "enc" + l, inChannels( l ), spec.layers[ l ], 2 ), act );
		}
		if ( spec.codeSize > 0 )
		{
			final long flat = ( long ) codeMapHeight() * codeMapWidth() * spec.layers[ levels - 1 ];
			final Operand< TFloat32 > f = tf.reshape( x, tf.constant( new long[] { -1, flat } ) );
			x = activation( tf.nn.biasAdd( tf.linalg.matMul( f, weight( "code_w", flat, spec.codeSize ) ), bias( "code_b", spec.codeSize ) ), spec.codeActivation );
		}
		return x;
	}

	private Operand< TFloat32 > convDecoder( final Operand< TFloat32 > code, final List< Operand< TFloat32 > > switches )
	{
		final int levels = spec.layers.length;
		Operand< TFloat32 > x = code;
		if ( spec.codeSize > 0 )
		{
			final long flat = ( long ) codeMapHeight() * codeMapWidth() * spec.layers[ levels - 1 ];
			x = activation( tf.nn.biasAdd( tf.linalg.matMul( x, weight( "uncode_w", spec.codeSize, flat ) ), bias( "uncode_b", flat ) ), spec.activation );
			x = tf.reshape( x, tf.constant( new long[] { -1, codeMapHeight(), codeMapWidth(), spec.layers[ levels - 1 ] } ) );
		}
		if ( spec.kind == Kind.CONV_POOL )
		{
			for ( int l = levels - 1; l >= 0; l-- )
			{
				final int cin = l == levels - 1 ? spec.layers[ levels - 1 ] : spec.layers[ l + 1 ] * skipFactor();
				x = activation( conv( x, "dec" + l, cin, spec.layers[ l ], 1 ), spec.activation );
				final Operand< TFloat32 > up = upsample( x );
				x = switches == null ? up : tf.math.mul( switches.get( l ), up );
				if ( spec.skipConnections ) // U-Net: the upsampled map next to the encoder's map of the same level
					x = tf.concat( Arrays.asList( x, skips.get( l ) ), tf.constant( -1 ) );
			}
			return conv( x, "out", spec.layers[ 0 ] * skipFactor(), spec.outChannels(), 1 );
		}
		for ( int l = levels - 1; l >= 0; l-- )
		{
			final int cout = l == 0 ? spec.outChannels() : spec.layers[ l - 1 ];
			x = transposedConv( x, "dec" + l, spec.layers[ l ], cout );
			if ( l > 0 )
				x = activation( x, spec.activation );
		}
		return x;
	}

	/** Channels grow by this factor where a skip connection is concatenated. */
	private int skipFactor()
	{
		return spec.skipConnections ? 2 : 1;
	}

	private Operand< TFloat32 > conv( final Operand< TFloat32 > x, final String name, final int cin, final int cout, final int stride )
	{
		final int k = spec.kernel;
		final Variable< TFloat32 > w = weight( name + "_w", new long[] { k, k, cin, cout }, ( long ) k * k * cin, ( long ) k * k * cout );
		final Variable< TFloat32 > b = bias( name + "_b", cout );
		return tf.nn.biasAdd( tf.nn.conv2d( x, w, Arrays.asList( 1L, ( long ) stride, ( long ) stride, 1L ), "SAME" ), b );
	}

	/** Stride-2 'SAME' transposed convolution; the output size is computed in the graph so any batch and size work. */
	private Operand< TFloat32 > transposedConv( final Operand< TFloat32 > x, final String name, final int cin, final int cout )
	{
		final int k = spec.kernel;
		// Conv2DBackpropInput's filter layout is [kh, kw, out_channels, in_channels]
		final Variable< TFloat32 > w = weight( name + "_w", new long[] { k, k, cout, cin }, ( long ) k * k * cout, ( long ) k * k * cin );
		final Variable< TFloat32 > b = bias( name + "_b", cout );
		final Operand< TInt32 > shape = tf.shape( x );
		final Operand< TInt32 > sizes = tf.math.add( tf.math.mul( shape, tf.constant( new int[] { 1, 2, 2, 0 } ) ), tf.constant( new int[] { 0, 0, 0, cout } ) );
		return tf.nn.biasAdd( tf.nn.conv2dBackpropInput( sizes, w, x, Arrays.asList( 1L, 2L, 2L, 1L ), "SAME" ), b );
	}

	private Operand< TFloat32 > upsample( final Operand< TFloat32 > x )
	{
		final Operand< TInt32 > hw = tf.slice( tf.shape( x ), tf.constant( new int[] { 1 } ), tf.constant( new int[] { 2 } ) );
		return tf.image.resizeNearestNeighbor( x, tf.math.mul( hw, tf.constant( new int[] { 2, 2 } ) ) );
	}

	// -- shared pieces --

	/** Ops that name the next op {@code fullName}, which may contain '/' scopes. */
	private Ops named( final String fullName )
	{
		final int slash = fullName.lastIndexOf( '/' );
		if ( slash < 0 )
			return tf.withName( fullName );
		return scope( fullName.substring( 0, slash ) ).withName( fullName.substring( slash + 1 ) );
	}

	/** One Ops per scope name: TensorFlow would otherwise make each new sub-scope unique (params_1, ...). */
	private Ops scope( final String name )
	{
		return scopes.computeIfAbsent( name, n -> {
			Ops o = tf;
			for ( final String part : n.split( "/" ) )
				o = o.withSubScope( part );
			return o;
		} );
	}

	private Operand< TFloat32 > activation( final Operand< TFloat32 > x, final Activation a )
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
		default:
			throw new IllegalArgumentException( "Unknown activation " + a );
		}
	}

	private Operand< TFloat32 > output( final Operand< TFloat32 > logits )
	{
		return activation( logits, spec.outputActivation );
	}

	/** Per-element loss; BCE is computed stably from the logits. */
	private Operand< TFloat32 > elementLoss( final Operand< TFloat32 > logits, final Operand< TFloat32 > target, final Loss loss )
	{
		if ( loss == Loss.BCE )
		{
			// max(z, 0) - z * t + log(1 + exp(-|z|))
			return tf.math.add( tf.math.sub( tf.math.maximum( logits, tf.constant( 0f ) ), tf.math.mul( logits, target ) ),
					tf.math.log1p( tf.math.exp( tf.math.neg( tf.math.abs( logits ) ) ) ) );
		}
		return tf.math.squaredDifference( output( logits ), target );
	}

	/**
	 * Soft Dice loss per sample, averaged over the batch:
	 * 1 - (2 sum(w p t) + 1) / (sum(w p) + sum(w t) + 1), sums over height, width and channels.
	 */
	private Operand< TFloat32 > diceLoss( final Operand< TFloat32 > p, final Operand< TFloat32 > t, final Operand< TFloat32 > weight )
	{
		final Operand< TInt32 > axes = tf.constant( new int[] { 1, 2, 3 } );
		final Operand< TFloat32 > pw = weight == null ? p : tf.math.mul( p, weight );
		final Operand< TFloat32 > tw = weight == null ? t : tf.math.mul( t, weight );
		final Operand< TFloat32 > one = tf.constant( 1f );
		final Operand< TFloat32 > inter = tf.sum( tf.math.mul( pw, t ), axes );
		final Operand< TFloat32 > dice = tf.math.div( tf.math.add( tf.math.mul( tf.constant( 2f ), inter ), one ),
				tf.math.add( tf.math.add( tf.sum( pw, axes ), tf.sum( tw, axes ) ), one ) );
		return tf.math.mean( tf.math.sub( one, dice ), tf.constant( 0 ) );
	}

	private Operand< TFloat32 > sumAll( final Operand< TFloat32 > x )
	{
		final Operand< TInt32 > rank = tf.rank( x );
		return tf.sum( x, tf.range( tf.constant( 0 ), rank, tf.constant( 1 ) ) );
	}

	private Variable< TFloat32 > weight( final String name, final long fanIn, final long fanOut )
	{
		return weight( name, new long[] { fanIn, fanOut }, fanIn, fanOut );
	}

	private Variable< TFloat32 > weight( final String name, final long[] shape, final long fanIn, final long fanOut )
	{
		final Variable< TFloat32 > existing = params.get( name );
		if ( existing != null )
			return existing;
		final float limit = ( float ) Math.sqrt( 6.0 / ( fanIn + fanOut ) );
		final Operand< TInt64 > seedPair = tf.constant( new long[] { seed, ++seedCounter } );
		final Operand< TFloat32 > uniform = tf.random.statelessRandomUniform( tf.constant( shape ), seedPair, TFloat32.class );
		final Operand< TFloat32 > init = tf.math.mul( tf.math.sub( uniform, tf.constant( 0.5f ) ), tf.constant( 2 * limit ) );
		final Variable< TFloat32 > v = scope( Endpoints.PARAMS ).withName( name ).variable( init );
		params.put( name, v );
		paramShapes.put( name, shape );
		weights.add( v );
		return v;
	}

	private Variable< TFloat32 > bias( final String name, final long size )
	{
		final Variable< TFloat32 > existing = params.get( name );
		if ( existing != null )
			return existing;
		final Variable< TFloat32 > v = scope( Endpoints.PARAMS ).withName( name ).variable( tf.zeros( tf.constant( new long[] { size } ), TFloat32.class ) );
		params.put( name, v );
		paramShapes.put( name, new long[] { size } );
		return v;
	}

	private long[] shapeOf( final Variable< TFloat32 > v )
	{
		for ( final Map.Entry< String, Variable< TFloat32 > > e : params.entrySet() )
			if ( e.getValue() == v )
				return paramShapes.get( e.getKey() );
		throw new IllegalStateException( "not a parameter: " + v );
	}

	/**
	 * Optimiser ops for {@code vars}: one named train op that applies Adam or
	 * Adadelta with the learning rate lr0 / (1 + decay * step) and then
	 * increments its step counter.
	 */
	private void optimizer( final Operand< TFloat32 > objective, final List< Variable< TFloat32 > > vars, final String scope,
			final String trainName, final String stepName, final String lrName )
	{
		final Output< ? >[] outs = new Output< ? >[ vars.size() ];
		for ( int i = 0; i < outs.length; i++ )
			outs[ i ] = vars.get( i ).asOutput();
		final Output< ? >[] grads = graph.addGradients( objective.asOutput(), outs );

		final Variable< TInt64 > step = named( stepName ).variable( tf.constant( 0L ) );
		final Operand< TFloat32 > stepF = tf.dtypes.cast( step, TFloat32.class );
		final Operand< TFloat32 > lr = named( lrName ).math.div( tf.constant( ( float ) spec.learningRate ),
				tf.math.add( tf.constant( 1f ), tf.math.mul( tf.constant( ( float ) spec.decay ), stepF ) ) );
		final List< Op > applies = new ArrayList<>();
		final Ops slots = scope( scope + "optimizer" );
		if ( spec.optimizer == Optimizer.ADAM )
		{
			final Operand< TFloat32 > beta1 = tf.constant( 0.9f ), beta2 = tf.constant( 0.999f ), eps = tf.constant( 1e-7f );
			final Operand< TFloat32 > t = tf.math.add( stepF, tf.constant( 1f ) );
			final Operand< TFloat32 > beta1Power = tf.math.pow( beta1, t ), beta2Power = tf.math.pow( beta2, t );
			for ( int i = 0; i < vars.size(); i++ )
			{
				final long[] shape = shapeOf( vars.get( i ) );
				final Variable< TFloat32 > m = slots.variable( tf.zeros( tf.constant( shape ), TFloat32.class ) );
				final Variable< TFloat32 > v = slots.variable( tf.zeros( tf.constant( shape ), TFloat32.class ) );
				@SuppressWarnings( "unchecked" )
				final Operand< TFloat32 > g = ( Output< TFloat32 > ) grads[ i ];
				applies.add( tf.train.applyAdam( vars.get( i ), m, v, beta1Power, beta2Power, lr, beta1, beta2, eps, g ) );
			}
		}
		else
		{
			final Operand< TFloat32 > rho = tf.constant( 0.95f ), eps = tf.constant( 1e-7f );
			for ( int i = 0; i < vars.size(); i++ )
			{
				final long[] shape = shapeOf( vars.get( i ) );
				final Variable< TFloat32 > accum = slots.variable( tf.zeros( tf.constant( shape ), TFloat32.class ) );
				final Variable< TFloat32 > accumUpdate = slots.variable( tf.zeros( tf.constant( shape ), TFloat32.class ) );
				@SuppressWarnings( "unchecked" )
				final Operand< TFloat32 > g = ( Output< TFloat32 > ) grads[ i ];
				applies.add( tf.train.applyAdadelta( vars.get( i ), accum, accumUpdate, lr, rho, eps, g ) );
			}
		}
		final Op increment = tf.withControlDependencies( applies ).assignAdd( step, tf.constant( 1L ) );
		named( trainName ).withControlDependencies( increment ).noOp();
	}

	/** One placeholder + assign per parameter, to write snapshots back (best weights). */
	private void restoreOps()
	{
		for ( final Map.Entry< String, Variable< TFloat32 > > e : params.entrySet() )
		{
			final String name = Endpoints.PARAMS + "/" + e.getKey();
			final Placeholder< TFloat32 > value = named( Endpoints.restoreValue( name ) ).placeholder( TFloat32.class,
					Placeholder.shape( Shape.of( paramShapes.get( e.getKey() ) ) ) );
			named( Endpoints.restore( name ) ).assign( e.getValue(), value );
		}
	}
}
