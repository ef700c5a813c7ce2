package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.ImagePlusImages;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.segment.SegmenterSettings;
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
	static < T extends RealType< T > > double maxDiffTiledVsUntiled( final ImagePredictor model,
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

	/**
	 * Train Segmenter's U-Net (16-32-64-128; random weights, linear output so nothing saturates) with tiles of core
	 * 32, so every core pixel is near a core edge: with convs_per_level 2 (the default) and 3 the exact halos 96 and
	 * 128 reproduce the untiled run. The old formula's 80 (convs_per_level ignored) is below convs_per_level 3's need
	 * (reach 121, 109 px from the pixel's 16-pixel block); for the default (reach 91 but 78 from the block) it held.
	 */
	@Test
	void segmenterConvsPerLevelCoreEdges()
	{
		final ImagePlus cell = TestImages.open( "cell.png" );
		@SuppressWarnings( { "unchecked", "rawtypes" } )
		final RandomAccessibleInterval crop = Views.zeroMin( Views.interval(
				( RandomAccessibleInterval ) ImagePlusImages.wrap( cell ), new long[] { 100, 200, 0, 0, 0 },
				new long[] { 220, 290, 0, 0, 0 } ) );
		final Normalization norm = Normalizer.fit( Normalization.percentileDefault(), cell );
		final SegmenterSettings defaults = new SegmenterSettings();
		for ( final int convs : new int[] { defaults.convsPerLevel, 3 } )
		{
			final ModelSpec spec = Presets.segmenter( 1 );
			spec.layers = defaults.layers.clone();
			spec.convsPerLevel = convs;
			spec.outputActivation = ModelSpec.Activation.LINEAR;
			spec.loss = ModelSpec.Loss.MSE;
			try ( Model m = Model.create( spec.validate(), 5, 2 ) )
			{
				final int core = 2 * m.sizeMultiple(), halo = m.halo();
				@SuppressWarnings( "unchecked" )
				final double d = maxDiffTiledVsUntiled( m, crop, norm, new int[] { core + 2 * halo, core + 2 * halo } );
				@SuppressWarnings( "unchecked" )
				final double old = maxDiffTiledVsUntiled( withHalo( m, 80 ), crop, norm,
						new int[] { core + 160, core + 160 } );
				System.out.println( "segmenter convs_per_level " + convs + ", core " + core + ": halo " + halo
						+ " max abs diff " + d + "; halo 80: " + old );
				assertTrue( halo == 32 * ( convs + 1 ) && d < 1e-5, "halo " + halo + ": tiled differs by " + d );
				// halo 80 (printed): for convs_per_level 3 the missed taps move the output by only ~1e-7 with random
				// weights, above round-off (3e-8) but too close to it to assert; ReceptiveFieldTest shows the reach itself
			}
		}
	}

	/** The model with another halo (to show what a too small one does). */
	private static ImagePredictor withHalo( final Model m, final int halo )
	{
		return new ImagePredictor()
		{
			@Override
			public int spatialDims()
			{
				return m.spatialDims();
			}

			@Override
			public int inputChannels()
			{
				return m.inputChannels();
			}

			@Override
			public int outputChannels()
			{
				return m.outputChannels();
			}

			@Override
			public int sizeMultiple()
			{
				return m.sizeMultiple();
			}

			@Override
			public int halo()
			{
				return halo;
			}

			@Override
			public int[] fixedSpatialShape()
			{
				return m.fixedSpatialShape();
			}

			@Override
			public void predict( final float[] input, final float[] output, final int batch, final int[] spatial )
			{
				m.predict( input, output, batch, spatial );
			}
		};
	}
}
