package fiji.plugin.autoencoder.tiling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import fiji.plugin.autoencoder.model.ImagePredictor;

/**
 * A plain-Java stand-in for a CNN: a chain of layers on channels-last batches
 * (spatial order {H, W} or {D, H, W}, W fastest), each with the border
 * behaviour of a real network ('SAME' zero padding at its own input border,
 * max-pool with stride 2, nearest upsampling). Thread-safe and stateless apart
 * from call statistics. Strict about the {@link ImagePredictor} contract: wrong
 * array lengths or sizes that are not a multiple of {@link #sizeMultiple()}
 * throw.
 */
final class FakeNet implements ImagePredictor
{
	/** A layer: takes a tensor, gives a new one. */
	interface Layer
	{
		Tensor apply( Tensor in );
	}

	/** Channels-last batch of images. */
	static final class Tensor
	{
		final float[] data;

		final int batch;

		final int[] spatial; // {H, W} or {D, H, W}

		final int channels;

		Tensor( final float[] data, final int batch, final int[] spatial, final int channels )
		{
			this.data = data;
			this.batch = batch;
			this.spatial = spatial.clone();
			this.channels = channels;
		}

		Tensor( final int batch, final int[] spatial, final int channels )
		{
			this( new float[ batch * voxels( spatial ) * channels ], batch, spatial, channels );
		}
	}

	private final int spatialDims, inputChannels, outputChannels, sizeMultiple, halo;

	private final int[] fixedShape;

	private final List< Layer > layers;

	final AtomicInteger calls = new AtomicInteger();

	final List< String > shapesSeen = Collections.synchronizedList( new ArrayList<>() );

	FakeNet( final int spatialDims, final int inputChannels, final int outputChannels, final int sizeMultiple,
			final int halo, final int[] fixedShape,
			final Layer... layers )
	{
		this.spatialDims = spatialDims;
		this.inputChannels = inputChannels;
		this.outputChannels = outputChannels;
		this.sizeMultiple = sizeMultiple;
		this.halo = halo;
		this.fixedShape = fixedShape;
		this.layers = Arrays.asList( layers );
	}

	// -- ImagePredictor methods --

	@Override
	public int spatialDims()
	{
		return spatialDims;
	}

	@Override
	public int inputChannels()
	{
		return inputChannels;
	}

	@Override
	public int outputChannels()
	{
		return outputChannels;
	}

	@Override
	public int sizeMultiple()
	{
		return sizeMultiple;
	}

	@Override
	public int halo()
	{
		return halo;
	}

	@Override
	public int[] fixedSpatialShape()
	{
		return fixedShape == null ? null : fixedShape.clone();
	}

	@Override
	public void predict( final float[] input, final float[] output, final int batch, final int[] spatial )
	{
		if ( spatial.length != spatialDims )
			throw new IllegalStateException( "spatial " + Arrays.toString( spatial ) );
		for ( final int s : spatial )
			if ( s % sizeMultiple != 0 )
				throw new IllegalStateException(
						"size " + Arrays.toString( spatial ) + " not a multiple of " + sizeMultiple );
		if ( fixedShape != null && !Arrays.equals( fixedShape, spatial ) )
			throw new IllegalStateException(
					"fixed shape " + Arrays.toString( fixedShape ) + " but got " + Arrays.toString( spatial ) );
		final int v = voxels( spatial );
		if ( input.length != batch * v * inputChannels || output.length != batch * v * outputChannels )
			throw new IllegalStateException( "array lengths " + input.length + ", " + output.length + " for batch "
					+ batch + " of " + Arrays.toString( spatial ) );
		calls.incrementAndGet();
		shapesSeen.add( batch + "x" + Arrays.toString( spatial ) );
		Tensor t = new Tensor( input, batch, spatial, inputChannels );
		for ( final Layer layer : layers )
			t = layer.apply( t );
		if ( t.channels != outputChannels || !Arrays.equals( t.spatial, spatial ) )
			throw new IllegalStateException(
					"layers give " + t.channels + " channels of " + Arrays.toString( t.spatial ) );
		System.arraycopy( t.data, 0, output, 0, output.length );
	}

