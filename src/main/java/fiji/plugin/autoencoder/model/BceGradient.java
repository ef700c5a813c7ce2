package fiji.plugin.autoencoder.model;

import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The gradient of a dense net's mean binary cross-entropy on logits z, mean(softplus(z) - z t), written out as
 * (sigmoid(z) - t) / size(z) and handed to {@code Graph.addGradients} at the logits: three element-wise ops on the
 * batch instead of the dozen that differentiating the loss op by op gives (SoftplusGrad, Tile for the mean, Neg,
 * Mul, AddN, ...), which dominate a step of the 784-32-784 autoencoder. Same gradient up to float rounding.
 */
final class BceGradient
{
	private BceGradient()
	{}

	/** Whether {@link LossOps} records the BCE of this spec for {@link #gradients}: dense nets, unweighted BCE. */
	static boolean applies( final ModelSpec spec, final boolean weighted )
	{
		return spec.kind == ModelSpec.Kind.DENSE && spec.loss == ModelSpec.Loss.BCE && !weighted;
	}

	/** Remembers that {@code loss} is the mean BCE of these logits against these targets. */
	static void record( final BuildContext c, final Operand< TFloat32 > loss, final Operand< TFloat32 > logits,
			final Operand< TFloat32 > target )
	{
		c.bceLosses.put( loss.asOutput(), new Operand< ? >[] { logits, target } );
	}

	/**
	 * The gradients of {@code objective} with respect to {@code params}: from the written-out BCE gradient where the
	 * objective is (the identity of) a recorded loss, else {@code Graph.addGradients} on the objective.
	 */
	@SuppressWarnings( "unchecked" )
	static Output< ? >[] gradients( final BuildContext c, final Operand< TFloat32 > objective,
			final Output< ? >[] params )
	{
		final Output< ? > o = objective.asOutput();
		final Output< ? > loss = o.op().type().equals( "Identity" ) ? ( ( GraphOperation ) o.op() ).input( 0 ) : o;
		final Operand< ? >[] lt = c.bceLosses.get( loss );
		if ( lt == null )
			return c.graph.addGradients( o, params );
		final Ops tf = c.tf;
		final Operand< TFloat32 > z = ( Operand< TFloat32 > ) lt[ 0 ], t = ( Operand< TFloat32 > ) lt[ 1 ];
		final Operand< TFloat32 > dz = tf.math.div( tf.math.sub( tf.math.sigmoid( z ), t ),
				tf.dtypes.cast( tf.size( z ), TFloat32.class ) );
		return c.graph.addGradients( null, new Output< ? >[] { z.asOutput() }, params,
				new Output< ? >[] { dz.asOutput() } );
	}
}
