package fiji.plugin.autoencoder.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;

import org.junit.jupiter.api.Test;

/** The macro options parser: ImageJ's brackets, unknown and repeated keys, typed values with messages a user can act on. */
class MacroOptionsTest
{
	static final String[] KEYS = { "epochs", "learning_rate", "seed", "tile_size", "model_file", "output_type",
			"resume", "threads" };

	static String error( final String options, final java.util.function.Consumer< MacroOptions > read )
	{
		return assertThrows( IllegalArgumentException.class,
				() -> read.accept( MacroOptions.parse( options, "train", KEYS ) ) ).getMessage();
	}

	@Test
	void bracketsFlagsAndValues()
	{
		final MacroOptions o = MacroOptions
				.parse( "  model_file=[/my data/m v2.aemodel.zip] epochs=5 resume learning_rate=1e-4 ", "train", KEYS );
		assertEquals( Paths.get( "/my data/m v2.aemodel.zip" ), o.path( "model_file" ) );
		assertEquals( 5, o.integer( "epochs", 20, 1 ) );
		assertTrue( o.bool( "resume", false ), "a bare key is a checked flag" );
		assertEquals( 1e-4, o.number( "learning_rate", 1e-3, 0, "0.001" ), 0 );
		assertEquals( 42, o.wholeNumber( "seed", 42, Long.MIN_VALUE ), "absent: the default" );
		assertFalse( o.has( "tile_size" ) );
	}

	@Test
	void anUnknownKeyIsNamedWithTheClosestKnownKey()
	{
		final String epoch = error( "epoch=5", o -> {} );
		assertTrue( epoch.contains( "unknown key 'epoch'" ) && epoch.contains( "did you mean epochs=" ), epoch );
		final String tile = error( "tile_sise=64", o -> {} );
		assertTrue( tile.contains( "'tile_sise'" ) && tile.contains( "did you mean tile_size=" ), tile );
		final String space = error( "model_file=/my data/m.zip", o -> {} );
		assertTrue( space.contains( "'data/m.zip'" ) && space.contains( "brackets" ),
				"an unbracketed path with a space: " + space );
		assertEquals( 1, MacroOptions.levenshtein( "epoch", "epochs" ) );
		assertEquals( 1, MacroOptions.levenshtein( "tile_sise", "tile_size" ) );
		assertEquals( 3, MacroOptions.levenshtein( "kitten", "sitting" ) );
	}

	@Test
	void aRepeatedKeyIsRefused()
	{
		final String m = error( "epochs=5 seed=1 epochs=6", o -> {} );
		assertTrue( m.contains( "epochs= is given twice" ) && m.contains( "epochs=5" ) && m.contains( "epochs=6" ), m );
	}

	@Test
	void numbersGetMessagesABiologistCanActOn()
	{
		assertEquals( "learning_rate=abc is not a number; use e.g. learning_rate=0.001",
				error( "learning_rate=abc", o -> o.number( "learning_rate", 1e-3, 0, "0.001" ) ) );
		final String nan = error( "learning_rate=NaN", o -> o.number( "learning_rate", 1e-3, 0, "0.001" ) );
		assertTrue( nan.startsWith( "learning_rate=NaN is not a finite number" ) && !nan.contains( "serialize" ), nan );
		assertTrue( error( "learning_rate=Infinity", o -> o.number( "learning_rate", 1e-3, 0, "0.001" ) )
				.contains( "not a finite number" ) );
		assertTrue( error( "seed=1.5", o -> o.wholeNumber( "seed", 42, Long.MIN_VALUE ) )
				.startsWith( "seed=1.5 is not a whole number" ) );
		final String tile = error( "tile_size=-5", o -> o.integer( "tile_size", 0, 0 ) );
		assertTrue( tile.contains( "tile_size=-5 is too small" ) && tile.contains( "0: automatic" ), tile );
		assertTrue( error( "epochs=0", o -> o.integer( "epochs", 20, 1 ) ).contains( "use 1 or more" ) );
		assertTrue( error( "resume=yes", o -> o.bool( "resume", false ) ).contains( "neither true nor false" ) );
		final String type = error( "output_type=16bit",
				o -> o.choice( "output_type", "Same as input", "Same as input", "32-bit" ) );
		assertTrue( type.contains( "16bit is not one of the choices: Same as input, 32-bit" ), type );
		assertTrue( error( "model_file=[/a b", o -> {} ).contains( "never closes" ) );
		assertTrue( error( "", o -> o.path( "model_file" ) ).contains( "Missing model_file=<path>" ) );
	}
}
