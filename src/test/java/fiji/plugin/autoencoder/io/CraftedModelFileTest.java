package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

import com.google.protobuf.ByteString;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;

/**
 * Model files crafted to attack the loader: their graph writes and reads files
 * when TensorFlow's SavedModel loader restores variables. The plugin never
 * gives the file's graph to TensorFlow, so loading writes nothing and gives
 * the genuine model's output.
 */
class CraftedModelFileTest
{
	@TempDir
	Path dir;

	private static final byte[] PAYLOAD = "#!/bin/sh\necho owned\n".getBytes( StandardCharsets.UTF_8 );

	@Test
	void fileOpsChainedIntoRestoreNeverRun() throws IOException
	{
		final Path genuine = dir.resolve( "genuine.aemodel.zip" ), crafted = dir.resolve( "crafted.aemodel.zip" );
		final Path attack = dir.resolve( "attack" ), payload = attack.resolve( "payload" ),
				stolen = attack.resolve( "stolen.txt" );
		final Path secret = dir.resolve( "secret.txt" );
		Files.write( secret, "the user's secret".getBytes( StandardCharsets.UTF_8 ) );
		final float[] x = input();
		final float[] expected;
		try ( Model m = Model.create( Presets.convStrided(), 3, 1 ) )
		{
			expected = m.reconstruct( x, 2 );
			ModelFile.save( m, genuine, Map.of() );
			// the attacker's ops: a SaveV2 of their bytes to a path of their choice ...
			final Ops tf = Ops.create( m.graph() );
			tf.withName( "evil_save" ).train.save( tf.constant( payload.toString() ),
					tf.constant( StdArrays.ndCopyOf( new String[] { "x" } ) ),
					tf.constant( StdArrays.ndCopyOf( new String[] { "" } ) ),
					List.of( tf.constant( new String( PAYLOAD, StandardCharsets.UTF_8 ) ) ) );
			ModelFile.save( m, crafted, Map.of() );
		}
		// ... chained into the restore step, with a function that reads a file and writes it out
		final Map< String, byte[] > entries = ZipEntries.read( crafted );
		entries.put( "saved_model/saved_model.pb",
				chainIntoRestore( SavedModel.parseFrom( entries.get( "saved_model/saved_model.pb" ) ), secret, stolen )
						.toByteArray() );
		ZipEntries.write( entries, crafted );

		// the file is a real attack: TensorFlow's own loader runs it
		final Path unpacked = dir.resolve( "unpacked" );
		for ( final Map.Entry< String, byte[] > e : entries.entrySet() )
			if ( e.getKey().startsWith( "saved_model/" ) )
			{
				Files.createDirectories( unpacked.resolve( e.getKey() ).getParent() );
				Files.write( unpacked.resolve( e.getKey() ), e.getValue() );
			}
		try ( SavedModelBundle b = SavedModelBundle.loader( unpacked.resolve( "saved_model" ).toString() )
				.withTags( SavedModelBundle.DEFAULT_TAG ).load() )
		{
			assertTrue( Files.exists( attack.resolve( "payload.index" ) ), "TensorFlow's loader ran the SaveV2" );
			assertEquals( "the user's secret", Files.readString( stolen ),
					"TensorFlow's loader ran the function's ReadFile/WriteFile" );
		}
		AtomicFiles.deleteTree( attack );

		// the plugin: the genuine output, nothing written, none of the file's ops in the graph
		try ( ModelFile.Loaded loaded = ModelFile.load( crafted, 1 ) )
		{
			assertArrayEquals( expected, loaded.model().reconstruct( x, 2 ) );
			assertNull( loaded.model().graph().operation( "evil_save" ) );
			assertNull( loaded.model().graph().operation( "steal_call" ) );
		}
		assertFalse( Files.exists( attack ), "loading wrote nothing" );
	}

	/** The file's graph is never read: a garbage or missing saved_model.pb changes nothing. */
	@Test
	void theGraphEntryIsNeverRead() throws IOException
	{
		final Path file = dir.resolve( "m.aemodel.zip" );
		final float[] x = input();
		final float[] expected;
		try ( Model m = Model.create( Presets.convStrided(), 4, 1 ) )
		{
			expected = m.reconstruct( x, 2 );
			ModelFile.save( m, file, Map.of() );
		}
		final Map< String, byte[] > entries = ZipEntries.read( file );
		entries.put( "saved_model/saved_model.pb", "not a graph".getBytes( StandardCharsets.UTF_8 ) );
		ZipEntries.write( entries, file );
		try ( ModelFile.Loaded loaded = ModelFile.load( file, 1 ) )
		{
			assertArrayEquals( expected, loaded.model().reconstruct( x, 2 ) );
		}
		entries.remove( "saved_model/saved_model.pb" );
		ZipEntries.write( entries, file );
		try ( ModelFile.Loaded loaded = ModelFile.load( file, 1 ) )
		{
			assertArrayEquals( expected, loaded.model().reconstruct( x, 2 ) );
		}
	}

