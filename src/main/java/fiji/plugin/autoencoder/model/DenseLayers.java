package fiji.plugin.autoencoder.model;

import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * The fully connected encoder and decoder of a {@code dense} spec (optionally
 * with tied weights): flat input, hidden layers, code, and back to an image
 * shape. Builds into a {@link BuildContext}; not thread-safe.
 */
final class DenseLayers
{
	private final BuildContext c;

	DenseLayers( final BuildContext c )
	{
		this.c = c;
	}

	/** Layer widths: the flat input, the hidden layers, the code. */
	int[] sizes()
	{
		final ModelSpec spec = c.spec;
		final int[] sizes = new int[ spec.layers.length + 2 ];
		sizes[ 0 ] = ( int ) spec.inputSize();
		for ( int i = 0; i < spec.layers.length; i++ )
			sizes[ i + 1 ] = spec.layers[ i ];
		sizes[ sizes.length - 1 ] = spec.codeSize;
		return sizes;
	}

	/** Encoder layers; {@code hidden} receives each layer's input (the flat image first). */
	Operand< TFloat32 > encoder( final Operand< TFloat32 > flat, final List< Operand< TFloat32 > > hidden )
	{
		final int[] sizes = sizes();
		Operand< TFloat32 > x = flat;
		for ( int i = 0; i + 1 < sizes.length; i++ )
		{
			hidden.add( x );
			x = c.activation( encoderLayer( x, i, sizes ),
					i + 2 == sizes.length ? c.spec.codeActivation : c.spec.activation );
		}
		return x;
	}

	/** Pre-activation of encoder layer {@code i}, which maps size i to size i+1. */
	Operand< TFloat32 > encoderLayer( final Operand< TFloat32 > x, final int i, final int[] sizes )
	{
		final Ops tf = c.tf;
		final Operand< TFloat32 > w = c.weight( "enc" + i + "_w", sizes[ i ], sizes[ i + 1 ] );
		final Operand< TFloat32 > b = c.bias( "enc" + i + "_b", sizes[ i + 1 ] );
		return tf.nn.biasAdd( tf.linalg.matMul( x, w ), b );
	}

	/** Pre-activation of decoder layer {@code i}, which maps size i+1 back to size i. */
	Operand< TFloat32 > decoderLayer( final Operand< TFloat32 > z, final int i, final int[] sizes )
	{
		final Ops tf = c.tf;
		final ModelSpec spec = c.spec;
		final int outSize = i == 0 ? spec.height * spec.width * spec.outChannels() : sizes[ i ];
		final Operand< TFloat32 > b = c.bias( "dec" + i + "_b", outSize );
		if ( spec.tiedWeights )
			return tf.nn.biasAdd( tf.linalg.matMul( z, c.param( "enc" + i + "_w" ), MatMul.transposeB( true ) ), b );
		final Operand< TFloat32 > w = c.weight( "dec" + i + "_w", sizes[ i + 1 ], outSize );
		return tf.nn.biasAdd( tf.linalg.matMul( z, w ), b );
	}

	Operand< TFloat32 > decoder( final Operand< TFloat32 > code )
	{
		final int[] sizes = sizes();
		Operand< TFloat32 > z = code;
		for ( int i = sizes.length - 2; i >= 0; i-- )
		{
			z = decoderLayer( z, i, sizes );
			if ( i > 0 )
				z = c.activation( z, c.spec.activation );
		}
		return z;
	}

	/** The flat decoder output as a batch of {@code height x width x outChannels} images. */
	Operand< TFloat32 > imageShaped( final Operand< TFloat32 > flat )
	{
		final Ops tf = c.tf;
		final ModelSpec spec = c.spec;
		return tf.reshape( flat, tf.constant( new long[] { -1, spec.height, spec.width, spec.outChannels() } ) );
	}
}
