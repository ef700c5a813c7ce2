package fiji.plugin.autoencoder.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import fiji.plugin.autoencoder.model.ModelSpec.Activation;
import fiji.plugin.autoencoder.model.ModelSpec.Loss;

/**
 * The segmentation losses as graph ops, for a sigmoid output (binary masks)
 * or a softmax output (one channel per class, background first, one-hot
 * targets). Tensors are channels-last, batch first.
 * <ul>
 * <li>{@code bce}: binary cross-entropy {@code softplus(z) - z t} (sigmoid),
 * or categorical cross-entropy {@code -sum_c t_c log softmax(z)_c} (softmax),
 * averaged over the pixels.</li>
 * <li>{@code dice}: sigmoid: per sample {@code 1 - (2 sum(p t) + 1) / (sum(p) + sum(t) + 1)}
 * (sums over the pixels and channels), averaged over the batch; softmax:
 * the same per class with the sums over the whole batch, averaged over the
 * classes except the background (so each class counts the same, however
 * small: the loss is class-balanced).</li>
 * <li>{@code dice_bce}: the sum of the two.</li>
 * </ul>
 * With loss weights (the spec's {@code weighted_loss}), every sum and mean is
 * weighted; for softmax the per-pixel weight is the mean of its channels'.
 */
public final class SegmentationLosses
{
	private SegmentationLosses()
	{}

	/** True when {@link #loss} computes the spec's loss (Dice, Dice + BCE, or any loss on a softmax output). */
	public static boolean handles( final ModelSpec spec )
	{
		return spec.loss == Loss.DICE || spec.loss == Loss.DICE_BCE
				|| spec.outputActivation == Activation.SOFTMAX && spec.loss == Loss.BCE;
	}

	/**
	 * The loss of {@code logits} against {@code target} (rank {@code rank}: batch, spatial axes, channels).
	 *
	 * @param weight per-element loss weights, or null
	 */
	public static Operand< TFloat32 > loss( final Ops tf, final ModelSpec spec, final Operand< TFloat32 > logits,
			final Operand< TFloat32 > target,
			final Operand< TFloat32 > weight, final int rank )
	{
		final boolean softmax = spec.outputActivation == Activation.SOFTMAX;
		final Operand< TFloat32 > dice = spec.loss == Loss.BCE ? null
				: softmax
						? classDice( tf, softmax( tf, logits, spec.outChannels() ), target, weight, rank,
								spec.outChannels() )
						: sampleDice( tf, tf.math.sigmoid( logits ), target, weight, rank );
		if ( spec.loss == Loss.DICE )
			return dice;
		final Operand< TFloat32 > ce = softmax
				? categoricalCrossEntropy( tf, logits, target, weight, rank, spec.outChannels() )
				: binaryCrossEntropy( tf, logits, target, weight, rank );
		return dice == null ? ce : tf.math.add( dice, ce );
	}

	/**
	 * Softmax over the last axis, computed on a {@code [-1, channels]} view: the C API's
	 * gradients of Softmax and LogSoftmax sum over axis 1, right for rank 2 only
	 * (on a 4D tensor training diverges, measured).
	 */
	public static Operand< TFloat32 > softmax( final Ops tf, final Operand< TFloat32 > x, final int channels )
	{
		return tf.reshape( tf.nn.softmax( tf.reshape( x, tf.constant( new long[] { -1, channels } ) ) ),
				tf.shape( x ) );
	}

	private static Operand< TFloat32 > logSoftmax( final Ops tf, final Operand< TFloat32 > x, final int channels )
	{
		return tf.reshape( tf.nn.logSoftmax( tf.reshape( x, tf.constant( new long[] { -1, channels } ) ) ),
				tf.shape( x ) );
	}

	/** Mean binary cross-entropy from the logits, {@code softplus(z) - z t}. */
	static Operand< TFloat32 > binaryCrossEntropy( final Ops tf, final Operand< TFloat32 > logits,
			final Operand< TFloat32 > target, final Operand< TFloat32 > weight,
			final int rank )
	{
		final Operand< TFloat32 > e = tf.math.sub( tf.math.softplus( logits ), tf.math.mul( logits, target ) );
		return weightedMean( tf, e, weight, rank );
	}

