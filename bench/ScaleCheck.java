import java.nio.file.Paths;
import java.util.Locale;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import fiji.plugin.autoencoder.zarr.OmeZarr;
import fiji.plugin.autoencoder.zarr.ZarrArray;
import ij.ImagePlus;
import ij.process.ShortProcessor;

/**
 * Must-show 1 of issue 18 (bench/run-spark-16k.sh): {@code ScaleCheck model in.ome.zarr x0 y0 size out.ome.zarr...}
 * reads the size x size crop at (x0, y0) of a 2D uint16 OME-Zarr, denoises it in memory with the tiled predictor
 * (Denoise Image's ModelFileRunner, default options: stored normalisation, one orientation) and compares each
 * out-of-core output on that region: max abs difference (16-bit units) and pixels that differ, over the whole
 * crop and over its interior (a halo of the model's receptive field from the crop's edges, where the in-memory run
 * mirrors the crop and the out-of-core run sees the real neighbours). Exits 1 when an interior differs by more
 * than 1 (rounding), or when the network left the image unchanged.
 */
public class ScaleCheck
{
	public static void main( final String[] args ) throws Exception
	{
		final long x0 = Long.parseLong( args[ 2 ] ), y0 = Long.parseLong( args[ 3 ] );
		final int size = Integer.parseInt( args[ 4 ] );
		final ZarrArray in = OmeZarr.open( Paths.get( args[ 1 ] ) ).array();
		final float[] crop = in.readFloats( new long[] { y0, x0 }, new int[] { size, size } );
		final short[] pixels = new short[ crop.length ];
		for ( int i = 0; i < crop.length; i++ )
			pixels[ i ] = ( short ) crop[ i ];
		final short[] want;
		final int halo;
		final long start = System.nanoTime();
		try ( ModelFile.Loaded m = ModelFile.load( Paths.get( args[ 0 ] ), 0 ) )
		{
			halo = m.model().halo();
			final ImagePlus r = ModelFileRunner.apply( m,
					new ImagePlus( "crop", new ShortProcessor( size, size, pixels, null ) ), OutputType.SAME_AS_INPUT,
					"d", new ImageRunner.Options(), Progress.none() );
			want = ( short[] ) r.getProcessor().getPixels();
		}
		System.out.printf( Locale.ROOT, "in-memory tiled denoising of the %d^2 crop at (%d, %d): %.1f s, halo %d%n",
				size, x0, y0, ( System.nanoTime() - start ) / 1e9, halo );
		boolean ok = true;
		for ( int a = 5; a < args.length; a++ )
		{
			final float[] got = OmeZarr.open( Paths.get( args[ a ] ) ).array().readFloats( new long[] { y0, x0 },
					new int[] { size, size } );
			int maxAll = 0, maxIn = 0;
			long diffAll = 0, diffIn = 0, interior = 0;
			double change = 0;
			for ( int y = 0; y < size; y++ )
				for ( int x = 0; x < size; x++ )
				{
					final int i = y * size + x;
					final int d = Math.abs( ( int ) got[ i ] - ( want[ i ] & 0xffff ) );
					change += Math.abs( ( want[ i ] & 0xffff ) - ( pixels[ i ] & 0xffff ) );
					maxAll = Math.max( maxAll, d );
					diffAll += d > 0 ? 1 : 0;
					if ( x >= halo && y >= halo && x < size - halo && y < size - halo )
					{
						interior++;
						maxIn = Math.max( maxIn, d );
						diffIn += d > 0 ? 1 : 0;
					}
				}
			System.out.printf( Locale.ROOT,
					"%s: interior (%d px): max abs diff %d, %d px differ; whole crop: max abs diff %d, %d of %d px differ; mean |denoised - input| %.1f%n",
					args[ a ], interior, maxIn, diffIn, maxAll, diffAll, crop.length, change / crop.length );
			ok &= maxIn <= 1 && change / crop.length > 5;
		}
		System.exit( ok ? 0 : 1 );
	}
}
