package fiji.plugin.autoencoder.model;

import org.tensorflow.ndarray.Shape;

/** The tensor shape of a batch for a {@link Model}, with the checks (2D or 3D, fixed size, size multiple) and messages that say what to do. */
final class InputShapes
{
	private InputShapes()
	{}

	/** The NHWC (NDHWC) shape of {@code batch} samples of size {@code spatial} with {@code channels} channels. */
	static Shape of( final ModelSpec spec, final int batch, final int[] spatial, final int channels )
	{
		if ( spec.is3D() )
			return volumeShape( spec, batch, spatial, channels );
		if ( spatial.length != 2 )
			throw new IllegalArgumentException(
					"This model is 2D: give {height, width}, got " + spatial.length + " spatial sizes"
							+ ( spatial.length == 3
									? " (a volume): run it plane by plane, or train a 3D model (depth > 0)" : "" ) );
		final int[] fixed = spec.hasFixedInputSize() ? new int[] { spec.height, spec.width } : null;
		if ( fixed != null && ( spatial[ 0 ] != fixed[ 0 ] || spatial[ 1 ] != fixed[ 1 ] ) )
			throw new IllegalArgumentException(
					"This model takes only " + fixed[ 0 ] + " x " + fixed[ 1 ] + " inputs (it has dense layers), got "
							+ spatial[ 0 ] + " x " + spatial[ 1 ]
							+ ": resize or crop the images, or train a convolutional model with code_size 0" );
		final int m = spec.sizeMultiple();
		if ( spatial[ 0 ] % m != 0 || spatial[ 1 ] % m != 0 )
			throw new IllegalArgumentException(
					"Input " + spatial[ 0 ] + " x " + spatial[ 1 ] + " is not a multiple of " + m
							+ " (the model pools " + spec.levels() + " times): pad or crop to a multiple of " + m );
		return Shape.of( batch, spatial[ 0 ], spatial[ 1 ], channels );
	}

	private static Shape volumeShape( final ModelSpec spec, final int batch, final int[] spatial, final int channels )
	{
		if ( spatial.length != 3 )
			throw new IllegalArgumentException(
					"This model is 3D: give {depth, height, width}, got " + spatial.length + " spatial sizes"
							+ ( spatial.length == 2 ? " (a 2D image): give a z-stack, or use a 2D model" : "" ) );
		final int m = spec.sizeMultiple();
		if ( spatial[ 0 ] % m != 0 || spatial[ 1 ] % m != 0 || spatial[ 2 ] % m != 0 )
			throw new IllegalArgumentException( "Input " + spatial[ 0 ] + " x " + spatial[ 1 ] + " x " + spatial[ 2 ]
					+ " (depth x height x width) is not a multiple of " + m
					+ " (the model pools " + spec.levels() + " times in z, y and x): pad or crop to a multiple of "
					+ m );
		return Shape.of( batch, spatial[ 0 ], spatial[ 1 ], spatial[ 2 ], channels );
	}
}
