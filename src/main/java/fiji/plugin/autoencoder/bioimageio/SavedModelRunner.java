package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.TensorFlowCheck;

/**
 * Runs one input and one output of a SavedModel's serving signature without
 * TensorFlow's SavedModel loader: the {@code saved_model.pb} is parsed and
 * checked by {@link GraphSafety} first, only the nodes the signature's output
 * depends on are imported into a fresh {@link Graph} (no function library, no
 * init or restore op of the file), and the variables are then restored by a
 * {@code RestoreV2} that this class builds, reading {@code variables/variables}
 * into the imported variables. Nothing else of the file ever runs.
 * <p>
 * Thread-safe for {@link #run}; close it to free the graph and session.
 */
public final class SavedModelRunner implements AutoCloseable
{
	private final Graph graph;

	private final Session session;

	private final String input, output;

	private final int variables;

	private SavedModelRunner( final Graph graph, final Session session, final String input, final String output,
			final int variables )
	{
		this.graph = graph;
		this.session = session;
		this.input = input;
		this.output = output;
		this.variables = variables;
	}

	/**
	 * Loads the SavedModel in {@code dir}.
	 *
	 * @param inputKey  the signature's input (null: its only one)
	 * @param outputKey the signature's output (null: its only one)
	 * @param threads   TensorFlow intra-op threads (0: all cores)
	 */
	public static SavedModelRunner load( final Path dir, final String inputKey, final String outputKey,
			final int threads, final String source ) throws IOException
	{
		final Path pb = dir.resolve( "saved_model.pb" );
		if ( !Files.isRegularFile( pb ) )
			throw new IOException( source
					+ " has no saved_model.pb: it is not a TensorFlow SavedModel (a .pbtxt SavedModel is not supported)" );
		final SavedModel proto;
		try ( InputStream in = Files.newInputStream( pb ) )
		{
			proto = SavedModel.parseFrom( in );
		}
		catch ( final IOException e )
		{
			throw new IOException(
					source + ": saved_model.pb cannot be parsed (" + e.getMessage() + "): the file is damaged", e );
		}
		MetaGraphDef meta = null;
		for ( final MetaGraphDef m : proto.getMetaGraphsList() )
			if ( m.getMetaInfoDef().getTagsList().contains( "serve" ) )
				meta = m;
		if ( meta == null )
			throw new IOException( source + " has no meta graph tagged 'serve': export it with the serving tag" );
		final Map< String, SignatureDef > sigs = meta.getSignatureDefMap();
		final SignatureDef sig = sigs.containsKey( "serving_default" ) ? sigs.get( "serving_default" )
				: sigs.size() == 1 ? sigs.values().iterator().next() : null;
		if ( sig == null )
			throw new IOException( source + " has no 'serving_default' signature (it has " + sigs.keySet()
					+ "): export it with a serving signature" );
		final String in = tensor( sig.getInputsMap(), inputKey, "input", source ),
				out = tensor( sig.getOutputsMap(), outputKey, "output", source );
		final GraphDef sub = GraphSafety.subgraph( meta, List.of( GraphSafety.node( out ) ), source );
		if ( sub.getNodeList().stream().noneMatch( n -> n.getName().equals( GraphSafety.node( in ) ) ) )
			throw new IOException( source + ": the signature's output does not depend on its input " + in );
		TensorFlowCheck.require();
		final Graph g = new Graph();
		Session s = null;
		try
		{
			g.importGraphDef( sub );
			s = new Session( g, Model.sessionConfig( threads ) );
			final int n = restore( g, s, sub, dir.resolve( "variables" ), source );
			return new SavedModelRunner( g, s, in, out, n );
		}
		catch ( final RuntimeException | IOException e )
		{
			if ( s != null )
				s.close();
			g.close();
			if ( e instanceof IOException )
				throw ( IOException ) e;
			throw new IOException( source + " could not be imported: " + e.getMessage(), e );
		}
	}

	private static String tensor( final Map< String, TensorInfo > infos, final String key, final String what,
			final String source ) throws IOException
	{
		final TensorInfo t = key != null && infos.containsKey( key ) ? infos.get( key )
				: infos.size() == 1 ? infos.values().iterator().next() : null;
		if ( t == null )
			throw new IOException(
					source + ": the serving signature has " + infos.size() + " " + what + "s " + infos.keySet()
							+ ( key == null ? "" : " and none called '" + key + "'" )
							+ ": only models with one input and one output tensor are supported" );
		if ( t.getName().isEmpty() )
			throw new IOException( source + ": the signature's " + what
					+ " is not a plain tensor (sparse or composite): not supported" );
		return t.getName();
	}

