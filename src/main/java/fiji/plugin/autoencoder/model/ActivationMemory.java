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
		final int shrink = s.is3D() ? 8 : 4; // pixels per feature-map pixel grow by this per level
		double maps = s.channels + s.outChannels(); // input and output maps
		double perPixel = 1;
		for ( int l = 0; l < s.levels(); l++ )
		{
			// encoder conv outputs (and the pre-pool copy) at this level's resolution
			maps += perPixel * s.layers[ l ] * ( s.kind == Kind.CONV_POOL ? 1 + s.convsPerLevel : 1 );
			perPixel /= shrink;
		}
		perPixel = 1;
		for ( int l = 0; l < s.levels(); l++ )
		{
			// decoder conv, upsampled map and (U-Net) concatenation at this level
			final int f = l == 0 && s.kind != Kind.CONV_POOL ? s.outChannels() : s.layers[ l ];
			maps += perPixel * f * ( ( s.skipConnections ? 4 : 2 ) + s.convsPerLevel - 1 );
			perPixel /= shrink;
		}
		return ( long ) Math.ceil( maps * Float.BYTES );
	}
}
