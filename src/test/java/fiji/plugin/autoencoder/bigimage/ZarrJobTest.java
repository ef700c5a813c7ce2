package fiji.plugin.autoencoder.bigimage;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ChunkedPredictor;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.TileGrid;
import fiji.plugin.autoencoder.zarr.Compressor;
import fiji.plugin.autoencoder.zarr.DataType;
import fiji.plugin.autoencoder.zarr.OmeZarr;
import fiji.plugin.autoencoder.zarr.ZarrArray;
import ij.ImagePlus;
import ij.process.ShortProcessor;

/**
 * Out-of-core denoising of an OME-Zarr: equal to the in-memory denoiser within
 * rounding, resumes by redoing only missing chunks (same bytes), shards add up
 * to the same bytes, and bad input is refused before anything is written.
 */
public class ZarrJobTest
{
	@TempDir
	static Path dir;

	static Path model;

	static final int W = 700, H = 450;

	static short[] pixels;

	/** A 16-bit test image: smooth structure plus deterministic noise. */
	static short[] image()
	{
		final short[] px = new short[ W * H ];
		long s = 42;
		for ( int y = 0; y < H; y++ )
			for ( int x = 0; x < W; x++ )
			{
				s = s * 6364136223846793005L + 1442695040888963407L;
				final double v = 3000 + 1500 * Math.sin( x / 23.0 ) * Math.cos( y / 31.0 ) + ( ( s >>> 40 ) % 400 );
				px[ y * W + x ] = ( short ) v;
			}
		return px;
	}

	/** Writes an image as an OME-Zarr [c,] y, x with the given chunks. */
	static Path writeZarr( final Path root, final short[][] channels, final int chunk ) throws IOException
	{
		final boolean c = channels.length > 1;
		final OmeZarr img = OmeZarr.create( root, "in", c ? List.of( "c", "y", "x" ) : List.of( "y", "x" ),
				c ? new long[] { channels.length, H, W } : new long[] { H, W },
				c ? new int[] { 1, chunk, chunk } : new int[] { chunk, chunk }, DataType.U2, Compressor.zlib( 1 ), ".",
				c ? new double[] { 1, 0.5, 0.5 } : new double[] { 0.5, 0.5 }, "micrometer" );
		final ZarrArray a = img.array();
		final long[] g = a.gridSize();
		for ( int ch = 0; ch < channels.length; ch++ )
			for ( long gy = 0; gy < g[ c ? 1 : 0 ]; gy++ )
				for ( long gx = 0; gx < g[ c ? 2 : 1 ]; gx++ )
				{
					final short[] out = new short[ chunk * chunk ];
					for ( int y = 0; y < chunk; y++ )
						for ( int x = 0; x < chunk; x++ )
						{
							final long yy = gy * chunk + y, xx = gx * chunk + x;
							if ( yy < H && xx < W )
								out[ y * chunk + x ] = channels[ ch ][ ( int ) ( yy * W + xx ) ];
						}
					a.writeChunk( c ? new long[] { ch, gy, gx } : new long[] { gy, gx }, out );
				}
		return root;
	}

	@BeforeAll
	static void setUp() throws IOException
	{
		pixels = image();
		model = dir.resolve( "dn.aemodel.zip" );
		try ( Model m = Model.create( Presets.denoiser( 1 ).validate(), 1, 1 ) )
		{
			final Map< String, String > extras = new TreeMap<>();
			extras.put( ModelFile.NORMALIZATION,
					Normalization.fixed( new double[] { 2800 }, new double[] { 1 / 1700.0 } ).toJson() );
			ModelFile.save( m, model, extras );
		}
		writeZarr( dir.resolve( "in.ome.zarr" ), new short[][] { pixels }, 128 );
	}

	static Map< String, byte[] > chunkFiles( final Path array ) throws IOException
	{
		try ( Stream< Path > s = Files.walk( array ) )
		{
			final Map< String, byte[] > m = new TreeMap<>();
			for ( final Path p : s.filter( Files::isRegularFile ).collect( Collectors.toList() ) )
				m.put( array.relativize( p ).toString(), Files.readAllBytes( p ) );
			return m;
		}
	}

