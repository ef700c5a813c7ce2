package fiji.plugin.autoencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.io.AtomicFiles;
import fiji.plugin.autoencoder.io.LockHolder;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.io.ModelLock;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

/**
 * The observed ways files were lost or overwritten, through the macro entry
 * points as a cluster script calls them: each is refused with a message naming
 * the files, and every file is byte-identical afterwards.
 */
@TestInstance( TestInstance.Lifecycle.PER_CLASS )
class FileSafetyMacroTest
{
	@TempDir
	static Path dir;

	Path data, image, model;

	/** Tiny training settings: a few seconds. */
	static final String TINY = " mode=[Denoise (self-supervised)] epochs=1 patches_per_epoch=32 patch_size=32 batch_size=16 validation_fraction=0.1";

	@BeforeAll
	void trainOnce() throws Exception
	{
		data = Files.createDirectories( dir.resolve( "data" ) );
		image = data.resolve( "in.tif" );
		final ImagePlus cell = IJ.openImage( "test-images/cell_256.tif" );
		assertTrue( new FileSaver( cell ).saveAsTiff( image.toString() ) );
		model = dir.resolve( "m.aemodel.zip" );
		final String r = MacroCalls.train( "input=[" + image + "] model_file=[" + model + "]" + TINY );
		assertTrue( r.contains( "Saved" ), r );
	}

	static byte[] bytes( final Path p ) throws Exception
	{
		return Files.readAllBytes( p );
	}

	@Test
	void denoiseOutputThroughDotDotOrALinkedFolderIsTheInputAndRefused() throws Exception
	{
		final byte[] before = bytes( image );
		final Path dotDot = dir.resolve( "data/../data/in.tif" );
		final String r = MacroCalls
				.denoise( "input=[" + image + "] model_file=[" + model + "] output=[" + dotDot + "]" );
		assertTrue( r.startsWith( "error:" ) && r.contains( dotDot.toString() ) && r.contains( image.toString() )
				&& r.contains( "inputs are never overwritten" ), r );
		final Path link = Files.createSymbolicLink( dir.resolve( "linked" ), data );
		final String l = MacroCalls.denoise(
				"input=[" + image + "] model_file=[" + model + "] output=[" + link.resolve( "in.tif" ) + "]" );
		assertTrue( l.startsWith( "error:" ) && l.contains( link.resolve( "in.tif" ).toString() )
				&& l.contains( image.toString() ), l );
		assertArrayEquals( before, bytes( image ), "the input is byte-identical" );
		final String ok = MacroCalls.denoise(
				"input=[" + image + "] model_file=[" + model + "] output=[" + link.resolve( "in-denoised.tif" ) + "]" );
		assertFalse( ok.startsWith( "error:" ), ok );
		assertEquals( 256, IJ.openImage( data.resolve( "in-denoised.tif" ).toString() ).getWidth() );
	}

