package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.model.ModelSpec.Activation;
import fiji.plugin.autoencoder.model.ModelSpec.Loss;
import fiji.plugin.autoencoder.segment.SegmenterSettings;

/**
 * {@link ModelSpec#halo()} against the receptive field measured on the
 * network itself: perturb one input column (row, z-plane) after another, for
 * every phase modulo the size multiple, and find the farthest output pixel that
 * changes (random weights, linear output, so nothing saturates). The halo must
 * hold that reach and exceed it by less than the size multiple.
 */
class ReceptiveFieldTest
{
	/** The halo of the hand formula before convs_per_level was counted, for Train Segmenter's default U-Net. */
	private static final int OLD_DEFAULT_SEGMENTER_HALO = 80;

	@Test
	void everyFullyConvolutionalPreset()
	{
		for ( final String name : Presets.all().keySet() )
		{
			final ModelSpec s = Presets.byName( name );
			if ( !s.hasFixedInputSize() )
				checkTight( linear( s ), name );
		}
	}

	@Test
	void segmenterConfigurations()
	{
		for ( final int[] layers : new int[][] { { 16, 32, 64 }, { 8, 8, 8, 8 } } )
			for ( final int convs : new int[] { 1, 2, 3 } )
				for ( final int kernel : new int[] { 3, 5 } )
				{
					final ModelSpec s = Presets.segmenter( 1 );
					s.layers = layers;
					s.convsPerLevel = convs;
					s.kernel = kernel;
					checkTight( linear( s ), "segmenter " + layers.length + " levels, convs_per_level " + convs
							+ ", kernel " + kernel );
				}
	}

	@Test
	void residualBlurNoTopSkipAnd3D()
	{
		final ModelSpec blur = Presets.denoiser( 1 );
		blur.residual = true;
		blur.residualBlur = 12; // a radius of 36 reaches further than the U-Net's 13
		checkTight( blur.validate(), "denoiser with residual_blur 12" );
		final ModelSpec noTopSkip = Presets.segmenter( 1 );
		noTopSkip.topSkip = false;
		noTopSkip.convsPerLevel = 2;
		checkTight( linear( noTopSkip ), "segmenter without the top skip, convs_per_level 2" );
		final ModelSpec anisotropic = Presets.denoiser3d( 1 );
		anisotropic.poolZ = new boolean[] { false, true };
		anisotropic.validate();
		final int z = measuredReach( anisotropic, 2 );
		assertEquals( ReceptiveField.reach( anisotropic, true ), z, "3D z reach with pool_z {false, true}" );
		assertTrue( z < ReceptiveField.reach( anisotropic, false ) && anisotropic.halo() >= z );
		checkTight( anisotropic, "denoiser3d with pool_z {false, true}" );
	}

	/** Train Segmenter's default 4-level U-Net with convs_per_level 2: the old halo 80 missed pixels 91 px away. */
	@Test
	void defaultSegmenterReachesBeyondTheOldHalo()
	{
		final SegmenterSettings defaults = new SegmenterSettings();
		final ModelSpec s = Presets.segmenter( 1 );
		s.layers = defaults.layers.clone();
		s.convsPerLevel = defaults.convsPerLevel;
		final int reach = measuredReach( linear( s ), 0 );
		System.out.println( "default segmenter: measured reach " + reach + ", halo " + s.halo() + " (was "
				+ OLD_DEFAULT_SEGMENTER_HALO + ")" );
		assertEquals( 91, reach );
		assertTrue( reach > OLD_DEFAULT_SEGMENTER_HALO );
		assertEquals( 96, s.halo() );
	}

	private static ModelSpec linear( final ModelSpec s )
	{
		s.outputActivation = Activation.LINEAR;
		s.loss = Loss.MSE;
		return s.validate();
	}

