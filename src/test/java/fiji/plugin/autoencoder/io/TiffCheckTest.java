package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.core.Progress;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

/** Truncated and 64-bit TIFFs are refused before ImageJ reads zeros for the missing pixels or says only that it cannot open them. */
class TiffCheckTest
{
	@TempDir
	Path dir;

	Path truncatedCopy( final Path full, final String name ) throws Exception
	{
		final byte[] b = Files.readAllBytes( full );
		final Path half = dir.resolve( name );
		Files.write( half, Arrays.copyOf( b, b.length / 2 ) );
		return half;
	}

	static String refusal( final Path file )
	{
		return assertThrows( IllegalArgumentException.class, () -> TiffCheck.check( file ) ).getMessage();
	}

	@Test
	void aTiffCutToHalfItsBytesIsRefusedWithTheByteCounts() throws Exception
	{
		final Path full = dir.resolve( "full.tif" );
		final ByteProcessor ip = new ByteProcessor( 200, 100 );
		ip.setValue( 99 );
		ip.fill();
		assertTrue( new FileSaver( new ImagePlus( "full", ip ) ).saveAsTiff( full.toString() ) );
		TiffCheck.check( full ); // complete: no complaint
		final long size = Files.size( full );
		final Path half = truncatedCopy( full, "half.tif" );
		final ImagePlus filled = IJ.openImage( half.toString() );
		assertTrue( filled != null && filled.getProcessor().get( 199, 99 ) == 0,
				"ImageJ itself opens it with zeros for the missing half (what the check prevents)" );
		final String m = refusal( half );
		assertTrue( m.contains( "the file is truncated (" + size / 2 + " of " + size + " bytes)" ), m );
	}

	@Test
	void aTruncatedImageJStackIsRefused() throws Exception
	{
		final ImageStack stack = new ImageStack( 64, 64 );
		for ( int s = 0; s < 5; s++ )
			stack.addSlice( new ShortProcessor( 64, 64 ) );
		final Path full = dir.resolve( "stack.tif" );
		assertTrue( new FileSaver( new ImagePlus( "stack", stack ) ).saveAsTiffStack( full.toString() ) );
		TiffCheck.check( full );
		final String m = refusal( truncatedCopy( full, "stack-half.tif" ) );
		assertTrue( m.contains( "the file is truncated (" + Files.size( full ) / 2 + " of " ), m );
	}

	@Test
	void a64BitTiffNamesTheSamplesAndTheFix() throws Exception
	{
		final Path f = dir.resolve( "double.tif" );
		Files.write( f, tiff64( 4, 4 ) );
		assertNull( IJ.openImage( f.toString() ), "ImageJ cannot open it" );
		final String m = refusal( f );
		assertTrue( m.contains( "has 64-bit samples" ) && m.contains( "save it as 32-bit" ), m );
	}

	@Test
	void otherFilesAreLeftToImageJAndAnEmptyTiffIsRefused() throws Exception
	{
		final Path png = dir.resolve( "a.png" );
		assertTrue( new FileSaver( new ImagePlus( "a", new ByteProcessor( 8, 8 ) ) ).saveAsPng( png.toString() ) );
		TiffCheck.check( png );
		final Path empty = Files.write( dir.resolve( "empty.tif" ), new byte[ 0 ] );
		assertTrue( refusal( empty ).contains( "truncated (0 of 8 bytes)" ) );
	}

	@Test
	void theFolderRunReportsATruncatedFileAsFailedAndWritesNothingForIt() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) ), out = dir.resolve( "out" );
		final Path full = in.resolve( "ok.tif" );
		assertTrue(
				new FileSaver( new ImagePlus( "ok", new ByteProcessor( 100, 100 ) ) ).saveAsTiff( full.toString() ) );
		final byte[] b = Files.readAllBytes( full );
		Files.write( in.resolve( "cut.tif" ), Arrays.copyOf( b, b.length / 2 ) );
		final FolderProcessor.Report r = new FolderProcessor( in, out, "x" ).run( imp -> imp, l -> {},
				Progress.none() );
		assertEquals( 1, r.written.size() );
		assertEquals( 1, r.failed.size() );
		assertTrue( r.failed.get( 0 ).contains( "cut.tif" ) && r.failed.get( 0 ).contains( "the file is truncated" ),
				r.failed.toString() );
		assertTrue( !Files.exists( out.resolve( "cut-x.tif" ) ) );
	}

	/** A minimal little-endian TIFF of 64-bit float samples (numpy float64 saved by tifffile). */
	static byte[] tiff64( final int w, final int h )
	{
		final int entries = 9, ifd = 8, data = ifd + 2 + 12 * entries + 4, bytes = w * h * 8;
		final ByteBuffer b = ByteBuffer.allocate( data + bytes ).order( ByteOrder.LITTLE_ENDIAN );
		b.put( ( byte ) 'I' ).put( ( byte ) 'I' ).putShort( ( short ) 42 ).putInt( ifd );
		b.putShort( ( short ) entries );
		final int[][] tags = { { 256, 3, w }, { 257, 3, h }, { 258, 3, 64 }, { 259, 3, 1 }, { 262, 3, 1 },
				{ 273, 4, data }, { 277, 3, 1 }, { 279, 4, bytes }, { 339, 3, 3 } };
		for ( final int[] t : tags )
		{
			b.putShort( ( short ) t[ 0 ] ).putShort( ( short ) t[ 1 ] ).putInt( 1 );
			if ( t[ 1 ] == 3 )
				b.putShort( ( short ) t[ 2 ] ).putShort( ( short ) 0 );
			else
				b.putInt( t[ 2 ] );
		}
		b.putInt( 0 );
		for ( int i = 0; i < w * h; i++ )
			b.putDouble( i );
		return b.array();
	}
}
