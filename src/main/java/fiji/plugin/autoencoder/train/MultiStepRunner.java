package fiji.plugin.autoencoder.train;

import java.util.Random;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;

/**
 * Runs {@code steps} full training batches per {@code Session.run} through
 * {@link Model#trainSteps}: from training data uploaded to the graph once when
 * the data has {@link TrainingData#fixedSamples() fixed samples} and no loss
 * weights (only int32 indices cross per run), else from reused fed tensors.
 * Used by {@link Trainer} when {@link TrainingConfig#stepsPerRun} is above 1;
 * closing it frees the uploaded data and the tensors.
 *
 * <pre>{@code
 * try ( MultiStepRunner r = new MultiStepRunner( model, data, 8, 128 ) ) {
 *     float[] losses = r.run( order, 0, random );   // 8 steps on order[0 .. 1024)
 * }
 * }</pre>
 */
public final class MultiStepRunner implements AutoCloseable
{
	private final Model model;

	private final TrainingData data;

	private final int steps, batch;

	private final boolean uploaded;

	private final int[] indexBuffer;

	private final TInt32 indices;

	private final float[] input, target, weight;

	/** One batch, filled as {@link Batches#step} fills it. */
	private final float[] batchInput, batchTarget, batchWeight;

	private final TFloat32 inputTensor, targetTensor, weightTensor;

	/** Allocates the runner's tensors (NB: package-private so that a test can fail an allocation part-way). */
	interface Allocator
	{
		< T extends TType > T allocate( Class< T > type, Shape shape );
	}

	/**
	 * Prepares the model's {@code steps}-step ops and uploads the data if it
	 * has fixed samples and the model no weighted loss.
	 */
	public MultiStepRunner( final Model model, final TrainingData data, final int steps, final int batch )
	{
		this( model, data, steps, batch, Tensor::of );
	}

	/** As above; if an allocation fails, what was allocated or uploaded before it is freed. */
	MultiStepRunner( final Model model, final TrainingData data, final int steps, final int batch,
			final Allocator allocator )
	{
		this.model = model;
		this.data = data;
		this.steps = steps;
		this.batch = batch;
		final ModelSpec spec = model.spec();
		model.prepareMultiStep( steps );
		final int[] s = data.inputShape();
		final int n = steps * batch;
		uploaded = data.fixedSamples() && !spec.weightedLoss && !data.hasWeights();
		final int inSize = Batches.sampleSize( s, s[ s.length - 1 ] ),
				outSize = Batches.sampleSize( s, spec.outChannels() );
		TInt32 ind = null;
		TFloat32 in = null, out = null, w = null;
		try
		{
			if ( uploaded )
			{
				upload( model, data, spec.outChannels(), allocator );
				ind = allocator.allocate( TInt32.class, Shape.of( n ) );
			}
			else
			{
				in = allocator.allocate( TFloat32.class, Batches.batchShape( n, s, s[ s.length - 1 ] ) );
				out = data.hasTargets()
						? allocator.allocate( TFloat32.class, Batches.batchShape( n, s, spec.outChannels() ) ) : null;
				w = data.hasWeights()
						? allocator.allocate( TFloat32.class, Batches.batchShape( n, s, spec.outChannels() ) ) : null;
			}
		}
		catch ( final RuntimeException | Error e )
		{
			for ( final AutoCloseable t : new AutoCloseable[] { w, out, in } )
				if ( t != null )
					closeAfterFailure( t, e );
			if ( uploaded )
				model.releaseTrainingData();
			throw e;
		}
		indices = ind;
		indexBuffer = uploaded ? new int[ n ] : null;
		inputTensor = in;
		targetTensor = out;
		weightTensor = w;
		input = uploaded ? null : new float[ n * inSize ];
		target = out == null ? null : new float[ n * outSize ];
		weight = w == null ? null : new float[ n * outSize ];
		batchInput = uploaded ? null : new float[ batch * inSize ];
		batchTarget = target == null ? null : new float[ batch * outSize ];
		batchWeight = weight == null ? null : new float[ batch * outSize ];
	}

