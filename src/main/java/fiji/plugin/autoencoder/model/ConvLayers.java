package fiji.plugin.autoencoder.model;

import static fiji.plugin.autoencoder.model.BuildContext.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import fiji.plugin.autoencoder.model.ModelSpec.Activation;
import fiji.plugin.autoencoder.model.ModelSpec.Kind;
import fiji.plugin.autoencoder.model.ModelSpec.Unpooling;

/**
 * The convolutional encoder and decoder of a {@code conv_pool} or
 * {@code conv_strided} spec, 2D (NHWC) or 3D (NDHWC): convolutions, 2x2(x2)
 * max-pooling or stride-2 steps, nearest or zero-fill unpooling, transposed
 * convolutions, U-Net skip connections and an optional dense code. Builds into
 * a {@link BuildContext}; not thread-safe.
 */
final class ConvLayers
{
	private final BuildContext c;

	private final ModelSpec spec;

	/** The encoder's pre-pool feature map per level of the last encoder built (skip_connections only). */
	private final List< Operand< TFloat32 > > skips = new ArrayList<>();

	ConvLayers( final BuildContext c )
	{
		this.c = c;
		this.spec = c.spec;
	}

	private int inChannels( final int level )
	{
		return level == 0 ? spec.channels : spec.layers[ level - 1 ];
	}

	/** The shape of the code that the stand-alone decoder takes. */
	Shape codeShape()
	{
		if ( spec.codeSize > 0 )
			return Shape.of( -1, spec.codeSize );
		return c.batchShape( spec.layers[ spec.layers.length - 1 ] );
	}

	private int codeMapHeight()
	{
		return spec.height / spec.sizeMultiple();
	}

	private int codeMapWidth()
	{
		return spec.width / spec.sizeMultiple();
	}

	/** The encoder; {@code switches} receives the max positions per level (zero-fill unpooling). */
	Operand< TFloat32 > encoder( final Operand< TFloat32 > input, final List< Operand< TFloat32 > > switches )
	{
		final Ops tf = c.tf;
		final int levels = spec.layers.length;
		skips.clear(); // NB: the encoder is built again for each unrolled training step
		Operand< TFloat32 > x = input;
		for ( int l = 0; l < levels; l++ )
		{
			final boolean last = l == levels - 1 && spec.codeSize == 0;
			final Activation act = last ? spec.codeActivation : spec.activation;
			if ( spec.kind == Kind.CONV_POOL )
			{
				Operand< TFloat32 > pre = x;
				for ( int j = 0; j < spec.convsPerLevel; j++ ) // j > 0: the extra convolutions of a deeper level (enc<l>_<j>)
					pre = c.activation(
							conv( pre, "enc" + l + ( j == 0 ? "" : "_" + j ),
									j == 0 ? inChannels( l ) : spec.layers[ l ], spec.layers[ l ], 1 ),
							j == spec.convsPerLevel - 1 ? act : spec.activation );
				if ( spec.skipConnections )
					skips.add( pre );
				x = pool( pre, l );
				if ( spec.unpooling == Unpooling.ZERO_FILL )
					switches.add( tf.stopGradient( c.compute(
							tf.dtypes.cast( tf.math.equal( pre, upsample( x, l ) ), TFloat32.class ) ) ) );
			}
			else
				x = c.activation( conv( x, "enc" + l, inChannels( l ), spec.layers[ l ], 2 ), act );
		}
		if ( spec.codeSize > 0 )
		{
			final long flat = ( long ) codeMapHeight() * codeMapWidth() * spec.layers[ levels - 1 ];
			final Operand< TFloat32 > f = tf.reshape( x, tf.constant( new long[] { -1, flat } ) );
			x = c.activation( tf.nn.biasAdd( tf.linalg.matMul( f, c.weight( "code_w", flat, spec.codeSize ) ),
					c.bias( "code_b", spec.codeSize ) ), spec.codeActivation );
		}
		return x;
	}

