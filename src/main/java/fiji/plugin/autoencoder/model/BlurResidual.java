package fiji.plugin.autoencoder.model;

import java.util.Arrays;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The base a residual network's correction is added to when
 * {@link ModelSpec#residualBlur} is set: a Gaussian blur of the input (sigma in
 * pixels, separable, truncated at {@link #radius}), normalised by the blur of a
 * constant image so that zero padding at the borders does not darken them. A
 * denoiser then starts from the Gaussian filter's quality and its training
 * budget goes to what a Gaussian cannot do. Fixed (no variables, no gradient).
 */
final class BlurResidual
{
	private BlurResidual()
	{}

	/** Kernel radius in pixels: ceil(3 sigma); 0 without a blur. */
	static int radius( final ModelSpec s )
	{
		return s.residual && s.residualBlur > 0 ? ( int ) Math.ceil( 3 * s.residualBlur ) : 0;
	}

	/** The normalised Gaussian blur of {@code x} (NHWC, {@code channels} channels), each channel on its own. */
	static Operand< TFloat32 > blur( final Ops tf, final Operand< TFloat32 > x, final ModelSpec s, final int channels )
	{
		final int r = radius( s );
		final int k = 2 * r + 1;
		final float[] g = new float[ k ];
		double sum = 0;
		for ( int i = 0; i < k; i++ )
			sum += g[ i ] = ( float ) Math.exp( -0.5 * ( i - r ) * ( i - r ) / ( s.residualBlur * s.residualBlur ) );
		for ( int i = 0; i < k; i++ )
			g[ i ] /= sum;
		// depthwise filters [kh, kw, channels, 1]: the same 1D kernel for every channel
		final float[] f = new float[ k * channels ];
		for ( int i = 0; i < k; i++ )
			Arrays.fill( f, i * channels, ( i + 1 ) * channels, g[ i ] );
		final Operand< TFloat32 > vertical = tf.constant( Shape.of( k, 1, channels, 1 ), DataBuffers.of( f ) );
		final Operand< TFloat32 > horizontal = tf.constant( Shape.of( 1, k, channels, 1 ), DataBuffers.of( f ) );
		final Operand< TFloat32 > blurred = separable( tf, x, vertical, horizontal );
		final Operand< TFloat32 > weight = separable( tf, tf.onesLike( x ), vertical, horizontal );
		return tf.math.div( blurred, weight );
	}

	private static Operand< TFloat32 > separable( final Ops tf, final Operand< TFloat32 > x,
			final Operand< TFloat32 > v, final Operand< TFloat32 > h )
	{
		final java.util.List< Long > one = Arrays.asList( 1L, 1L, 1L, 1L );
		return tf.nn.depthwiseConv2dNative( tf.nn.depthwiseConv2dNative( x, v, one, "SAME" ), h, one, "SAME" );
	}
}
