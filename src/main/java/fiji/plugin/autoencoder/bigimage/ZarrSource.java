package fiji.plugin.autoencoder.bigimage;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import fiji.plugin.autoencoder.tiling.BlockSource;
import fiji.plugin.autoencoder.zarr.OmeZarr;
import fiji.plugin.autoencoder.zarr.ZarrArray;

/**
 * An OME-Zarr image as the out-of-core input of the tiler: boxes are read
 * chunk by chunk from disk; each copy keeps the last decoded chunks (least
 * recently used evicted), since neighbouring tiles share the chunks of their
 * halos. The out-of-core tiler sizes each copy's cache from its pass over the
 * tile grid ({@link #independentCopy(int)}), so that each chunk is decoded once
 * per pass within a memory bound; a plain copy keeps {@link #CACHED_CHUNKS}.
 * Missing chunks read as the array's fill_value. Copies count the chunks they
 * decode in one shared counter ({@link #chunksDecoded()}).
 */
public final class ZarrSource implements BlockSource
{
	/** Chunk positions a plain copy keeps decoded (for 512² u2 chunks about 16 MiB). */
	static final int CACHED_CHUNKS = 32;

	private final OmeZarr image;

	private final ZarrAxes axes;

	private final AtomicLong decoded;

	/** Stored chunks per spatial chunk position (channels in several chunks). */
	private final int chunksPerPosition;

	private final int capacity;

	private final Map< String, Object > cache = new LinkedHashMap< String, Object >( 64, 0.75f, true )
	{
		private static final long serialVersionUID = 1L;

		@Override
		protected boolean removeEldestEntry( final Map.Entry< String, Object > eldest )
		{
			return size() > capacity;
		}
	};

	/** Opens the image for a model with {@code spatialDims} spatial axes. */
	public ZarrSource( final OmeZarr image, final int spatialDims )
	{
		this( image, new ZarrAxes( image, spatialDims ), new AtomicLong(), CACHED_CHUNKS );
	}

	private ZarrSource( final OmeZarr image, final ZarrAxes axes, final AtomicLong decoded, final int positions )
	{
		this.image = image;
		this.axes = axes;
		this.decoded = decoded;
		final int[] chunks = image.array().chunks();
		this.chunksPerPosition = axes.channel < 0 ? 1
				: ( int ) ( ( axes.channels() + chunks[ axes.channel ] - 1 ) / chunks[ axes.channel ] );
		this.capacity = Math.max( 1, positions ) * chunksPerPosition;
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
	public int channels()
	{
		return axes.channels();
	}

	@Override
	public int[] chunkSize()
	{
		final int[] chunks = image.array().chunks();
		final int[] s = new int[ axes.spatial.length ];
		for ( int d = 0; d < s.length; d++ )
			s[ d ] = chunks[ axes.spatial[ d ] ];
		return s;
	}

	@Override
	public long chunkBytes()
	{
		final ZarrArray a = image.array();
		long n = a.dataType().bytes();
		for ( final int c : a.chunks() )
			n *= c;
		return n * chunksPerPosition;
	}

	@Override
	public void read( final long[] min, final int[] size, final int channel, final float[] dest )
	{
		final ZarrArray a = image.array();
		final float[] box = a.readFloats( axes.position( min, channel ), axes.size( size, 1 ), this::chunk );
		System.arraycopy( box, 0, dest, 0, box.length );
	}

	private Object chunk( final long[] g )
	{
		final String key = Arrays.toString( g );
		Object c = cache.get( key );
		if ( c == null && !cache.containsKey( key ) )
		{
			c = image.array().readChunk( g );
			decoded.incrementAndGet();
			cache.put( key, c );
		}
		return c;
	}

	/** Chunks read and decoded (missing ones included) by this source and all its copies. */
	@Override
	public long chunksDecoded()
	{
		return decoded.get();
	}

	@Override
	public BlockSource independentCopy()
	{
		return independentCopy( CACHED_CHUNKS );
	}

	@Override
	public BlockSource independentCopy( final int cachedChunks )
	{
		return new ZarrSource( image, axes, decoded, cachedChunks );
	}
}
