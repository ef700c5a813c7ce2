package fiji.plugin.autoencoder.model;

import java.util.Arrays;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.nn.Conv3d;
import org.tensorflow.op.nn.Conv3dBackpropInput;
import org.tensorflow.types.TFloat32;

/**
 * The gradients TensorFlow 2.18's C++ gradient registry lacks for 3D models,
 * registered with TensorFlow Java once per JVM (the first time
 * {@link #ensureRegistered()} runs; the JVM's class initialisation makes it
 * happen exactly once, also with several threads):
 * <ul>
 * <li>{@code Conv3D} (y = x * f): dx = {@code Conv3DBackpropInputV2(shape(x), f, dy)},
 * df = {@code Conv3DBackpropFilterV2(x, shape(f), dy)};</li>
 * <li>{@code Conv3DBackpropInputV2} (the transposed conv of the strided
 * decoder, y = f^T * g with output shape s): dg = {@code Conv3D(dy, f)},
 * df = {@code Conv3DBackpropFilterV2(dy, shape(f), g)}, and a zero gradient
 * for the shape input s.</li>
 * </ul>
 * Both use the forward op's strides and padding (NDHWC, no dilation, as
 * {@link GraphBuilder} builds them). {@code MaxPool3D} and everything else 3D
 * models use already have gradients. Only two registrations: TensorFlow Java
 * 1.1.0 crashes the JVM after about ten.
 *
 * <pre>{@code
 * Gradients3D.ensureRegistered(); // before Graph.addGradients on a 3D graph
 * }</pre>
 */
public final class Gradients3D
{
	private Gradients3D()
	{}

	/** Initialised once per JVM, on first use. */
	private static final class Holder
	{
		static final boolean REGISTERED = register();
	}

	/**
	 * Registers the gradients if this JVM has not yet. Returns true when both
	 * ops have a gradient afterwards (registered now, earlier, or by someone
	 * else).
	 */
	public static boolean ensureRegistered()
	{
		TensorFlowCheck.require();
		return Holder.REGISTERED;
	}

	private static boolean register()
	{
		// registerCustomGradient returns false when the op already has a gradient: fine either way
		TensorFlow.registerCustomGradient( Conv3d.Inputs.class, ( tf, op, dys ) -> {
			@SuppressWarnings( "unchecked" )
			final Operand< TFloat32 > dy = ( Operand< TFloat32 > ) dys.get( 0 );
			@SuppressWarnings( "unchecked" )
			final Operand< TFloat32 > x = ( Operand< TFloat32 > ) op.input, f = ( Operand< TFloat32 > ) op.filter;
			final List< Long > strides = asList( op.strides );
			return Arrays.asList(
					tf.nn.conv3dBackpropInput( tf.shape( x ), f, dy, strides, op.padding ),
					tf.nn.conv3dBackpropFilter( x, tf.shape( f ), dy, strides, op.padding ) );
		} );
		TensorFlow.registerCustomGradient( Conv3dBackpropInput.Inputs.class, ( tf, op, dys ) -> {
			@SuppressWarnings( "unchecked" )
			final Operand< TFloat32 > dy = ( Operand< TFloat32 > ) dys.get( 0 );
			@SuppressWarnings( "unchecked" )
			final Operand< TFloat32 > f = ( Operand< TFloat32 > ) op.filter, g = ( Operand< TFloat32 > ) op.outBackprop;
			final List< Long > strides = asList( op.strides );
			return Arrays.asList(
					tf.zerosLike( op.inputSizes ),
					tf.nn.conv3dBackpropFilter( dy, tf.shape( f ), g, strides, op.padding ),
					tf.nn.conv3d( dy, f, strides, op.padding ) );
		} );
		return true;
	}

	private static List< Long > asList( final long[] a )
	{
		final Long[] b = new Long[ a.length ];
		for ( int i = 0; i < a.length; i++ )
			b[ i ] = a[ i ];
		return Arrays.asList( b );
	}
}
