package fiji.plugin.autoencoder.train;

import java.util.Random;

/**
 * Training samples held in float arrays (channels-last, sample after sample),
 * optionally with targets of the same spatial size (e.g. clean images for
 * noisy inputs, or masks).
 *
 * <pre>{@code
 * TrainingData data = new ArrayTrainingData( pixels, 60000, 28, 28, 1 );
 * TrainingData volumes = ArrayTrainingData.volumes( voxels, null, 0, 100, 16, 32, 32, 1 ); // D x H x W x C each
 * }</pre>
 */
public final class ArrayTrainingData implements TrainingData
{
	private final float[] inputs;

	private final float[] targets;

	private final int count;

	private final int[] shape;

	private final int targetChannels;

	/** Inputs that are their own targets. */
	public ArrayTrainingData( final float[] inputs, final int count, final int height, final int width,
			final int channels )
	{
		this( inputs, null, 0, count, height, width, channels );
	}

	/** Inputs with separate targets of {@code targetChannels} channels. */
	public ArrayTrainingData( final float[] inputs, final float[] targets, final int targetChannels, final int count,
			final int height, final int width, final int channels )
	{
		this( inputs, targets, targetChannels, count, new int[] { height, width, channels } );
	}

	/**
	 * Volumes (for 3D models), each {@code depth x height x width x channels}
	 * (channels fastest), with targets of {@code targetChannels} channels or null.
	 */
	public static ArrayTrainingData volumes( final float[] inputs, final float[] targets, final int targetChannels,
			final int count,
			final int depth, final int height, final int width, final int channels )
	{
		return new ArrayTrainingData( inputs, targets, targetChannels, count,
				new int[] { depth, height, width, channels } );
	}

	private ArrayTrainingData( final float[] inputs, final float[] targets, final int targetChannels, final int count,
			final int[] shape )
	{
		if ( count <= 0 )
			throw new IllegalArgumentException( "The training set is empty: give at least one sample" );
		final int channels = shape[ shape.length - 1 ];
		final long size = Batches.sampleSize( shape, channels );
		final StringBuilder dims = new StringBuilder();
		for ( int i = 0; i + 1 < shape.length; i++ )
			dims.append( shape[ i ] ).append( " x " );
		if ( inputs.length != size * count )
			throw new IllegalArgumentException( "Expected " + count + " samples of " + dims + channels + " = "
					+ size * count + " values, got " + inputs.length );
		if ( targets != null && targets.length != ( long ) Batches.sampleSize( shape, targetChannels ) * count )
			throw new IllegalArgumentException(
					"Targets must be " + count + " x " + dims + targetChannels + " values, got " + targets.length );
		this.inputs = inputs;
		this.targets = targets;
		this.count = count;
		this.shape = shape.clone();
		this.targetChannels = targets == null ? channels : targetChannels;
	}

	@Override
	public int size()
	{
		return count;
	}

	@Override
	public int[] inputShape()
	{
		return shape.clone();
	}

	@Override
	public int targetChannels()
	{
		return targetChannels;
	}

	@Override
	public boolean hasTargets()
	{
		return targets != null;
	}

	@Override
	public boolean hasWeights()
	{
		return false;
	}

	@Override
	public boolean fixedSamples()
	{
		return true;
	}

	@Override
	public void fill( final int[] indices, final int from, final int n, final float[] input, final float[] target,
			final float[] weight, final Random random )
	{
		final int in = Batches.sampleSize( shape, shape[ shape.length - 1 ] );
		final int out = Batches.sampleSize( shape, targetChannels );
		for ( int i = 0; i < n; i++ )
		{
			final int s = indices[ from + i ];
			System.arraycopy( inputs, s * in, input, i * in, in );
			if ( targets != null && target != null )
				System.arraycopy( targets, s * out, target, i * out, out );
		}
	}
}