	/** The decoder; {@code switches} null unless zero-fill unpooling from the encoder built last. */
	Operand< TFloat32 > decoder( final Operand< TFloat32 > code, final List< Operand< TFloat32 > > switches )
	{
		final Ops tf = c.tf;
		final int levels = spec.layers.length;
		Operand< TFloat32 > x = code;
		if ( spec.codeSize > 0 )
		{
			final long flat = ( long ) codeMapHeight() * codeMapWidth() * spec.layers[ levels - 1 ];
			x = c.activation( tf.nn.biasAdd( tf.linalg.matMul( x, c.weight( "uncode_w", spec.codeSize, flat ) ),
					c.bias( "uncode_b", flat ) ), spec.activation );
			x = tf.reshape( x,
					tf.constant( new long[] { -1, codeMapHeight(), codeMapWidth(), spec.layers[ levels - 1 ] } ) );
		}
		if ( spec.kind == Kind.CONV_POOL )
		{
			for ( int l = levels - 1; l >= 0; l-- )
			{
				final int cin = l == levels - 1 ? spec.layers[ levels - 1 ] : mergedChannels( l + 1 );
				x = c.activation( conv( x, "dec" + l, cin, spec.layers[ l ], 1 ), spec.activation );
				final Operand< TFloat32 > up = upsample( x, l );
				x = switches == null ? up : tf.math.mul( switches.get( l ), up );
				if ( skipFactor( l ) > 1 ) // U-Net: the upsampled map next to the encoder's map of the same level
					x = tf.concat( Arrays.asList( x, skips.get( l ) ), tf.constant( -1 ) );
				for ( int j = 1; j < spec.convsPerLevel; j++ ) // deeper levels: convolutions after the merge (merge<l>_<j>)
					x = c.activation( conv( x, "merge" + l + "_" + j,
							j == 1 ? spec.layers[ l ] * skipFactor( l ) : spec.layers[ l ], spec.layers[ l ], 1 ),
							spec.activation );
			}
			return conv( x, "out", mergedChannels( 0 ), spec.outChannels(), 1 );
		}
		for ( int l = levels - 1; l >= 0; l-- )
		{
			final int cout = l == 0 ? spec.outChannels() : spec.layers[ l - 1 ];
			x = transposedConv( x, "dec" + l, spec.layers[ l ], cout );
			if ( l > 0 )
				x = c.activation( x, spec.activation );
		}
		return x;
	}

	/** Whether level l's pooling halves z ({@link ModelSpec#poolZ}). */
	private int zFactor( final int l )
	{
		return spec.poolZ == null || spec.poolZ[ l ] ? 2 : 1;
	}

	/** 2x2 (2x2x2, or 1x2x2 where level l keeps z) max-pooling. */
	private Operand< TFloat32 > pool( final Operand< TFloat32 > x, final int l )
	{
		final Ops tf = c.tf;
		if ( spec.is3D() )
		{
			final List< Long > k = Arrays.asList( 1L, ( long ) zFactor( l ), 2L, 2L, 1L );
			return tf.nn.maxPool3d( x, k, k, "VALID" );
		}
		// the op MaxPool (sizes as attributes), not tf.nn.maxPool's MaxPoolV2 (sizes as inputs): oneDNN takes over only
		// MaxPool and its gradient MaxPoolGrad; MaxPoolGradV2 ran in Eigen and took 10-17 % of a U-Net training step
		final long[] k = { 1, 2, 2, 1 };
		return tf.scope().opBuilder( "MaxPool", "MaxPool" ).addInput( x.asOutput() ).setAttr( "ksize", k )
				.setAttr( "strides", k ).setAttr( "padding", "VALID" ).build().output( 0 );
	}

	/** A cubic kernel's shape {k, k, k, a, b} (3D) or {k, k, a, b}, and its fan-in/out. */
	private long[] kernelShape( final long a, final long b )
	{
		final long k = spec.kernel;
		return spec.is3D() ? new long[] { k, k, k, a, b } : new long[] { k, k, a, b };
	}

	private long kernelVolume()
	{
		final long k = spec.kernel;
		return spec.is3D() ? k * k * k : k * k;
	}

	private Operand< TFloat32 > conv( final Operand< TFloat32 > x, final String name, final int cin, final int cout,
			final int stride )
	{
		final Ops tf = c.tf;
		if ( spec.is3D() )
		{
			final Operand< TFloat32 > w = c.compute( c.weight( name + "_w", kernelShape( cin, cout ),
					kernelVolume() * cin, kernelVolume() * cout ) );
			final Operand< TFloat32 > b = c.compute( c.bias( name + "_b", cout ) );
			return tf.nn.biasAdd( tf.nn.conv3d( x, w, longs( c.vector( 1, stride ), 1 ), "SAME" ), b );
		}
		final int k = spec.kernel;
		final Operand< TFloat32 > w = c.compute( c.weight( name + "_w", new long[] { k, k, cin, cout },
				( long ) k * k * cin, ( long ) k * k * cout ) );
		final Operand< TFloat32 > b = c.compute( c.bias( name + "_b", cout ) );
		final Operand< TFloat32 > y = tf.nn
				.biasAdd( tf.nn.conv2d( x, w, Arrays.asList( 1L, ( long ) stride, ( long ) stride, 1L ), "SAME" ), b );
		// batch norm's statistics stay float32
		return spec.batchNorm && !"out".equals( name )
				? c.compute( BatchNormOps.apply( c, c.float32( y ), name, cout ) ) : y;
	}

