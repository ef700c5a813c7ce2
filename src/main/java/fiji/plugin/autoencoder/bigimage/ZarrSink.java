package fiji.plugin.autoencoder.bigimage;

import java.io.IOException;

import fiji.plugin.autoencoder.tiling.ChunkSink;
import fiji.plugin.autoencoder.zarr.DataType;
import fiji.plugin.autoencoder.zarr.OmeZarr;
import fiji.plugin.autoencoder.zarr.ZarrArray;

/**
 * An OME-Zarr image as the out-of-core output of the tiler. Its chunks hold
 * every channel and one plane of every non-spatial axis, so one spatial chunk
 * is one file, written whole and atomically by {@link ZarrArray#writeChunk}.
 * Floats become the array's dtype as ImgLib2's {@code setReal} does: integers
 * clamped to the type's range, then rounded half away from zero.
 */
public final class ZarrSink implements ChunkSink
{
	private final OmeZarr image;

	private final ZarrAxes axes;

	private final int[] chunk;

	public ZarrSink( final OmeZarr image, final int spatialDims )
	{
		this.image = image;
		this.axes = new ZarrAxes( image, spatialDims );
		final int[] c = image.array().chunks();
		chunk = new int[ spatialDims ];
		for ( int d = 0; d < spatialDims; d++ )
			chunk[ d ] = c[ axes.spatial[ d ] ];
		for ( int a = 0; a < c.length; a++ )
			if ( !axes.isSpatial( a ) && c[ a ] != axes.shape[ a ] )
				throw new IllegalArgumentException( "The output " + image.path() + " is chunked "
						+ java.util.Arrays.toString( c ) + "; each chunk must hold every channel" );
	}

	public OmeZarr image()
	{
		return image;
	}

	@Override
	public long[] size()
	{
		return axes.spatialSize();
	}

	@Override
	public int[] chunkSize()
	{
		return chunk.clone();
	}

	@Override
	public int channels()
	{
		return axes.channels();
	}

	@Override
	public boolean isWritten( final long[] chunkPosition )
	{
		return image.array().chunkExists( axes.position( chunkPosition, 0 ) );
	}

	@Override
	public void write( final long[] min, final int[] size, final float[][] data ) throws IOException
	{
		final ZarrArray a = image.array();
		final DataType type = a.dataType();
		final int n = min.length;
		final int[] arrayChunk = a.chunks();
		// array-order strides inside one chunk
		final int[] stride = new int[ arrayChunk.length ];
		int s = 1;
		for ( int i = arrayChunk.length - 1; i >= 0; i-- )
		{
			stride[ i ] = s;
			s *= arrayChunk[ i ];
		}
		final int sx = size[ 0 ], sy = size[ 1 ], sz = n > 2 ? size[ 2 ] : 1;
		final long[] first = new long[ n ], count = new long[ n ];
		for ( int d = 0; d < n; d++ )
		{
			first[ d ] = min[ d ] / chunk[ d ];
			count[ d ] = ( min[ d ] + size[ d ] - 1 ) / chunk[ d ] - first[ d ] + 1;
		}
		final long total = count[ 0 ] * count[ 1 ] * ( n > 2 ? count[ 2 ] : 1 );
		for ( long k = 0; k < total; k++ )
		{
			final long[] g = { first[ 0 ] + k % count[ 0 ], first[ 1 ] + k / count[ 0 ] % count[ 1 ],
					n > 2 ? first[ 2 ] + k / ( count[ 0 ] * count[ 1 ] ) : 0 };
			final Object out = type.filled( a.chunkElements(), a.fillValue() );
			// block coordinates of this chunk's first pixel, and the part of the chunk inside the block
			final int bx = ( int ) ( g[ 0 ] * chunk[ 0 ] - min[ 0 ] ), by = ( int ) ( g[ 1 ] * chunk[ 1 ] - min[ 1 ] ),
					bz = n > 2 ? ( int ) ( g[ 2 ] * chunk[ 2 ] - min[ 2 ] ) : 0;
			final int nx = Math.min( chunk[ 0 ], sx - bx ), ny = Math.min( chunk[ 1 ], sy - by ),
					nz = n > 2 ? Math.min( chunk[ 2 ], sz - bz ) : 1;
			final int stX = stride[ axes.spatial[ 0 ] ], stY = stride[ axes.spatial[ 1 ] ],
					stZ = n > 2 ? stride[ axes.spatial[ 2 ] ] : 0;
			final int stC = axes.channel >= 0 ? stride[ axes.channel ] : 0;
			for ( int c = 0; c < data.length; c++ )
				for ( int z = 0; z < nz; z++ )
					for ( int y = 0; y < ny; y++ )
					{
						int src = ( ( bz + z ) * sy + by + y ) * sx + bx;
						int dst = c * stC + z * stZ + y * stY;
						for ( int x = 0; x < nx; x++, src++, dst += stX )
							put( type, out, dst, data[ c ][ src ] );
					}
			a.writeChunk( axes.position( n > 2 ? g : new long[] { g[ 0 ], g[ 1 ] }, 0 ), out );
		}
	}

	/** Stores a float as ImgLib2's setReal(double) would: clamp integers to the range, round half away from zero. */
	static void put( final DataType type, final Object chunk, final int i, final float value )
	{
		switch ( type )
		{
		case U1:
			( ( byte[] ) chunk )[ i ] = ( byte ) round( value, 0, 255 );
			break;
		case U2:
			( ( short[] ) chunk )[ i ] = ( short ) round( value, 0, 65535 );
			break;
		case I4:
			( ( int[] ) chunk )[ i ] = ( int ) round( value, Integer.MIN_VALUE, Integer.MAX_VALUE );
			break;
		default:
			( ( float[] ) chunk )[ i ] = value;
		}
	}

	private static long round( final double v, final double lo, final double hi )
	{
		final double c = v < lo ? lo : v > hi ? hi : v;
		return ( long ) ( c + 0.5 * Math.signum( c ) );
	}
}
