package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.tensorflow.Result;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

import com.google.protobuf.ByteString;

import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;

/**
 * Writes the inference part of a plugin model as a self-contained TensorFlow
 * SavedModel for other tools (deepImageJ/JDLL, bioimageio.core, TF Python):
 * only the nodes that {@link Endpoints#RECONSTRUCTION} depends on, with every
 * variable frozen into a constant, so the file has no variables, no
 * checkpoint saver ({@code SaveV2}/{@code RestoreV2}) and no init op; one
 * meta graph tagged {@code serve} with the signature {@code serving_default}
 * mapping {@code input} to {@code output}. Attributes equal to their op's
 * default are left out (as TensorFlow's {@code strip_default_attrs} does), so
 * an older TensorFlow that lacks an attribute added since (e.g. 2.10 reading
 * a 2.18 graph) still reads the graph.
 */
public final class InferenceSavedModel
{
	private InferenceSavedModel()
	{}

	/** The signature's keys. */
	public static final String SIGNATURE = "serving_default", INPUT = "input", OUTPUT = "output";

	/** Writes {@code dir/saved_model.pb} (and an empty {@code variables/}); returns the number of frozen variables. */
	public static int write( final Model model, final Path dir ) throws IOException
	{
		final GraphDef full = model.graph().toGraphDef();
		final Map< String, NodeDef > nodes = new HashMap<>();
		for ( final NodeDef n : full.getNodeList() )
			nodes.put( n.getName(), n );
		final Set< String > keep = new HashSet<>();
		final Deque< String > todo = new ArrayDeque<>();
		todo.add( Endpoints.RECONSTRUCTION );
		while ( !todo.isEmpty() )
		{
			final String name = todo.pop();
			if ( !keep.add( name ) )
				continue;
			for ( final String in : nodes.get( name ).getInputList() )
				todo.add( GraphSafety.node( in ) );
		}
		final Map< String, OpDef > ops = new HashMap<>();
		for ( final OpDef o : TensorFlow.registeredOpList().getOpList() )
			ops.put( o.getName(), o );
		final GraphDef.Builder g = GraphDef.newBuilder().setVersions( full.getVersions() );
		int frozen = 0;
		for ( final NodeDef n : full.getNodeList() )
		{
			if ( !keep.contains( n.getName() ) )
				continue;
			if ( n.getOp().equals( "VariableV2" ) || n.getOp().equals( "Variable" ) )
			{
				g.addNode( constant( model, n.getName() ) );
				frozen++;
			}
			else if ( n.getOp().equals( "ReadVariableOp" ) )
			{
				g.addNode( constant( model, n.getName() ) );
				frozen++;
			}
			else
				g.addNode( stripDefaults( n, ops.get( n.getOp() ) ) );
		}
		for ( final NodeDef n : g.getNodeList() )
			if ( n.getOp().equals( "VarHandleOp" ) || n.getOp().startsWith( "Assign" ) )
				throw new IllegalStateException(
						"The inference graph still holds " + n.getOp() + " " + n.getName() + " after freezing" );
		final NodeDef input = nodes.get( Endpoints.INPUT );
		final SignatureDef sig = SignatureDef.newBuilder().setMethodName( "tensorflow/serving/predict" )
				.putInputs( INPUT,
						info( Endpoints.INPUT,
								input.getAttrOrDefault( "shape", AttrValue.getDefaultInstance() ).getShape() ) )
				.putOutputs( OUTPUT,
						info( Endpoints.RECONSTRUCTION, TensorShapeProto.newBuilder().setUnknownRank( true ).build() ) )
				.build();
		final MetaGraphDef.Builder meta = MetaGraphDef.newBuilder().setGraphDef( g.build() ).putSignatureDef( SIGNATURE,
				sig );
		meta.getMetaInfoDefBuilder().addTags( "serve" ).setTensorflowVersion( TensorFlow.version() );
		final SavedModel sm = SavedModel.newBuilder().setSavedModelSchemaVersion( 1 ).addMetaGraphs( meta ).build();
		Files.createDirectories( dir.resolve( "variables" ) );
		try ( OutputStream o = Files.newOutputStream( dir.resolve( "saved_model.pb" ) ) )
		{
			sm.writeTo( o );
		}
		return frozen;
	}

	private static TensorInfo info( final String node, final TensorShapeProto shape )
	{
		return TensorInfo.newBuilder().setName( node + ":0" ).setDtype( DataType.DT_FLOAT ).setTensorShape( shape )
				.build();
	}

	/** A Const node named like the variable, holding its current value. */
	private static NodeDef constant( final Model model, final String name )
	{
		try ( Result r = model.session().runner().fetch( name ).run() )
		{
			if ( !( r.get( 0 ) instanceof TFloat32 ) )
				throw new IllegalStateException( "Variable " + name + " is not float32: cannot freeze it" );
			final TFloat32 t = ( TFloat32 ) r.get( 0 );
			final float[] v = new float[ ( int ) t.shape().size() ];
			t.asRawTensor().data().asFloats().read( v );
			final ByteBuffer b = ByteBuffer.allocate( 4 * v.length ).order( ByteOrder.LITTLE_ENDIAN );
			for ( final float f : v )
				b.putFloat( f );
			final TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
			for ( final long d : t.shape().asArray() )
				shape.addDim( TensorShapeProto.Dim.newBuilder().setSize( d ) );
			final TensorProto value = TensorProto.newBuilder().setDtype( DataType.DT_FLOAT ).setTensorShape( shape )
					.setTensorContent( ByteString.copyFrom( b.array() ) ).build();
			return NodeDef.newBuilder().setName( name ).setOp( "Const" )
					.putAttr( "dtype", AttrValue.newBuilder().setType( DataType.DT_FLOAT ).build() )
					.putAttr( "value", AttrValue.newBuilder().setTensor( value ).build() ).build();
		}
	}

	private static NodeDef stripDefaults( final NodeDef n, final OpDef op )
	{
		final NodeDef.Builder b = n.toBuilder().clearDevice().removeAttr( "_class" );
		if ( op != null )
			for ( final OpDef.AttrDef a : op.getAttrList() )
				if ( a.hasDefaultValue() && a.getDefaultValue().equals( n.getAttrMap().get( a.getName() ) ) )
					b.removeAttr( a.getName() );
		return b.build();
	}
}