	/** Stride-2 'SAME' transposed convolution; the output size is computed in the graph so any batch and size work. */
	private Operand< TFloat32 > transposedConv( final Operand< TFloat32 > x, final String name, final int cin,
			final int cout )
	{
		final Ops tf = c.tf;
		if ( spec.is3D() )
		{
			// Conv3DBackpropInputV2's filter layout is [kd, kh, kw, out_channels, in_channels]
			final Operand< TFloat32 > w = c.compute( c.weight( name + "_w", kernelShape( cout, cin ),
					kernelVolume() * cout, kernelVolume() * cin ) );
			final Operand< TFloat32 > b = c.compute( c.bias( name + "_b", cout ) );
			final int[] add = new int[ 5 ];
			add[ 4 ] = cout;
			final Operand< TInt32 > sizes = tf.math.add(
					tf.math.mul( tf.shape( x ), tf.constant( new int[] { 1, 2, 2, 2, 0 } ) ), tf.constant( add ) );
			return tf.nn.biasAdd( tf.nn.conv3dBackpropInput( sizes, w, x, longs( c.vector( 1, 2 ), 1 ), "SAME" ), b );
		}
		final int k = spec.kernel;
		// Conv2DBackpropInput's filter layout is [kh, kw, out_channels, in_channels]
		final Operand< TFloat32 > w = c.compute( c.weight( name + "_w", new long[] { k, k, cout, cin },
				( long ) k * k * cout, ( long ) k * k * cin ) );
		final Operand< TFloat32 > b = c.compute( c.bias( name + "_b", cout ) );
		final Operand< TInt32 > shape = tf.shape( x );
		final Operand< TInt32 > sizes = tf.math.add( tf.math.mul( shape, tf.constant( new int[] { 1, 2, 2, 0 } ) ),
				tf.constant( new int[] { 0, 0, 0, cout } ) );
		return tf.nn.biasAdd( tf.nn.conv2dBackpropInput( sizes, w, x, Arrays.asList( 1L, 2L, 2L, 1L ), "SAME" ), b );
	}

	private Operand< TFloat32 > upsample( final Operand< TFloat32 > x, final int l )
	{
		final Ops tf = c.tf;
		if ( spec.is3D() )
		{
			// nearest 2x2x2 (1x2x2 where level l keeps z): (N, D, H, W, C) -> (N, D, 1, H, 1, W, 1, C), tile by 2 on the new axes, merge them
			final Operand< TInt32 > s = tf.shape( x );
			final Operand< TInt32 > one = tf.constant( new int[] { 1 } );
			final List< Operand< TInt32 > > parts = new ArrayList<>();
			for ( int a = 0; a < 5; a++ )
			{
				parts.add( tf.slice( s, tf.constant( new int[] { a } ), one ) );
				if ( a >= 1 && a <= 3 )
					parts.add( one );
			}
			final Operand< TFloat32 > expanded = tf.reshape( x, tf.concat( parts, tf.constant( 0 ) ) );
			final int z = zFactor( l );
			final Operand< TFloat32 > tiled = tf.tile( expanded, tf.constant( new int[] { 1, 1, z, 1, 2, 1, 2, 1 } ) );
			return tf.reshape( tiled, tf.math.mul( s, tf.constant( new int[] { 1, z, 2, 2, 1 } ) ) );
		}
		final Operand< TInt32 > hw = tf.slice( tf.shape( x ), tf.constant( new int[] { 1 } ),
				tf.constant( new int[] { 2 } ) );
		return tf.image.resizeNearestNeighbor( x, tf.math.mul( hw, tf.constant( new int[] { 2, 2 } ) ) );
	}

	/** Channels of the decoder's map at level l after upsampling, concatenation and the convolutions after the merge. */
	private int mergedChannels( final int l )
	{
		return spec.convsPerLevel > 1 ? spec.layers[ l ] : spec.layers[ l ] * skipFactor( l );
	}

	/** Channels of level l grow by this factor where a skip connection is concatenated (none at level 0 without top_skip). */
	private int skipFactor( final int l )
	{
		return spec.skipConnections && ( l > 0 || spec.topSkip ) ? 2 : 1;
	}
}
