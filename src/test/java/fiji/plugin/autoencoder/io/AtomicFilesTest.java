package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest
{
	@TempDir
	Path dir;

	@Test
	void aFailedWriteKeepsTheOldFileAndLeavesNothingBehind() throws IOException
	{
		final Path target = dir.resolve( "table.csv" );
		AtomicFiles.write( target, tmp -> {
			assertTrue(
					tmp.getFileName().toString()
							.startsWith( ".table.csv.partial-" + AtomicFiles.HOST + "-" + ProcessHandle.current().pid()
									+ "-" )
							&& tmp.getFileName().toString().endsWith( ".csv" ),
					"hidden, recognisable, with the target's extension: " + tmp );
			Files.writeString( tmp, "a,b\n" );
		} );
		assertEquals( "a,b\n", Files.readString( target ) );
		assertThrows( IOException.class, () -> AtomicFiles.write( target, tmp -> {
			Files.writeString( tmp, "half" );
			throw new IOException( "disk full" );
		} ) );
		assertEquals( "a,b\n", Files.readString( target ), "the old content survives" );
		try ( Stream< Path > s = Files.list( dir ) )
		{
			assertEquals( 1, s.count(), "no temporary file left" );
		}
		// outputs are as readable as any new file here, not private like Files.createTempFile's
		final Path plain = Files.writeString( dir.resolve( "plain.txt" ), "x" );
		assertEquals( Files.getPosixFilePermissions( plain ).contains( PosixFilePermission.OTHERS_READ ),
				Files.getPosixFilePermissions( target ).contains( PosixFilePermission.OTHERS_READ ) );
		assertTrue(
				assertThrows( IOException.class, () -> AtomicFiles.write( dir.resolve( "no/such/x.csv" ), tmp -> {} ) )
						.getMessage().contains( "does not exist" ) );
	}

	/** A killed writer's temporary file: named as {@link AtomicFiles} names them, for a process that is gone. */
	static Path killedWritersTemp( final Path target, final String host, final long pid ) throws IOException
	{
		return Files.writeString(
				target.resolveSibling(
						"." + target.getFileName() + AtomicFiles.PARTIAL + host + "-" + pid + "-0a1b2c3d.tif" ),
				"half a TIFF" );
	}

	static long deadPid() throws Exception
	{
		final Process p = new ProcessBuilder( "true" ).start();
		p.waitFor();
		return p.pid();
	}

	@Test
	void aRerunRemovesTheStaleTemporaryFilesOfItsOwnOutputOnly() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) ),
				out = Files.createDirectories( dir.resolve( "out" ) );
		assertTrue( new ij.io.FileSaver( new ij.ImagePlus( "a", new ij.process.ByteProcessor( 8, 8 ) ) )
				.saveAsTiff( in.resolve( "a.tif" ).toString() ) );
		final Path target = out.resolve( "a-copy.tif" );
		final Path killed = killedWritersTemp( target, AtomicFiles.HOST, deadPid() ); // this host, process gone: stale at once
		final Path otherHostOld = killedWritersTemp( target, "node7", 4711 );
		Files.setLastModifiedTime( otherHostOld, java.nio.file.attribute.FileTime
				.fromMillis( System.currentTimeMillis() - AtomicFiles.STALE_AFTER_MS - 60_000 ) );
		final Path otherHostWriting = Files.writeString(
				target.resolveSibling( "." + target.getFileName() + AtomicFiles.PARTIAL + "node8-4712-99999999.tif" ),
				"being written" );
		final Path liveHere = Files.writeString( target.resolveSibling( "." + target.getFileName() + AtomicFiles.PARTIAL
				+ AtomicFiles.HOST + "-" + ProcessHandle.current().pid() + "-11111111.tif" ), "x" );
		final Path otherOutput = killedWritersTemp( out.resolve( "b-copy.tif" ), AtomicFiles.HOST, deadPid() );
		// the rerun of the folder run: its output a-copy.tif does not exist (the killed writer never renamed it)
		final fiji.plugin.autoencoder.batch.FolderProcessor.Report r = new fiji.plugin.autoencoder.batch.FolderProcessor(
				in, out, "copy" ).run( imp -> imp, line -> {},
						fiji.plugin.autoencoder.core.Progress.none() );
		assertEquals( 1, r.written.size(), r.toString() );
		assertTrue( Files.isRegularFile( target ) );
		assertTrue( !Files.exists( killed ), "removed: the writer's process is gone" );
		assertTrue( !Files.exists( otherHostOld ),
				"removed: another host's, unmodified for more than " + AtomicFiles.STALE_AFTER_MS + " ms" );
		assertTrue( Files.exists( otherHostWriting ), "kept: another host's, recent (it may still be writing)" );
		assertTrue( Files.exists( liveHere ), "kept: a live writer of this process" );
		assertTrue( Files.exists( otherOutput ), "kept: not a temporary file of this output" );
	}
}
