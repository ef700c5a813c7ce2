package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonParser;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.model.Model;

/** Every model file has a normalization.json; loading refuses a file without one or with an unknown key in it. */
class ModelFileNormalizationTest
{
	@TempDir
	Path dir;

	@Test
	void savedWithoutOneGetsNone() throws IOException
	{
		final Path file = dir.resolve( "m.aemodel.zip" );
		try ( Model m = Model.create( ModelFileFuzzTest.tinySpec(), 1, 1 ) )
		{
			ModelFile.save( m, file, Map.of() );
		}
		try ( ModelFile.Loaded loaded = ModelFile.load( file, 1 ) )
		{
			assertEquals( Normalization.none(),
					Normalization.fromJson( loaded.extras().get( ModelFile.NORMALIZATION ) ) );
		}
	}

	@Test
	void missingOrUnknownKeysAreRefused() throws IOException
	{
		final Path file = dir.resolve( "m.aemodel.zip" );
		final Normalization fitted = Normalization.fixed( 10, 0.5 );
		try ( Model m = Model.create( ModelFileFuzzTest.tinySpec(), 1, 1 ) )
		{
			ModelFile.save( m, file, Map.of( ModelFile.NORMALIZATION, fitted.toJson() ) );
		}
		try ( ModelFile.Loaded loaded = ModelFile.load( file, 1 ) )
		{
			assertEquals( fitted, Normalization.fromJson( loaded.extras().get( ModelFile.NORMALIZATION ) ) );
		}
		final Map< String, byte[] > entries = ZipEntries.read( file );

		final Path without = dir.resolve( "without.aemodel.zip" );
		final Map< String, byte[] > w = new java.util.LinkedHashMap<>( entries );
		w.remove( ModelFile.NORMALIZATION );
		ZipEntries.write( w, without );
		final String m1 = assertThrows( IOException.class, () -> ModelFile.load( without, 1 ) ).getMessage();
		assertTrue( m1.contains( "without.aemodel.zip" ) && m1.contains( "lacks normalization.json" )
				&& m1.contains( "re-save" ), m1 );

		// a mistyped key: Gson would ignore it and keep the default scale of 1
		final Path typo = dir.resolve( "typo.aemodel.zip" );
		final String json = new String( entries.get( ModelFile.NORMALIZATION ), StandardCharsets.UTF_8 );
		assertTrue( json.contains( "\"scales\"" ), json );
		entries.put( ModelFile.NORMALIZATION,
				json.replace( "\"scales\"", "\"scale\"" ).getBytes( StandardCharsets.UTF_8 ) );
		ZipEntries.write( entries, typo );
		final String m2 = assertThrows( IOException.class, () -> ModelFile.load( typo, 1 ) ).getMessage();
		assertTrue( m2.contains( "typo.aemodel.zip" ) && m2.contains( "unknown key 'scale'" ), m2 );

		final Path array = dir.resolve( "array.aemodel.zip" );
		entries.put( ModelFile.NORMALIZATION, "[1, 2]".getBytes( StandardCharsets.UTF_8 ) );
		ZipEntries.write( entries, array );
		final String m3 = assertThrows( IOException.class, () -> ModelFile.load( array, 1 ) ).getMessage();
		assertTrue( m3.contains( "not a JSON object" ), m3 );

		final Path broken = dir.resolve( "broken.aemodel.zip" );
		entries.put( ModelFile.NORMALIZATION, "{\"method\": ".getBytes( StandardCharsets.UTF_8 ) );
		ZipEntries.write( entries, broken );
		final String m4 = assertThrows( IOException.class, () -> ModelFile.load( broken, 1 ) ).getMessage();
		assertTrue( m4.contains( "normalization.json is not valid JSON" ) && !m4.contains( "setLenient" ), m4 );
	}

	/** The known keys are Normalization's own (its serialised fields), so the check follows its changes. */
	@Test
	void knownKeysAreThoseNormalizationWrites()
	{
		final java.util.Set< String > written = JsonParser.parseString( Normalization.fixed( 10, 0.5 ).toJson() )
				.getAsJsonObject().keySet();
		assertTrue( NormalizationCheck.knownKeys().containsAll( written ),
				NormalizationCheck.knownKeys() + " vs " + written );
		assertTrue( written.contains( "offsets" ) && written.contains( "method" ) );
	}
}
