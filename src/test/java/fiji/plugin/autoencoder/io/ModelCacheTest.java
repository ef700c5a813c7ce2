package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.MacroCalls;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.model.TensorFlowThreads;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

/** The JVM's model cache: one load per file and threads, a changed file loaded again, evicted models closed when unused, outputs unchanged. */
class ModelCacheTest
{
	@TempDir
	Path dir;

	private static void saveDenoiser( final Path file, final long seed ) throws Exception
	{
		try ( Model m = Model.create( Presets.denoiser( 1 ), seed, 1 ) )
		{
			ModelFile.save( m, file, Collections.emptyMap() );
		}
	}

	@Test
	void aMacroLoopLoadsTheModelOnceAndAChangedFileAgainWithIdenticalOutputs() throws Exception
	{
		final Path model = dir.resolve( "m.aemodel.zip" ), image = dir.resolve( "in.tif" );
		saveDenoiser( model, 1 );
		final ImagePlus cell = IJ.openImage( "test-images/cell_256.tif" );
		assertTrue( new FileSaver( cell ).saveAsTiff( image.toString() ) );
		final long before = ModelCache.models().loads();
		final List< byte[] > outputs = new ArrayList<>();
		for ( int i = 0; i < 3; i++ )
		{
			final Path out = dir.resolve( "out" + i + ".tif" );
			final String r = MacroCalls.denoise( "input=[" + image + "] model_file=[" + model + "] output=[" + out
					+ "] average_orientations=false threads=1" );
			assertFalse( r.startsWith( "error:" ), r );
			outputs.add( Files.readAllBytes( out ) );
		}
		assertEquals( before + 1, ModelCache.models().loads(), "three denoise calls, one load" );
		assertArrayEquals( outputs.get( 0 ), outputs.get( 2 ), "the cached model gives the same output" );
		// re-save other weights into the same path (atomically: a new file): the next call loads it
		saveDenoiser( model, 2 );
		final Path out = dir.resolve( "changed.tif" );
		final String r = MacroCalls.denoise( "input=[" + image + "] model_file=[" + model + "] output=[" + out
				+ "] average_orientations=false threads=1" );
		assertFalse( r.startsWith( "error:" ), r );
		assertEquals( before + 2, ModelCache.models().loads(), "a changed file is loaded again" );
		assertFalse( java.util.Arrays.equals( outputs.get( 0 ), Files.readAllBytes( out ) ),
				"and its new weights are used" );
		// another thread count is another session only where TensorFlow gives sessions their own pools; else the
		// JVM's pool has the first session's threads, so the cached model serves it (with a warning)
		final int first = TensorFlowThreads.effective( 1 );
		MacroCalls.denoise( "input=[" + image + "] model_file=[" + model + "] output=[" + dir.resolve( "t2.tif" )
				+ "] average_orientations=false threads=" + ( first + 1 ) );
		assertEquals( before + ( TensorFlowThreads.perSessionPools() ? 3 : 2 ), ModelCache.models().loads() );
	}

	@Test
	void evictedModelsAreClosedOnlyWhenNoLeaseIsOpenAndConcurrentCallersShareOneLoad() throws Exception
	{
		final Path a = dir.resolve( "a.aemodel.zip" ), b = dir.resolve( "b.aemodel.zip" );
		saveDenoiser( a, 1 );
		saveDenoiser( b, 2 );
		final ModelCache< ModelFile.Loaded > cache = new ModelCache<>( 1, ModelFile::load );
		final ExecutorService pool = Executors.newFixedThreadPool( 4 );
		final List< Future< ModelFile.Loaded > > got = new ArrayList<>();
		for ( int i = 0; i < 8; i++ )
			got.add( pool.submit( () -> {
				try ( ModelCache< ModelFile.Loaded >.Lease l = cache.get( a, 1 ) )
				{
					l.model().model().predict( new float[ 32 * 32 ], new float[ 32 * 32 ], 1, new int[] { 32, 32 } );
					return l.model();
				}
			} ) );
		pool.shutdown();
		final ModelFile.Loaded first = got.get( 0 ).get();
		for ( final Future< ModelFile.Loaded > f : got )
			assertSame( first, f.get() );
		assertEquals( 1, cache.loads(), "eight concurrent callers, one load" );
		try ( ModelCache< ModelFile.Loaded >.Lease held = cache.get( dir.resolve( "." ).resolve( "a.aemodel.zip" ),
				1 ) )
		{
			assertSame( first, held.model(), "the real path is the key" );
			try ( ModelCache< ModelFile.Loaded >.Lease other = cache.get( b, 1 ) ) // capacity 1: a is evicted
			{
				assertNotSame( first, other.model() );
			}
			assertFalse( first.model().isClosed(), "an evicted model in use stays open" );
		}
		assertTrue( first.model().isClosed(), "and is closed when its last lease closes" );
		assertEquals( 2, cache.loads() );
		final NoSuchFileException missing = assertThrows( NoSuchFileException.class,
				() -> cache.get( dir.resolve( "none.aemodel.zip" ), 1 ) );
		assertTrue( missing.getMessage().contains( "none.aemodel.zip" ), missing.getMessage() );
		cache.clear();
		assertEquals( 0, cache.size() );
	}
}