	// -- layers --

	/** 1x1 convolution: out[o] = bias[o] + sum_c w[o][c] * in[c]. */
	static Layer mix( final float[][] w, final float[] bias )
	{
		return in -> {
			final int co = w.length;
			final Tensor out = new Tensor( in.batch, in.spatial, co );
			final int pixels = in.batch * voxels( in.spatial );
			for ( int p = 0; p < pixels; p++ )
				for ( int o = 0; o < co; o++ )
				{
					float s = bias[ o ];
					for ( int c = 0; c < in.channels; c++ )
						s += w[ o ][ c ] * in.data[ p * in.channels + c ];
					out.data[ p * co + o ] = s;
				}
			return out;
		};
	}

	/** Mean over a (2r+1)^d box with zero padding at the tensor border ('SAME'), separable. */
	static Layer boxMean( final int r )
	{
		return in -> {
			Tensor t = in;
			for ( int a = 0; a < in.spatial.length; a++ )
				t = boxSum1d( t, a, r );
			final float norm = ( float ) Math.pow( 2 * r + 1, in.spatial.length );
			for ( int i = 0; i < t.data.length; i++ )
				t.data[ i ] /= norm;
			return t;
		};
	}

	private static Tensor boxSum1d( final Tensor in, final int axis, final int r )
	{
		final Tensor out = new Tensor( in.batch, in.spatial, in.channels );
		final int n = in.spatial[ axis ];
		int stride = in.channels;
		for ( int a = in.spatial.length - 1; a > axis; a-- )
			stride *= in.spatial[ a ];
		for ( int i = 0; i < in.data.length; i++ )
		{
			final int x = ( i / stride ) % n;
			float s = 0;
			for ( int k = -r; k <= r; k++ )
				if ( x + k >= 0 && x + k < n )
					s += in.data[ i + k * stride ];
			out.data[ i ] = s;
		}
		return out;
	}

	/** Max over 2^d blocks, stride 2 (sizes must be even). */
	static Layer maxPool2()
	{
		return in -> {
			final int d = in.spatial.length;
			final int[] half = new int[ d ];
			for ( int a = 0; a < d; a++ )
				half[ a ] = in.spatial[ a ] / 2;
			final Tensor out = new Tensor( in.batch, half, in.channels );
			Arrays.fill( out.data, Float.NEGATIVE_INFINITY );
			final int[] pos = new int[ d ];
			final int v = voxels( in.spatial );
			for ( int b = 0; b < in.batch; b++ )
				for ( int i = 0; i < v; i++ )
				{
					unravel( i, in.spatial, pos );
					for ( int a = 0; a < d; a++ )
						pos[ a ] /= 2;
					final int o = ( b * voxels( half ) + ravel( pos, half ) ) * in.channels;
					for ( int c = 0; c < in.channels; c++ )
						out.data[ o + c ] = Math.max( out.data[ o + c ], in.data[ ( b * v + i ) * in.channels + c ] );
				}
			return out;
		};
	}

	/** Nearest-neighbour upsampling by 2 along every spatial axis. */
	static Layer upsample2()
	{
		return in -> {
			final int d = in.spatial.length;
			final int[] dbl = new int[ d ];
			for ( int a = 0; a < d; a++ )
				dbl[ a ] = in.spatial[ a ] * 2;
			final Tensor out = new Tensor( in.batch, dbl, in.channels );
			final int[] pos = new int[ d ];
			final int v = voxels( dbl );
			for ( int b = 0; b < in.batch; b++ )
				for ( int i = 0; i < v; i++ )
				{
					unravel( i, dbl, pos );
					for ( int a = 0; a < d; a++ )
						pos[ a ] /= 2;
					final int s = ( b * voxels( in.spatial ) + ravel( pos, in.spatial ) ) * in.channels;
					System.arraycopy( in.data, s, out.data, ( b * v + i ) * in.channels, in.channels );
				}
			return out;
		};
	}

