package fiji.plugin.autoencoder.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Batch normalisation of a 2D convolution's output (channels last), built into
 * a {@link BuildContext}: {@code gamma (x - mean) / sqrt(var + 1e-3) + beta}
 * per channel. In the training-mode pass ({@link BuildContext#training}) mean
 * and variance are the batch's (over batch, rows and columns) and the running
 * averages move towards them by 0.1 per training step; the prediction pass uses
 * the running averages, so it is a fixed per-pixel affine map (tiled prediction
 * stays exact). The running averages are parameters (saved, restored and kept
 * with the best epoch's weights) that the optimiser never trains.
 */
final class BatchNormOps
{
	static final String GAMMA = "_gamma", BETA = "_beta", MEAN = "_mean", VARIANCE = "_var";

	private static final float EPSILON = 1e-3f, MOMENTUM = 0.9f;

	private BatchNormOps()
	{}

	static Operand< TFloat32 > apply( final BuildContext c, final Operand< TFloat32 > x, final String name,
			final int channels )
	{
		final Ops tf = c.tf;
		final Operand< TFloat32 > gamma = c.vector( name + GAMMA, channels, 1f, false ),
				beta = c.vector( name + BETA, channels, 0f, false );
		final Operand< TFloat32 > runningMean = c.vector( name + MEAN, channels, 0f, true ),
				runningVar = c.vector( name + VARIANCE, channels, 1f, true );
		final Operand< TFloat32 > mean, var;
		if ( c.training )
		{
			final Operand< org.tensorflow.types.TInt32 > axes = tf.constant( new int[] { 0, 1, 2 } );
			mean = tf.math.mean( x, axes );
			var = tf.math.mean( tf.math.squaredDifference( x, mean ), axes );
			final Operand< TFloat32 > keep = tf.constant( MOMENTUM ), move = tf.constant( 1 - MOMENTUM );
			c.statisticUpdates.add( tf.assign( c.params.get( name + MEAN ),
					tf.math.add( tf.math.mul( runningMean, keep ), tf.math.mul( tf.stopGradient( mean ), move ) ) ) );
			c.statisticUpdates.add( tf.assign( c.params.get( name + VARIANCE ),
					tf.math.add( tf.math.mul( runningVar, keep ), tf.math.mul( tf.stopGradient( var ), move ) ) ) );
		}
		else
		{
			mean = runningMean;
			var = runningVar;
		}
		final Operand< TFloat32 > scale = tf.math.mul( gamma,
				tf.math.rsqrt( tf.math.add( var, tf.constant( EPSILON ) ) ) );
		return tf.math.add( tf.math.mul( tf.math.sub( x, mean ), scale ), beta );
	}
}