	private static void closeAfterFailure( final AutoCloseable t, final Throwable failure )
	{
		try
		{
			t.close();
		}
		catch ( final Exception e )
		{
			failure.addSuppressed( e );
		}
	}

	/** Samples consumed per run: steps x batch. */
	public int samplesPerRun()
	{
		return steps * batch;
	}

	/** The steps on samples {@code order[from .. from + steps * batch)}; returns each step's loss. */
	public float[] run( final int[] order, final int from, final Random random )
	{
		final int n = steps * batch;
		if ( uploaded )
		{
			System.arraycopy( order, from, indexBuffer, 0, n );
			indices.asRawTensor().data().asInts().write( indexBuffer );
			return model.trainSteps( steps, indices );
		}
		// batch by batch, as single steps draw them: data that draws at random (patches, augmentations) gives the same samples
		for ( int k = 0; k < steps; k++ )
		{
			data.fill( order, from + k * batch, batch, batchInput, batchTarget, batchWeight, random );
			System.arraycopy( batchInput, 0, input, k * batchInput.length, batchInput.length );
			if ( target != null )
				System.arraycopy( batchTarget, 0, target, k * batchTarget.length, batchTarget.length );
			if ( weight != null )
				System.arraycopy( batchWeight, 0, weight, k * batchWeight.length, batchWeight.length );
		}
		inputTensor.asRawTensor().data().asFloats().write( input );
		if ( targetTensor != null )
			targetTensor.asRawTensor().data().asFloats().write( target );
		if ( weightTensor != null )
			weightTensor.asRawTensor().data().asFloats().write( weight );
		return model.trainSteps( steps, inputTensor, targetTensor == null ? inputTensor : targetTensor, weightTensor );
	}

	/** Copies all samples into the graph, a chunk at a time (no second copy of the data set on the Java heap). */
	private static void upload( final Model model, final TrainingData data, final int outChannels,
			final Allocator allocator )
	{
		final int[] s = data.inputShape();
		final int count = data.size();
		final int inSize = Batches.sampleSize( s, s[ s.length - 1 ] ), outSize = Batches.sampleSize( s, outChannels );
		final int chunk = Math.max( 1, Math.min( count, ( 1 << 22 ) / Math.max( inSize, outSize ) ) );
		final int[] all = new int[ count ];
		for ( int i = 0; i < count; i++ )
			all[ i ] = i;
		final float[] in = new float[ chunk * inSize ];
		final float[] out = data.hasTargets() ? new float[ chunk * outSize ] : null;
		final Random unused = new Random( 0 );
		try ( TFloat32 inputs = allocator.allocate( TFloat32.class, Batches.batchShape( count, s, s[ s.length - 1 ] ) );
				TFloat32 targets = out == null ? null
						: allocator.allocate( TFloat32.class, Batches.batchShape( count, s, outChannels ) ) )
		{
			final FloatDataBuffer inBuf = inputs.asRawTensor().data().asFloats();
			final FloatDataBuffer outBuf = targets == null ? null : targets.asRawTensor().data().asFloats();
			for ( int from = 0; from < count; from += chunk )
			{
				final int m = Math.min( chunk, count - from );
				data.fill( all, from, m, in, out, null, unused );
				inBuf.offset( ( long ) from * inSize ).write( in, 0, m * inSize );
				if ( outBuf != null )
					outBuf.offset( ( long ) from * outSize ).write( out, 0, m * outSize );
			}
			model.uploadTrainingData( inputs, targets );
		}
	}

	@Override
	public void close()
	{
		if ( uploaded )
		{
			model.releaseTrainingData();
			indices.close();
		}
		else
		{
			inputTensor.close();
			if ( targetTensor != null )
				targetTensor.close();
			if ( weightTensor != null )
				weightTensor.close();
		}
	}
}