	@Test
	public void equalsInMemoryDenoisingAndResumes() throws Exception
	{
		final Path out = dir.resolve( "out.ome.zarr" );
		final ZarrJob job = new ZarrJob( dir.resolve( "in.ome.zarr" ).toString(), out.toString(),
				OutputType.SAME_AS_INPUT, 0, 0, "zlib:1", 2 );
		final ImagePlus reference;
		try ( ModelFile.Loaded m = ModelFile.load( model, 1 ) )
		{
			final TileGrid grid = job.prepare( m );
			final ChunkedPredictor.Result r = job.run( m, null, Progress.none() );
			assertEquals( grid.numCells(), r.computed );
			assertEquals( 0, r.skipped );
			reference = ModelFileRunner.apply( m, new ImagePlus( "in", new ShortProcessor( W, H, pixels, null ) ),
					OutputType.SAME_AS_INPUT, "d", new ImageRunner.Options(), Progress.none() );
		}
		final OmeZarr o = OmeZarr.open( out );
		assertEquals( List.of( "y", "x" ), o.axes() );
		assertArrayEquals( new double[] { 0.5, 0.5 }, o.scale() );
		assertEquals( DataType.U2, o.array().dataType() );
		final float[] got = o.array().readFloats( new long[] { 0, 0 }, new int[] { H, W } );
		final short[] want = ( short[] ) reference.getProcessor().getPixels();
		int maxDiff = 0, differ = 0;
		long changed = 0;
		for ( int i = 0; i < got.length; i++ )
		{
			final int d = Math.abs( ( int ) got[ i ] - ( want[ i ] & 0xffff ) );
			maxDiff = Math.max( maxDiff, d );
			differ += d > 0 ? 1 : 0;
			changed += Math.abs( ( want[ i ] & 0xffff ) - ( pixels[ i ] & 0xffff ) );
		}
		System.out.println( "out-of-core vs in-memory denoising: max abs diff " + maxDiff + " (16-bit units), " + differ
				+ " of " + got.length + " pixels differ; mean |output - input| " + changed / got.length );
		assertTrue( maxDiff <= 1, "equal within rounding: " + maxDiff );
		assertTrue( changed / got.length > 5, "the network really changed the image" );

		// resume: delete three chunks; a rerun computes exactly those and gives the same bytes
		final Path array = out.resolve( "0" );
		final int[] k;
		try ( ModelFile.Loaded m = ModelFile.load( model, 1 ) )
		{
			final int[] core = job.prepare( m ).coreSize();
			k = new int[] { core[ 0 ] / 128, core[ 1 ] / 128 };
			System.out.println(
					"cores " + java.util.Arrays.toString( core ) + " for chunks of 128, halo " + m.model().halo() );
		}
		final java.util.Set< String > cells = new java.util.HashSet<>();
		final Map< String, byte[] > before = chunkFiles( array );
		for ( final String key : new String[] { "0/0", "1/3", "3/5" } )
		{
			Files.delete( array.resolve( key ) );
			cells.add( Integer.parseInt( key.split( "/" )[ 0 ] ) / k[ 1 ] + ","
					+ Integer.parseInt( key.split( "/" )[ 1 ] ) / k[ 0 ] );
		}
		try ( ModelFile.Loaded m = ModelFile.load( model, 1 ) )
		{
			job.prepare( m );
			final ChunkedPredictor.Result r = job.run( m, null, Progress.none() );
			assertEquals( cells.size(), r.computed, r.toString() );
			assertTrue( r.skipped > 0, r.toString() );
		}
		final Map< String, byte[] > after = chunkFiles( array );
		assertEquals( before.keySet(), after.keySet() );
		for ( final String name : before.keySet() )
			assertArrayEquals( before.get( name ), after.get( name ), name );

		// shards: three disjoint runs give the same bytes
		final Path sharded = dir.resolve( "sharded.ome.zarr" );
		final ZarrJob job2 = new ZarrJob( dir.resolve( "in.ome.zarr" ).toString(), sharded.toString(),
				OutputType.SAME_AS_INPUT, 0, 0, "zlib:1", 1 );
		try ( ModelFile.Loaded m = ModelFile.load( model, 1 ) )
		{
			final TileGrid grid = job2.prepare( m );
			long sum = 0;
			for ( int i = 0; i < 3; i++ )
				sum += job2.run( m, ChunkedPredictor.shard( grid, i, 3 ), Progress.none() ).computed;
			assertEquals( grid.numCells(), sum );
		}
		final Map< String, byte[] > shardBytes = chunkFiles( sharded.resolve( "0" ) );
		for ( final String name : before.keySet() )
			if ( !name.equals( ".zarray" ) )
				assertArrayEquals( before.get( name ), shardBytes.get( name ), name );
	}