	/** Pointwise softsign {@code x / (1 + |x|)}, a non-linearity. */
	static Layer softsign()
	{
		return in -> {
			final Tensor out = new Tensor( in.batch, in.spatial, in.channels );
			for ( int i = 0; i < in.data.length; i++ )
				out.data[ i ] = in.data[ i ] / ( 1 + Math.abs( in.data[ i ] ) );
			return out;
		};
	}

	/** Every output pixel of each image and channel gets the mean of that whole image and channel (a "dense" layer). */
	static Layer globalMean()
	{
		return in -> {
			final Tensor out = new Tensor( in.batch, in.spatial, in.channels );
			final int v = voxels( in.spatial );
			for ( int b = 0; b < in.batch; b++ )
				for ( int c = 0; c < in.channels; c++ )
				{
					double s = 0;
					for ( int i = 0; i < v; i++ )
						s += in.data[ ( b * v + i ) * in.channels + c ];
					for ( int i = 0; i < v; i++ )
						out.data[ ( b * v + i ) * in.channels + c ] = ( float ) ( s / v );
				}
			return out;
		};
	}

	// -- the networks used by the tests --

	/** (a) 5x5 box mean, 'SAME' zero padding, halo 2. */
	static FakeNet conv2d()
	{
		return new FakeNet( 2, 1, 1, 1, 2, null, boxMean( 2 ) );
	}

	/**
	 * (b) 2x2 max-pool, 3x3 mean, nearest 2x upsample, 3x3 mean: sizeMultiple 2.
	 * True halo 4: the last mean reaches 1 pixel, which lies in half-res pixels
	 * floor((p-1)/2) .. floor((p+1)/2), widened by the half-res mean to one
	 * more on each side and expanded by the pool to full res: p-4 .. p+3 for
	 * even p, p-3 .. p+4 for odd p.
	 */
	static FakeNet pooling2d( final int halo )
	{
		return new FakeNet( 2, 1, 1, 2, halo, null, maxPool2(), boxMean( 1 ), upsample2(), boxMean( 1 ) );
	}

	/** Same layers in 3D, 2 input channels mixed to 1 first. */
	static FakeNet pooling3d()
	{
		return new FakeNet( 3, 2, 1, 2, 4, null, mix( new float[][] { { 0.7f, -0.4f } }, new float[] { 0.1f } ),
				maxPool2(), boxMean( 1 ), upsample2(), boxMean( 1 ) );
	}

	/** (c) 3 in, 2 out: mix, 3x3 mean, softsign, pool chain (halo 6 = 4 + 1, rounded up to 2). */
	static FakeNet multiChannel()
	{
		return new FakeNet( 2, 3, 2, 2, 6, null,
				mix( new float[][] { { 0.5f, -1f, 0.25f }, { 0.1f, 0.2f, 0.3f } }, new float[] { 0.05f, -0.1f } ),
				boxMean( 1 ), softsign(), maxPool2(), boxMean( 1 ), upsample2(), boxMean( 1 ) );
	}

	// -- index helpers --

	static int voxels( final int[] spatial )
	{
		int v = 1;
		for ( final int s : spatial )
			v *= s;
		return v;
	}

	private static void unravel( int i, final int[] size, final int[] pos )
	{
		for ( int a = size.length - 1; a >= 0; a-- )
		{
			pos[ a ] = i % size[ a ];
			i /= size[ a ];
		}
	}

	private static int ravel( final int[] pos, final int[] size )
	{
		int i = 0;
		for ( int a = 0; a < size.length; a++ )
			i = i * size[ a ] + pos[ a ];
		return i;
	}
}
