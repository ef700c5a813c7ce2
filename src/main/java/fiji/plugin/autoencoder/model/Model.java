package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A built or loaded autoencoder: owns its TensorFlow {@link Graph} and {@link Session} and runs the endpoints named in
 * {@link Endpoints}.
 * <p> 3D models ({@link ModelSpec#is3D()}) take NDHWC volumes: {@link #spatialDims()} is 3 and spatial sizes are {D,
 * H, W}.
 * <p> Thread safety: prediction methods may be called from several threads at once (TensorFlow sessions are
 * thread-safe); training steps must come from one thread at a time. Close the model to free native memory.
 *
 * <pre>{@code
 * try ( Model model = Model.create( Presets.convStrided(), 42, 2 ) ) {
 *     float[] out = new float[ in.length ];
 *     model.predict( in, out, n, new int[] { 28, 28 } );
 * }
 * }</pre>
 */
public final class Model implements ImagePredictor, AutoCloseable
{
	private final ModelSpec spec;

	private final Graph graph;

	private final Session session;

	private final List< String > paramNames;

	private volatile boolean closed;

	/** Training steps, multi-step runs and uploaded training data. */
	private final TrainingRuns runs;

	private Model( final ModelSpec spec, final Graph graph, final Session session )
	{
		this.spec = spec;
		this.graph = graph;
		this.session = session;
		final List< String > names = new ArrayList<>();
		final Iterator< GraphOperation > it = graph.operations();
		while ( it.hasNext() )
		{
			final GraphOperation op = it.next();
			if ( op.name().startsWith( Endpoints.PARAMS + "/" )
					&& ( op.type().equals( "VariableV2" ) || op.type().equals( "Variable" ) ) )
				names.add( op.name() );
		}
		Collections.sort( names );
		this.paramNames = Collections.unmodifiableList( names );
		this.runs = new TrainingRuns( spec, graph, session );
	}

	/**
	 * Builds a new, randomly initialised model.
	 *
	 * @param seed    seed of the initial weights
	 * @param threads TensorFlow intra-op threads; 0 or less for all cores
	 */
	public static Model create( final ModelSpec spec, final long seed, final int threads )
	{
		TensorFlowCheck.require();
		final Graph g = GraphBuilder.build( spec, seed );
		Session s = null;
		try
		{
			s = new Session( g, sessionConfig( threads ) );
			s.initialize();
			return new Model( spec.copy(), g, s );
		}
		catch ( final RuntimeException e )
		{
			if ( s != null )
				s.close();
			g.close();
			throw e;
		}
	}

	/** Wraps a graph built for {@code spec} and a session whose variables are set (see {@link CheckpointRestore}); the model closes both. */
	static Model wrap( final ModelSpec spec, final Graph graph, final Session session )
	{
		return new Model( spec, graph, session );
	}

	/** Session options: {@code threads} intra-op threads (0: {@link TensorFlowThreads#resolve}), one inter-op thread; TensorFlow honours the first session's only ({@link TensorFlowThreads#effective}). */
	public static ConfigProto sessionConfig( final int threads )
	{
		final int n = TensorFlowThreads.resolve( threads );
		TensorFlowThreads.sessionCreated( n );
		return ConfigProto.newBuilder()
				.setIntraOpParallelismThreads( n )
				.setInterOpParallelismThreads( 1 )
				.setAllowSoftPlacement( true )
				.build();
	}

	public ModelSpec spec()
	{
		return spec.copy();
	}

	public Graph graph()
	{
		return graph;
	}

	public Session session()
	{
		return session;
	}

	/** True if the graph has an op of this name. */
	public boolean has( final String endpoint )
	{
		return graph.operation( endpoint ) != null;
	}

	/** Names of the trainable parameters, sorted. */
	public List< String > parameterNames()
	{
		return paramNames;
	}

	/** Shape of each parameter, by name. */
	public Map< String, long[] > parameterShapes()
	{
		final Map< String, long[] > m = new LinkedHashMap<>();
		for ( final String n : paramNames )
			m.put( n, graph.operation( n ).output( 0 ).shape().asArray() );
		return m;
	}

	/** Total number of trainable values. */
	public long parameterCount()
	{
		long n = 0;
		for ( final long[] s : parameterShapes().values() )
			n += Shape.of( s ).size();
		return n;
	}

	/** The number of optimiser steps taken so far (continues across save and load). */
	public long step()
	{
		try ( Result r = session.runner().fetch( Endpoints.STEP ).run() )
		{
			return ( ( TInt64 ) r.get( 0 ) ).getLong();
		}
	}

	// -- ImagePredictor methods --

	@Override
	public int spatialDims()
	{
		return spec.spatialDims();
	}

	@Override
	public int inputChannels()
	{
		return spec.channels;
	}

	@Override
	public int outputChannels()
	{
		return spec.outChannels();
	}

	@Override
	public int sizeMultiple()
	{
		return spec.sizeMultiple();
	}

	@Override
	public int halo()
	{
		return spec.halo();
	}

	@Override
	public long activationBytesPerPixel()
	{
		return spec.activationBytesPerPixel();
	}

	@Override
	public int[] fixedSpatialShape()
	{
		return spec.hasFixedInputSize() ? new int[] { spec.height, spec.width } : null;
	}

	@Override
	public void predict( final float[] input, final float[] output, final int batch, final int[] spatial )
	{
		final Shape shape = InputShapes.of( spec, batch, spatial, spec.channels );
		checkOpen();
		if ( input.length < shape.size() )
			throw new IllegalArgumentException(
					"Need " + shape.size() + " values for shape " + shape + ", got " + input.length );
		try ( TFloat32 in = tensor( input, shape );
				Result r = session.runner().feed( Endpoints.INPUT, in ).fetch( Endpoints.RECONSTRUCTION ).run() )
		{
			final TFloat32 out = ( TFloat32 ) r.get( 0 );
			final long n = out.shape().size();
			if ( output.length < n )
				throw new IllegalArgumentException(
						"The output buffer holds " + output.length + " values, the prediction has " + n );
			// NB: straight into the caller's buffer: no intermediate array per tile
			out.asRawTensor().data().asFloats().read( output, 0, ( int ) n );
		}
	}

	/** Reconstructions of a batch of {@code height x width} images (NHWC), or {@code depth x height x width} volumes (NDHWC) for 3D models. */
	public float[] reconstruct( final float[] input, final int batch )
	{
		final int[] spatial = spec.is3D() ? new int[] { spec.depth, spec.height, spec.width }
				: new int[] { spec.height, spec.width };
		return run( Endpoints.RECONSTRUCTION, Endpoints.INPUT, input,
				InputShapes.of( spec, batch, spatial, spec.channels ) ).data;
	}

	/** Codes of a batch of images (NHWC, any valid spatial size). */
	public FloatBatch encode( final float[] input, final int batch, final int[] spatial )
	{
		return run( Endpoints.CODE, Endpoints.INPUT, input, InputShapes.of( spec, batch, spatial, spec.channels ) );
	}

	/** Decodes codes of the given shape (batch first) on their own. */
	public FloatBatch decode( final float[] code, final long[] codeShape )
	{
		if ( !has( Endpoints.CODE_INPUT ) )
			throw new IllegalStateException(
					"This model decodes only through its encoder (zero-fill unpooling needs the encoder's max positions, skip connections its maps, a residual output its input): use reconstruct()." );
		return run( Endpoints.DECODED, Endpoints.CODE_INPUT, code, Shape.of( codeShape ) );
	}

	private FloatBatch run( final String fetch, final String feed, final float[] data, final Shape shape )
	{
		checkOpen();
		if ( data.length < shape.size() )
			throw new IllegalArgumentException(
					"Need " + shape.size() + " values for shape " + shape + ", got " + data.length );
		try ( TFloat32 in = tensor( data, shape );
				Result r = session.runner().feed( feed, in ).fetch( fetch ).run() )
		{
			return FloatBatch.of( ( TFloat32 ) r.get( 0 ) );
		}
	}

	/** A new tensor holding the first {@code shape.size()} values of {@code data}. */
	public static TFloat32 tensor( final float[] data, final Shape shape )
	{
		final TFloat32 t = TFloat32.tensorOf( shape );
		t.asRawTensor().data().asFloats().write( data, 0, ( int ) shape.size() );
		return t;
	}

	// -- training --

	/**
	 * One optimiser step of {@code trainOp} (normally {@link Endpoints#TRAIN});
	 * returns the batch's loss before the update. {@code weight} may be null
	 * unless the model has a weighted loss.
	 */
	public float trainStep( final String trainOp, final String lossOp, final TFloat32 input, final TFloat32 target,
			final TFloat32 weight )
	{
		checkOpen();
		return runs.trainStep( trainOp, lossOp, input, target, weight );
	}

	/** Multiplies the learning rate of the following training steps by {@code m} (1: the spec's rate; a schedule sets it). */
	public void learningRateMultiplier( final double m )
	{
		runs.multiplier = ( float ) m;
	}

	/** The loss of a batch, without training. */
	public float loss( final String lossOp, final TFloat32 input, final TFloat32 target, final TFloat32 weight )
	{
		checkOpen();
		return runs.loss( lossOp, input, target, weight );
	}

	/**
	 * Makes {@link #trainSteps} available for this number of steps per run
	 * (adds the ops to the graph once; see {@link GraphBuilder#addMultiStep}).
	 * Costs a graph extension of about {@code steps} times the size of one
	 * training step; a model file saved afterwards contains these ops too.
	 */
	public synchronized void prepareMultiStep( final int steps )
	{
		checkOpen();
		GraphBuilder.addMultiStep( graph, spec, steps );
	}

	/**
	 * {@code steps} optimiser steps of {@link Endpoints#TRAIN} in one run: the
	 * batches are {@code steps} equal slices of the fed tensors (the first
	 * dimension must be a multiple of {@code steps}); returns each step's loss
	 * before its update. Same result as {@code steps} calls of
	 * {@link #trainStep} with the slices, without their per-run overhead.
	 * Call {@link #prepareMultiStep(int)} first.
	 */
	public float[] trainSteps( final int steps, final TFloat32 input, final TFloat32 target, final TFloat32 weight )
	{
		checkOpen();
		return runs.trainSteps( steps, input, target, weight );
	}

	/**
	 * Like {@link #trainSteps(int, TFloat32, TFloat32, TFloat32)}, on the
	 * samples at {@code indices} (int32, {@code steps} batches one after the
	 * other) of the data given to {@link #uploadTrainingData}: no image data
	 * crosses from Java per run.
	 */
	public float[] trainSteps( final int steps, final TInt32 indices )
	{
		checkOpen();
		return runs.trainSteps( steps, indices );
	}

	/**
	 * Copies training samples into the graph (native memory, not saved in model
	 * files) for {@link #trainSteps(int, TInt32)}. {@code targets} null means
	 * the inputs are their own targets (shared, not copied). Replaces earlier
	 * uploads; {@link #releaseTrainingData()} frees the memory.
	 *
	 * @param inputs  a tensor of shape {count, H, W, channels} ({count, D, H, W, channels} for 3D models)
	 * @param targets null, or {count, H, W, output channels} (likewise)
	 */
	public synchronized void uploadTrainingData( final TFloat32 inputs, final TFloat32 targets )
	{
		checkOpen();
		runs.upload( inputs, targets );
	}

	/** Frees the memory of {@link #uploadTrainingData} (keeps the ops). */
	public synchronized void releaseTrainingData()
	{
		if ( closed )
			return;
		runs.release();
	}

	/** Copies of all parameter values, by name (a snapshot of the weights). */
	public Map< String, float[] > readParameters()
	{
		checkOpen();
		return ParameterValues.read( session, paramNames );
	}

	/** Writes parameter values back (e.g. a snapshot from {@link #readParameters()}). */
	public void writeParameters( final Map< String, float[] > values )
	{
		checkOpen();
		ParameterValues.write( session, parameterShapes(), values );
	}

	/** True once {@link #close()} was called. */
	public boolean isClosed()
	{
		return closed;
	}

	private void checkOpen()
	{
		if ( closed )
			throw new IllegalStateException( "The model was closed" );
	}

	@Override
	public void close()
	{
		if ( closed )
			return;
		closed = true;
		session.close();
		graph.close();
	}
}
