package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import fiji.plugin.autoencoder.model.ModelSpec.Kind;
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
 * <p>
 * The parts live in their own package-private classes: {@link DenseLayers},
 * {@link ConvLayers}, {@link LossOps}, {@link OptimizerOps},
 * {@link MultiStepOps} and {@link PretrainingOps}, sharing one
 * {@link BuildContext}.
 *
 * <pre>{@code
 * try ( Graph g = GraphBuilder.build( Presets.convStrided(), 42 ) ) { ... }
 * }</pre>
 */
public final class GraphBuilder
{
	private final BuildContext c;

	private final DenseLayers dense;

	private final ConvLayers conv;

	/** The data loss of the last {@link #objective} built. */
	private Operand< TFloat32 > lastLoss;

	private GraphBuilder( final ModelSpec spec, final long seed, final Graph graph, final boolean extending )
	{
		this.c = new BuildContext( spec, seed, graph, extending );
		this.dense = new DenseLayers( c );
		this.conv = new ConvLayers( c );
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
		if ( spec.batchNorm )
			throw new IllegalArgumentException(
					"Several training steps per run are not supported with batch_norm: use 1 step per run" );
		if ( spec.is3D() )
			Gradients3D.ensureRegistered();
		final GraphBuilder b = new GraphBuilder( spec, 0, graph, true );
		b.c.findParameters();
		MultiStepOps.build( b, b.c, steps );
	}

	/**
	 * Adds to a built graph (see {@link #addMultiStep}) the inference endpoint {@link Endpoints#RECONSTRUCTION_BF16}:
	 * the prediction from {@link Endpoints#INPUT} with the convolutional layers in bfloat16 (input, weights, biases
	 * and feature maps cast; oneDNN accumulates in float32), the result, the residual sum and the output activation
	 * back in float32. Reads the same parameters, adds none, and is never saved (model files store the spec and the
	 * parameter values). Does nothing if the endpoint exists.
	 */
	public static void addBfloat16Inference( final Graph graph, final ModelSpec spec )
	{
		if ( graph.operation( Endpoints.RECONSTRUCTION_BF16 ) != null )
			return;
		checkBfloat16( spec );
		final GraphBuilder b = new GraphBuilder( spec, 0, graph, true );
		b.c.findParameters();
		b.c.bf16 = true;
		final Operand< TFloat32 > input = graph.operation( Endpoints.INPUT ).output( 0 );
		b.c.tf.withName( Endpoints.RECONSTRUCTION_BF16 ).identity( b.c.output( b.convForward( input, false ) ) );
	}

	/**
	 * Adds to a built graph (see {@link #addMultiStep}) the mixed-precision training step
	 * {@link Endpoints#TRAIN_BF16} and its data loss {@link Endpoints#LOSS_BF16}: fed like {@link Endpoints#TRAIN},
	 * the forward pass with the convolutional layers in bfloat16 as in {@link #addBfloat16Inference} (so their
	 * gradients run in bfloat16 too), the loss, its gradient at the logits, the L2 penalty, the float32 master
	 * parameters, their gradients (cast back) and the optimiser's slots and updates in float32. Shares the
	 * parameters, slots and step counter with {@link Endpoints#TRAIN}: the two may alternate. Never saved.
	 */
	public static void addBfloat16Training( final Graph graph, final ModelSpec spec )
	{
		if ( graph.operation( Endpoints.TRAIN_BF16 ) != null )
			return;
		checkBfloat16( spec );
		if ( spec.is3D() )
			Gradients3D.ensureRegistered();
		final GraphBuilder b = new GraphBuilder( spec, 0, graph, true );
		final BuildContext c = b.c;
		c.findParameters();
		c.bf16 = true;
		c.singleChannelAsTransposed = true;
		final Ops tf = c.scope( Endpoints.BF16_TRAINING_SCOPE ); // one scope object: a second would be renamed
		c.tf = tf;
		final Operand< TFloat32 > weight = spec.weightedLoss ? graph.operation( Endpoints.LOSS_WEIGHT ).output( 0 )
				: null;
		final Operand< TFloat32 > objective = b.objective( graph.operation( Endpoints.INPUT ).output( 0 ),
				graph.operation( Endpoints.TARGET ).output( 0 ), weight, false, new ArrayList<>() );
		final Operand< TInt64 > step = graph.operation( Endpoints.STEP ).output( 0 );
		final List< Op > applies = OptimizerOps.updates( c, objective, c.trainable(), "",
				OptimizerOps.learningRate( c, step ), step );
		applies.addAll( c.statisticUpdates );
		final Op increment = tf.withControlDependencies( applies ).assignAdd( step, tf.constant( 1L ) );
		c.named( Endpoints.TRAIN_BF16 ).withControlDependencies( increment ).noOp();
	}

	/** Refuses the models bfloat16 does not suit, naming the fix. */
	private static void checkBfloat16( final ModelSpec spec )
	{
		if ( spec.hasFixedInputSize() )
			throw new IllegalArgumentException( "precision=bfloat16 needs a fully convolutional model; '" + spec.name
					+ "' has dense layers: use precision=float32" );
		if ( spec.unpooling == Unpooling.ZERO_FILL )
			throw new IllegalArgumentException( "precision=bfloat16 does not suit '" + spec.name
					+ "': its zero-fill unpooling keeps the maximum of each pooling window, and bfloat16's rounding "
					+ "ties values there (outputs up to 14 % off): use precision=float32" );
	}