	/** Mean categorical cross-entropy over the pixels, {@code -sum_c t_c log softmax(z)_c}. */
	static Operand< TFloat32 > categoricalCrossEntropy( final Ops tf, final Operand< TFloat32 > logits,
			final Operand< TFloat32 > target, final Operand< TFloat32 > weight,
			final int rank, final int channels )
	{
		final Operand< TInt32 > channel = tf.constant( new int[] { rank - 1 } );
		final Operand< TFloat32 > perPixel = tf.math
				.neg( tf.sum( tf.math.mul( target, logSoftmax( tf, logits, channels ) ), channel ) );
		if ( weight == null )
			return tf.math.mean( perPixel, tf.constant( range( 0, rank - 1 ) ) );
		return weightedMean( tf, perPixel, tf.math.mean( weight, channel ), rank - 1 );
	}

	/** Soft Dice loss per sample (sums over pixels and channels), averaged over the batch. */
	static Operand< TFloat32 > sampleDice( final Ops tf, final Operand< TFloat32 > p, final Operand< TFloat32 > t,
			final Operand< TFloat32 > weight, final int rank )
	{
		final Operand< TInt32 > axes = tf.constant( range( 1, rank ) );
		final Operand< TFloat32 > one = tf.constant( 1f );
		final Operand< TFloat32 > dice = dice( tf, p, t, weight, axes );
		return tf.math.mean( tf.math.sub( one, dice ), tf.constant( 0 ) );
	}

	/** 1 - the mean over the classes 1..C-1 of their soft Dice over the whole batch. */
	static Operand< TFloat32 > classDice( final Ops tf, final Operand< TFloat32 > p, final Operand< TFloat32 > t,
			final Operand< TFloat32 > weight, final int rank,
			final int classes )
	{
		final Operand< TFloat32 > dice = dice( tf, p, t, weight, tf.constant( range( 0, rank - 1 ) ) ); // one per channel
		final float[] foreground = new float[ classes ];
		for ( int c = 1; c < classes; c++ )
			foreground[ c ] = 1f / ( classes - 1 );
		return tf.math.sub( tf.constant( 1f ),
				tf.sum( tf.math.mul( dice, tf.constant( foreground ) ), tf.constant( 0 ) ) );
	}

	/** (2 sum(w p t) + 1) / (sum(w p) + sum(w t) + 1) over the given axes. */
	private static Operand< TFloat32 > dice( final Ops tf, final Operand< TFloat32 > p, final Operand< TFloat32 > t,
			final Operand< TFloat32 > weight, final Operand< TInt32 > axes )
	{
		final Operand< TFloat32 > pw = weight == null ? p : tf.math.mul( p, weight );
		final Operand< TFloat32 > tw = weight == null ? t : tf.math.mul( t, weight );
		final Operand< TFloat32 > one = tf.constant( 1f );
		final Operand< TFloat32 > inter = tf.sum( tf.math.mul( pw, t ), axes );
		return tf.math.div( tf.math.add( tf.math.mul( tf.constant( 2f ), inter ), one ),
				tf.math.add( tf.math.add( tf.sum( pw, axes ), tf.sum( tw, axes ) ), one ) );
	}

	private static Operand< TFloat32 > weightedMean( final Ops tf, final Operand< TFloat32 > e,
			final Operand< TFloat32 > weight, final int rank )
	{
		final Operand< TInt32 > all = tf.constant( range( 0, rank ) );
		if ( weight == null )
			return tf.math.mean( e, all );
		return tf.math.div( tf.sum( tf.math.mul( e, weight ), all ),
				tf.math.maximum( tf.sum( weight, all ), tf.constant( 1e-8f ) ) );
	}

	private static int[] range( final int from, final int to )
	{
		final int[] a = new int[ to - from ];
		for ( int i = 0; i < a.length; i++ )
			a[ i ] = from + i;
		return a;
	}
}
