package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.List;

import fiji.plugin.autoencoder.model.ModelSpec.Activation;
import fiji.plugin.autoencoder.model.ModelSpec.Kind;
import fiji.plugin.autoencoder.model.ModelSpec.Unpooling;

/**
 * The memory estimate of a spec's activations during prediction (see {@link ModelSpec#activationBytesPerPixel()}):
 * the prediction graph's ops replayed in the order {@link ConvLayers} builds them, each output allocated when its op
 * runs and freed after its last consumer (as TensorFlow's executor does), and the peak of the live bytes taken. It
 * stays an upper bound where TensorFlow does less: the fed input is held until the end, and ops that could
 * run at any time (the residual's blur) are held throughout. Measured against TensorFlow's allocator in
 * {@code ActivationMemoryTest} (estimate / measured peak 1.003-1.21 for 2D and 3D U-Nets, strided, zero-fill, batch
 * norm and residual nets; allocations of a fixed size, e.g. oneDNN's 12 KB scratchpad per convolution, and oneDNN's
 * primitives outside TensorFlow's allocator, about 30 MB for the segmenter, are not per pixel and not counted); the
 * former estimate, every layer's output live at once, was 2.2-3.7x the measured peak.
 */
final class ActivationMemory
{
	/** Floats per input pixel of each op's output, in execution order, and the index of its last consumer. */
	private final List< double[] > ops = new ArrayList<>();

	private final ModelSpec s;

	private ActivationMemory( final ModelSpec s )
	{
		this.s = s;
	}

	/** Bytes of network activations per input pixel (voxel) during prediction: the peak of the live tensors. */
	static long bytesPerPixel( final ModelSpec s )
	{
		if ( s.hasFixedInputSize() )
			return 0;
		final ActivationMemory m = new ActivationMemory( s );
		m.forward();
		return ( long ) Math.ceil( m.peak() * Float.BYTES );
	}

	/** A new op's output of {@code floats} per input pixel that reads {@code inputs}; returns its index. */
	private int op( final double floats, final int... inputs )
	{
		final int id = ops.size();
		ops.add( new double[] { floats, id } );
		for ( final int i : inputs )
			ops.get( i )[ 1 ] = Math.max( ops.get( i )[ 1 ], id );
		return id;
	}

	/** Keeps a tensor to the end of the run (the fed input, the fetched output, ops of free order). */
	private void hold( final int id )
	{
		ops.get( id )[ 1 ] = Double.POSITIVE_INFINITY;
	}

	private double peak()
	{
		double live = 0, peak = 0;
		for ( int i = 0; i < ops.size(); i++ )
		{
			live += ops.get( i )[ 0 ];
			peak = Math.max( peak, live );
			for ( int j = 0; j <= i; j++ )
				if ( ops.get( j )[ 1 ] == i )
					live -= ops.get( j )[ 0 ];
		}
		return peak;
	}

	private void forward()
	{
		final int input = op( s.channels );
		hold( input );
		if ( s.residual && s.residualBlur > 0 )
			for ( int k = 0; k < 4; k++ ) // the blur of the input and of a ones image (two separable passes each)
				hold( op( s.channels ) );
		int x = s.kind == Kind.CONV_POOL ? pooled( input ) : strided( input );
		if ( s.residual )
			x = op( s.outChannels(), x );
		if ( s.outputActivation != Activation.LINEAR )
			x = op( s.outChannels(), x );
		hold( x );
	}

	/**
	 * Conv + bias [+ batch norm] [+ activation]: one new map. In 2D Grappler fuses the bias and activation into the
	 * convolution; in 3D, and for batch norm's element-wise ops, each op takes over its input's buffer (TensorFlow
	 * forwards an input whose last reader it is), as the measured peaks show.
	 */
	private int conv( final int x, final double floats )
	{
		return op( floats, x );
	}

	private int pooled( final int input )
	{
		final int levels = s.levels();
		final int[] skips = new int[ levels ], masks = new int[ levels ];
		final double[] res = new double[ levels + 1 ];
		res[ 0 ] = 1;
		int x = input;
		for ( int l = 0; l < levels; l++ )
		{
			int pre = x;
			for ( int j = 0; j < s.convsPerLevel; j++ )
				pre = conv( pre, s.layers[ l ] * res[ l ] );
			skips[ l ] = pre;
			res[ l + 1 ] = res[ l ] / shrink( s, l );
			x = op( s.layers[ l ] * res[ l + 1 ], pre ); // max-pool
			if ( s.is3D() ) // oneDNN's 3D max-pool also writes a workspace (a byte per output), released when it ends
				op( s.layers[ l ] * res[ l + 1 ] / Float.BYTES, pre );
			if ( s.unpooling == Unpooling.ZERO_FILL )
			{
				final int up = upsample( x, s.layers[ l ] * res[ l ] );
				final int equal = op( s.layers[ l ] * res[ l ] / Float.BYTES, pre, up ); // booleans
				masks[ l ] = op( s.layers[ l ] * res[ l ], equal );
			}
		}
		for ( int l = levels - 1; l >= 0; l-- )
		{
			x = conv( x, s.layers[ l ] * res[ l + 1 ] );
			x = upsample( x, s.layers[ l ] * res[ l ] );
			if ( s.unpooling == Unpooling.ZERO_FILL )
				x = op( s.layers[ l ] * res[ l ], masks[ l ], x );
			if ( s.skipConnections && ( l > 0 || s.topSkip ) )
				x = op( 2.0 * s.layers[ l ] * res[ l ], x, skips[ l ] );
			for ( int j = 1; j < s.convsPerLevel; j++ )
				x = conv( x, s.layers[ l ] * res[ l ] );
		}
		return conv( x, s.outChannels() );
	}

	/** Nearest upsampling: one new map (ResizeNearestNeighbor in 2D; Tile between two free reshapes in 3D). */
	private int upsample( final int x, final double floats )
	{
		return op( floats, x );
	}

	private int strided( final int input )
	{
		final int levels = s.levels();
		final double[] res = new double[ levels + 1 ];
		res[ 0 ] = 1;
		int x = input;
		for ( int l = 0; l < levels; l++ )
		{
			res[ l + 1 ] = res[ l ] / shrink( s, l );
			x = conv( x, s.layers[ l ] * res[ l + 1 ] );
		}
		for ( int l = levels - 1; l >= 0; l-- )
			x = conv( x, ( l == 0 ? s.outChannels() : s.layers[ l - 1 ] ) * res[ l ] );
		return x;
	}

	/** Pixels per feature-map pixel grow by this at level l: 4 in 2D, 8 in 3D, 4 where a 3D level keeps z ({@code pool_z}). */
	private static int shrink( final ModelSpec s, final int l )
	{
		return !s.is3D() ? 4 : s.poolZ != null && !s.poolZ[ l ] ? 4 : 8;
	}
}
