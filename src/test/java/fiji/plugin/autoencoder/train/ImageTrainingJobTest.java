package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Presets;
import ij.ImagePlus;

class ImageTrainingJobTest
{
	@TempDir
	Path dir;

	@Test
	void trainsOnARealImageSavesAndResumes() throws Exception
	{
		final ImagePlus cell = TestImages.open( "cell.png" );
		final Path file = dir.resolve( "cell.aemodel.zip" );
		final ImageTrainingJob job = new ImageTrainingJob( Presets.convStrided(), file );
		job.patchSize = 32;
		job.patchesPerEpoch = 512;
		job.config.epochs( 3 ).batchSize( 32 ).patience( 0 );
		final int[] bestSaves = new int[ 1 ];
		final ImageTrainingJob.Result r = job.run( Collections.singletonList( cell ), null, new TrainingListener()
		{
			@Override
			public void bestImproved( final fiji.plugin.autoencoder.model.Model m, final History h )
			{
				assertTrue( Files.isRegularFile( file ), "checkpoint written before the listener hears of it" );
				bestSaves[ 0 ]++;
			}
		} );
		assertEquals( Trainer.StopReason.COMPLETED, r.training.reason );
		assertTrue( bestSaves[ 0 ] >= 1 );
		assertTrue( r.history.last( "train" ).validationLoss < 0.5 * r.history.initialValidationLoss,
				"validation loss " + r.history.last( "train" ).validationLoss + " vs untrained "
						+ r.history.initialValidationLoss );
		try ( ModelFile.Loaded loaded = ModelFile.load( file, 1 ) )
		{
			assertEquals( 32, loaded.model().spec().height );
			assertEquals( Normalization.Method.PERCENTILE,
					Normalization.fromJson( loaded.extras().get( ModelFile.NORMALIZATION ) ).method() );
			assertEquals( 3, History.fromJson( loaded.extras().get( ModelFile.HISTORY ) ).epochs.size() );
		}

		final Path resumed = dir.resolve( "resumed.aemodel.zip" );
		final ImageTrainingJob more = new ImageTrainingJob( null, resumed );
		more.resumeFrom = file;
		more.patchesPerEpoch = 512;
		more.config.epochs( 2 ).batchSize( 32 ).patience( 0 );
		final ImageTrainingJob.Result r2 = more.run( Collections.singletonList( cell ), null, TrainingListener.none() );
		assertEquals( 5, r2.history.last( "train" ).epoch, "epochs continue" );
		assertTrue( r2.history.bestValidationLoss() <= r.history.bestValidationLoss() * 1.05 );
	}

	@Test
	void aRefusedResumeClosesTheWholeModelFileWithItsEmbeddedModel() throws Exception
	{
		final Path inner = dir.resolve( "inner.aemodel.zip" ), outer = dir.resolve( "outer.aemodel.zip" );
		try ( fiji.plugin.autoencoder.model.Model m = fiji.plugin.autoencoder.model.Model.create( Presets.convStrided(),
				1, 1 ) )
		{
			ModelFile.save( m, inner, Collections.emptyMap() );
			ModelFile.save( m, outer, Collections.emptyMap(),
					Collections.singletonMap( ModelFile.RECONSTRUCTION_MODEL, inner ) );
		}
		final ImageTrainingJob job = new ImageTrainingJob( null, dir.resolve( "more.aemodel.zip" ) );
		job.resumeFrom = outer;
		final ModelFile.Loaded[] loaded = new ModelFile.Loaded[ 1 ];
		job.loader = ( file, threads ) -> loaded[ 0 ] = ModelFile.load( file, threads );
		final ij.process.ColorProcessor rgb = new ij.process.ColorProcessor( 64, 64 );
		final java.util.Random random = new java.util.Random( 1 );
		for ( int i = 0; i < 64 * 64; i++ )
			rgb.set( i, random.nextInt( 1 << 24 ) );
		final Exception e = assertThrows( IllegalArgumentException.class, () -> job
				.run( Collections.singletonList( new ImagePlus( "rgb", rgb ) ), null, TrainingListener.none() ) );
		assertTrue( e.getMessage().contains( "takes 1 channel(s) but the images have 3" ), e.getMessage() );
		assertTrue( loaded[ 0 ].model().isClosed(), "the resumed model is closed" );
		assertTrue( loaded[ 0 ].embedded( ModelFile.RECONSTRUCTION_MODEL ).model().isClosed(),
				"the embedded model is closed too" );
	}

	@Test
	void badInputsAreRefused()
	{
		final ImageTrainingJob job = new ImageTrainingJob( Presets.convStrided(), dir.resolve( "m.zip" ) );
		assertTrue( assertThrows( IllegalArgumentException.class,
				() -> job.run( Collections.emptyList(), null, TrainingListener.none() ) ).getMessage()
				.contains( "empty" ) );
		final ImagePlus cell = TestImages.open( "cell.png" );
		final ImagePlus ihc = TestImages.open( "ihc.png" );
		final String m = assertThrows( IllegalArgumentException.class,
				() -> job.run( java.util.Arrays.asList( cell, ihc ), null, TrainingListener.none() ) ).getMessage();
		assertTrue( m.contains( "same number of channels" ), m );
	}
}
