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
			assertTrue( tmp.getFileName().toString().endsWith( "table.csv" ) && tmp.getFileName().toString().startsWith( "." ), "hidden, with the target's extension: " + tmp );
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
		assertTrue( assertThrows( IOException.class, () -> AtomicFiles.write( dir.resolve( "no/such/x.csv" ), tmp -> {} ) ).getMessage().contains( "does not exist" ) );
	}
}
