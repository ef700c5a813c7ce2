package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.History;

/**
 * 1,000 randomly mutated copies of a small valid model file (seeded): byte
 * flips and truncations of the zip and of single entries, entries swapped,
 * replaced by another entry's bytes or by the same entry of another model
 * file, and entries removed. Each copy is either refused with an
 * {@link IOException} or {@link IllegalArgumentException} that has a message,
 * or loads and gives the original's output; nothing else is thrown and
 * nothing is written.
 */
@Tag( "slow" ) // many crafted files, about 90 s: excluded from the fast tier (mvn test -Pfast)
class ModelFileFuzzTest
{
	@TempDir
	Path dir;

	private static final int COPIES = 1000;

	private static final String[] KINDS = { "zip byte flips", "zip truncation", "entry byte flips", "entry truncation",
			"entries swapped",
			"entry replaced by another's bytes", "entry from another model file", "entry removed" };

	/** A conv model with 2 and 4 filters on 8 x 8 images: a file of a few KB. */
	static ModelSpec tinySpec()
	{
		final ModelSpec s = Presets.convStrided();
		s.name = "tiny";
		s.layers = new int[] { 2, 4 };
		s.height = 8;
		s.width = 8;
		return s.validate();
	}

	@Test
	void mutatedCopiesAreRefusedOrLoadCorrectly() throws IOException, InterruptedException
	{
		final Path original = dir.resolve( "original.aemodel.zip" ), other = dir.resolve( "other.aemodel.zip" );
		final float[] x = new float[ 2 * 8 * 8 ];
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = ( i * 5 % 17 ) / 17f;
		final float[] expected;
		final long step;
		final Map< String, String > extras = Map.of( ModelFile.HISTORY, new History().toJson(), ModelFile.NORMALIZATION,
				Normalization.fixed( 10, 0.5 ).toJson() );
		try ( Model m = Model.create( tinySpec(), 1, 1 ); Model o = Model.create( tinySpec(), 2, 1 ) )
		{
			for ( int i = 0; i < 3; i++ ) // some optimiser state and steps, so the slots and the counter are not their initial values
				try ( org.tensorflow.types.TFloat32 t = Model.tensor( x,
						org.tensorflow.ndarray.Shape.of( 2, 8, 8, 1 ) ) )
				{
					m.trainStep( Endpoints.TRAIN, Endpoints.LOSS, t, t, null );
				}
			expected = predict( m, x );
			step = m.step();
			ModelFile.save( m, original, extras );
			ModelFile.save( o, other, extras );
		}
		final byte[] bytes = Files.readAllBytes( original );
		final Map< String, byte[] > entries = ZipEntries.read( original ), otherEntries = ZipEntries.read( other );
		final List< String > names = new ArrayList<>( entries.keySet() );
		System.out.println( "fuzzed model file: " + bytes.length + " bytes, entries " + names );

		final Path copy = dir.resolve( "copy.aemodel.zip" );
		Files.write( copy, bytes );
		final Set< String > dirBefore = listing( dir ), workBefore = listing( Paths.get( "" ).toAbsolutePath() ),
				tmpBefore = tmpListing();
		final Random rnd = new Random( 15 );
		final Map< String, int[] > outcomes = new TreeMap<>(); // kind -> {refused, loaded}
		final Map< String, Integer > messages = new TreeMap<>();
		final Map< String, Integer > changedExtras = new TreeMap<>(); // valid JSON extras with other content (not checked beyond JSON syntax and, for normalization.json, its keys and values)
		final List< String > failures = new ArrayList<>();
		final long t0 = System.nanoTime();
		long loadedNanos = 0;
		for ( int n = 0; n < COPIES; n++ )
		{
			final long t1 = System.nanoTime();
			final int kind = rnd.nextInt( KINDS.length );
			final StringBuilder what = new StringBuilder( "#" + n + " " + KINDS[ kind ] );
			Files.write( copy, mutate( kind, bytes, entries, otherEntries, names, rnd, what ) );
			final int[] o = outcomes.computeIfAbsent( KINDS[ kind ], k -> new int[ 2 ] );
			try ( ModelFile.Loaded loaded = ModelFile.load( copy, 1 ) )
			{
				o[ 1 ]++;
				final float[] out = predict( loaded.model(), x );
				float diff = 0;
				for ( int i = 0; i < out.length; i++ )
					diff = Math.max( diff, Math.abs( out[ i ] - expected[ i ] ) );
				if ( !( diff <= 1e-6 ) || loaded.model().step() != step )
					failures.add(
							what + ": loaded with output differing by " + diff + ", step " + loaded.model().step() );
				for ( final Map.Entry< String, String > e : extras.entrySet() )
					if ( !e.getValue().equals( loaded.extras().get( e.getKey() ) ) )
						changedExtras.merge( e.getKey(), 1, Integer::sum );
				loadedNanos += System.nanoTime() - t1;
			}
			catch ( final IOException | IllegalArgumentException e )
			{
				o[ 0 ]++;
				if ( e.getMessage() == null || e.getMessage().isBlank() )
					failures.add( what + ": refused without a message (" + e + ")" );
				else
					messages.merge( e.getMessage().replace( copy.toString(), "F" ).replaceAll( "[0-9]+", "N" ), 1,
							Integer::sum );
			}
			catch ( final Throwable e )
			{
				failures.add( what + ": threw " + e );
			}
			final Set< String > now = listing( dir );
			if ( !now.equals( dirBefore ) )
				failures.add( what + ": the model's folder changed: " + now );
		}
		final double seconds = ( System.nanoTime() - t0 ) * 1e-9;
		System.out.printf(
				"%d mutated copies in %.1f s (%.1f ms each, the loaded ones %.1f s); refused/loaded per kind: %s; loaded with another valid JSON extra: %s%n",
				COPIES, seconds,
				seconds * 1000 / COPIES, loadedNanos * 1e-9,
				outcomes.entrySet().stream().map( e -> e.getKey() + " " + e.getValue()[ 0 ] + "/" + e.getValue()[ 1 ] )
						.collect( Collectors.joining( ", " ) ),
				changedExtras );
		messages.entrySet().stream().sorted( ( a, b ) -> b.getValue() - a.getValue() ).limit( 12 )
				.forEach( e -> System.out.println( "  " + e.getValue() + " x " + e.getKey() ) );
		assertEquals( List.of(), failures );
		assertEquals( workBefore, listing( Paths.get( "" ).toAbsolutePath() ), "the working folder gained no files" );
		assertEquals( Set.of(), newTempEntries( tmpBefore ), "the temp folder gained no files of this plugin" );
		int refused = 0, loaded = 0;
		for ( final int[] o : outcomes.values() )
		{
			refused += o[ 0 ];
			loaded += o[ 1 ];
		}
		assertTrue( refused > 300 && loaded > 50,
				"both outcomes occur: " + refused + " refused, " + loaded + " loaded" );
	}