	/** Measured reach along every axis equals the computed one; halo >= it and less than one size multiple above. */
	private static void checkTight( final ModelSpec s, final String what )
	{
		final int m = s.sizeMultiple();
		int reach = 0;
		for ( int axis = 0; axis < s.spatialDims(); axis++ )
		{
			final int[] measured = measured( s, axis );
			final int r = measured[ 0 ];
			final boolean z = s.is3D() && axis == 2;
			assertEquals( ReceptiveField.reach( s, z ), r, what + ": computed vs measured reach along axis " + axis );
			if ( !z )
				assertEquals( ReceptiveField.blockReach( s ), measured[ 1 ],
						what + ": computed vs measured reach from the pixel's block along axis " + axis );
			reach = Math.max( reach, r );
		}
		System.out.println( what + ": reach " + reach + ", halo " + s.halo() );
		assertTrue( reach <= s.halo(), what + ": reach " + reach + " beyond the halo " + s.halo() );
		assertTrue( s.halo() - reach < m, what + ": halo " + s.halo() + " not tight for reach " + reach );
	}

	/**
	 * The farthest output pixel (along axis 0 = x, 1 = y, 2 = z) that changes when one input line (plane) changes,
	 * over sizeMultiple consecutive input positions (all phases) in the middle of a long, thin image.
	 */
	static int measuredReach( final ModelSpec s, final int axis )
	{
		return measured( s, axis )[ 0 ];
	}

	/** {reach from the output pixel, reach from the output pixel's sizeMultiple-block}, measured as above. */
	static int[] measured( final ModelSpec s, final int axis )
	{
		final int m = s.sizeMultiple(), bound = ( int ) ReceptiveField.reach( s, s.is3D() && axis == 2 );
		final int n = ( 2 * bound + 3 * m + m - 1 ) / m * m; // long axis: the perturbed block and its reach both ways
		final int[] size = new int[ s.spatialDims() ]; // x, y[, z]
		java.util.Arrays.fill( size, 2 * m );
		size[ axis ] = n;
		final int[] spatial = s.is3D() ? new int[] { size[ 2 ], size[ 1 ], size[ 0 ] }
				: new int[] { size[ 1 ], size[ 0 ] };
		final int stride = axis == 0 ? 1 : axis == 1 ? size[ 0 ] : size[ 0 ] * size[ 1 ];
		final int pixels = size[ 0 ] * size[ 1 ] * ( s.is3D() ? size[ 2 ] : 1 ), c = s.outChannels();
		final Random random = new Random( 7 );
		final float[] in = new float[ pixels * s.channels ];
		for ( int i = 0; i < in.length; i++ )
			in[ i ] = ( float ) random.nextGaussian();
		try ( Model model = Model.create( s, 11, 2 ) )
		{
			final float[] base = new float[ pixels * c ], again = new float[ pixels * c ];
			model.predict( in, base, 1, spatial );
			model.predict( in, again, 1, spatial );
			assertArrayEquals( base, again, "predictions must repeat exactly for this measurement" );
			int reach = 0, block = 0;
			final int first = n / 2 / m * m;
			for ( int p = first; p < first + m; p++ )
			{
				final float[] x = in.clone();
				for ( int i = 0; i < pixels; i++ )
					if ( i / stride % n == p )
						for ( int ch = 0; ch < s.channels; ch++ )
							x[ i * s.channels + ch ] += 5;
				final float[] out = new float[ pixels * c ];
				model.predict( x, out, 1, spatial );
				for ( int i = 0; i < out.length; i++ )
					if ( out[ i ] != base[ i ] )
					{
						final int x0 = i / c / stride % n, blockStart = x0 / m * m;
						reach = Math.max( reach, Math.abs( x0 - p ) );
						block = Math.max( block, Math.max( blockStart - p, p - ( blockStart + m - 1 ) ) );
					}
			}
			assertTrue( first - reach > 0 && first + m + reach < n, "image too small to see the reach" );
			return new int[] { reach, block };
		}
	}
}
