package fiji.plugin.autoencoder.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * A model rebuilt from its spec with every variable (parameters, optimiser
 * slots, step counters) set to saved values: how model files load. The graph
 * is {@link GraphBuilder}'s for the spec; the values are plain data (read from
 * the file by the caller); the only ops run are the assigns added here, one per
 * variable, fed from Java. No initialiser runs, so a variable the values lack
 * is an error, never a silent random weight.
 *
 * <pre>{@code
 * try ( Model m = CheckpointRestore.restore( spec, values, 0 ) ) { ... }
 * }</pre>
 */
public final class CheckpointRestore
{
	/** Scope of the assign ops added to the rebuilt graph. */
	static final String SCOPE = "checkpoint_restore";

	private CheckpointRestore()
	{}

	/**
	 * One saved tensor: its type, shape and values as little-endian bytes
	 * ({@code shape}'s element count times 4 for float32, 8 for int64).
	 */
	public static final class Value
	{
		private final DataType dtype;

		private final long[] shape;

		private final ByteBuffer data;

		public Value( final DataType dtype, final long[] shape, final ByteBuffer data )
		{
			this.dtype = dtype;
			this.shape = shape.clone();
			this.data = data;
		}

		public DataType dtype()
		{
			return dtype;
		}

		public long[] shape()
		{
			return shape.clone();
		}

		public ByteBuffer data()
		{
			return data.duplicate().order( ByteOrder.LITTLE_ENDIAN );
		}
	}

	/** The variables of a graph (ops of type VariableV2), by name, sorted. */
	public static Map< String, Output< ? > > variables( final Graph graph )
	{
		final Map< String, Output< ? > > vars = new TreeMap<>();
		for ( final Iterator< GraphOperation > it = graph.operations(); it.hasNext(); )
		{
			final GraphOperation op = it.next();
			if ( op.type().equals( "VariableV2" ) )
				vars.put( op.name(), op.output( 0 ) );
		}
		return vars;
	}

	/**
	 * Builds the model of {@code spec} and sets all its variables to
	 * {@code values}, which must hold exactly the graph's variables with their
	 * types and shapes.
	 *
	 * @param threads TensorFlow intra-op threads (0: all cores)
	 * @throws IllegalArgumentException naming the variable that is missing,
	 *         extra or of another type or shape
	 */
	public static Model restore( final ModelSpec spec, final Map< String, Value > values, final int threads )
	{
		TensorFlowCheck.require();
		final Graph graph = GraphBuilder.build( spec, 0 );
		Session session = null;
		try
		{
			final Map< String, Output< ? > > vars = variables( graph );
			check( vars, values );
			session = new Session( graph, Model.sessionConfig( threads ) );
			assign( graph, session, vars, values );
			return Model.wrap( spec.copy(), graph, session );
		}
		catch ( final RuntimeException e )
		{
			if ( session != null )
				session.close();
			graph.close();
			throw e;
		}
	}

	private static void check( final Map< String, Output< ? > > vars, final Map< String, Value > values )
	{
		final TreeSet< String > missing = new TreeSet<>( vars.keySet() );
		missing.removeAll( values.keySet() );
		if ( !missing.isEmpty() )
			throw new IllegalArgumentException( "its checkpoint lacks " + missing.size() + " of the " + vars.size()
					+ " variables its spec builds (e.g. '" + missing.first() + "')" );
		final TreeSet< String > extra = new TreeSet<>( values.keySet() );
		extra.removeAll( vars.keySet() );
		if ( !extra.isEmpty() )
			throw new IllegalArgumentException( "its checkpoint holds " + extra.size()
					+ " variable(s) its spec does not build (e.g. '" + extra.first() + "')" );
		for ( final Map.Entry< String, Output< ? > > e : vars.entrySet() )
		{
			final Value v = values.get( e.getKey() );
			final DataType type = baseType( e.getValue().dataType() );
			if ( v.dtype() != type )
				throw new IllegalArgumentException( "its checkpoint variable '" + e.getKey() + "' has type " + v.dtype()
						+ ", its spec builds " + type );
			final long[] want = e.getValue().shape().asArray();
			if ( want == null || !Arrays.equals( want, v.shape() ) )
				throw new IllegalArgumentException( "its checkpoint variable '" + e.getKey() + "' has shape "
						+ Arrays.toString( v.shape() ) + ", its spec builds "
						+ ( want == null ? "an unknown shape" : Arrays.toString( want ) ) );
			final long bytes = Shape.of( want ).size() * ( v.dtype() == DataType.DT_FLOAT ? 4 : 8 );
			if ( v.data().remaining() != bytes )
				throw new IllegalArgumentException( "its checkpoint variable '" + e.getKey() + "' holds "
						+ v.data().remaining() + " bytes, not " + bytes );
		}
	}

	/** The value type of a variable's (reference-typed) output: DT_FLOAT for DT_FLOAT_REF. */
	private static DataType baseType( final DataType t )
	{
		return t.getNumber() > 100 ? DataType.forNumber( t.getNumber() - 100 ) : t;
	}

	/** Adds a placeholder and an assign per variable, feeds the values and runs the assigns once. */
	private static void assign( final Graph graph, final Session session, final Map< String, Output< ? > > vars,
			final Map< String, Value > values )
	{
		final Ops tf = Ops.create( graph ).withSubScope( SCOPE );
		final List< Tensor > tensors = new ArrayList<>();
		try
		{
			final Session.Runner runner = session.runner();
			int i = 0;
			for ( final Map.Entry< String, Output< ? > > e : vars.entrySet() )
			{
				final Value v = values.get( e.getKey() );
				final Shape shape = Shape.of( v.shape() );
				final Tensor t;
				final Placeholder< ? > ph;
				if ( v.dtype() == DataType.DT_FLOAT )
				{
					final float[] f = new float[ ( int ) shape.size() ];
					v.data().asFloatBuffer().get( f );
					t = TFloat32.tensorOf( shape, DataBuffers.of( f, true, false ) );
					ph = assignOp( tf, i, TFloat32.class, shape, e.getValue() );
				}
				else
				{
					final long[] l = new long[ ( int ) shape.size() ];
					v.data().asLongBuffer().get( l );
					t = TInt64.tensorOf( shape, DataBuffers.of( l, true, false ) );
					ph = assignOp( tf, i, TInt64.class, shape, e.getValue() );
				}
				tensors.add( t );
				runner.feed( ph, t ).addTarget( SCOPE + "/assign_" + i );
				i++;
			}
			runner.run().close();
		}
		finally
		{
			for ( final Tensor t : tensors )
				t.close();
		}
	}

	@SuppressWarnings( "unchecked" )
	private static < T extends TType > Placeholder< T > assignOp( final Ops tf, final int i, final Class< T > type,
			final Shape shape, final Output< ? > variable )
	{
		final Placeholder< T > ph = tf.withName( "value_" + i ).placeholder( type, Placeholder.shape( shape ) );
		tf.withName( "assign_" + i ).assign( ( Operand< T > ) variable, ph );
		return ph;
	}
}
