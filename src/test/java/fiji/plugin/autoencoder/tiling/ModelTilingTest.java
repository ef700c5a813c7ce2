package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.ImagePlusImages;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Real TensorFlow models through the tiler: tiled output equals one untiled run
 * (the image mirror-extended by the halo) up to float round-off, on real
 * micrographs, for every fully convolutional preset, with tile sizes that do
 * not divide the image and 1-pixel remainders.
 */
class ModelTilingTest
{
	static < T extends RealType< T > > double maxDiffTiledVsUntiled( final Model model,
			final RandomAccessibleInterval< T > xyczt, final Normalization norm, final int[] tile )
	{
		final long[] dims = xyczt.dimensionsAsLongArray();
		final int c = model.outputChannels();
		final float[] offsets = toFloat( norm.offsets(), model.inputChannels() ),
				scales = toFloat( norm.scales(), model.inputChannels() );
		final int[] whole = TileGrid.untiledSize( new long[] { dims[ 0 ], dims[ 1 ] }, model.halo(),
				model.sizeMultiple() );
		final Img< FloatType > untiled = ArrayImgs.floats( dims[ 0 ], dims[ 1 ], c, dims[ 3 ], dims[ 4 ] );
		final Img< FloatType > tiled = ArrayImgs.floats( dims[ 0 ], dims[ 1 ], c, dims[ 3 ], dims[ 4 ] );
		TiledPredictor.builder( model ).tileSize( whole ).inputNormalization( offsets, scales ).threads( 1 ).build()
				.predictPlanes( xyczt, 2, untiled, 2, Progress.none() );
		final TiledPredictor tiler = TiledPredictor.builder( model ).tileSize( tile ).batchSize( 3 ).threads( 2 )
				.inputNormalization( offsets, scales ).build();
		assertTrue( tiler.grid( new long[] { dims[ 0 ], dims[ 1 ] } ).numCells() > 1, "really tiled" );
		tiler.predictPlanes( xyczt, 2, tiled, 2, Progress.none() );
		// compared in the network's (normalised) output units
		double max = 0;
		final net.imglib2.Cursor< FloatType > a = untiled.cursor(), b = tiled.cursor();
		while ( a.hasNext() )
			max = Math.max( max, Math.abs( a.next().get() - b.next().get() ) );
		return max;
	}

	static float[] toFloat( final double[] d, final int channels )
	{
		final float[] f = new float[ channels ];
		for ( int i = 0; i < channels; i++ )
			f[ i ] = ( float ) d[ d.length == 1 ? 0 : i ];
		return f;
	}

	@Test
	void cellPngEveryConvPreset()
	{
		final ImagePlus cell = TestImages.open( "cell.png" );
		final RandomAccessibleInterval< ? extends RealType< ? > > img = ImagePlusImages.wrap( cell );
		// crop to 257 x 131 so tiles leave 1-pixel remainders
		@SuppressWarnings( { "unchecked", "rawtypes" } )
		final RandomAccessibleInterval crop = Views.zeroMin( Views.interval( ( RandomAccessibleInterval ) img,
				new long[] { 100, 200, 0, 0, 0 }, new long[] { 356, 330, 0, 0, 0 } ) );
		final Normalization norm = Normalizer.fit( Normalization.percentileDefault(), cell );
		for ( final String name : new String[] { "conv_pool", "conv_pool_zero_fill", "conv_strided", "denoiser" } )
			try ( Model m = Model.create( Presets.byName( name ), 5, 2 ) )
			{
				final int mult = m.sizeMultiple(), halo = m.halo();
				for ( final int core : new int[] { 64, 2 * mult, 128 } )
				{
					final int t = core + 2 * halo;
					@SuppressWarnings( "unchecked" )
					final double d = maxDiffTiledVsUntiled( m, crop, norm, new int[] { t, t + mult } );
					System.out.println( name + " tile " + t + ": max abs diff " + d + " " );
					assertTrue( d < 1e-5, name + " tile " + t + ": tiled differs from untiled by " + d );
				}
			}
	}

	@Test
	void multichannelIhc()
	{
		final ImagePlus ihc = TestImages.open( "ihc.png" );
		@SuppressWarnings( { "unchecked", "rawtypes" } )
		final RandomAccessibleInterval rgb = ImagePlusImages
				.splitRgb( ( RandomAccessibleInterval ) ImagePlusImages.wrap( ihc ) );
		@SuppressWarnings( { "unchecked", "rawtypes" } )
		final RandomAccessibleInterval crop = Views
				.zeroMin( Views.interval( rgb, new long[] { 0, 0, 0, 0, 0 }, new long[] { 300, 200, 2, 0, 0 } ) );
		final Normalization norm = Normalization.eightBit();
		final ModelSpec spec = Presets.denoiser( 3 );
		try ( Model m = Model.create( spec, 9, 2 ) )
		{
			@SuppressWarnings( "unchecked" )
			final double d = maxDiffTiledVsUntiled( m, crop, norm, new int[] { 96, 80 } );
			System.out.println( "ihc 3 channels: max abs diff " + d );
			assertTrue( d < 1e-5, "tiled differs from untiled by " + d );
		}
	}
}
