package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths compared as real paths, and files replaced only by outputs of their kind. */
class OutputPathsTest
{
	@TempDir
	Path dir;

	static Path zip( final Path file, final String entry ) throws IOException
	{
		try ( ZipOutputStream z = new ZipOutputStream( Files.newOutputStream( file ) ) )
		{
			z.putNextEntry( new ZipEntry( entry ) );
			z.write( "{}".getBytes( StandardCharsets.UTF_8 ) );
			z.closeEntry();
		}
		return file;
	}

	@Test
	void dotDotAndSymlinkedFoldersAreTheInput() throws IOException
	{
		final Path data = Files.createDirectories( dir.resolve( "data" ) );
		final Path in = Files.writeString( data.resolve( "in.tif" ), "pixels" );
		final Path dotDot = dir.resolve( "data/../data/in.tif" );
		final String m = assertThrows( IllegalArgumentException.class, () -> OutputPaths.refuseInput( dotDot, in ) )
				.getMessage();
		assertTrue( m.contains( dotDot.toString() ) && m.contains( in.toString() )
				&& m.contains( "inputs are never overwritten" ), m );
		final Path link = Files.createSymbolicLink( dir.resolve( "link" ), data );
		final String l = assertThrows( IllegalArgumentException.class,
				() -> OutputPaths.refuseInput( link.resolve( "in.tif" ), in ) ).getMessage();
		assertTrue( l.contains( link.resolve( "in.tif" ).toString() ) && l.contains( in.toString() )
				&& l.contains( in.toRealPath().toString() ), "names both and the real path: " + l );
		assertEquals( data.toRealPath().resolve( "new/out.tif" ),
				OutputPaths.real( link.resolve( "new/../new/out.tif" ) ),
				"a file not yet written: its folder's real path" );
		OutputPaths.refuseInput( link.resolve( "out.tif" ), in, null ); // another name passes
		assertFalse( OutputPaths.same( link.resolve( "out.tif" ), in ) );
		final Path hardLink = Files.createLink( dir.resolve( "hard.tif" ), in );
		assertThrows( IllegalArgumentException.class, () -> OutputPaths.refuseInput( hardLink, in ),
				"a hard link is the same file" );
	}

	@Test
	void filesAreReplacedOnlyByOutputsOfTheirKind() throws IOException
	{
		final Path model = zip( dir.resolve( "m.aemodel.zip" ), ModelFile.SPEC ),
				otherZip = zip( dir.resolve( "other.zip" ), "readme.txt" );
		final Path image = Files.write( dir.resolve( "in.tif" ), new byte[] { 'I', 'I', 42, 0 } );
		assertTrue( OutputPaths.isModelFile( model ) && !OutputPaths.isModelFile( otherZip )
				&& !OutputPaths.isModelFile( image ) );
		final String i = assertThrows( IllegalArgumentException.class, () -> OutputPaths.checkImageTarget( model ) )
				.getMessage();
		assertTrue( i.contains( model.toString() ) && i.contains( "model file" ), i );
		OutputPaths.checkImageTarget( image ); // an image replaces an image
		OutputPaths.checkImageTarget( dir.resolve( "new.tif" ) );
		final String m = assertThrows( IllegalArgumentException.class, () -> OutputPaths.checkModelTarget( image ) )
				.getMessage();
		assertTrue( m.contains( image.toString() ) && m.contains( "is not a model file" ), m );
		assertThrows( IllegalArgumentException.class, () -> OutputPaths.checkModelTarget( otherZip ),
				"a zip without spec.json" );
		assertThrows( IllegalArgumentException.class,
				() -> OutputPaths.checkNewModel( image, true, "overwrite=true", "resume=true" ),
				"not even with overwrite" );
		assertThrows( IllegalArgumentException.class, () -> OutputPaths.checkModelTarget( dir ), "a folder" );
		final String e = assertThrows( IllegalArgumentException.class,
				() -> OutputPaths.checkNewModel( model, false, "overwrite=true", "resume=true" ) ).getMessage();
		assertTrue( e.contains( model.toString() ) && e.contains( "overwrite=true" ) && e.contains( "resume=true" ),
				e );
		OutputPaths.checkNewModel( model, true, "overwrite=true", "resume=true" );
		OutputPaths.checkNewModel( dir.resolve( "new.aemodel.zip" ), false, "overwrite=true", "resume=true" );
	}
}
