package fiji.plugin.autoencoder.model;

import fiji.plugin.autoencoder.model.ModelSpec.Kind;

/** The receptive-field margin of a spec (see {@link ModelSpec#halo()}). */
final class ReceptiveField
{
	private ReceptiveField()
	{}

	/**
	 * Receptive-field margin in pixels, rounded up to a multiple of the spec's
	 * size multiple: an output pixel depends only on input pixels at most this
	 * far away. 0 for fixed-size models.
	 */
	static int halo( final ModelSpec s )
	{
		if ( s.hasFixedInputSize() )
			return 0;
		final int r = ( s.kernel - 1 ) / 2;
		long margin = 0;
		long scale = 1; // input pixels per feature-map pixel at the current level
		if ( s.kind == Kind.CONV_POOL )
		{
			// encoder: conv at scale s adds r*s; a 2x2 pool adds s (the window reaches one more pixel at that scale)
			for ( int l = 0; l < s.levels(); l++ )
			{
				margin += r * scale;
				margin += scale;
				scale *= 2;
			}
			// decoder: conv at the coarse scale, then unpool; final conv at scale 1
			for ( int l = s.levels() - 1; l >= 0; l-- )
			{
				margin += r * scale;
				scale /= 2;
				margin += scale; // unpooling/upsampling: a block reaches one coarse pixel further
			}
			margin += r; // the output conv
		}
		else
		{
			// stride-2 conv with kernel k at scale s reaches r*s; a transposed conv likewise
			for ( int l = 0; l < s.levels(); l++ )
			{
				margin += ( r + 1 ) * scale;
				scale *= 2;
			}
			for ( int l = s.levels() - 1; l >= 0; l-- )
			{
				scale /= 2;
				margin += ( r + 1 ) * scale * 2;
			}
		}
		margin = Math.max( margin, BlurResidual.radius( s ) ); // the blurred input is a second path to the output
		final int m = s.sizeMultiple();
		return ( int ) ( ( margin + m - 1 ) / m * m );
	}
}
