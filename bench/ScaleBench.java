import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.zarr.Compressor;
import fiji.plugin.autoencoder.zarr.DataType;
import fiji.plugin.autoencoder.zarr.OmeZarr;
import fiji.plugin.autoencoder.zarr.ZarrArray;

/**
 * Inputs for bench/run-scale-bench.sh:
 * {@code make <out.ome.zarr> <size> <chunk> [rows [compressor]]} writes a size x size uint16 OME-Zarr (smooth structure
 * plus noise, uncompressed or with the given compressor, e.g. zlib:1) chunk by chunk with constant memory (only the first {@code rows} chunk rows
 * if given: the others are missing and read as fill_value, as the Zarr specification says);
 * {@code model <out.aemodel.zip> [filters]} saves a small fast denoiser (a U-Net of 8-16 filters or the given ones, untrained weights:
 * throughput and memory do not depend on the weights) with stored normalisation.
 */
public class ScaleBench
{
	public static void main( final String[] args ) throws Exception
	{
		if ( args[ 0 ].equals( "model" ) )
		{
			final ModelSpec s = Presets.denoiser( 1 );
			s.name = "small_denoiser";
			s.layers = args.length > 2 ? java.util.Arrays.stream( args[ 2 ].split( "," ) ).mapToInt( Integer::parseInt ).toArray() : new int[] { 8, 16 };
			try ( Model m = Model.create( s.validate(), 1, 1 ) )
			{
				final Map< String, String > extras = new TreeMap<>();
				extras.put( ModelFile.NORMALIZATION, Normalization.fixed( new double[] { 3000 }, new double[] { 1 / 2000.0 } ).toJson() );
				ModelFile.save( m, Paths.get( args[ 1 ] ), extras );
			}
			return;
		}
		final Path out = Paths.get( args[ 1 ] );
		final long size = Long.parseLong( args[ 2 ] );
		final int chunk = Integer.parseInt( args[ 3 ] );
		final long rows = args.length > 4 ? Long.parseLong( args[ 4 ] ) : Long.MAX_VALUE; // chunk rows written; the others read as fill_value
		final OmeZarr img = OmeZarr.create( out, "bench", List.of( "y", "x" ), new long[] { size, size }, new int[] { chunk, chunk }, DataType.U2,
				args.length > 5 ? Compressor.of( args[ 5 ] ) : Compressor.none(), "/",
				new double[] { 1, 1 }, "micrometer" );
		final ZarrArray a = img.array();
		final long[] g = a.gridSize();
		final short[] c = new short[ chunk * chunk ];
		long s = 7;
		for ( long gy = 0; gy < Math.min( rows, g[ 0 ] ); gy++ )
			for ( long gx = 0; gx < g[ 1 ]; gx++ )
			{
				for ( int y = 0; y < chunk; y++ )
					for ( int x = 0; x < chunk; x++ )
					{
						s = s * 6364136223846793005L + 1442695040888963407L;
						final long yy = gy * chunk + y, xx = gx * chunk + x;
						c[ y * chunk + x ] = ( short ) ( 3000 + 1500 * Math.sin( xx / 23.0 ) * Math.cos( yy / 31.0 ) + ( ( s >>> 40 ) % 400 ) );
					}
				a.writeChunk( new long[] { gy, gx }, c );
			}
	}
}
