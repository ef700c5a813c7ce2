package fiji.plugin.autoencoder.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zarr arrays this codec cannot handle are refused with the reason and the fix; an existing output is never changed. */
public class ZarrBadInputTest
{
	private static Path array( final Path dir, final String dtype, final String compressor, final String order )
			throws Exception
	{
		Files.createDirectories( dir );
		Files.writeString( dir.resolve( ".zarray" ),
				"{\"chunks\":[4,4],\"compressor\":" + compressor + ",\"dtype\":\"" + dtype
						+ "\",\"fill_value\":0,\"filters\":null,"
						+ "\"order\":\"" + order + "\",\"shape\":[8,8],\"zarr_format\":2}" );
		return dir;
	}

	@Test
	public void bloscIsRefusedWithTheFix( @TempDir final Path dir ) throws Exception
	{
		final Path a = array( dir.resolve( "b" ), "<u2",
				"{\"id\":\"blosc\",\"cname\":\"lz4\",\"clevel\":5,\"shuffle\":1,\"blocksize\":0}", "C" );
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class, () -> ZarrArray.open( a ) );
		assertTrue( e.getMessage().contains( "'blosc'" ) && e.getMessage().contains( "Zlib" ), e.getMessage() );
		final IllegalArgumentException lz = assertThrows( IllegalArgumentException.class,
				() -> ZarrArray.open( array( dir.resolve( "l" ), "<u2", "{\"id\":\"lz4\"}", "C" ) ) );
		assertTrue( lz.getMessage().contains( "'lz4'" ), lz.getMessage() );
	}

	@Test
	public void unsupportedDtypesAndOrderAreRefused( @TempDir final Path dir ) throws Exception
	{
		for ( final String dt : new String[] { "<f8", "<i2", "|b1", "<u4", "|i1" } )
		{
			final Path a = array( dir.resolve( dt.substring( 1 ) ), dt, "null", "C" );
			final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
					() -> ZarrArray.open( a ) );
			assertTrue( e.getMessage().contains( dt ) && e.getMessage().contains( "u1, u2, i4 and f4" ),
					e.getMessage() );
		}
		final IllegalArgumentException f = assertThrows( IllegalArgumentException.class,
				() -> ZarrArray.open( array( dir.resolve( "f" ), "<u2", "null", "F" ) ) );
		assertTrue( f.getMessage().contains( "order F" ) && f.getMessage().contains( "order='C'" ), f.getMessage() );
		final IllegalArgumentException none = assertThrows( IllegalArgumentException.class,
				() -> OmeZarr.open( dir.resolve( "f" ).getParent() ) );
		assertTrue( none.getMessage().contains( "neither .zattrs" ), none.getMessage() );
	}

	@Test
	public void existingOutputWithAnotherShapeIsLeftAlone( @TempDir final Path dir ) throws Exception
	{
		final Path root = dir.resolve( "out.ome.zarr" );
		final OmeZarr img = OmeZarr.create( root, "x", List.of( "y", "x" ), new long[] { 10, 12 }, new int[] { 4, 4 },
				DataType.U2, Compressor.zlib( 1 ), "/", new double[] { 1, 1 }, null );
		final short[] chunk = new short[ 16 ];
		chunk[ 5 ] = 4711;
		img.array().writeChunk( new long[] { 1, 2 }, chunk );
		final byte[] attrs = Files.readAllBytes( root.resolve( ".zattrs" ) );
		final byte[] zarray = Files.readAllBytes( root.resolve( "0/.zarray" ) );
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> OmeZarr.create( root, "x", List.of( "y", "x" ), new long[] { 10, 13 },
						new int[] { 4, 4 }, DataType.U2, Compressor.zlib( 1 ), "/", new double[] { 1, 1 }, null ) );
		assertTrue( e.getMessage().contains( "[10, 12]" ) && e.getMessage().contains( "nothing was changed" ),
				e.getMessage() );
		assertArrayEquals( attrs, Files.readAllBytes( root.resolve( ".zattrs" ) ) );
		assertArrayEquals( zarray, Files.readAllBytes( root.resolve( "0/.zarray" ) ) );
		// the same shape reopens it (resume) and keeps the written chunk
		final OmeZarr again = OmeZarr.create( root, "x", List.of( "y", "x" ), new long[] { 10, 12 }, new int[] { 4, 4 },
				DataType.U2, Compressor.zlib( 1 ), "/", new double[] { 1, 1 }, null );
		assertEquals( 4711, ( ( short[] ) again.array().readChunk( new long[] { 1, 2 } ) )[ 5 ] );
		// a folder with other files is not taken over
		final Path other = dir.resolve( "other" );
		Files.createDirectories( other );
		Files.writeString( other.resolve( "notes.txt" ), "mine" );
		assertThrows( IllegalArgumentException.class,
				() -> OmeZarr.create( other, "x", List.of( "y", "x" ), new long[] { 10, 12 }, new int[] { 4, 4 },
						DataType.U2,
						Compressor.none(), "/", new double[] { 1, 1 }, null ) );
		assertFalse( Files.exists( other.resolve( ".zattrs" ) ) );
	}

	@Test
	public void missingChunksReadAsFillValueAndWritesAreAtomic( @TempDir final Path dir ) throws Exception
	{
		final ZarrArray a = ZarrArray.create( dir.resolve( "a" ), new long[] { 5, 7 }, new int[] { 2, 3 }, DataType.F4,
				ByteOrder.BIG_ENDIAN, Compressor.gzip( 9 ), ".", -2.5 );
		assertEquals( ">f4", ZarrArray.open( dir.resolve( "a" ) ).dataType()
				.dtype( ZarrArray.open( dir.resolve( "a" ) ).byteOrder() ) );
		a.writeChunk( new long[] { 2, 2 }, new float[] { 1, 2, 3, 4, 5, 6 } );
		final float[] all = a.readFloats( new long[] { 0, 0 }, new int[] { 5, 7 } );
		assertEquals( 1f, all[ 4 * 7 + 6 ] );
		assertEquals( -2.5f, all[ 0 ] );
		assertEquals( -2.5f, all[ 4 * 7 + 5 ] );
		try ( java.util.stream.Stream< Path > s = Files.list( dir.resolve( "a" ) ) )
		{
			assertEquals( List.of( ".zarray", "2.2" ),
					s.map( p -> p.getFileName().toString() ).sorted().collect( java.util.stream.Collectors.toList() ) );
		}
		// a chunk of the wrong size is refused before anything is written
		assertThrows( IllegalArgumentException.class, () -> a.writeChunk( new long[] { 0, 0 }, new float[ 5 ] ) );
		assertThrows( IllegalArgumentException.class, () -> a.writeChunk( new long[] { 0, 0 }, new short[ 6 ] ) );
		assertFalse( a.chunkExists( new long[] { 0, 0 } ) );
		// a damaged chunk is named
		Files.write( a.chunkPath( new long[] { 0, 0 } ), new byte[] { 1, 2, 3 } );
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> a.readChunk( new long[] { 0, 0 } ) );
		assertTrue( e.getMessage().contains( "0.0" ) && e.getMessage().contains( "damaged" ), e.getMessage() );
	}
}
