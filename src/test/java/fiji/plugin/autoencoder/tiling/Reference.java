package fiji.plugin.autoencoder.tiling;

import fiji.plugin.autoencoder.model.ImagePredictor;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * The untiled reference, written independently of the tiler (plain index
 * arithmetic, no ImgLib2 extension or PrimitiveBlocks): ONE network run on the
 * whole image mirror-extended (reflect without repeating the edge; constant for
 * a 1-pixel axis) by {@code halo} on each side and further at the high end to a
 * multiple of {@code sizeMultiple}, then cropped. Images here are
 * {@code float[channel][x + X * ( y + Y * z )]}.
 */
final class Reference
{
	private Reference()
	{}

	/** Mirror-single index of {@code p} in an axis of size {@code n}. */
	static long reflect( final long p, final long n )
	{
		if ( n == 1 )
			return 0;
		final long period = 2 * n - 2;
		long q = p % period;
		if ( q < 0 )
			q += period;
		return q >= n ? period - q : q;
	}

	static float[][] untiled( final ImagePredictor net, final float[][] image, final int[] size )
	{
		return untiled( net, image, size, null, null, null, null );
	}

	/** With normalisation as documented by TiledPredictor (null = identity). */
	static float[][] untiled( final ImagePredictor net, final float[][] image, final int[] size, final float[] inOffset,
			final float[] inScale,
			final float[] outOffset, final float[] outScale )
	{
		final int d = size.length;
		final int h = net.halo();
		final int m = net.sizeMultiple();
		final int cin = net.inputChannels();
		final int cout = net.outputChannels();
		final int[] window = new int[ d ];
		for ( int a = 0; a < d; a++ )
			window[ a ] = ( size[ a ] + 2 * h + m - 1 ) / m * m;
		final int v = FakeNet.voxels( window );
		final float[] in = new float[ v * cin ];
		final int[] pos = new int[ d ];
		for ( int i = 0; i < v; i++ )
		{
			// window index, X fastest
			int rest = i;
			for ( int a = 0; a < d; a++ )
			{
				pos[ a ] = rest % window[ a ];
				rest /= window[ a ];
			}
			int src = 0;
			for ( int a = d - 1; a >= 0; a-- )
				src = src * size[ a ] + ( int ) reflect( pos[ a ] - h, size[ a ] );
			for ( int c = 0; c < cin; c++ )
			{
				final float o = inOffset == null ? 0 : inOffset[ c ];
				final float s = inScale == null ? 1 : inScale[ c ];
				in[ i * cin + c ] = ( image[ c ][ src ] - o ) * s;
			}
		}
		final float[] out = new float[ v * cout ];
		net.predict( in, out, 1, TiledPredictor.reversed( window ) );
		final int n = FakeNet.voxels( size );
		final float[][] result = new float[ cout ][ n ];
		for ( int i = 0; i < n; i++ )
		{
			int rest = i;
			int w = 0;
			int stride = 1;
			for ( int a = 0; a < d; a++ )
			{
				w += ( rest % size[ a ] + h ) * stride;
				rest /= size[ a ];
				stride *= window[ a ];
			}
			for ( int c = 0; c < cout; c++ )
			{
				final float o = outOffset == null ? 0 : outOffset[ c ];
				final float s = outScale == null ? 1 : outScale[ c ];
				result[ c ][ i ] = out[ w * cout + c ] / s + o;
			}
		}
		return result;
	}

	/** Reads X, Y[, Z][, C] (min anywhere) into {@code float[c][voxel]}. */
	static < T extends RealType< T > > float[][] toArrays( final RandomAccessibleInterval< T > image,
			final int spatialDims )
	{
		final int channels = image.numDimensions() > spatialDims ? ( int ) image.dimension( spatialDims ) : 1;
		final int[] size = new int[ spatialDims ];
		for ( int a = 0; a < spatialDims; a++ )
			size[ a ] = ( int ) image.dimension( a );
		final int n = FakeNet.voxels( size );
		final float[][] result = new float[ channels ][ n ];
		final RandomAccess< T > ra = image.randomAccess();
		for ( int c = 0; c < channels; c++ )
			for ( int i = 0; i < n; i++ )
			{
				int rest = i;
				for ( int a = 0; a < spatialDims; a++ )
				{
					ra.setPosition( image.min( a ) + rest % size[ a ], a );
					rest /= size[ a ];
				}
				if ( image.numDimensions() > spatialDims )
					ra.setPosition( image.min( spatialDims ) + c, spatialDims );
				result[ c ][ i ] = ra.get().getRealFloat();
			}
		return result;
	}

	static double maxAbsDiff( final float[][] a, final float[][] b )
	{
		if ( a.length != b.length )
			throw new AssertionError( a.length + " vs " + b.length + " channels" );
		double max = 0;
		for ( int c = 0; c < a.length; c++ )
		{
			if ( a[ c ].length != b[ c ].length )
				throw new AssertionError( "sizes differ" );
			for ( int i = 0; i < a[ c ].length; i++ )
			{
				final double diff = Math.abs( ( double ) a[ c ][ i ] - b[ c ][ i ] );
				if ( !( diff <= max ) )
					max = Double.isNaN( diff ) ? Double.POSITIVE_INFINITY : diff;
			}
		}
		return max;
	}

	static int[] toInt( final long[] a )
	{
		final int[] r = new int[ a.length ];
		for ( int i = 0; i < a.length; i++ )
			r[ i ] = ( int ) a[ i ];
		return r;
	}
}
