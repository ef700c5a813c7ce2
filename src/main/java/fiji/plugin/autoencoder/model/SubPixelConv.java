package fiji.plugin.autoencoder.model;

import java.util.Arrays;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * A stride-2 'SAME' 2D transposed convolution computed as a stride-1
 * convolution to 4x the channels followed by {@code DepthToSpace} (the
 * sub-pixel formulation). The stride-1 kernel is gathered in the graph from the
 * transposed convolution's own filter {@code [k, k, out, in]}, so the variables
 * (and saved models) are those of {@code Conv2DBackpropInput}; the output
 * equals it up to float rounding. {@code Conv2DBackpropInput} with stride 2 is
 * the slowest op of the stride-2 conv autoencoder on oneDNN; the stride-1
 * convolution (and its gradients) runs 2-3x faster there.
 */
final class SubPixelConv
{
	private SubPixelConv()
	{}

	/**
	 * For output phase p (0 or 1) of each spatial axis and stride-1 kernel index
	 * j, the transposed kernel's tap, or k for none (a zero). Row 0 of the result
	 * is the padding before the input (the number of input positions before the
	 * one the output sits on that the kernel reaches).
	 */
	static int[][] taps( final int k )
	{
		if ( k < 2 )
			throw new IllegalArgumentException( "sub-pixel transposed convolution needs a kernel of at least 2, not " + k );
		// TF 'SAME' stride 2 from 2n to n pads (k - 2) in all, the smaller half before: y[i] = sum_t x[2i + t - before] w[t],
		// so the transposed op puts input i times tap t on output 2i + t - before: output 2m + p reads input m + d
		final int before = ( k - 2 ) / 2;
		int dmin = Integer.MAX_VALUE, dmax = Integer.MIN_VALUE;
		for ( int p = 0; p < 2; p++ )
			for ( int t = 0; t < k; t++ )
				if ( Math.floorMod( t - p - before, 2 ) == 0 )
				{
					final int d = -( t - p - before ) / 2;
					dmin = Math.min( dmin, d );
					dmax = Math.max( dmax, d );
				}
		final int size = dmax - dmin + 1;
		final int[][] r = new int[ 1 + size ][ 2 ];
		r[ 0 ][ 0 ] = -dmin;
		r[ 0 ][ 1 ] = dmax;
		for ( final int[] row : r )
			if ( row != r[ 0 ] )
				Arrays.fill( row, k );
		for ( int p = 0; p < 2; p++ )
			for ( int t = 0; t < k; t++ )
				if ( Math.floorMod( t - p - before, 2 ) == 0 )
					r[ 1 + ( -( t - p - before ) / 2 - dmin ) ][ p ] = t;
		return r;
	}