	/** Restores the imported variables with a plugin-built RestoreV2 (read-only); returns how many. */
	private static int restore( final Graph g, final Session s, final GraphDef sub, final Path variablesDir,
			final String source ) throws IOException
	{
		final List< NodeDef > vars = new ArrayList<>();
		for ( final NodeDef n : sub.getNodeList() )
			if ( n.getOp().equals( "VariableV2" ) || n.getOp().equals( "Variable" )
					|| n.getOp().equals( "VarHandleOp" ) )
				vars.add( n );
		if ( vars.isEmpty() )
			return 0;
		if ( !Files.isRegularFile( variablesDir.resolve( "variables.index" ) ) )
			throw new IOException( source + " has " + vars.size()
					+ " variable(s) but no variables/variables.index: the SavedModel is incomplete" );
		final Ops tf = Ops.create( g ).withSubScope( "fiji_autoencoder_restore" );
		final String[] names = vars.stream().map( NodeDef::getName ).toArray( String[]::new );
		final Operand< TString > prefix = tf.constant( variablesDir.resolve( "variables" ).toString() );
		final Operand< TString > keys = tf.constant( Shape.of( names.length ), DataBuffers.ofObjects( names ) );
		final String[] whole = new String[ names.length ];
		java.util.Arrays.fill( whole, "" );
		final Operand< TString > slices = tf.constant( Shape.of( names.length ), DataBuffers.ofObjects( whole ) );
		final org.tensorflow.proto.DataType[] types = vars.stream().map( v -> v.getAttrOrThrow( "dtype" ).getType() )
				.toArray( org.tensorflow.proto.DataType[]::new );
		final GraphOperation restore = g.opBuilder( "RestoreV2", "fiji_autoencoder_restore/restore", tf.scope() )
				.addInput( prefix.asOutput() ).addInput( keys.asOutput() )
				.addInput( slices.asOutput() ).setAttr( "dtypes", types ).build();
		final Session.Runner r = s.runner();
		for ( int i = 0; i < vars.size(); i++ )
		{
			final NodeDef v = vars.get( i );
			final Output< ? > var = g.operation( v.getName() ).output( 0 );
			final GraphOperation assign = v.getOp().equals( "VarHandleOp" )
					? g.opBuilder( "AssignVariableOp", "fiji_autoencoder_restore/assign_" + i, tf.scope() )
							.addInput( var ).addInput( restore.output( i ) ).setAttr( "dtype", types[ i ] ).build()
					: g.opBuilder( "Assign", "fiji_autoencoder_restore/assign_" + i, tf.scope() ).addInput( var )
							.addInput( restore.output( i ) ).build();
			r.addTarget( assign );
		}
		try
		{
			r.run().close();
		}
		catch ( final RuntimeException e )
		{
			throw new IOException( source + ": its variables cannot be restored from variables/ (" + e.getMessage()
					+ "). Only checkpoints keyed by variable name (TF1-style and TensorFlow Java SavedModels) are supported",
					e );
		}
		return vars.size();
	}

	/** Number of variables restored. */
	public int variableCount()
	{
		return variables;
	}

	/** Runs the network on one float tensor of the given shape (in the model's own axis order). */
	public float[] run( final float[] data, final long[] shape )
	{
		try ( TFloat32 t = Model.tensor( data, Shape.of( shape ) );
				Result res = session.runner().feed( input, t ).fetch( output ).run() )
		{
			final TFloat32 o = ( TFloat32 ) res.get( 0 );
			final float[] v = new float[ ( int ) o.shape().size() ];
			o.asRawTensor().data().asFloats().read( v );
			lastShape.set( o.shape().asArray() );
			return v;
		}
	}

	private final ThreadLocal< long[] > lastShape = new ThreadLocal<>();

	/** The shape of the last {@link #run} result of the calling thread. */
	public long[] lastOutputShape()
	{
		return lastShape.get();
	}

	@Override
	public void close()
	{
		session.close();
		graph.close();
	}
}
