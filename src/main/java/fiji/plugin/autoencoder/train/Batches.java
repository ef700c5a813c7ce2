package fiji.plugin.autoencoder.train;

import java.util.Random;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;

/**
 * Reused batch buffers of one training run: fills {@code n} samples from a
 * {@link TrainingData} and runs one training step (or one loss evaluation) on
 * them; plus the shape helpers the training classes share. Not thread-safe.
 */
final class Batches
{
	final int batch, inSize, outSize;

	final int[] shape;

	final int outChannels;

	final float[] input, target, weight;

	/** Runs several steps at once (stepsPerRun above 1), or null. */
	MultiStepRunner multi;

	Batches( final ModelSpec spec, final TrainingData data, final int batch )
	{
		this.batch = batch;
		this.shape = data.inputShape();
		this.outChannels = spec.outChannels();
		this.inSize = sampleSize( shape, shape[ shape.length - 1 ] );
		this.outSize = sampleSize( shape, outChannels );
		this.input = new float[ batch * inSize ];
		this.target = data.hasTargets() ? new float[ batch * outSize ] : null;
		this.weight = data.hasWeights() ? new float[ batch * outSize ] : null;
	}

	/** One step of {@code trainOp} (or, if it is null, the loss only) on the samples {@code order[from .. from + n)}; returns the loss. */
	float step( final Model model, final TrainingData data, final int[] order, final int from, final int n,
			final Random random, final String trainOp, final String lossOp )
	{
		data.fill( order, from, n, input, target, weight, random );
		final Shape in = batchShape( n, shape, shape[ shape.length - 1 ] );
		final Shape out = batchShape( n, shape, outChannels );
		try ( TFloat32 x = Model.tensor( input, in );
				TFloat32 t = target == null ? null : Model.tensor( target, out );
				TFloat32 w = weight == null ? null : Model.tensor( weight, out ) )
		{
			final TFloat32 tt = t == null ? x : t;
			return trainOp == null ? model.loss( lossOp, x, tt, w ) : model.trainStep( trainOp, lossOp, x, tt, w );
		}
	}

	/** The tensor shape of {@code n} samples of spatial shape {@code sample[0 .. last)} with {@code channels} channels. */
	static Shape batchShape( final int n, final int[] sample, final int channels )
	{
		final long[] d = new long[ sample.length + 1 ];
		d[ 0 ] = n;
		for ( int i = 0; i + 1 < sample.length; i++ )
			d[ i + 1 ] = sample[ i ];
		d[ sample.length ] = channels;
		return Shape.of( d );
	}

	/** Values per sample of spatial shape {@code sample[0 .. last)} with {@code channels} channels. */
	static int sampleSize( final int[] sample, final int channels )
	{
		int n = channels;
		for ( int i = 0; i + 1 < sample.length; i++ )
			n *= sample[ i ];
		return n;
	}

	/** A random permutation of {@code 0 .. n-1} (Fisher-Yates). */
	static int[] permutation( final int n, final Random random )
	{
		final int[] p = new int[ n ];
		for ( int i = 0; i < n; i++ )
			p[ i ] = i;
		for ( int i = n - 1; i > 0; i-- )
		{
			final int j = random.nextInt( i + 1 );
			final int t = p[ i ];
			p[ i ] = p[ j ];
			p[ j ] = t;
		}
		return p;
	}
}
