package fiji.plugin.autoencoder.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.model.ModelSpec.Loss;

/**
 * The data loss of a spec (per-element MSE or stable BCE, optionally weighted
 * per pixel, or a {@link SegmentationLosses} loss) and the L2 penalty on the
 * weights, built into a {@link BuildContext}.
 */
final class LossOps
{
	private LossOps()
	{}

	/** The data loss of the logits against the targets (mean, or weighted mean), named {@link Endpoints#LOSS}. */
	static Operand< TFloat32 > loss( final BuildContext c, final Operand< TFloat32 > logits,
			final Operand< TFloat32 > target, final Operand< TFloat32 > weight )
	{
		final Ops tf = c.tf;
		final ModelSpec spec = c.spec;
		final Operand< TFloat32 > perElement = SegmentationLosses.handles( spec ) ? null
				: elementLoss( c, logits, target, spec.loss );
		if ( perElement == null )
			return tf.withName( Endpoints.LOSS )
					.identity( SegmentationLosses.loss( tf, spec, logits, target, weight, c.rank() ) );
		if ( weight != null )
			return tf.withName( Endpoints.LOSS ).math.div( c.sumAll( tf.math.mul( perElement, weight ) ),
					tf.math.maximum( c.sumAll( weight ), tf.constant( 1e-8f ) ) );
		final Operand< TFloat32 > mean = tf.withName( Endpoints.LOSS ).math.mean( perElement,
				tf.constant( c.allAxes() ) );
		if ( BceGradient.applies( spec, false ) )
			BceGradient.record( c, mean, logits, target );
		return mean;
	}

	/** The loss plus the spec's L2 penalty on the weights (the loss itself without one). */
	static Operand< TFloat32 > withPenalty( final BuildContext c, final Operand< TFloat32 > loss )
	{
		final Ops tf = c.tf;
		if ( !( c.spec.l2 > 0 ) || c.weights.isEmpty() )
			return loss;
		Operand< TFloat32 > penalty = null;
		for ( final String name : c.weights )
		{
			final Operand< TFloat32 > s = c.sumAll( tf.math.square( tf.identity( c.param( name ) ) ) ); // NB: Square's gradient crashes on a ref-typed input
			penalty = penalty == null ? s : tf.math.add( penalty, s );
		}
		return tf.math.add( loss, tf.math.mul( tf.constant( ( float ) c.spec.l2 ), penalty ) );
	}

	/** Per-element loss; BCE is computed stably from the logits. */
	static Operand< TFloat32 > elementLoss( final BuildContext c, final Operand< TFloat32 > logits,
			final Operand< TFloat32 > target, final Loss loss )
	{
		final Ops tf = c.tf;
		if ( loss == Loss.BCE )
		{
			// softplus(z) - z * t = max(z, 0) - z * t + log(1 + exp(-|z|)); the Softplus kernel is stable and
			// gives far fewer element-wise ops (forward and gradient) than the formula on the right
			return tf.math.sub( tf.math.softplus( logits ), tf.math.mul( logits, target ) );
		}
		return tf.math.squaredDifference( c.output( logits ), target );
	}
}
