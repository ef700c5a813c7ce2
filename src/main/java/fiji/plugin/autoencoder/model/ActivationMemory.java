package fiji.plugin.autoencoder.model;

import fiji.plugin.autoencoder.model.ModelSpec.Kind;

/** The memory estimate of a spec's activations (see {@link ModelSpec#activationBytesPerPixel()}). */
final class ActivationMemory
{
	private ActivationMemory()
	{}

	/**
	 * Bytes of network activations per input pixel (voxel) during prediction: a
	 * conservative estimate (every layer's output kept at once, as TensorFlow may).
	 */
	static long bytesPerPixel( final ModelSpec s )
	{
		if ( s.hasFixedInputSize() )
			return 0;
		double maps = s.channels + s.outChannels(); // input and output maps
		double perPixel = 1;
		for ( int l = 0; l < s.levels(); l++ )
		{
			// encoder conv outputs (and the pre-pool copy) at this level's resolution
			maps += perPixel * s.layers[ l ] * ( s.kind == Kind.CONV_POOL ? 1 + s.convsPerLevel : 1 );
			perPixel /= shrink( s, l );
		}
		perPixel = 1;
		for ( int l = 0; l < s.levels(); l++ )
		{
			// decoder conv, upsampled map and (U-Net) concatenation at this level
			final int f = l == 0 && s.kind != Kind.CONV_POOL ? s.outChannels() : s.layers[ l ];
			maps += perPixel * f * ( ( s.skipConnections ? 4 : 2 ) + s.convsPerLevel - 1 );
			perPixel /= shrink( s, l );
		}
		return ( long ) Math.ceil( maps * Float.BYTES );
	}

	/** Pixels per feature-map pixel grow by this at level l: 4 in 2D, 8 in 3D, 4 where a 3D level keeps z ({@code pool_z}). */
	private static int shrink( final ModelSpec s, final int l )
	{
		return !s.is3D() ? 4 : s.poolZ != null && !s.poolZ[ l ] ? 4 : 8;
	}
}
