package fiji.plugin.autoencoder.model;

import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The training runs of a {@link Model}: single optimiser steps, multi-step
 * runs (the ops of {@link GraphBuilder#addMultiStep}) and the training data
 * uploaded into its graph for them. The model checks that it is open and
 * synchronises uploads.
 */
final class TrainingRuns
{
	private final ModelSpec spec;

	private final Graph graph;

	private final Session session;

	/** Number of samples given to {@link #upload}, -1 if none. */
	private volatile int uploaded = -1;

	/** Fed to {@link Endpoints#LEARNING_RATE_MULTIPLIER} in every training run. */
	volatile float multiplier = 1f;

	TrainingRuns( final ModelSpec spec, final Graph graph, final Session session )
	{
		this.spec = spec;
		this.graph = graph;
		this.session = session;
	}

	/** One optimiser step of {@code trainOp}; returns the batch's loss before the update. */
	float trainStep( final String trainOp, final String lossOp, final TFloat32 input, final TFloat32 target,
			final TFloat32 weight )
	{
		final Session.Runner r = feeds( input, target, weight ).addTarget( trainOp ).fetch( lossOp );
		try ( TFloat32 m = TFloat32.scalarOf( multiplier );
				Result res = r.feed( Endpoints.LEARNING_RATE_MULTIPLIER, m ).run() )
		{
			return ( ( TFloat32 ) res.get( 0 ) ).getFloat();
		}
	}

	/** The loss of a batch, without training. */
	float loss( final String lossOp, final TFloat32 input, final TFloat32 target, final TFloat32 weight )
	{
		try ( Result res = feeds( input, target, weight ).fetch( lossOp ).run() )
		{
			return ( ( TFloat32 ) res.get( 0 ) ).getFloat();
		}
	}

	private Session.Runner feeds( final TFloat32 input, final TFloat32 target, final TFloat32 weight )
	{
		final Session.Runner r = session.runner().feed( Endpoints.INPUT, input ).feed( Endpoints.TARGET, target );
		if ( spec.weightedLoss )
		{
			if ( weight == null )
				throw new IllegalArgumentException( "This model has a weighted loss: give per-pixel loss weights" );
			r.feed( Endpoints.LOSS_WEIGHT, weight );
		}
		return r;
	}

	/**
	 * {@code steps} optimiser steps of {@link Endpoints#TRAIN} in one run: the
	 * batches are {@code steps} equal slices of the fed tensors (the first
	 * dimension must be a multiple of {@code steps}); returns each step's loss
	 * before its update. Same result as {@code steps} calls of
	 * {@link Model#trainStep} with the slices, without their per-run overhead.
	 * Call {@link Model#prepareMultiStep(int)} first.
	 */
	float[] trainSteps( final int steps, final TFloat32 input, final TFloat32 target, final TFloat32 weight )
	{
		checkPrepared( steps );
		if ( input.shape().get( 0 ) % steps != 0 )
			throw new IllegalArgumentException( "The batch of " + input.shape().get( 0 )
					+ " samples does not split into " + steps + " equal steps: give a multiple of " + steps );
		final Session.Runner r = session.runner().feed( Endpoints.multiStep( steps, Endpoints.MS_INPUT ), input )
				.feed( Endpoints.multiStep( steps, Endpoints.MS_TARGET ), target );
		if ( spec.weightedLoss )
		{
			if ( weight == null )
				throw new IllegalArgumentException( "This model has a weighted loss: give per-pixel loss weights" );
			r.feed( Endpoints.multiStep( steps, Endpoints.MS_LOSS_WEIGHT ), weight );
		}
		return runSteps( r, steps );
	}

	/**
	 * Like {@link #trainSteps(int, TFloat32, TFloat32, TFloat32)}, on the
	 * samples at {@code indices} (int32, {@code steps} batches one after the
	 * other) of the data given to {@link #upload}: no image data
	 * crosses from Java per run.
	 */
	float[] trainSteps( final int steps, final TInt32 indices )
	{
		checkPrepared( steps );
		if ( spec.weightedLoss )
			throw new IllegalArgumentException(
					"This model has a weighted loss: feed the batches with their loss weights instead of uploaded data" );
		if ( uploaded < 0 )
			throw new IllegalStateException( "No training data uploaded: call uploadTrainingData first" );
		return runSteps( session.runner().feed( Endpoints.multiStep( steps, Endpoints.MS_INDICES ), indices ), steps );
	}

	private float[] runSteps( final Session.Runner r, final int steps )
	{
		r.addTarget( Endpoints.multiStep( steps, Endpoints.MS_TRAIN ) )
				.fetch( Endpoints.multiStep( steps, Endpoints.MS_LOSSES ) );
		try ( TFloat32 m = TFloat32.scalarOf( multiplier );
				Result res = r.feed( Endpoints.LEARNING_RATE_MULTIPLIER, m ).run() )
		{
			final float[] losses = new float[ steps ];
			( ( TFloat32 ) res.get( 0 ) ).asRawTensor().data().asFloats().read( losses );
			return losses;
		}
	}

	private void checkPrepared( final int steps )
	{
		if ( graph.operation( Endpoints.multiStep( steps, Endpoints.MS_TRAIN ) ) == null )
			throw new IllegalStateException(
					"No " + steps + "-step training ops: call prepareMultiStep( " + steps + " ) first" );
	}

	/**
	 * Copies training samples into the graph (native memory, not saved in model
	 * files) for {@link #trainSteps(int, TInt32)}. {@code targets} null means
	 * the inputs are their own targets (shared, not copied). Replaces earlier
	 * uploads; {@link #release()} frees the memory.
	 *
	 * @param inputs  a tensor of shape {count, H, W, channels} ({count, D, H, W, channels} for 3D models)
	 * @param targets null, or {count, H, W, output channels} (likewise)
	 */
	void upload( final TFloat32 inputs, final TFloat32 targets )
	{
		if ( graph.operation( Endpoints.DATA_INPUTS ) == null )
			throw new IllegalStateException( "The graph has no training data variables: call prepareMultiStep first" );
		if ( targets == null && spec.outChannels() != spec.channels )
			throw new IllegalArgumentException( "The model outputs " + spec.outChannels() + " channel(s), not its "
					+ spec.channels + " input channel(s): upload targets too" );
		if ( targets != null && targets.shape().get( 0 ) != inputs.shape().get( 0 ) )
			throw new IllegalArgumentException( "Upload as many targets as inputs: got " + targets.shape().get( 0 )
					+ " targets for " + inputs.shape().get( 0 ) + " inputs" );
		session.runner().feed( Endpoints.dataValue( Endpoints.DATA_INPUTS ), inputs )
				.addTarget( Endpoints.dataAssign( Endpoints.DATA_INPUTS ) ).run().close();
		if ( targets == null )
			session.runner().addTarget( Endpoints.DATA_TARGETS_FROM_INPUTS ).run().close();
		else
			session.runner().feed( Endpoints.dataValue( Endpoints.DATA_TARGETS ), targets )
					.addTarget( Endpoints.dataAssign( Endpoints.DATA_TARGETS ) ).run().close();
		uploaded = ( int ) inputs.shape().get( 0 );
	}

	/** Frees the memory of {@link #upload} (keeps the ops). */
	void release()
	{
		if ( uploaded < 0 )
			return;
		final long[] s = graph.operation( Endpoints.dataValue( Endpoints.DATA_INPUTS ) ).output( 0 ).shape().asArray();
		final long[] t = graph.operation( Endpoints.dataValue( Endpoints.DATA_TARGETS ) ).output( 0 ).shape().asArray();
		try ( TFloat32 empty = TFloat32.tensorOf( emptyShape( s ) );
				TFloat32 emptyT = TFloat32.tensorOf( emptyShape( t ) ) )
		{
			session.runner().feed( Endpoints.dataValue( Endpoints.DATA_INPUTS ), empty )
					.addTarget( Endpoints.dataAssign( Endpoints.DATA_INPUTS ) )
					.feed( Endpoints.dataValue( Endpoints.DATA_TARGETS ), emptyT )
					.addTarget( Endpoints.dataAssign( Endpoints.DATA_TARGETS ) ).run().close();
		}
		uploaded = -1;
	}

	/** No samples of the given (partly unknown) sample shape: {0, max(1, s1), ...}. */
	private static Shape emptyShape( final long[] s )
	{
		final long[] e = new long[ s.length ];
		for ( int i = 1; i < s.length; i++ )
			e[ i ] = Math.max( s[ i ], 1 );
		return Shape.of( e );
	}
}
