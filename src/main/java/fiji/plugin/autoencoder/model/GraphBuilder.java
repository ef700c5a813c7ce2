package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * <p>
 * 3D specs ({@link ModelSpec#is3D()}) get NDHWC tensors, {@code Conv3D} with
 * cubic kernels, {@code MaxPool3D} 2x2x2 or stride-2 {@code Conv3D} in the
 * encoder, and 2x2x2 nearest upsampling (reshape + tile) or stride-2
 * transposed {@code Conv3DBackpropInputV2} in the decoder; their missing
 * gradients are registered first ({@link Gradients3D}).
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

	private final Ops root;

	/** The ops of the part being built: the root, or one step of the multi-step ops. */
	private Ops tf;

	/** Parameter variables by name (without scope), in creation order. */
	private final Map< String, Operand< TFloat32 > > params = new LinkedHashMap<>();

	private final Map< String, long[] > paramShapes = new LinkedHashMap<>();

	/** Names of the weight matrices and kernels (not biases), for the L2 penalty. */
	private final List< String > weights = new ArrayList<>();

	/** The values the computation reads instead of the variables (one step of the multi-step ops); empty: the variables. */
	private final Map< String, Operand< TFloat32 > > view = new HashMap<>();

	/** True when adding to a built graph: parameters and optimiser slots exist and are looked up, never created. */
	private final boolean extending;

	private int seedCounter;

	/** The data loss of the last {@link #objective} built. */
	private Operand< TFloat32 > lastLoss;

	/** The encoder's pre-pool feature map per level of the last encoder built (skip_connections only). */
	private final List< Operand< TFloat32 > > skips = new ArrayList<>();

	private final Map< String, Ops > scopes = new HashMap<>();

	private GraphBuilder( final ModelSpec spec, final long seed, final Graph graph, final boolean extending )
	{
		this.spec = spec;
		this.seed = seed;
		this.graph = graph;
		this.root = Ops.create( graph );
		this.tf = root;
		this.extending = extending;
	}

	/** Builds a new graph for the (validated) spec; the caller owns and closes it. */
	public static Graph build( final ModelSpec spec, final long seed )
	{
		spec.validate();
		if ( spec.is3D() )
			Gradients3D.ensureRegistered();
		final Graph g = new Graph();
		try
		{
			new GraphBuilder( spec, seed, g, false ).build();
			return g;
		}
		catch ( final RuntimeException e )
		{
			g.close();
			throw e;
		}
	}

	/** The shape of a batch of inputs (or outputs) with this many channels: unknown batch, spatial sizes unless fixed. */
	private Shape batchShape( final int channels )
	{
		if ( spec.is3D() )
			return Shape.of( -1, -1, -1, -1, channels );
		final boolean fixed = spec.hasFixedInputSize();
		final long h = fixed ? spec.height : -1, w = fixed ? spec.width : -1;
		return Shape.of( -1, h, w, channels );
	}

	/** Rank of the image tensors: 4 (NHWC) or 5 (NDHWC). */
	private int rank()
	{
		return spec.spatialDims() + 2;
	}

	/** {@code [0, 1, ..., rank - 1]}: all axes of an image tensor. */
	private int[] allAxes()
	{
		final int[] a = new int[ rank() ];
		for ( int i = 0; i < a.length; i++ )
			a[ i ] = i;
		return a;
	}

	/** An int vector of rank() entries: {@code first}, then {@code rest} repeated. */
	private int[] vector( final int first, final int rest )
	{
		final int[] a = new int[ rank() ];
		Arrays.fill( a, rest );
		a[ 0 ] = first;
		return a;
	}

	private void build()
	{
		final Placeholder< TFloat32 > input = tf.withName( Endpoints.INPUT ).placeholder( TFloat32.class,
				Placeholder.shape( batchShape( spec.channels ) ) );
		final Placeholder< TFloat32 > target = tf.withName( Endpoints.TARGET ).placeholder( TFloat32.class,
				Placeholder.shape( batchShape( spec.outChannels() ) ) );
		final Placeholder< TFloat32 > weight = !spec.weightedLoss ? null : tf.withName( Endpoints.LOSS_WEIGHT ).placeholder( TFloat32.class,
				Placeholder.shape( batchShape( spec.outChannels() ) ) );
		final List< Operand< TFloat32 > > denseHidden = new ArrayList<>();
		final Operand< TFloat32 > objective = objective( input, target, weight, true, denseHidden );

		final Variable< TInt64 > step = named( Endpoints.STEP ).variable( tf.constant( 0L ) );
		final Operand< TFloat32 > lr = named( Endpoints.LEARNING_RATE ).identity( learningRate( step ) );
		final List< Op > applies = optimizer( objective, new ArrayList<>( params.keySet() ), "", lr, step );
		final Op increment = tf.withControlDependencies( applies ).assignAdd( step, tf.constant( 1L ) );
		named( Endpoints.TRAIN ).withControlDependencies( increment ).noOp();
		if ( spec.layerwisePretraining )
			pretrainingOps( input, denseHidden );
		restoreOps();
	}

	/**
	 * The forward pass, data loss and objective (loss + L2) for the given input,
	 * with the parameters read from {@link #view}. With {@code endpoints}, also
	 * the named code, reconstruction and stand-alone decoder endpoints.
	 */
	private Operand< TFloat32 > objective( final Operand< TFloat32 > input, final Operand< TFloat32 > target, final Operand< TFloat32 > weight,
			final boolean endpoints, final List< Operand< TFloat32 > > denseHidden )
	{
		final Operand< TFloat32 > logits;
		if ( spec.kind == Kind.DENSE )
		{
			final Operand< TFloat32 > flat = tf.reshape( input, tf.constant( new long[] { -1, spec.inputSize() } ) );
			final Operand< TFloat32 > code = tf.withName( Endpoints.CODE ).identity( denseEncoder( flat, denseHidden ) );
			logits = imageShaped( denseDecoder( code ) );
			if ( endpoints )
			{
				final Placeholder< TFloat32 > codeIn = tf.withName( Endpoints.CODE_INPUT ).placeholder( TFloat32.class,
						Placeholder.shape( Shape.of( -1, spec.codeSize ) ) );
				tf.withName( Endpoints.DECODED ).identity( output( imageShaped( denseDecoder( codeIn ) ) ) );
			}
		}
		else
		{
			final List< Operand< TFloat32 > > switches = new ArrayList<>();
			final Operand< TFloat32 > code = tf.withName( Endpoints.CODE ).identity( convEncoder( input, switches ) );
			final Operand< TFloat32 > decoded = convDecoder( code, spec.unpooling == Unpooling.ZERO_FILL ? switches : null );
			logits = spec.residual ? tf.math.add( decoded, input ) : decoded; // residual: the net predicts the correction
			if ( endpoints && spec.unpooling != Unpooling.ZERO_FILL && !spec.skipConnections && !spec.residual )
			{
				final Placeholder< TFloat32 > codeIn = tf.withName( Endpoints.CODE_INPUT ).placeholder( TFloat32.class,
						Placeholder.shape( codeShape() ) );
				tf.withName( Endpoints.DECODED ).identity( output( convDecoder( codeIn, null ) ) );
			}
		}
		if ( endpoints )
			tf.withName( Endpoints.RECONSTRUCTION ).identity( output( logits ) );

		final Operand< TFloat32 > perElement = SegmentationLosses.handles( spec ) ? null : elementLoss( logits, target, spec.loss );
		final Operand< TFloat32 > loss;
		if ( perElement == null )
			loss = tf.withName( Endpoints.LOSS ).identity( SegmentationLosses.loss( tf, spec, logits, target, weight, rank() ) );
		else if ( weight != null )
			loss = tf.withName( Endpoints.LOSS ).math.div( sumAll( tf.math.mul( perElement, weight ) ),
					tf.math.maximum( sumAll( weight ), tf.constant( 1e-8f ) ) );
		else
			loss = tf.withName( Endpoints.LOSS ).math.mean( perElement, tf.constant( allAxes() ) );
		lastLoss = loss;

		Operand< TFloat32 > objective = loss;
		if ( spec.l2 > 0 && !weights.isEmpty() )
		{
			Operand< TFloat32 > penalty = null;
			for ( final String name : weights )
			{
				final Operand< TFloat32 > s = sumAll( tf.math.square( tf.identity( param( name ) ) ) ); // NB: Square's gradient crashes on a ref-typed input
				penalty = penalty == null ? s : tf.math.add( penalty, s );
			}
			objective = tf.math.add( loss, tf.math.mul( tf.constant( ( float ) spec.l2 ), penalty ) );
		}
		return tf.withName( Endpoints.OBJECTIVE ).identity( objective );
	}

	// -- multi-step training --

	/**
	 * Adds to a graph built by {@link #build(ModelSpec, long)} (even one in use
	 * by a session, or loaded from a file) the ops of {@code steps} consecutive
	 * optimiser steps in one {@code Session.run}, named as in
	 * {@link Endpoints#multiStep(int, String)}: step k trains on the k-th of
	 * {@code steps} equal slices of the batch and sees the parameters, optimiser
	 * state and step counter after step k-1, exactly like {@code steps} runs of
	 * {@link Endpoints#TRAIN}. The batch is either fed to
	 * {@link Endpoints#MS_INPUT} (and {@link Endpoints#MS_TARGET},
	 * {@link Endpoints#MS_LOSS_WEIGHT}) or, if only {@link Endpoints#MS_INDICES}
	 * is fed, gathered from the training data uploaded to the graph (resource
	 * variables {@link Endpoints#DATA_INPUTS}, {@link Endpoints#DATA_TARGETS},
	 * which model files never save). Does nothing if the ops exist.
	 */
	public static void addMultiStep( final Graph graph, final ModelSpec spec, final int steps )
	{
		if ( steps < 1 )
			throw new IllegalArgumentException( "steps per run must be at least 1, got " + steps );
		if ( graph.operation( Endpoints.multiStep( steps, Endpoints.MS_TRAIN ) ) != null )
			return;
		if ( spec.is3D() )
			Gradients3D.ensureRegistered();
		final GraphBuilder b = new GraphBuilder( spec, 0, graph, true );
		b.findParameters();
		b.multiStep( steps );
	}

	private void findParameters()
	{
		final String prefix = Endpoints.PARAMS + "/";
		final java.util.Iterator< org.tensorflow.GraphOperation > it = graph.operations();
		final List< String > names = new ArrayList<>();
		while ( it.hasNext() )
		{
			final org.tensorflow.GraphOperation op = it.next();
			if ( op.name().startsWith( prefix ) && op.name().indexOf( '/', prefix.length() ) < 0 && op.type().startsWith( "Variable" ) )
				names.add( op.name().substring( prefix.length() ) );
		}
		for ( final String n : names )
		{
			final Output< TFloat32 > v = graph.operation( prefix + n ).output( 0 );
			params.put( n, v );
			paramShapes.put( n, v.shape().asArray() );
			if ( n.endsWith( "_w" ) )
				weights.add( n );
		}
		if ( params.isEmpty() )
			throw new IllegalArgumentException( "The graph has no '" + prefix + "' parameters: it was not built by this plugin" );
	}

	private void ensureDataVariables()
	{
		if ( graph.operation( Endpoints.DATA_INPUTS ) != null )
			return;
		dataVariable( Endpoints.DATA_INPUTS, batchShape( spec.channels ) );
		final Operand< ? > targets = dataVariable( Endpoints.DATA_TARGETS, batchShape( spec.outChannels() ) );
		if ( spec.outChannels() == spec.channels )
		{
			// plain autoencoding: the targets are the inputs (shares the buffer, no copy)
			final Operand< TFloat32 > inputs = root.readVariableOp( graph.operation( Endpoints.DATA_INPUTS ).output( 0 ), TFloat32.class );
			named( Endpoints.DATA_TARGETS_FROM_INPUTS ).assignVariableOp( targets, inputs );
		}
	}

	private Operand< ? > dataVariable( final String name, final Shape shape )
	{
		final Operand< ? > handle = named( name ).varHandleOp( TFloat32.class, shape, org.tensorflow.op.core.VarHandleOp.sharedName( name ) );
		final Placeholder< TFloat32 > value = named( Endpoints.dataValue( name ) ).placeholder( TFloat32.class, Placeholder.shape( shape ) );
		named( Endpoints.dataAssign( name ) ).assignVariableOp( handle, value );
		return handle;
	}

	private void multiStep( final int steps )
	{
		ensureDataVariables();
		final Ops ms = scope( Endpoints.multiStepScope( steps ) );
		final String p = Endpoints.multiStepScope( steps ) + "/";
		// the batch: gathered from the uploaded data by index, unless fed directly
		final Operand< TInt32 > indices = named( p + Endpoints.MS_INDICES ).placeholder( TInt32.class, Placeholder.shape( Shape.of( -1 ) ) );
		final Operand< TFloat32 > dataIn = ms.readVariableOp( graph.operation( Endpoints.DATA_INPUTS ).output( 0 ), TFloat32.class );
		final Operand< TFloat32 > dataOut = ms.readVariableOp( graph.operation( Endpoints.DATA_TARGETS ).output( 0 ), TFloat32.class );
		final Operand< TFloat32 > input = named( p + Endpoints.MS_INPUT ).identity( ms.gather( dataIn, indices, ms.constant( 0 ) ) );
		final Operand< TFloat32 > target = named( p + Endpoints.MS_TARGET ).identity( ms.gather( dataOut, indices, ms.constant( 0 ) ) );
		final Operand< TFloat32 > weight = spec.weightedLoss ? named( p + Endpoints.MS_LOSS_WEIGHT ).placeholder( TFloat32.class ) : null;
		final Operand< TInt32 > n = ms.math.div( ms.slice( ms.shape( input ), ms.constant( new int[] { 0 } ), ms.constant( new int[] { 1 } ) ), ms.constant( steps ) );
		final Operand< TInt32 > sliceSize = ms.concat( Arrays.asList( n, ms.constant( Arrays.copyOf( vector( -1, -1 ), rank() - 1 ) ) ), ms.constant( 0 ) );

		final Operand< TInt64 > step = graph.operation( Endpoints.STEP ).output( 0 );
		final List< Operand< TFloat32 > > losses = new ArrayList<>();
		List< Op > previous = new ArrayList<>();
		for ( int k = 0; k < steps; k++ )
		{
			tf = ms.withSubScope( "step" + k ).withControlDependencies( previous );
			// every read of step k waits for the updates of step k-1
			view.clear();
			for ( final Map.Entry< String, Operand< TFloat32 > > e : params.entrySet() )
				view.put( e.getKey(), tf.identity( e.getValue() ) );
			final Operand< TInt32 > begin = tf.concat( Arrays.asList( tf.math.mul( n, tf.constant( k ) ), tf.constant( new int[ rank() - 1 ] ) ), tf.constant( 0 ) );
			final Operand< TFloat32 > objective = objective( tf.slice( input, begin, sliceSize ), tf.slice( target, begin, sliceSize ),
					weight == null ? null : tf.slice( weight, begin, sliceSize ), false, new ArrayList<>() );
			losses.add( lastLoss );
			final Operand< TInt64 > stepRead = tf.identity( step );
			final List< Op > applies = optimizer( objective, new ArrayList<>( params.keySet() ), "", learningRate( stepRead ), stepRead );
			previous = new ArrayList<>();
			previous.add( root.withControlDependencies( applies ).assignAdd( step, root.constant( 1L ) ) );
		}
		tf = root;
		view.clear();
		named( p + Endpoints.MS_LOSSES ).stack( losses );
		named( p + Endpoints.MS_TRAIN ).withControlDependencies( previous ).noOp();
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
		final Operand< TFloat32 > w = weight( "enc" + i + "_w", sizes[ i ], sizes[ i + 1 ] );
		final Operand< TFloat32 > b = bias( "enc" + i + "_b", sizes[ i + 1 ] );
		return tf.nn.biasAdd( tf.linalg.matMul( x, w ), b );
	}

	/** Pre-activation of decoder layer {@code i}, which maps size i+1 back to size i. */
	private Operand< TFloat32 > decoderLayer( final Operand< TFloat32 > z, final int i, final int[] sizes )
	{
		final int outSize = i == 0 ? spec.height * spec.width * spec.outChannels() : sizes[ i ];
		final Operand< TFloat32 > b = bias( "dec" + i + "_b", outSize );
		if ( spec.tiedWeights )
			return tf.nn.biasAdd( tf.linalg.matMul( z, param( "enc" + i + "_w" ), MatMul.transposeB( true ) ), b );
		final Operand< TFloat32 > w = weight( "dec" + i + "_w", sizes[ i + 1 ], outSize );
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
			final List< String > vars = new ArrayList<>();
			vars.add( "enc" + i + "_w" );
			vars.add( "enc" + i + "_b" );
			if ( !spec.tiedWeights )
				vars.add( "dec" + i + "_w" );
			vars.add( "dec" + i + "_b" );
			final Variable< TInt64 > step = named( scope + "/step" ).variable( tf.constant( 0L ) );
			final Operand< TFloat32 > lr = named( scope + "/learning_rate" ).identity( learningRate( step ) );
			final List< Op > applies = optimizer( loss, vars, scope + "/", lr, step );
			final Op increment = tf.withControlDependencies( applies ).assignAdd( step, tf.constant( 1L ) );
			named( Endpoints.pretrainTrain( i ) ).withControlDependencies( increment ).noOp();
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
		return batchShape( spec.layers[ spec.layers.length - 1 ] );
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
		skips.clear(); // NB: the encoder is built again for each unrolled training step
		Operand< TFloat32 > x = input;
		for ( int l = 0; l < levels; l++ )
		{
			final boolean last = l == levels - 1 && spec.codeSize == 0;
			final Activation act = last ? spec.codeActivation : spec.activation;
			if ( spec.kind == Kind.CONV_POOL )
			{
				Operand< TFloat32 > pre = x;
				for ( int j = 0; j < spec.convsPerLevel; j++ ) // j > 0: the extra convolutions of a deeper level (enc<l>_<j>)
					pre = activation( conv( pre, "enc" + l + ( j == 0 ? "" : "_" + j ), j == 0 ? inChannels( l ) : spec.layers[ l ], spec.layers[ l ], 1 ),
							j == spec.convsPerLevel - 1 ? act : spec.activation );
				if ( spec.skipConnections )
					skips.add( pre );
				x = pool( pre );
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
				final int cin = l == levels - 1 ? spec.layers[ levels - 1 ] : mergedChannels( l + 1 );
				x = activation( conv( x, "dec" + l, cin, spec.layers[ l ], 1 ), spec.activation );
				final Operand< TFloat32 > up = upsample( x );
				x = switches == null ? up : tf.math.mul( switches.get( l ), up );
				if ( spec.skipConnections ) // U-Net: the upsampled map next to the encoder's map of the same level
					x = tf.concat( Arrays.asList( x, skips.get( l ) ), tf.constant( -1 ) );
				for ( int j = 1; j < spec.convsPerLevel; j++ ) // deeper levels: convolutions after the merge (merge<l>_<j>)
					x = activation( conv( x, "merge" + l + "_" + j, j == 1 ? spec.layers[ l ] * skipFactor() : spec.layers[ l ], spec.layers[ l ], 1 ), spec.activation );
			}
			return conv( x, "out", mergedChannels( 0 ), spec.outChannels(), 1 );
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

	/** 2x2 (2x2x2) max-pooling. */
	private Operand< TFloat32 > pool( final Operand< TFloat32 > x )
	{
		if ( spec.is3D() )
			return tf.nn.maxPool3d( x, longs( vector( 1, 2 ), 1 ), longs( vector( 1, 2 ), 1 ), "VALID" );
		return tf.nn.maxPool( x, tf.constant( new int[] { 1, 2, 2, 1 } ), tf.constant( new int[] { 1, 2, 2, 1 } ), "VALID" );
	}

	/** The int vector as a list of longs, with the last entry replaced by {@code last}. */
	private static List< Long > longs( final int[] a, final long last )
	{
		final List< Long > l = new ArrayList<>();
		for ( final int v : a )
			l.add( ( long ) v );
		l.set( l.size() - 1, last );
		return l;
	}

	/** A cubic kernel's shape {k, k, k, a, b} (3D) or {k, k, a, b}, and its fan-in/out. */
	private long[] kernelShape( final long a, final long b )
	{
		final long k = spec.kernel;
		return spec.is3D() ? new long[] { k, k, k, a, b } : new long[] { k, k, a, b };
	}

	private long kernelVolume()
	{
		final long k = spec.kernel;
		return spec.is3D() ? k * k * k : k * k;
	}

	private Operand< TFloat32 > conv( final Operand< TFloat32 > x, final String name, final int cin, final int cout, final int stride )
	{
		if ( spec.is3D() )
		{
			final Operand< TFloat32 > w = weight( name + "_w", kernelShape( cin, cout ), kernelVolume() * cin, kernelVolume() * cout );
			final Operand< TFloat32 > b = bias( name + "_b", cout );
			return tf.nn.biasAdd( tf.nn.conv3d( x, w, longs( vector( 1, stride ), 1 ), "SAME" ), b );
		}
		final int k = spec.kernel;
		final Operand< TFloat32 > w = weight( name + "_w", new long[] { k, k, cin, cout }, ( long ) k * k * cin, ( long ) k * k * cout );
		final Operand< TFloat32 > b = bias( name + "_b", cout );
		return tf.nn.biasAdd( tf.nn.conv2d( x, w, Arrays.asList( 1L, ( long ) stride, ( long ) stride, 1L ), "SAME" ), b );
	}

	/** Stride-2 'SAME' transposed convolution; the output size is computed in the graph so any batch and size work. */
	private Operand< TFloat32 > transposedConv( final Operand< TFloat32 > x, final String name, final int cin, final int cout )
	{
		if ( spec.is3D() )
		{
			// Conv3DBackpropInputV2's filter layout is [kd, kh, kw, out_channels, in_channels]
			final Operand< TFloat32 > w = weight( name + "_w", kernelShape( cout, cin ), kernelVolume() * cout, kernelVolume() * cin );
			final Operand< TFloat32 > b = bias( name + "_b", cout );
			final int[] add = new int[ 5 ];
			add[ 4 ] = cout;
			final Operand< TInt32 > sizes = tf.math.add( tf.math.mul( tf.shape( x ), tf.constant( new int[] { 1, 2, 2, 2, 0 } ) ), tf.constant( add ) );
			return tf.nn.biasAdd( tf.nn.conv3dBackpropInput( sizes, w, x, longs( vector( 1, 2 ), 1 ), "SAME" ), b );
		}
		final int k = spec.kernel;
		// Conv2DBackpropInput's filter layout is [kh, kw, out_channels, in_channels]
		final Operand< TFloat32 > w = weight( name + "_w", new long[] { k, k, cout, cin }, ( long ) k * k * cout, ( long ) k * k * cin );
		final Operand< TFloat32 > b = bias( name + "_b", cout );
		final Operand< TInt32 > shape = tf.shape( x );
		final Operand< TInt32 > sizes = tf.math.add( tf.math.mul( shape, tf.constant( new int[] { 1, 2, 2, 0 } ) ), tf.constant( new int[] { 0, 0, 0, cout } ) );
		return tf.nn.biasAdd( tf.nn.conv2dBackpropInput( sizes, w, x, Arrays.asList( 1L, 2L, 2L, 1L ), "SAME" ), b );
	}

	private Operand< TFloat32 > upsample( final Operand< TFloat32 > x )
	{
		if ( spec.is3D() )
		{
			// nearest 2x2x2: (N, D, H, W, C) -> (N, D, 1, H, 1, W, 1, C), tile by 2 on the new axes, merge them
			final Operand< TInt32 > s = tf.shape( x );
			final Operand< TInt32 > one = tf.constant( new int[] { 1 } );
			final List< Operand< TInt32 > > parts = new ArrayList<>();
			for ( int a = 0; a < 5; a++ )
			{
				parts.add( tf.slice( s, tf.constant( new int[] { a } ), one ) );
				if ( a >= 1 && a <= 3 )
					parts.add( one );
			}
			final Operand< TFloat32 > expanded = tf.reshape( x, tf.concat( parts, tf.constant( 0 ) ) );
			final Operand< TFloat32 > tiled = tf.tile( expanded, tf.constant( new int[] { 1, 1, 2, 1, 2, 1, 2, 1 } ) );
			return tf.reshape( tiled, tf.math.mul( s, tf.constant( new int[] { 1, 2, 2, 2, 1 } ) ) );
		}
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
			Ops o = root;
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
		case SOFTMAX:
			return SegmentationLosses.softmax( tf, x, spec.outChannels() );
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
			// softplus(z) - z * t = max(z, 0) - z * t + log(1 + exp(-|z|)); the Softplus kernel is stable and
			// gives far fewer element-wise ops (forward and gradient) than the formula on the right
			return tf.math.sub( tf.math.softplus( logits ), tf.math.mul( logits, target ) );
		}
		return tf.math.squaredDifference( output( logits ), target );
	}

	/** Channels of the decoder's map at level l after upsampling, concatenation and the convolutions after the merge. */
	private int mergedChannels( final int l )
	{
		return spec.convsPerLevel > 1 ? spec.layers[ l ] : spec.layers[ l ] * skipFactor();
	}

	/** Channels grow by this factor where a skip connection is concatenated. */
	private int skipFactor()
	{
		return spec.skipConnections ? 2 : 1;
	}

	private Operand< TFloat32 > sumAll( final Operand< TFloat32 > x )
	{
		final Operand< TInt32 > rank = tf.rank( x );
		return tf.sum( x, tf.range( tf.constant( 0 ), rank, tf.constant( 1 ) ) );
	}

	/** The value of a parameter as the part being built reads it. */
	private Operand< TFloat32 > param( final String name )
	{
		final Operand< TFloat32 > v = view.get( name );
		return v != null ? v : params.get( name );
	}

	private Operand< TFloat32 > weight( final String name, final long fanIn, final long fanOut )
	{
		return weight( name, new long[] { fanIn, fanOut }, fanIn, fanOut );
	}

	private Operand< TFloat32 > weight( final String name, final long[] shape, final long fanIn, final long fanOut )
	{
		if ( params.containsKey( name ) || extending )
			return existing( name );
		final float limit = ( float ) Math.sqrt( 6.0 / ( fanIn + fanOut ) );
		final Operand< TInt64 > seedPair = tf.constant( new long[] { seed, ++seedCounter } );
		final Operand< TFloat32 > uniform = tf.random.statelessRandomUniform( tf.constant( shape ), seedPair, TFloat32.class );
		final Operand< TFloat32 > init = tf.math.mul( tf.math.sub( uniform, tf.constant( 0.5f ) ), tf.constant( 2 * limit ) );
		final Variable< TFloat32 > v = scope( Endpoints.PARAMS ).withName( name ).variable( init );
		params.put( name, v );
		paramShapes.put( name, shape );
		weights.add( name );
		return v;
	}

	private Operand< TFloat32 > bias( final String name, final long size )
	{
		if ( params.containsKey( name ) || extending )
			return existing( name );
		final Variable< TFloat32 > v = scope( Endpoints.PARAMS ).withName( name ).variable( tf.zeros( tf.constant( new long[] { size } ), TFloat32.class ) );
		params.put( name, v );
		paramShapes.put( name, new long[] { size } );
		return v;
	}

	private Operand< TFloat32 > existing( final String name )
	{
		if ( !params.containsKey( name ) )
			throw new IllegalArgumentException( "The graph has no parameter '" + Endpoints.PARAMS + "/" + name + "': it does not match its spec; rebuild the model from the spec" );
		return param( name );
	}

	/** lr0 / (1 + decay * step). */
	private Operand< TFloat32 > learningRate( final Operand< TInt64 > step )
	{
		final Operand< TFloat32 > stepF = tf.dtypes.cast( step, TFloat32.class );
		return tf.math.div( tf.constant( ( float ) spec.learningRate ),
				tf.math.add( tf.constant( 1f ), tf.math.mul( tf.constant( ( float ) spec.decay ), stepF ) ) );
	}

	/** An optimiser slot variable of a parameter (created zero, or looked up when extending). */
	private Operand< TFloat32 > slot( final String scope, final String param, final String slot )
	{
		final String name = scope + "optimizer/" + param + "_" + slot;
		if ( extending )
		{
			final org.tensorflow.GraphOperation op = graph.operation( name );
			if ( op == null )
				throw new IllegalArgumentException( "The graph has no optimiser slot '" + name + "': it was built by an older version; rebuild the model from the spec" );
			return op.output( 0 );
		}
		return named( name ).variable( tf.zeros( tf.constant( paramShapes.get( param ) ), TFloat32.class ) );
	}

	/**
	 * The Adam or Adadelta updates of the parameters {@code names} for
	 * {@code objective} with learning rate {@code lr} at step {@code step}
	 * (Adam's bias correction). Every update waits for all gradients, so no
	 * op of this step reads a parameter after its update.
	 */
	private List< Op > optimizer( final Operand< TFloat32 > objective, final List< String > names, final String scope,
			final Operand< TFloat32 > lr, final Operand< TInt64 > step )
	{
		final Output< ? >[] outs = new Output< ? >[ names.size() ];
		for ( int i = 0; i < outs.length; i++ )
			outs[ i ] = param( names.get( i ) ).asOutput();
		final Output< ? >[] grads = graph.addGradients( objective.asOutput(), outs );
		final List< Op > allGrads = new ArrayList<>();
		allGrads.add( objective );
		for ( final Output< ? > g : grads )
			allGrads.add( g );
		final Ops after = tf.withControlDependencies( allGrads );
		final List< Op > applies = new ArrayList<>();
		if ( spec.optimizer == Optimizer.ADAM )
		{
			final Operand< TFloat32 > beta1 = tf.constant( 0.9f ), beta2 = tf.constant( 0.999f ), eps = tf.constant( 1e-7f );
			final Operand< TFloat32 > t = tf.math.add( tf.dtypes.cast( step, TFloat32.class ), tf.constant( 1f ) );
			final Operand< TFloat32 > beta1Power = tf.math.pow( beta1, t ), beta2Power = tf.math.pow( beta2, t );
			for ( int i = 0; i < names.size(); i++ )
			{
				final Operand< TFloat32 > m = slot( scope, names.get( i ), "m" );
				final Operand< TFloat32 > v = slot( scope, names.get( i ), "v" );
				@SuppressWarnings( "unchecked" )
				final Operand< TFloat32 > g = ( Output< TFloat32 > ) grads[ i ];
				applies.add( after.train.applyAdam( params.get( names.get( i ) ), m, v, beta1Power, beta2Power, lr, beta1, beta2, eps, g ) );
			}
		}
		else
		{
			final Operand< TFloat32 > rho = tf.constant( 0.95f ), eps = tf.constant( 1e-7f );
			for ( int i = 0; i < names.size(); i++ )
			{
				final Operand< TFloat32 > accum = slot( scope, names.get( i ), "accum" );
				final Operand< TFloat32 > accumUpdate = slot( scope, names.get( i ), "accum_update" );
				@SuppressWarnings( "unchecked" )
				final Operand< TFloat32 > g = ( Output< TFloat32 > ) grads[ i ];
				applies.add( after.train.applyAdadelta( params.get( names.get( i ) ), accum, accumUpdate, lr, rho, eps, g ) );
			}
		}
		return applies;
	}

	/** One placeholder + assign per parameter, to write snapshots back (best weights). */
	private void restoreOps()
	{
		for ( final Map.Entry< String, Operand< TFloat32 > > e : params.entrySet() )
		{
			final String name = Endpoints.PARAMS + "/" + e.getKey();
			final Placeholder< TFloat32 > value = named( Endpoints.restoreValue( name ) ).placeholder( TFloat32.class,
					Placeholder.shape( Shape.of( paramShapes.get( e.getKey() ) ) ) );
			named( Endpoints.restore( name ) ).assign( e.getValue(), value );
		}
	}
}
