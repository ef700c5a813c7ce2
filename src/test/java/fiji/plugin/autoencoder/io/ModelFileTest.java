package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.FashionMnistSubset;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingData;
import fiji.plugin.autoencoder.train.TrainingListener;

class ModelFileTest
{
	@TempDir
	Path dir;

	static float maxAbsDiff( final float[] a, final float[] b )
	{
		assertEquals( a.length, b.length );
		float m = 0;
		for ( int i = 0; i < a.length; i++ )
			m = Math.max( m, Math.abs( a[ i ] - b[ i ] ) );
		return m;
	}

	@Test
	void saveReloadIdenticalThenContinueTraining() throws IOException
	{
		for ( final ModelSpec spec : Arrays.asList( Presets.convStrided(), Presets.dense( true ),
				Presets.convPool( ModelSpec.Unpooling.ZERO_FILL ) ) )
		{
			final float[] x = FashionMnistSubset.images( 2000 );
			final TrainingData data = new ArrayTrainingData( Arrays.copyOf( x, 1500 * 784 ), 1500, 28, 28, 1 );
			final TrainingData val = new ArrayTrainingData( Arrays.copyOfRange( x, 1500 * 784, x.length ), 500, 28, 28,
					1 );
			final TrainingConfig config = new TrainingConfig().epochs( 2 ).batchSize( 64 );
			final Path file = dir.resolve( spec.name + ".aemodel.zip" );
			final float[] before;
			final History history = new History();
			final long steps;
			try ( Model m = Model.create( spec, 11, 2 ) )
			{
				new Trainer().train( m, data, val, config, history, TrainingListener.none() );
				before = m.reconstruct( Arrays.copyOf( x, 100 * 784 ), 100 );
				steps = m.step();
				ModelFile.save( m, file, Collections.singletonMap( ModelFile.HISTORY, history.toJson() ) );
			}
			try ( Stream< Path > s = Files.list( dir ) )
			{
				assertEquals( 0, s.filter( p -> p.getFileName().toString().startsWith( "." ) ).count(),
						"no temporary file left" );
			}
			try ( ModelFile.Loaded loaded = ModelFile.load( file, 2 ) )
			{
				final Model m = loaded.model();
				assertEquals( spec.toJson(), m.spec().toJson() );
				assertEquals( steps, m.step(), "the optimiser step survives" );
				assertEquals( 0f, maxAbsDiff( before, m.reconstruct( Arrays.copyOf( x, 100 * 784 ), 100 ) ),
						spec.name + ": reconstructions identical after reload" );
				final History h = History.fromJson( loaded.extras().get( ModelFile.HISTORY ) );
				assertEquals( 2, h.epochs.size() );
				final double lossBefore = h.last( "train" ).validationLoss;
				new Trainer().train( m, data, val, config, h, TrainingListener.none() );
				assertEquals( 4, h.epochs.size() );
				assertEquals( 4, h.last( "train" ).epoch, "epochs continue numbering" );
				assertTrue( h.last( "train" ).validationLoss < lossBefore,
						spec.name + ": continued training lowers the loss " + h.last( "train" ).validationLoss + " < "
								+ lossBefore );
			}
		}
	}

	@Test
	void damagedFilesGiveClearErrors() throws IOException
	{
		final Path good = dir.resolve( "good.aemodel.zip" );
		try ( Model m = Model.create( Presets.convStrided(), 1, 1 ) )
		{
			ModelFile.save( m, good, Collections.emptyMap() );
		}
		final byte[] bytes = Files.readAllBytes( good );

		final Path truncated = dir.resolve( "truncated.aemodel.zip" );
		Files.write( truncated, Arrays.copyOf( bytes, bytes.length / 2 ) );
		final String t = assertThrows( IOException.class, () -> ModelFile.load( truncated, 1 ) ).getMessage();
		assertTrue( t.contains( "truncated.aemodel.zip" ) && ( t.contains( "damaged" ) || t.contains( "lacks" ) ), t );

		final Path garbage = dir.resolve( "garbage.aemodel.zip" );
		final byte[] g = bytes.clone();
		for ( int i = 200; i < g.length - 200; i += 7 )
			g[ i ] ^= 0x5a;
		Files.write( garbage, g );
		final String c = assertThrows( IOException.class, () -> ModelFile.load( garbage, 1 ) ).getMessage();
		assertTrue( c.contains( "garbage.aemodel.zip" ), c );

		final Path text = dir.resolve( "notes.txt" );
		Files.write( text, "hello".getBytes( StandardCharsets.UTF_8 ) );
		final String n = assertThrows( IOException.class, () -> ModelFile.load( text, 1 ) ).getMessage();
		assertTrue( n.contains( "not a zip model file" ), n );

		final String missing = assertThrows( IOException.class, () -> ModelFile.load( dir.resolve( "nope.zip" ), 1 ) )
				.getMessage();
		assertTrue( missing.contains( "not found" ), missing );

		final Path unsafe = dir.resolve( "unsafe.zip" );
		try ( OutputStream o = Files.newOutputStream( unsafe ); ZipOutputStream z = new ZipOutputStream( o ) )
		{
			z.putNextEntry( new ZipEntry( "saved_model/../../evil.sh" ) );
			z.write( 1 );
			z.closeEntry();
		}
		final String u = assertThrows( IOException.class, () -> ModelFile.load( unsafe, 1 ) ).getMessage();
		assertTrue( u.contains( "unsafe path" ), u );
		assertFalse( Files.exists( dir.getParent().resolve( "evil.sh" ) ) );
	}