	/** A zip naming one entry twice is refused (zip readers differ on which one counts). */
	@Test
	void duplicateEntriesAreRefused() throws IOException
	{
		final Path file = dir.resolve( "m.aemodel.zip" );
		try ( Model m = Model.create( Presets.convStrided(), 4, 1 ) )
		{
			ModelFile.save( m, file, Map.of() );
		}
		final Path dup = dir.resolve( "dup.aemodel.zip" );
		Files.write( dup, duplicate( ZipEntries.read( file ), "format.json" ) );
		final IOException x = assertThrows( IOException.class, () -> ModelFile.load( dup, 1 ) );
		assertTrue( x.getMessage().contains( "two entries named format.json" ), x.getMessage() );
	}

	/** Unpacking stops at the budget (zip bomb guard), counting skipped entries and embedded models too. */
	@Test
	void zipBombsAreRefused() throws IOException
	{
		final Map< String, byte[] > entries = new java.util.LinkedHashMap<>();
		entries.put( "saved_model/saved_model.pb", new byte[ 3 << 20 ] ); // 3 MiB of zeros: a few KB zipped, never kept
		final byte[] zip = ZipEntries.write( entries );
		assertTrue( zip.length < 20_000, zip.length + " bytes" );
		final IOException e = assertThrows( IOException.class, () -> ModelZip
				.read( new java.io.ByteArrayInputStream( zip ), "bomb.zip", true, new ModelZip.Budget( 2 << 20 ) ) );
		assertTrue( e.getMessage().contains( "bomb.zip unpacks to more than 2 MiB" ), e.getMessage() );
		assertTrue( new ModelZip.Budget().limit <= Runtime.getRuntime().maxMemory() / 3 );
	}

	/** The zip with {@code name} written twice (the second copy renamed in place, same length). */
	private static byte[] duplicate( final Map< String, byte[] > entries, final String name ) throws IOException
	{
		final String other = "X" + name.substring( 1 );
		final java.util.LinkedHashMap< String, byte[] > m = new java.util.LinkedHashMap<>( entries );
		m.put( other, entries.get( name ) );
		final byte[] bytes = ZipEntries.write( m );
		final byte[] from = other.getBytes( StandardCharsets.US_ASCII ),
				to = name.getBytes( StandardCharsets.US_ASCII );
		for ( int i = 0; i + from.length <= bytes.length; i++ )
			if ( Arrays.equals( bytes, i, i + from.length, from, 0, from.length ) )
				System.arraycopy( to, 0, bytes, i, to.length );
		return bytes;
	}

	static float[] input()
	{
		final float[] x = new float[ 2 * 28 * 28 ];
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = ( i * 7 % 31 ) / 31f;
		return x;
	}

	/**
	 * The SavedModel with {@code evil_save} and a call of function
	 * {@code steal} (ReadFile of {@code secret}, WriteFile to {@code stolen})
	 * as control inputs of the restore op that TensorFlow's loader runs.
	 */
	private static SavedModel chainIntoRestore( final SavedModel model, final Path secret, final Path stolen )
	{
		final MetaGraphDef meta = model.getMetaGraphs( 0 );
		final String restore = meta.getSaverDef().getRestoreOpName();
		final GraphDef.Builder g = meta.getGraphDef().toBuilder();
		int found = 0;
		for ( final NodeDef.Builder n : g.getNodeBuilderList() )
			if ( n.getName().equals( restore ) )
			{
				n.addInput( "^evil_save" ).addInput( "^steal_call" );
				found++;
			}
		assertEquals( 1, found, "the restore op " + restore );
		final FunctionDef steal = FunctionDef.newBuilder()
				.setSignature( OpDef.newBuilder().setName( "steal" ).setIsStateful( true )
						.addOutputArg( OpDef.ArgDef.newBuilder().setName( "contents" ).setType( DataType.DT_STRING ) )
						.addControlOutput( "written" ) )
				.addNodeDef( stringConst( "path", secret.toString() ) )
				.addNodeDef( stringConst( "target", stolen.toString() ) )
				.addNodeDef( NodeDef.newBuilder().setName( "read" ).setOp( "ReadFile" ).addInput( "path:output:0" ) )
				.addNodeDef( NodeDef.newBuilder().setName( "write" ).setOp( "WriteFile" ).addInput( "target:output:0" )
						.addInput( "read:contents:0" ) )
				.putRet( "contents", "read:contents:0" ).putControlRet( "written", "write" ).build();
		g.getLibraryBuilder().addFunction( steal );
		g.addNode( NodeDef.newBuilder().setName( "steal_call" ).setOp( "steal" ) );
		return model.toBuilder().setMetaGraphs( 0, meta.toBuilder().setGraphDef( g ) ).build();
	}

	private static NodeDef stringConst( final String name, final String value )
	{
		return NodeDef.newBuilder().setName( name ).setOp( "Const" )
				.putAttr( "dtype", AttrValue.newBuilder().setType( DataType.DT_STRING ).build() )
				.putAttr( "value",
						AttrValue.newBuilder().setTensor( TensorProto.newBuilder().setDtype( DataType.DT_STRING )
								.setTensorShape( TensorShapeProto.getDefaultInstance() )
								.addStringVal( ByteString.copyFromUtf8( value ) ) ).build() )
				.build();
	}
}
