package fiji.plugin.autoencoder.bigimage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ChunkedPredictor;
import fiji.plugin.autoencoder.tiling.TileGrid;
import fiji.plugin.autoencoder.zarr.Compressor;
import fiji.plugin.autoencoder.zarr.DataType;
import fiji.plugin.autoencoder.zarr.OmeZarr;
import fiji.plugin.autoencoder.zarr.ZarrArray;

/**
 * Each input chunk of an OME-Zarr is decoded once per out-of-core pass, although
 * tiles with halos cross chunk borders and a row of tiles touches more chunks
 * than the former fixed cache of 32 held; a reader with a cache bound too small
 * for that decodes more and writes the same bytes.
 */
public class ZarrChunkReadsTest
{
	@TempDir
	Path dir;

	static final int W = 640, H = 224, CHUNK = 32; // 20 x 7 = 140 chunks

	@Test
	public void eachInputChunkIsDecodedOncePerPass() throws Exception
	{
		final Path model = dir.resolve( "dn.aemodel.zip" );
		try ( Model m = Model.create( Presets.denoiser( 1 ).validate(), 1, 1 ) )
		{
			final Map< String, String > extras = new TreeMap<>();
			extras.put( ModelFile.NORMALIZATION,
					Normalization.fixed( new double[] { 2800 }, new double[] { 1 / 1700.0 } ).toJson() );
			ModelFile.save( m, model, extras );
		}
		final Path in = dir.resolve( "in.ome.zarr" );
		final OmeZarr img = OmeZarr.create( in, "in", List.of( "y", "x" ), new long[] { H, W },
				new int[] { CHUNK, CHUNK }, DataType.U2, Compressor.zlib( 1 ), "/", new double[] { 1, 1 },
				"micrometer" );
		long s = 7;
		for ( long gy = 0; gy < H / CHUNK; gy++ )
			for ( long gx = 0; gx < W / CHUNK; gx++ )
			{
				final short[] c = new short[ CHUNK * CHUNK ];
				for ( int i = 0; i < c.length; i++ )
				{
					s = s * 6364136223846793005L + 1442695040888963407L;
					c[ i ] = ( short ) ( 2000 + 30 * gx + 20 * gy + ( ( s >>> 40 ) % 500 ) );
				}
				img.array().writeChunk( new long[] { gy, gx }, c );
			}
		final long chunks = ( W / CHUNK ) * ( H / CHUNK );
		final Map< String, byte[] > reference;
		try ( ModelFile.Loaded m = ModelFile.load( model, 1 ) )
		{
			final int tile = CHUNK + 2 * m.model().halo(); // one chunk per tile: a row of 20 tiles touches 60 chunks
			final Path out = dir.resolve( "out.ome.zarr" ), small = dir.resolve( "small-cache.ome.zarr" );
			final ZarrJob job = new ZarrJob( in.toString(), out.toString(), OutputType.SAME_AS_INPUT, tile, 0, "zlib:1",
					1 );
			final TileGrid grid = job.prepare( m );
			assertEquals( chunks, grid.numCells() );

			final ZarrSource source = new ZarrSource( OmeZarr.open( in ), 2 );
			final ChunkedPredictor.Result r = job.predictor( m ).run( source,
					new ZarrSink( OmeZarr.open( out ), 2 ), null, Progress.none() );
			System.out.println( "default cache: " + r + " for " + chunks + " input chunks, tiles of " + tile );
			assertEquals( chunks, r.computed );
			assertEquals( chunks, r.chunksDecoded, "each input chunk decoded once" );
			assertEquals( chunks, source.chunksDecoded() );

			// a bound of 6 chunks: more decodes, the same bytes
			final ZarrJob job2 = new ZarrJob( in.toString(), small.toString(), OutputType.SAME_AS_INPUT, tile, 0,
					"zlib:1", 1 );
			job2.prepare( m );
			final ZarrSource source2 = new ZarrSource( OmeZarr.open( in ), 2 );
			final ChunkedPredictor.Result r2 = job2.predictor( m ).withCacheBytes( 6 * source2.chunkBytes() )
					.run( source2, new ZarrSink( OmeZarr.open( small ), 2 ), null, Progress.none() );
			System.out.println( "cache of 6 chunks: " + r2 );
			assertTrue( r2.chunksDecoded > chunks, r2.toString() );

			// the job's own run (a fresh output) decodes once too
			final Path viaJob = dir.resolve( "job.ome.zarr" );
			final ZarrJob job3 = new ZarrJob( in.toString(), viaJob.toString(), OutputType.SAME_AS_INPUT, tile, 0,
					"zlib:1", 1 );
			job3.prepare( m );
			assertEquals( chunks, job3.run( m, null, Progress.none() ).chunksDecoded );

			reference = ZarrJobTest.chunkFiles( out.resolve( "0" ) );
			final Map< String, byte[] > other = ZarrJobTest.chunkFiles( small.resolve( "0" ) );
			final Map< String, byte[] > third = ZarrJobTest.chunkFiles( viaJob.resolve( "0" ) );
			assertEquals( reference.keySet(), other.keySet() );
			assertEquals( reference.keySet(), third.keySet() );
			assertEquals( chunks + 1, reference.size() ); // and .zarray
			for ( final String k : reference.keySet() )
			{
				assertArrayEquals( reference.get( k ), other.get( k ), k );
				assertArrayEquals( reference.get( k ), third.get( k ), k );
			}
		}
		// the output really differs from the input (the network ran)
		final ZarrArray o = OmeZarr.open( dir.resolve( "out.ome.zarr" ) ).array();
		final float[] a = o.readFloats( new long[] { 0, 0 }, new int[] { H, W } );
		final float[] b = img.array().readFloats( new long[] { 0, 0 }, new int[] { H, W } );
		double diff = 0;
		for ( int i = 0; i < a.length; i++ )
			diff += Math.abs( a[ i ] - b[ i ] );
		assertTrue( diff / a.length > 5, "mean |output - input| " + diff / a.length );
	}
}
