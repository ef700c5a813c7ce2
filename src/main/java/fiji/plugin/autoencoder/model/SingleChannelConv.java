package fiji.plugin.autoencoder.model;

import java.util.Arrays;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A 2D "SAME" stride-1 convolution to one output channel (a U-Net's output layer, 16 or 32 channels to 1 at full
 * resolution), built as the transposed convolution of the kernel turned by 180 degrees:
 * {@code conv2d(x, w) == Conv2DBackpropInput([N, H, W, 1], transpose(reverse(w, [0, 1]), [0, 1, 3, 2]), x)}, the same
 * products summed in another order. oneDNN runs a convolution to one channel at 6-16 GFLOP/s (it pads the output
 * channels to a block of 16), the transposed form and its gradients (a convolution from one channel, and a filter
 * gradient) as the 1-to-16-channel problems it runs 3-4x faster. Used in the bfloat16 training pass only.
 */
final class SingleChannelConv
{
	private SingleChannelConv()
	{}

	/** Whether {@link #conv} applies: a square kernel to one channel at stride 1. */
	static boolean applies( final long cout, final int stride )
	{
		return cout == 1 && stride == 1;
	}

	/** {@code conv2d(x, w, stride 1, SAME)} for a kernel {@code w} of shape [k, k, cin, 1]. */
	static Operand< TFloat32 > conv( final Ops tf, final Operand< TFloat32 > x, final Operand< TFloat32 > w )
	{
		final Operand< TFloat32 > f = tf.linalg.transpose( tf.reverse( w, tf.constant( new int[] { 0, 1 } ) ),
				tf.constant( new int[] { 0, 1, 3, 2 } ) );
		final Operand< TInt32 > sizes = tf.concat( Arrays.asList(
				tf.slice( tf.shape( x ), tf.constant( new int[] { 0 } ), tf.constant( new int[] { 3 } ) ),
				tf.constant( new int[] { 1 } ) ), tf.constant( 0 ) );
		return tf.nn.conv2dBackpropInput( sizes, f, x, Arrays.asList( 1L, 1L, 1L, 1L ), "SAME" );
	}
}