	private void build()
	{
		final ModelSpec spec = c.spec;
		final Ops tf = c.tf;
		final Placeholder< TFloat32 > input = tf.withName( Endpoints.INPUT ).placeholder( TFloat32.class,
				Placeholder.shape( c.batchShape( spec.channels ) ) );
		final Placeholder< TFloat32 > target = tf.withName( Endpoints.TARGET ).placeholder( TFloat32.class,
				Placeholder.shape( c.batchShape( spec.outChannels() ) ) );
		final Placeholder< TFloat32 > weight = !spec.weightedLoss ? null
				: tf.withName( Endpoints.LOSS_WEIGHT ).placeholder( TFloat32.class,
						Placeholder.shape( c.batchShape( spec.outChannels() ) ) );
		final List< Operand< TFloat32 > > denseHidden = new ArrayList<>();
		final Operand< TFloat32 > objective = objective( input, target, weight, true, denseHidden );

		final Variable< TInt64 > step = c.named( Endpoints.STEP ).variable( tf.constant( 0L ) );
		final Operand< TFloat32 > lr = c.named( Endpoints.LEARNING_RATE )
				.identity( OptimizerOps.learningRate( c, step ) );
		final List< Op > applies = OptimizerOps.updates( c, objective, c.trainable(), "", lr, step );
		applies.addAll( c.statisticUpdates );
		final Op increment = tf.withControlDependencies( applies ).assignAdd( step, tf.constant( 1L ) );
		c.named( Endpoints.TRAIN ).withControlDependencies( increment ).noOp();
		if ( spec.layerwisePretraining )
			PretrainingOps.build( c, dense, input, denseHidden );
		restoreOps();
	}

	/**
	 * The forward pass, data loss and objective (loss + L2) for the given input,
	 * with the parameters read from the context's view. With {@code endpoints},
	 * also the named code, reconstruction and stand-alone decoder endpoints.
	 */
	Operand< TFloat32 > objective( final Operand< TFloat32 > input, final Operand< TFloat32 > target,
			final Operand< TFloat32 > weight,
			final boolean endpoints, final List< Operand< TFloat32 > > denseHidden )
	{
		final ModelSpec spec = c.spec;
		final Ops tf = c.tf;
		final Operand< TFloat32 > logits;
		if ( spec.kind == Kind.DENSE )
		{
			final Operand< TFloat32 > flat = tf.reshape( input, tf.constant( new long[] { -1, spec.inputSize() } ) );
			final Operand< TFloat32 > code = tf.withName( Endpoints.CODE )
					.identity( dense.encoder( flat, denseHidden ) );
			logits = dense.imageShaped( dense.decoder( code ) );
			if ( endpoints )
			{
				final Placeholder< TFloat32 > codeIn = tf.withName( Endpoints.CODE_INPUT ).placeholder( TFloat32.class,
						Placeholder.shape( Shape.of( -1, spec.codeSize ) ) );
				tf.withName( Endpoints.DECODED ).identity( c.output( dense.imageShaped( dense.decoder( codeIn ) ) ) );
			}
		}
		else if ( spec.batchNorm )
		{
			// the loss's pass normalises with batch statistics; the named endpoints with the running averages
			c.training = true;
			logits = convForward( input, false );
			c.training = false;
			if ( endpoints )
				tf.withName( Endpoints.RECONSTRUCTION ).identity( c.output( convForward( input, true ) ) );
		}
		else
			logits = convForward( input, endpoints );
		if ( endpoints && !( spec.batchNorm && spec.kind != Kind.DENSE ) )
			tf.withName( Endpoints.RECONSTRUCTION ).identity( c.output( logits ) );

		final Operand< TFloat32 > loss = LossOps.loss( c, logits, target, weight );
		lastLoss = loss;
		return tf.withName( Endpoints.OBJECTIVE ).identity( LossOps.withPenalty( c, loss ) );
	}

	/** The convolutional forward pass (logits); with {@code endpoints} the named code and stand-alone decoder. */
	private Operand< TFloat32 > convForward( final Operand< TFloat32 > input, final boolean endpoints )
	{
		final ModelSpec spec = c.spec;
		final Ops tf = c.tf;
		final List< Operand< TFloat32 > > switches = new ArrayList<>();
		final Operand< TFloat32 > encoded = conv.encoder( c.compute( input ), switches );
		final Operand< TFloat32 > code = endpoints ? tf.withName( Endpoints.CODE ).identity( encoded ) : encoded;
		final Operand< TFloat32 > decoded = c.float32(
				conv.decoder( code, spec.unpooling == Unpooling.ZERO_FILL ? switches : null ) );
		if ( endpoints && spec.unpooling != Unpooling.ZERO_FILL && !spec.skipConnections && !spec.residual )
		{
			final Placeholder< TFloat32 > codeIn = tf.withName( Endpoints.CODE_INPUT ).placeholder( TFloat32.class,
					Placeholder.shape( conv.codeShape() ) );
			tf.withName( Endpoints.DECODED ).identity( c.output( conv.decoder( codeIn, null ) ) );
		}
		// residual: the net predicts the correction of its input, or of a Gaussian blur of it
		return spec.residual ? tf.math.add( decoded,
				spec.residualBlur > 0 ? BlurResidual.blur( tf, input, spec, spec.channels ) : input ) : decoded;
	}

	/** The data loss of the last {@link #objective} built. */
	Operand< TFloat32 > lastLoss()
	{
		return lastLoss;
	}

	/** One placeholder + assign per parameter, to write snapshots back (best weights). */
	private void restoreOps()
	{
		for ( final Map.Entry< String, Operand< TFloat32 > > e : c.params.entrySet() )
		{
			final String name = Endpoints.PARAMS + "/" + e.getKey();
			final Placeholder< TFloat32 > value = c.named( Endpoints.restoreValue( name ) ).placeholder( TFloat32.class,
					Placeholder.shape( Shape.of( c.paramShapes.get( e.getKey() ) ) ) );
			c.named( Endpoints.restore( name ) ).assign( e.getValue(), value );
		}
	}
}
