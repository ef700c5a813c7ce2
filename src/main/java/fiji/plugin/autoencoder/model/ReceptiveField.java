package fiji.plugin.autoencoder.model;

import fiji.plugin.autoencoder.model.ModelSpec.Kind;
import fiji.plugin.autoencoder.model.ModelSpec.Unpooling;

/**
 * The receptive-field margin of a spec (see {@link ModelSpec#halo()}), computed
 * exactly: the interval of input pixels an output pixel depends on is
 * propagated backwards, per axis, through exactly the layers {@link ConvLayers}
 * builds (TensorFlow's 'SAME' padding, which for stride 2 pads bottom/right
 * only; 2x max-pooling; nearest or zero-fill unpooling; transposed convolutions;
 * the extra convolutions per level; skip concatenations as unions) and the
 * blurred residual path, for every phase of the output pixel modulo the size
 * multiple. Plain Java, no TensorFlow.
 */
final class ReceptiveField
{
	private ReceptiveField()
	{}

	/**
	 * Receptive-field margin in pixels, rounded up to a multiple of the spec's
	 * size multiple (so tile windows stay on the pooling grid): an output pixel
	 * depends only on input pixels at most this far away, in x, y and (3D) z.
	 * 0 for fixed-size models.
	 */
	static int halo( final ModelSpec s )
	{
		if ( s.hasFixedInputSize() )
			return 0;
		long reach = reach( s, false );
		if ( s.is3D() )
			reach = Math.max( reach, reach( s, true ) );
		final int m = s.sizeMultiple();
		return ( int ) ( ( reach + m - 1 ) / m * m );
	}

	/**
	 * The largest distance, over all output phases and both directions, from
	 * an output pixel to an input pixel it depends on, along x/y or (when
	 * {@code z}) along z, where levels that keep z ({@link ModelSpec#poolZ}) do
	 * not halve it.
	 */
	static long reach( final ModelSpec s, final boolean z )
	{
		final int m = s.sizeMultiple();
		final long origin = 1L << 40; // far from 0, so floor divisions see non-negative numbers only
		long reach = 0;
		for ( int phase = 0; phase < m; phase++ )
		{
			final long p = origin + phase;
			final long[] in = s.kind == Kind.CONV_POOL ? convPool( s, z, p ) : convStrided( s, z, p );
			union( in,
					BlurResidual.radius( s ) > 0
							? new long[] { p - BlurResidual.radius( s ), p + BlurResidual.radius( s ) }
							: new long[] { p, p } );
			reach = Math.max( reach, Math.max( p - in[ 0 ], in[ 1 ] - p ) );
		}
		return reach;
	}

	/**
	 * What a tiler whose windows start on the sizeMultiple grid needs at least: the largest distance from an output
	 * pixel's sizeMultiple-block (not the pixel) to an input pixel it depends on. Smaller than {@link #reach}; the
	 * halo covers the full reach (so it holds for any tiler and the image borders see no zero padding).
	 */
	static long blockReach( final ModelSpec s )
	{
		final int m = s.sizeMultiple();
		final long origin = 1L << 40;
		long need = 0;
		for ( int phase = 0; phase < m; phase++ )
		{
			final long p = origin + phase;
			final long[] in = s.kind == Kind.CONV_POOL ? convPool( s, false, p ) : convStrided( s, false, p );
			union( in, new long[] { p - BlurResidual.radius( s ), p + BlurResidual.radius( s ) } );
			need = Math.max( need, Math.max( p - in[ 0 ] - phase, in[ 1 ] - p - ( m - 1 - phase ) ) );
		}
		return need;
	}

	/** Input interval of output pixel p of a conv_pool network (maps indexed in their own level's pixels). */
	private static long[] convPool( final ModelSpec s, final boolean z, final long p )
	{
		final int levels = s.levels();
		final boolean[] halves = halves( s, z );
		final long[][] pre = new long[ levels ][]; // what is needed of each encoder level's pre-pool map
		long[] x = conv( new long[] { p, p }, s.kernel ); // the output conv
		for ( int l = 0; l < levels; l++ )
		{
			for ( int j = 1; j < s.convsPerLevel; j++ )
				x = conv( x, s.kernel ); // convolutions after the merge
			if ( s.skipConnections && ( l > 0 || s.topSkip ) )
				pre[ l ] = x.clone(); // the concatenated encoder map
			if ( s.unpooling == Unpooling.ZERO_FILL ) // the switch mask compares each pre-pool pixel with its block's maximum
				pre[ l ] = union( pre[ l ],
						halves[ l ] ? new long[] { Math.floorDiv( x[ 0 ], 2 ) * 2, Math.floorDiv( x[ 1 ], 2 ) * 2 + 1 }
								: x.clone() );
			x = halves[ l ] ? new long[] { Math.floorDiv( x[ 0 ], 2 ), Math.floorDiv( x[ 1 ], 2 ) } : x; // nearest upsampling
			x = conv( x, s.kernel ); // dec<l>, at level l + 1
		}
		// x: what is needed of the code (level `levels`); back through the encoder
		for ( int l = levels - 1; l >= 0; l-- )
		{
			x = halves[ l ] ? new long[] { 2 * x[ 0 ], 2 * x[ 1 ] + 1 } : x; // 2x max-pooling (VALID)
			x = union( x, pre[ l ] );
			for ( int j = 0; j < s.convsPerLevel; j++ )
				x = conv( x, s.kernel );
		}
		return x;
	}

	/** Input interval of output pixel p of a conv_strided network. */
	private static long[] convStrided( final ModelSpec s, final boolean z, final long p )
	{
		final int k = s.kernel;
		final long before = Math.max( k - 2, 0 ) / 2; // 'SAME', stride 2, even size: pads k - 2 in all, the odd one after
		long[] x = { p, p };
		for ( int l = 0; l < s.levels(); l++ ) // transposed convolutions, the full-resolution one first
			x = new long[] { Math.floorDiv( x[ 0 ] + before - k + 2, 2 ), Math.floorDiv( x[ 1 ] + before, 2 ) };
		for ( int l = s.levels() - 1; l >= 0; l-- ) // stride-2 convolutions, the coarsest first
			x = new long[] { 2 * x[ 0 ] - before, 2 * x[ 1 ] - before + k - 1 };
		return x;
	}

	/** Whether each level's pooling halves the axis (z: only where {@link ModelSpec#poolZ} says so). */
	private static boolean[] halves( final ModelSpec s, final boolean z )
	{
		final boolean[] h = new boolean[ s.levels() ];
		for ( int l = 0; l < h.length; l++ )
			h[ l ] = !z || s.poolZ == null || s.poolZ[ l ];
		return h;
	}

	/** A stride-1 'SAME' convolution with an odd kernel k: r = (k - 1) / 2 on each side. */
	private static long[] conv( final long[] x, final int k )
	{
		final int r = ( k - 1 ) / 2;
		return new long[] { x[ 0 ] - r, x[ 1 ] + r };
	}

	/** The smallest interval holding both (either may be null: none); a is updated in place when neither is. */
	private static long[] union( final long[] a, final long[] b )
	{
		if ( a == null || b == null )
			return a == null ? b : a;
		a[ 0 ] = Math.min( a[ 0 ], b[ 0 ] );
		a[ 1 ] = Math.max( a[ 1 ], b[ 1 ] );
		return a;
	}
}
