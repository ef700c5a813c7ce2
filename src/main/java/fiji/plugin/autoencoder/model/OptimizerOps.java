package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import fiji.plugin.autoencoder.model.ModelSpec.Optimizer;

/**
 * Optimiser ops: the decayed learning rate, the slot variables, and the raw
 * {@code ApplyAdam}/{@code ApplyAdadelta} updates from {@code Graph.addGradients}
 * on a list of parameters, built into a {@link BuildContext}.
 */
final class OptimizerOps
{
	private OptimizerOps()
	{}

	/** lr0 / (1 + decay * step), times the fed {@link Endpoints#LEARNING_RATE_MULTIPLIER} (default 1). */
	static Operand< TFloat32 > learningRate( final BuildContext c, final Operand< TInt64 > step )
	{
		final Ops tf = c.tf;
		final Operand< TFloat32 > stepF = tf.dtypes.cast( step, TFloat32.class );
		final Operand< TFloat32 > lr = tf.math.div( tf.constant( ( float ) c.spec.learningRate ),
				tf.math.add( tf.constant( 1f ), tf.math.mul( tf.constant( ( float ) c.spec.decay ), stepF ) ) );
		GraphOperation m = c.graph.operation( Endpoints.LEARNING_RATE_MULTIPLIER );
		if ( m == null )
			m = ( GraphOperation ) c.root.withName( Endpoints.LEARNING_RATE_MULTIPLIER )
					.placeholderWithDefault( c.root.constant( 1f ), Shape.scalar() ).op();
		return tf.math.mul( lr, m.< TFloat32 >output( 0 ) );
	}

	/** An optimiser slot variable of a parameter (created zero, or looked up when extending). */
	private static Operand< TFloat32 > slot( final BuildContext c, final String scope, final String param,
			final String slot )
	{
		final String name = scope + "optimizer/" + param + "_" + slot;
		if ( c.extending )
		{
			final GraphOperation op = c.graph.operation( name );
			if ( op == null )
				throw new IllegalArgumentException( "The graph has no optimiser slot '" + name
						+ "': it was built by an older version; rebuild the model from the spec" );
			return op.output( 0 );
		}
		final Ops tf = c.tf;
		return c.named( name ).variable( tf.zeros( tf.constant( c.paramShapes.get( param ) ), TFloat32.class ) );
	}

	/**
	 * The Adam or Adadelta updates of the parameters {@code names} for
	 * {@code objective} with learning rate {@code lr} at step {@code step}
	 * (Adam's bias correction). Every update waits for all gradients, so no
	 * op of this step reads a parameter after its update.
	 */
	static List< Op > updates( final BuildContext c, final Operand< TFloat32 > objective, final List< String > names,
			final String scope,
			final Operand< TFloat32 > lr, final Operand< TInt64 > step )
	{
		final Ops tf = c.tf;
		final Output< ? >[] outs = new Output< ? >[ names.size() ];
		for ( int i = 0; i < outs.length; i++ )
			outs[ i ] = c.param( names.get( i ) ).asOutput();
		final Output< ? >[] grads = BceGradient.gradients( c, objective, outs );
		final List< Op > allGrads = new ArrayList<>();
		allGrads.add( objective );
		for ( final Output< ? > g : grads )
			allGrads.add( g );
		final Ops after = tf.withControlDependencies( allGrads );
		final List< Op > applies = new ArrayList<>();
		if ( c.spec.optimizer == Optimizer.ADAM )
		{
			final Operand< TFloat32 > beta1 = tf.constant( 0.9f ), beta2 = tf.constant( 0.999f ),
					eps = tf.constant( 1e-7f );
			final Operand< TFloat32 > t = tf.math.add( tf.dtypes.cast( step, TFloat32.class ), tf.constant( 1f ) );
			final Operand< TFloat32 > beta1Power = tf.math.pow( beta1, t ), beta2Power = tf.math.pow( beta2, t );
			for ( int i = 0; i < names.size(); i++ )
			{
				final Operand< TFloat32 > m = slot( c, scope, names.get( i ), "m" );
				final Operand< TFloat32 > v = slot( c, scope, names.get( i ), "v" );
				@SuppressWarnings( "unchecked" )
				final Operand< TFloat32 > g = ( Output< TFloat32 > ) grads[ i ];
				applies.add( after.train.applyAdam( c.params.get( names.get( i ) ), m, v, beta1Power, beta2Power, lr,
						beta1, beta2, eps, g ) );
			}
		}
		else
		{
			final Operand< TFloat32 > rho = tf.constant( 0.95f ), eps = tf.constant( 1e-7f );
			for ( int i = 0; i < names.size(); i++ )
			{
				final Operand< TFloat32 > accum = slot( c, scope, names.get( i ), "accum" );
				final Operand< TFloat32 > accumUpdate = slot( c, scope, names.get( i ), "accum_update" );
				@SuppressWarnings( "unchecked" )
				final Operand< TFloat32 > g = ( Output< TFloat32 > ) grads[ i ];
				applies.add( after.train.applyAdadelta( c.params.get( names.get( i ) ), accum, accumUpdate, lr, rho,
						eps, g ) );
			}
		}
		return applies;
	}
}
