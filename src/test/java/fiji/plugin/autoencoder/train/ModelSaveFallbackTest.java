package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Presets;
import ij.ImagePlus;

/** A model that cannot be saved where asked is not lost: it goes to the system temp folder, and the training fails naming that file. */
class ModelSaveFallbackTest
{
	@TempDir
	Path dir;

	@Test
	void theModelFolderDeletedMidTrainingSendsTheModelToTheTempFolderAndTheMessageNamesIt() throws Exception
	{
		final ImagePlus cell = TestImages.open( "cell.png" );
		final Path folder = Files.createDirectories( dir.resolve( "models" ) );
		final Path file = folder.resolve( "cell.aemodel.zip" );
		final ImageTrainingJob job = new ImageTrainingJob( Presets.convStrided(), file );
		job.patchSize = 32;
		job.patchesPerEpoch = 64;
		job.config.epochs( 3 ).batchSize( 32 ).patience( 0 );
		final TrainingListener removeFolder = new TrainingListener()
		{
			@Override
			public void epochEnded( final History.Epoch e, final History h )
			{
				if ( e.epoch == 1 ) // the folder goes (a full disk, an unmounted share, a user's cleanup) after the first checkpoint
					deleteTree( folder );
			}
		};
		final String m = assertThrows( IOException.class,
				() -> job.run( Collections.singletonList( cell ), null, removeFolder ) ).getMessage();
		final Matcher saved = Pattern.compile( "saved to (\\S+\\.aemodel\\.zip) instead" ).matcher( m );
		assertTrue( m.contains( "Could not save the model to " + file ) && saved.find(), m );
		final Path fallback = Paths.get( saved.group( 1 ) );
		try
		{
			assertEquals( Paths.get( System.getProperty( "java.io.tmpdir" ) ).toAbsolutePath(), fallback.getParent(),
					"in the system temp folder" );
			try ( ModelFile.Loaded loaded = ModelFile.load( fallback, 1 ) )
			{
				assertEquals( 32, loaded.model().spec().height );
				assertEquals( 3, History.fromJson( loaded.extras().get( ModelFile.HISTORY ) ).epochs.size(),
						"the whole training is in the fallback" );
			}
			assertFalse( Files.exists( folder ), "the removed folder is not recreated" );
		}
		finally
		{
			Files.deleteIfExists( fallback );
		}
	}

	static void deleteTree( final Path p )
	{
		try ( Stream< Path > s = Files.walk( p ) )
		{
			s.sorted( Comparator.reverseOrder() ).forEach( f -> f.toFile().delete() );
		}
		catch ( final IOException e )
		{
			throw new java.io.UncheckedIOException( e );
		}
	}
}