	@Test
	public void badInputIsRefusedBeforeAnythingIsWritten() throws Exception
	{
		final Path two = writeZarr( dir.resolve( "two.ome.zarr" ), new short[][] { pixels, pixels }, 128 );
		final Path out = dir.resolve( "never.ome.zarr" );
		try ( ModelFile.Loaded m = ModelFile.load( model, 1 ) )
		{
			final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
					() -> new ZarrJob( two.toString(), out.toString(), OutputType.SAME_AS_INPUT, 0, 0, "zlib:1", 1 )
							.prepare( m ) );
			assertTrue( e.getMessage().contains( "2 channel(s)" ) && e.getMessage().contains( "trained on 1" ),
					e.getMessage() );
			assertFalse( Files.exists( out ) );
			// an existing output of another shape stays as it was
			final Path other = dir.resolve( "other.ome.zarr" );
			OmeZarr.create( other, "x", List.of( "y", "x" ), new long[] { 10, 10 }, new int[] { 5, 5 }, DataType.U2,
					Compressor.none(), "/", new double[] { 1, 1 }, null );
			final Map< String, byte[] > before = chunkFiles( other );
			final IllegalArgumentException s = assertThrows( IllegalArgumentException.class,
					() -> new ZarrJob( dir.resolve( "in.ome.zarr" ).toString(), other.toString(),
							OutputType.SAME_AS_INPUT, 0, 0, "zlib:1", 1 ).prepare( m ) );
			assertTrue( s.getMessage().contains( "[10, 10]" ), s.getMessage() );
			assertEquals( before.keySet(), chunkFiles( other ).keySet() );
			// output onto the input
			assertThrows( IllegalArgumentException.class,
					() -> new ZarrJob( two.toString(), two.toString(), OutputType.SAME_AS_INPUT, 0, 0, "zlib:1", 1 )
							.prepare( m ) );
			// blosc input
			final Path blosc = dir.resolve( "blosc.zarr" );
			Files.createDirectories( blosc );
			Files.writeString( blosc.resolve( ".zarray" ),
					"{\"chunks\":[64,64],\"compressor\":{\"id\":\"blosc\",\"cname\":\"lz4\",\"clevel\":5,\"shuffle\":1},\"dtype\":\"<u2\","
							+ "\"fill_value\":0,\"filters\":null,\"order\":\"C\",\"shape\":[128,128],\"zarr_format\":2}" );
			final IllegalArgumentException b = assertThrows( IllegalArgumentException.class,
					() -> new ZarrJob( blosc.toString(), dir.resolve( "b-out.ome.zarr" ).toString(),
							OutputType.SAME_AS_INPUT, 0, 0, "zlib:1", 1 ).prepare( m ) );
			assertTrue( b.getMessage().contains( "blosc" ), b.getMessage() );
			assertFalse( Files.exists( dir.resolve( "b-out.ome.zarr" ) ) );
		}
		assertEquals( Collections.emptyList(), Collections.emptyList() );
	}
}
