package fiji.plugin.autoencoder.model;

import java.util.Arrays;

import org.tensorflow.types.TFloat32;

/** A copy of a float tensor's values with its shape (batch first, channels last). */
public final class FloatBatch
{
	public final long[] shape;

	public final float[] data;

	public FloatBatch( final long[] shape, final float[] data )
	{
		this.shape = shape;
		this.data = data;
	}

	/** Copies a tensor's values out of native memory. */
	public static FloatBatch of( final TFloat32 t )
	{
		final float[] d = new float[ ( int ) t.shape().size() ];
		t.asRawTensor().data().asFloats().read( d );
		return new FloatBatch( t.shape().asArray(), d );
	}

	/** Values per batch item. */
	public int itemSize()
	{
		return shape.length == 0 || shape[ 0 ] == 0 ? 0 : data.length / ( int ) shape[ 0 ];
	}

	@Override
	public String toString()
	{
		return "FloatBatch" + Arrays.toString( shape );
	}
}
