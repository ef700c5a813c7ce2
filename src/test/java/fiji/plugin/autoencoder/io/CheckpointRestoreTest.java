package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import fiji.plugin.autoencoder.model.CheckpointRestore;
import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;

/** Loading sets every variable of the rebuilt graph, so training continues exactly; a checkpoint that does not match the spec is refused. */
class CheckpointRestoreTest
{
	@TempDir
	Path dir;

	@Test
	void everyVariableIsRestoredSoTrainingContinuesExactly() throws IOException
	{
		final Path file = dir.resolve( "m.aemodel.zip" );
		final float[] x = new float[ 4 * 8 * 8 ];
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = ( i * 3 % 13 ) / 13f;
		final Map< String, float[] > saved, continued;
		try ( Model m = Model.create( ModelFileFuzzTest.tinySpec(), 5, 1 );
				TFloat32 t = Model.tensor( x, Shape.of( 4, 8, 8, 1 ) ) )
		{
			for ( int i = 0; i < 5; i++ )
				m.trainStep( Endpoints.TRAIN, Endpoints.LOSS, t, t, null );
			ModelFile.save( m, file, Map.of() );
			saved = allVariables( m );
			m.trainStep( Endpoints.TRAIN, Endpoints.LOSS, t, t, null );
			continued = allVariables( m );
		}
		try ( ModelFile.Loaded loaded = ModelFile.load( file, 1 );
				TFloat32 t = Model.tensor( x, Shape.of( 4, 8, 8, 1 ) ) )
		{
			final Model m = loaded.model();
			final Map< String, float[] > restored = allVariables( m );
			assertEquals( saved.keySet(), restored.keySet() );
			assertTrue(
					saved.keySet().containsAll(
							List.of( "global_step", "params/enc0_w", "optimizer/enc0_w_m", "optimizer/enc0_w_v" ) ),
					saved.keySet().toString() );
			for ( final String n : saved.keySet() )
				assertArrayEquals( saved.get( n ), restored.get( n ), n );
			m.trainStep( Endpoints.TRAIN, Endpoints.LOSS, t, t, null );
			final Map< String, float[] > after = allVariables( m );
			for ( final String n : continued.keySet() )
				assertArrayEquals( continued.get( n ), after.get( n ), 1e-6f,
						n + " after one more step: the optimiser state was restored" );
		}
	}

	@Test
	void aCheckpointNotMatchingItsSpecIsRefused() throws IOException
	{
		final Path file = dir.resolve( "m.aemodel.zip" );
		try ( Model m = Model.create( ModelFileFuzzTest.tinySpec(), 5, 1 ) )
		{
			ModelFile.save( m, file, Map.of() );
		}
		final Map< String, byte[] > entries = ZipEntries.read( file );
		final ModelSpec wider = ModelFileFuzzTest.tinySpec();
		wider.layers = new int[] { 2, 8 };
		final String shape = refusal( entries, wider, "wider" );
		assertTrue( shape.contains( "damaged model file" )
				&& shape.contains( "has shape [3, 3, 2, 4], its spec builds [3, 3, 2, 8]" )
				&& shape.contains( "Re-save it" ), shape );
		final ModelSpec dense = ModelFileFuzzTest.tinySpec();
		dense.codeSize = 4;
		final String lacks = refusal( entries, dense, "dense" );
		assertTrue( lacks.contains( "its checkpoint lacks" ) && lacks.contains( "variables its spec builds" ), lacks );
		final ModelSpec fewer = ModelFileFuzzTest.tinySpec();
		fewer.layers = new int[] { 2 };
		final String extra = refusal( entries, fewer, "fewer" );
		assertTrue( extra.contains( "lacks" ) || extra.contains( "does not build" ), extra );
	}

	private String refusal( final Map< String, byte[] > entries, final ModelSpec spec, final String name )
			throws IOException
	{
		final Map< String, byte[] > e = new LinkedHashMap<>( entries );
		e.put( ModelFile.SPEC, spec.validate().toJson().getBytes( StandardCharsets.UTF_8 ) );
		final Path f = dir.resolve( name + ".aemodel.zip" );
		ZipEntries.write( e, f );
		return assertThrows( IOException.class, () -> ModelFile.load( f, 1 ) ).getMessage();
	}

	/** Every variable's value (int64 ones as floats), by name. */
	private static Map< String, float[] > allVariables( final Model m )
	{
		final Map< String, float[] > out = new LinkedHashMap<>();
		final Session.Runner r = m.session().runner();
		final List< String > names = List.copyOf( CheckpointRestore.variables( m.graph() ).keySet() );
		for ( final String n : names )
			r.fetch( n );
		try ( Result res = r.run() )
		{
			for ( int i = 0; i < names.size(); i++ )
			{
				final Tensor t = res.get( i );
				final float[] v;
				if ( t instanceof TInt64 )
					v = new float[] { ( ( TInt64 ) t ).getLong() };
				else
				{
					v = new float[ ( int ) t.shape().size() ];
					( ( TFloat32 ) t ).asRawTensor().data().asFloats().read( v );
				}
				out.put( names.get( i ), v );
			}
		}
		return out;
	}
}
