package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.tensorflow.RawTensor;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;

/** A {@link MultiStepRunner} whose construction fails part-way frees what it allocated or uploaded before. */
class MultiStepRunnerLeakTest
{
	/** Allocates real tensors and fails the {@code failAt}-th allocation (1-based). */
	private static final class FailingAllocator implements MultiStepRunner.Allocator
	{
		final List< Tensor > allocated = new ArrayList<>();

		final int failAt;

		FailingAllocator( final int failAt )
		{
			this.failAt = failAt;
		}

		@Override
		public < T extends TType > T allocate( final Class< T > type, final Shape shape )
		{
			if ( allocated.size() + 1 == failAt )
				throw new OutOfMemoryError( "test: allocation " + failAt + " fails" );
			final T t = Tensor.of( type, shape );
			allocated.add( t );
			return t;
		}
	}

	/** True once the tensor's native memory was freed (its handle is null after close). */
	private static boolean freed( final Tensor t ) throws Exception
	{
		final Field handle = RawTensor.class.getDeclaredField( "tensorHandle" );
		handle.setAccessible( true );
		final Pointer p = ( Pointer ) handle.get( t.asRawTensor() );
		return p == null || p.isNull();
	}

	@Test
	void theCheckSeesAnOpenTensor() throws Exception
	{
		final Tensor t = Tensor.of( TInt32.class, Shape.of( 4 ) );
		assertFalse( freed( t ) );
		t.close();
		assertTrue( freed( t ) );
	}

	@Test
	void fedTensorsAreClosedWhenTheLastAllocationFails() throws Exception
	{
		final ModelSpec spec = Presets.convStrided();
		spec.weightedLoss = true;
		try ( Model model = Model.create( spec, 1, 1 ) )
		{
			final TrainingData data = new TrainingData()
			{
				@Override
				public int size()
				{
					return 64;
				}

				@Override
				public int[] inputShape()
				{
					return new int[] { 28, 28, 1 };
				}

				@Override
				public int targetChannels()
				{
					return 1;
				}

				@Override
				public boolean hasTargets()
				{
					return true;
				}

				@Override
				public boolean hasWeights()
				{
					return true;
				}

				@Override
				public void fill( final int[] indices, final int from, final int n, final float[] input,
						final float[] target, final float[] weight, final Random random )
				{
					Arrays.fill( input, 0.5f );
				}
			};
			final FailingAllocator allocator = new FailingAllocator( 3 ); // input, target, then the weights fail
			assertThrows( OutOfMemoryError.class, () -> new MultiStepRunner( model, data, 4, 8, allocator ) );
			assertEquals( 2, allocator.allocated.size() );
			for ( final Tensor t : allocator.allocated )
				assertTrue( freed( t ), "a tensor allocated before the failure is closed" );
		}
	}

	@Test
	void uploadedDataIsReleasedWhenTheIndexAllocationFails() throws Exception
	{
		try ( Model model = Model.create( Presets.convStrided(), 1, 1 ) )
		{
			final float[] x = new float[ 64 * 28 * 28 ];
			final Random random = new Random( 1 );
			for ( int i = 0; i < x.length; i++ )
				x[ i ] = random.nextFloat();
			final FailingAllocator allocator = new FailingAllocator( 2 ); // the upload's input tensor, then the indices fail
			assertThrows( OutOfMemoryError.class,
					() -> new MultiStepRunner( model, new ArrayTrainingData( x, 64, 28, 28, 1 ), 4, 8, allocator ) );
			assertEquals( 1, allocator.allocated.size() );
			assertTrue( freed( allocator.allocated.get( 0 ) ), "the upload's tensor is closed" );
			try ( TInt32 indices = TInt32.tensorOf( Shape.of( 32 ) ) )
			{
				final IllegalStateException e = assertThrows( IllegalStateException.class,
						() -> model.trainSteps( 4, indices ) );
				assertTrue( e.getMessage().contains( "No training data uploaded" ),
						"the uploaded data was released: " + e.getMessage() );
			}
		}
	}
}