	private static float[] predict( final Model m, final float[] x )
	{
		final float[] out = new float[ x.length ];
		m.predict( x, out, 2, new int[] { 8, 8 } );
		return out;
	}

	private static byte[] mutate( final int kind, final byte[] bytes, final Map< String, byte[] > entries,
			final Map< String, byte[] > otherEntries,
			final List< String > names, final Random rnd, final StringBuilder what ) throws IOException
	{
		final Map< String, byte[] > m = new LinkedHashMap<>( entries );
		final String a = names.get( rnd.nextInt( names.size() ) ), b = names.get( rnd.nextInt( names.size() ) );
		switch ( kind )
		{
		case 0:
			return flip( bytes, 1 + rnd.nextInt( 8 ), rnd );
		case 1:
			return Arrays.copyOf( bytes, rnd.nextInt( bytes.length ) );
		case 2:
			what.append( " " + a );
			m.put( a, flip( m.get( a ), 1 + rnd.nextInt( 4 ), rnd ) );
			break;
		case 3:
			what.append( " " + a );
			m.put( a, Arrays.copyOf( m.get( a ), rnd.nextInt( Math.max( 1, m.get( a ).length ) ) ) );
			break;
		case 4:
			what.append( " " + a + " <-> " + b );
			m.put( a, entries.get( b ) );
			m.put( b, entries.get( a ) );
			break;
		case 5:
			what.append( " " + a + " <- " + b );
			m.put( a, entries.get( b ) );
			break;
		case 6:
			what.append( " " + a );
			m.put( a, otherEntries.get( a ) );
			break;
		default:
			what.append( " " + a );
			m.remove( a );
		}
		return ZipEntries.write( m );
	}

	private static byte[] flip( final byte[] in, final int count, final Random rnd )
	{
		final byte[] out = in.clone();
		for ( int i = 0; i < count && out.length > 0; i++ )
			out[ rnd.nextInt( out.length ) ] ^= ( byte ) ( 1 + rnd.nextInt( 255 ) );
		return out;
	}

	private static Set< String > listing( final Path folder ) throws IOException
	{
		try ( Stream< Path > s = Files.walk( folder ) )
		{
			return s.filter( p -> !p.toString().contains( "/target/" ) && !p.toString().contains( "/.git/" ) )
					.map( Path::toString ).collect( Collectors.toCollection( TreeSet::new ) );
		}
	}

	private static Set< String > tmpListing() throws IOException
	{
		try ( Stream< Path > s = Files.list( Paths.get( System.getProperty( "java.io.tmpdir" ) ) ) )
		{
			return s.map( p -> p.getFileName().toString() ).filter( f -> f.startsWith( "autoencoder" ) )
					.collect( Collectors.toCollection( TreeSet::new ) );
		}
	}

	/** New temp entries of this plugin that stay (other processes' saves remove theirs within moments). */
	private static Set< String > newTempEntries( final Set< String > before ) throws IOException, InterruptedException
	{
		Set< String > added = new TreeSet<>( tmpListing() );
		added.removeAll( before );
		if ( !added.isEmpty() )
		{
			Thread.sleep( 3000 );
			added.retainAll( tmpListing() );
		}
		return added;
	}
}