	/** A model file embeds another whole (an anomaly segmenter's autoencoder): both load, both close, bad entries are refused. */
	@Test
	void embeddedModelsLoadAndCloseWithTheirFile() throws IOException
	{
		final Path inner = dir.resolve( "inner.aemodel.zip" ), outer = dir.resolve( "outer.aemodel.zip" );
		final float[] x = new float[ 2 * 28 * 28 ];
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = ( i % 29 ) / 29f;
		final float[] innerOut, outerOut;
		try ( Model a = Model.create( Presets.convStrided(), 1, 1 );
				Model b = Model.create( Presets.dense( false ), 2, 1 ) )
		{
			ModelFile.save( a, inner, Map.of( "history.json", "{\"epochs\": []}" ) );
			ModelFile.save( b, outer, Map.of(), Map.of( ModelFile.RECONSTRUCTION_MODEL, inner ) );
			innerOut = a.reconstruct( x, 2 );
			outerOut = b.reconstruct( x, 2 );
			assertTrue( assertThrows( IllegalArgumentException.class,
					() -> ModelFile.save( b, outer, Map.of(), Map.of( "inner.zip", inner ) ) ).getMessage()
					.contains( ".aemodel.zip" ) );
			assertTrue( assertThrows( IllegalArgumentException.class,
					() -> ModelFile.save( b, outer, Map.of(), Map.of( ModelFile.RECONSTRUCTION_MODEL, outer ) ) )
					.getMessage().contains( "itself" ) );
			assertTrue( assertThrows( IOException.class,
					() -> ModelFile.save( b, outer, Map.of(),
							Map.of( ModelFile.RECONSTRUCTION_MODEL, dir.resolve( "missing.aemodel.zip" ) ) ) )
					.getMessage().contains( "does not exist" ) );
		}
		final ModelFile.Loaded loaded = ModelFile.load( outer, 1 );
		final ModelFile.Loaded embedded = loaded.embedded( ModelFile.RECONSTRUCTION_MODEL );
		assertNotNull( embedded );
		assertNull( loaded.embedded( "other.aemodel.zip" ) );
		assertEquals( "conv_strided", embedded.model().spec().name );
		assertEquals( "{\"epochs\": []}", embedded.extras().get( "history.json" ) );
		assertArrayEquals( innerOut, embedded.model().reconstruct( x, 2 ) );
		assertArrayEquals( outerOut, loaded.model().reconstruct( x, 2 ) );
		loaded.close();
		assertThrows( IllegalStateException.class, () -> embedded.model().reconstruct( x, 2 ),
				"closing the file's model closes the embedded one" );
		// a damaged embedded model: the whole file is refused, naming it
		Files.write( inner, new byte[] { 1, 2, 3 } );
		try ( Model b = Model.create( Presets.dense( false ), 2, 1 ) )
		{
			ModelFile.save( b, outer, Map.of(), Map.of( ModelFile.RECONSTRUCTION_MODEL, inner ) );
		}
		final IOException e = assertThrows( IOException.class, () -> ModelFile.load( outer, 1 ) );
		assertTrue( e.getMessage().contains( "embeds a model that cannot be loaded" ), e.getMessage() );
	}

	@Test
	void savingIntoAMissingFolderSaysSo()
	{
		try ( Model m = Model.create( Presets.dense( false ), 1, 1 ) )
		{
			final IOException e = assertThrows( IOException.class,
					() -> ModelFile.save( m, dir.resolve( "no/such/dir/m.zip" ), Map.of() ) );
			assertTrue( e.getMessage().contains( "does not exist" ), e.getMessage() );
		}
	}
}
