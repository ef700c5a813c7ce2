package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The ops of {@code steps} consecutive optimiser steps in one
 * {@code Session.run} (see {@link GraphBuilder#addMultiStep}), and the resource
 * variables that hold uploaded training data. Each unrolled step rebuilds the
 * forward pass through {@link GraphBuilder#objective} with the parameters read
 * after the previous step's updates.
 */
final class MultiStepOps
{
	private MultiStepOps()
	{}

	static void build( final GraphBuilder b, final BuildContext c, final int steps )
	{
		ensureDataVariables( c );
		final Ops root = c.root;
		final Ops ms = c.scope( Endpoints.multiStepScope( steps ) );
		final String p = Endpoints.multiStepScope( steps ) + "/";
		final ModelSpec spec = c.spec;
		// the batch: gathered from the uploaded data by index, unless fed directly
		final Operand< TInt32 > indices = c.named( p + Endpoints.MS_INDICES ).placeholder( TInt32.class,
				Placeholder.shape( Shape.of( -1 ) ) );
		final Operand< TFloat32 > dataIn = ms.readVariableOp( c.graph.operation( Endpoints.DATA_INPUTS ).output( 0 ),
				TFloat32.class );
		final Operand< TFloat32 > dataOut = ms.readVariableOp( c.graph.operation( Endpoints.DATA_TARGETS ).output( 0 ),
				TFloat32.class );
		final Operand< TFloat32 > input = c.named( p + Endpoints.MS_INPUT )
				.identity( ms.gather( dataIn, indices, ms.constant( 0 ) ) );
		final Operand< TFloat32 > target = c.named( p + Endpoints.MS_TARGET )
				.identity( ms.gather( dataOut, indices, ms.constant( 0 ) ) );
		final Operand< TFloat32 > weight = spec.weightedLoss
				? c.named( p + Endpoints.MS_LOSS_WEIGHT ).placeholder( TFloat32.class ) : null;
		final Operand< TInt32 > n = ms.math.div(
				ms.slice( ms.shape( input ), ms.constant( new int[] { 0 } ), ms.constant( new int[] { 1 } ) ),
				ms.constant( steps ) );
		final Operand< TInt32 > sliceSize = ms.concat(
				Arrays.asList( n, ms.constant( Arrays.copyOf( c.vector( -1, -1 ), c.rank() - 1 ) ) ),
				ms.constant( 0 ) );

		final Operand< TInt64 > step = c.graph.operation( Endpoints.STEP ).output( 0 );
		final List< Operand< TFloat32 > > losses = new ArrayList<>();
		List< Op > previous = new ArrayList<>();
		for ( int k = 0; k < steps; k++ )
		{
			final Ops tf = ms.withSubScope( "step" + k ).withControlDependencies( previous );
			c.tf = tf;
			// every read of step k waits for the updates of step k-1
			c.view.clear();
			for ( final Map.Entry< String, Operand< TFloat32 > > e : c.params.entrySet() )
				c.view.put( e.getKey(), tf.identity( e.getValue() ) );
			final Operand< TInt32 > begin = tf.concat(
					Arrays.asList( tf.math.mul( n, tf.constant( k ) ), tf.constant( new int[ c.rank() - 1 ] ) ),
					tf.constant( 0 ) );
			final Operand< TFloat32 > objective = b.objective( tf.slice( input, begin, sliceSize ),
					tf.slice( target, begin, sliceSize ),
					weight == null ? null : tf.slice( weight, begin, sliceSize ), false, new ArrayList<>() );
			losses.add( b.lastLoss() );
			final Operand< TInt64 > stepRead = tf.identity( step );
			final List< Op > applies = OptimizerOps.updates( c, objective, new ArrayList<>( c.params.keySet() ), "",
					OptimizerOps.learningRate( c, stepRead ), stepRead );
			previous = new ArrayList<>();
			previous.add( root.withControlDependencies( applies ).assignAdd( step, root.constant( 1L ) ) );
		}
		c.tf = root;
		c.view.clear();
		c.named( p + Endpoints.MS_LOSSES ).stack( losses );
		c.named( p + Endpoints.MS_TRAIN ).withControlDependencies( previous ).noOp();
	}

	private static void ensureDataVariables( final BuildContext c )
	{
		if ( c.graph.operation( Endpoints.DATA_INPUTS ) != null )
			return;
		dataVariable( c, Endpoints.DATA_INPUTS, c.batchShape( c.spec.channels ) );
		final Operand< ? > targets = dataVariable( c, Endpoints.DATA_TARGETS, c.batchShape( c.spec.outChannels() ) );
		if ( c.spec.outChannels() == c.spec.channels )
		{
			// plain autoencoding: the targets are the inputs (shares the buffer, no copy)
			final Operand< TFloat32 > inputs = c.root
					.readVariableOp( c.graph.operation( Endpoints.DATA_INPUTS ).output( 0 ), TFloat32.class );
			c.named( Endpoints.DATA_TARGETS_FROM_INPUTS ).assignVariableOp( targets, inputs );
		}
	}

	private static Operand< ? > dataVariable( final BuildContext c, final String name, final Shape shape )
	{
		final Operand< ? > handle = c.named( name ).varHandleOp( TFloat32.class, shape,
				VarHandleOp.sharedName( name ) );
		final Placeholder< TFloat32 > value = c.named( Endpoints.dataValue( name ) ).placeholder( TFloat32.class,
				Placeholder.shape( shape ) );
		c.named( Endpoints.dataAssign( name ) ).assignVariableOp( handle, value );
		return handle;
	}
}
