package fiji.plugin.autoencoder.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.core.Progress;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

class FolderProcessorTest
{
	@TempDir
	Path dir;

	Path folderOf( final int n ) throws IOException
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) );
		for ( int i = 0; i < n; i++ )
		{
			final ByteProcessor bp = new ByteProcessor( 16, 16 );
			bp.set( i );
			new FileSaver( new ImagePlus( "i" + i, bp ) ).saveAsTiff( in.resolve( "img" + i + ".tif" ).toString() );
		}
		return in;
	}

	static List< String > names( final Path folder ) throws IOException
	{
		try ( Stream< Path > s = Files.list( folder ) )
		{
			return s.map( p -> p.getFileName().toString() ).sorted().collect( Collectors.toList() );
		}
	}

	/** Cancel while the second image is being processed: the first output stays, nothing partial appears. */
	@Test
	void cancelHalfWayLeavesNoPartialFile() throws Exception
	{
		final Path in = folderOf( 4 ), out = dir.resolve( "out" );
		final AtomicBoolean cancel = new AtomicBoolean();
		final Progress progress = new Progress()
		{
			@Override
			public void report( final long done, final long total, final String message )
			{}

			@Override
			public boolean isCancelled()
			{
				return cancel.get();
			}
		};
		final int[] calls = new int[ 1 ];
		assertThrows( CancellationException.class, () -> new FolderProcessor( in, out, "denoised" ).run( imp -> {
			if ( ++calls[ 0 ] == 2 )
			{
				cancel.set( true ); // the user presses cancel while this image is processed ...
				throw new CancellationException( "cancelled in the middle of img1" ); // ... and the tiler stops
			}
			return imp;
		}, line -> {}, progress ) );
		assertEquals( List.of( "img0-denoised.tif" ), names( out ),
				"only the finished output, no temporary or partial file" );
		assertEquals( 4, names( in ).size(), "inputs untouched" );
	}

	@Test
	void shardsSplitTheFolderAndInputsAreNeverOverwritten() throws Exception
	{
		final Path in = folderOf( 5 );
		assertEquals( 3, new FolderProcessor( in, dir.resolve( "o" ), "x" ).shard( 0, 2 ).files().size() );
		assertEquals( 2, new FolderProcessor( in, dir.resolve( "o" ), "x" ).shard( 1, 2 ).files().size() );
		assertTrue( assertThrows( IllegalArgumentException.class, () -> new FolderProcessor( in, in, "" ) ).getMessage()
				.contains( "overwrite the inputs" ) );
		assertTrue(
				assertThrows( IllegalArgumentException.class, () -> new FolderProcessor( in, dir, "x" ).shard( 2, 2 ) )
						.getMessage().contains( "SLURM_ARRAY_TASK_ID" ) );
	}

	/** Outputs written next to their inputs (same folder, a suffix) are not processed again by a rerun. */
	@Test
	void outputsInTheInputFolderAreNotInputsNextTime() throws Exception
	{
		final Path in = folderOf( 2 );
		final FolderProcessor same = new FolderProcessor( in, in, "denoised" );
		assertEquals( "2 written, 0 skipped (output exists), 0 failed",
				same.run( imp -> imp, l -> {}, Progress.none() ).toString() );
		assertEquals( List.of( "img0-denoised.tif", "img0.tif", "img1-denoised.tif", "img1.tif" ), names( in ) );
		assertEquals( "0 written, 2 skipped (output exists), 0 failed",
				same.run( imp -> imp, l -> {}, Progress.none() ).toString() );
		assertEquals( 4, names( in ).size(), "no img0-denoised-denoised.tif" );
		assertEquals( 4, new FolderProcessor( in, dir.resolve( "elsewhere" ), "denoised" ).files().size(),
				"into another folder every image is an input" );
	}

	@Test
	void anUnwritableOutputFolderIsNamed() throws Exception
	{
		final Path in = folderOf( 1 );
		final IOException e = assertThrows( IOException.class,
				() -> new FolderProcessor( in, Path.of( "/proc/no-such-output" ), "x" ).run( imp -> imp, l -> {},
						Progress.none() ) );
		assertTrue( e.getMessage() != null && e.getMessage().contains( "/proc/no-such-output" )
				&& e.getMessage().contains( "choose a folder you can write to" ), e.getMessage() );
	}
}