	/**
	 * {@code conv2dBackpropInput([N, 2H, 2W, out], w, x, strides 2, "SAME") + b} for x [N, H, W, in], filter w
	 * [k, k, out, in] and bias b [out].
	 */
	static < T extends TNumber > Operand< T > transposed( final Ops tf, final Operand< T > x, final Operand< T > w,
			final Operand< T > b, final int k, final int cin, final int cout )
	{
		final int[][] r0 = taps( k );
		final boolean same = System.getProperty( "subpixel.pad", "pad" ).equals( "same" );
		final int half = Math.max( r0[ 0 ][ 0 ], r0[ 0 ][ 1 ] );
		final int[][] r;
		if ( same ) // a centred (2 half + 1)^2 window with zero rows, so that stride-1 'SAME' padding is the padding needed
		{
			r = new int[ 2 + 2 * half ][];
			r[ 0 ] = new int[] { half, half };
			for ( int j = 0; j < 2 * half + 1; j++ )
			{
				final int src = j - half + r0[ 0 ][ 0 ]; // d = j - half; row of r0 for d is d + r0[0][0]
				r[ 1 + j ] = src >= 0 && src < r0.length - 1 ? r0[ 1 + src ] : new int[] { k, k };
			}
		}
		else
			r = r0;
		final int size = r.length - 1;
		// a constant 0/1 matrix picks the taps: rows (dy, py, dx, px), columns the k x k taps (matrix products and
		// transposes only, whose gradients need no op beyond those the graph checks accept)
		final float[][] pick = new float[ size * 2 * size * 2 ][ k * k ];
		for ( int dy = 0; dy < size; dy++ )
			for ( int py = 0; py < 2; py++ )
				for ( int dx = 0; dx < size; dx++ )
					for ( int px = 0; px < 2; px++ )
						if ( r[ 1 + dy ][ py ] < k && r[ 1 + dx ][ px ] < k )
							pick[ ( ( dy * 2 + py ) * size + dx ) * 2 + px ][ r[ 1 + dy ][ py ] * k + r[ 1 + dx ][ px ] ] = 1;
		final Operand< T > taps = tf.linalg.matMul( tf.dtypes.cast( tf.constant( pick ), w.type() ),
				tf.reshape( w, tf.constant( new long[] { ( long ) k * k, ( long ) cout * cin } ) ) );
		// [dy, py, dx, px, out, in] -> [dy, dx, in, py, px, out]: DepthToSpace's channel order (py * 2 + px) * out + c
		final Operand< T > kernel = tf.reshape(
				tf.linalg.transpose( tf.reshape( taps, tf.constant( new long[] { size, 2, size, 2, cout, cin } ) ),
						tf.constant( new int[] { 0, 2, 5, 1, 3, 4 } ) ),
				tf.constant( new long[] { size, size, cin, 4L * cout } ) );
		final String padMode = System.getProperty( "subpixel.pad", "pad" ), d2s = System.getProperty( "subpixel.d2s", "d2s" );
		final Operand< T > conv;
		if ( same )
			conv = tf.nn.conv2d( x, kernel, Arrays.asList( 1L, 1L, 1L, 1L ), "SAME" );
		else if ( padMode.equals( "explicit" ) )
			conv = tf.nn.conv2d( x, kernel, Arrays.asList( 1L, 1L, 1L, 1L ), "EXPLICIT",
					org.tensorflow.op.nn.Conv2d.explicitPaddings( Arrays.asList( 0L, 0L, ( long ) r[ 0 ][ 0 ], ( long ) r[ 0 ][ 1 ],
							( long ) r[ 0 ][ 0 ], ( long ) r[ 0 ][ 1 ], 0L, 0L ) ) );
		else
		{
			final Operand< T > in = r[ 0 ][ 0 ] == 0 && r[ 0 ][ 1 ] == 0 ? x
					: padMode.equals( "pad1" ) ? tf.scope().opBuilder( "Pad", "Pad" ).addInput( x.asOutput() )
							.addInput( tf.constant( new int[][] { { 0, 0 }, r[ 0 ], r[ 0 ], { 0, 0 } } ).asOutput() ).build().< T > output( 0 )
							: tf.pad( x, tf.constant( new int[][] { { 0, 0 }, r[ 0 ], r[ 0 ], { 0, 0 } } ),
									tf.dtypes.cast( tf.constant( 0f ), x.type() ) );
			conv = tf.nn.conv2d( in, kernel, Arrays.asList( 1L, 1L, 1L, 1L ), "VALID" );
		}
		final Operand< T > y = tf.nn.biasAdd( conv, tf.tile( b, tf.constant( new int[] { 4 } ) ) );
		if ( d2s.equals( "transpose" ) )
		{
			// [N, H, W, 2, 2, C] -> [N, H, 2, W, 2, C] -> [N, 2H, 2W, C]
			final Operand< org.tensorflow.types.TInt32 > s = tf.shape( x );
			final Operand< org.tensorflow.types.TInt32 > n = tf.slice( s, tf.constant( new int[] { 0 } ), tf.constant( new int[] { 3 } ) );
			final Operand< T > six = tf.reshape( y, tf.concat( Arrays.asList( n, tf.constant( new int[] { 2, 2, cout } ) ), tf.constant( 0 ) ) );
			final Operand< T > t = tf.linalg.transpose( six, tf.constant( new int[] { 0, 1, 3, 2, 4, 5 } ) );
			return tf.reshape( t, tf.math.mul( tf.concat( Arrays.asList( n, tf.constant( new int[] { cout } ) ), tf.constant( 0 ) ),
					tf.constant( new int[] { 1, 2, 2, 1 } ) ) );
		}
		return tf.nn.depthToSpace( y, 2L );
	}
}