	@Test
	void aFolderRunIntoItsInputFolderThroughDotDotOrALinkWithoutSuffixIsRefused() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "folder in" ) );
		final Path a = Files.copy( image, in.resolve( "a.tif" ) );
		final byte[] before = bytes( a );
		final Path link = Files.createSymbolicLink( dir.resolve( "folder link" ), in );
		for ( final Path out : new Path[] { dir.resolve( "folder in/../folder in" ), link } )
		{
			final String r = MacroCalls.denoiseFolder(
					"input_folder=[" + in + "] output_folder=[" + out + "] model_file=[" + model + "] suffix=[]" );
			assertTrue( r.startsWith( "error:" ) && r.contains( "output folder is the input folder" ), out + ": " + r );
		}
		assertArrayEquals( before, bytes( a ) );
		try ( java.util.stream.Stream< Path > s = Files.list( in ) )
		{
			assertEquals( 1, s.count(), "nothing written into the input folder" );
		}
	}

	@Test
	void aModelFileOnTheTrainingImageIsRefusedBeforeTraining() throws Exception
	{
		final byte[] before = bytes( image );
		final String r = MacroCalls
				.train( "input=[" + image + "] model_file=[" + image + "]" + TINY + " overwrite=true" );
		assertTrue( r.startsWith( "error:" ) && r.contains( image.toString() ) && r.contains( "is not a model file" ),
				r );
		assertArrayEquals( before, bytes( image ), "the image is byte-identical, not a zip" );
		// a model path whose folder is a file is found before training, too
		final String f = MacroCalls
				.train( "input=[" + image + "] model_file=[" + image.resolve( "m.aemodel.zip" ) + "]" + TINY );
		assertTrue( f.startsWith( "error:" ) && f.contains( "folder" ), f );
	}

	@Test
	void aDenoiseOutputOnAModelFileIsRefused() throws Exception
	{
		final byte[] before = bytes( model );
		final String r = MacroCalls
				.denoise( "input=[" + image + "] model_file=[" + model + "] output=[" + model + "]" );
		assertTrue( r.startsWith( "error:" ) && r.contains( model.toString() ), r );
		final Path other = Files.copy( model, dir.resolve( "other.aemodel.zip" ) );
		final String o = MacroCalls
				.denoise( "input=[" + image + "] model_file=[" + model + "] output=[" + other + "]" );
		assertTrue( o.startsWith( "error:" ) && o.contains( other.toString() ) && o.contains( "holds a model file" ),
				o );
		assertArrayEquals( before, bytes( model ) );
		assertArrayEquals( before, bytes( other ) );
	}

	@Test
	void trainingOntoAnExistingModelNeedsOverwriteOrResume() throws Exception
	{
		final Path copy = Files.copy( model, dir.resolve( "copy.aemodel.zip" ) );
		final byte[] before = bytes( copy );
		final long t0 = System.nanoTime();
		final String r = MacroCalls.train( "input=[" + image + "] model_file=[" + copy + "]" + TINY );
		assertTrue( r.startsWith( "error:" ) && r.contains( copy.toString() ) && r.contains( "overwrite=true" )
				&& r.contains( "resume=true" ), r );
		assertTrue( ( System.nanoTime() - t0 ) * 1e-9 < 5, "stopped before training" );
		assertArrayEquals( before, bytes( copy ), "the model is byte-identical" );
		final String resumed = MacroCalls.train( "input=[" + image + "] model_file=[" + copy + "] resume=true" + TINY );
		assertTrue( resumed.contains( "Saved" ), resumed );
		final String replaced = MacroCalls
				.train( "input=[" + image + "] model_file=[" + copy + "] overwrite=true" + TINY );
		assertTrue( replaced.contains( "Saved" ), replaced );
		assertFalse( java.util.Arrays.equals( before, bytes( copy ) ), "replaced when asked" );
		try ( ModelFile.Loaded m = ModelFile.load( copy, 0 ) )
		{
			assertEquals( 1, m.model().spec().channels );
		}
	}

	@Test
	void aSecondTrainingIntoALockedModelFileStopsAtOnceNamingTheOtherProcess() throws Exception
	{
		final Path target = dir.resolve( "shared.aemodel.zip" );
		final Process other = LockHolder.start( target ); // another JVM, e.g. a second SLURM array task
		try
		{
			final long t0 = System.nanoTime();
			final String r = MacroCalls.train( "input=[" + image + "] model_file=[" + target + "]" + TINY );
			final double seconds = ( System.nanoTime() - t0 ) * 1e-9;
			assertTrue( r.startsWith( "error:" ) && r.contains( target.toString() )
					&& r.contains( "is being trained by process " + other.pid() + " on " ), r );
			assertTrue( seconds < 5, "at once, before training: " + seconds + " s" );
			assertFalse( Files.exists( target ), "nothing saved" );
		}
		finally
		{
			other.destroyForcibly().waitFor( 30, TimeUnit.SECONDS );
		}
		// two trainings in this JVM at once: the second stops, the first saves; exactly one says "Saved": the second stops, the first saves; exactly one says "Saved"
		final Path lockFile = ModelLock.lockFile( target );
		assertTrue( Files.exists( lockFile ), "kill -9 left the lock file" );
		Files.delete( lockFile ); // NB: only so the test sees when the first training has locked it (it would work with the stale file too)
		final CompletableFuture< String > first = CompletableFuture.supplyAsync( () -> MacroCalls.train( "input=["
				+ image + "] model_file=[" + target + "]"
				+ " mode=[Denoise (self-supervised)] epochs=3 patches_per_epoch=256 patch_size=32 batch_size=16" ) );
		final long deadline = System.currentTimeMillis() + 60_000;
		while ( !( Files.exists( lockFile ) && Files.size( lockFile ) > 0 ) && System.currentTimeMillis() < deadline
				&& !first.isDone() )
			Thread.sleep( 20 ); // NB: stat only; opening the lock file in this process would release the first training's lock
		final String second = MacroCalls
				.train( "input=[" + image + "] model_file=[" + target + "] overwrite=true" + TINY );
		final String firstResult = first.get( 5, TimeUnit.MINUTES );
		assertTrue( firstResult.contains( "Saved" ), firstResult );
		assertTrue( second.startsWith( "error:" ) && second.contains( "another training in this program" ), second );
	}

	@Test
	void aKilledWritersTemporaryTiffIsRemovedByTheNextDenoiseOfThatOutput() throws Exception
	{
		final Path out = dir.resolve( "out.tif" );
		final Process gone = new ProcessBuilder( "true" ).start();
		gone.waitFor();
		final String host = java.net.InetAddress.getLocalHost().getHostName().replaceAll( "[^A-Za-z0-9._]", "_" );
		final Path stale = Files.writeString(
				dir.resolve( ".out.tif" + AtomicFiles.PARTIAL + host + "-" + gone.pid() + "-0a1b2c3d.tif" ),
				"half a TIFF" );
		final String r = MacroCalls.denoise( "input=[" + image + "] model_file=[" + model + "] output=[" + out + "]" );
		assertFalse( r.startsWith( "error:" ), r );
		assertFalse( Files.exists( stale ), "removed" );
		try ( java.util.stream.Stream< Path > s = Files.list( dir ) )
		{
			assertEquals( 0, s.filter( p -> p.getFileName().toString().contains( AtomicFiles.PARTIAL ) ).count(),
					"no temporary file left" );
		}
	}
}
