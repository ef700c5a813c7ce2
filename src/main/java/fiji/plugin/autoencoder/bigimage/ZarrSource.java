package fiji.plugin.autoencoder.bigimage;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import fiji.plugin.autoencoder.tiling.BlockSource;
import fiji.plugin.autoencoder.zarr.OmeZarr;
import fiji.plugin.autoencoder.zarr.ZarrArray;

/**
 * An OME-Zarr image as the out-of-core input of the tiler: boxes are read
 * chunk by chunk from disk; each copy keeps the last {@link #CACHED_CHUNKS}
 * decoded chunks, since neighbouring tiles share the chunks of their halos.
 * Missing chunks read as the array's fill_value.
 */
public final class ZarrSource implements BlockSource
{
	/** Decoded chunks kept per reader (for 512² u2 chunks about 16 MiB). */
	static final int CACHED_CHUNKS = 32;

	private final OmeZarr image;

	private final ZarrAxes axes;

	private final Map< String, Object > cache = new LinkedHashMap< String, Object >( 64, 0.75f, true )
	{
		private static final long serialVersionUID = 1L;

		@Override
		protected boolean removeEldestEntry( final Map.Entry< String, Object > eldest )
		{
			return size() > CACHED_CHUNKS;
		}
	};

	/** Opens the image for a model with {@code spatialDims} spatial axes. */
	public ZarrSource( final OmeZarr image, final int spatialDims )
	{
		this( image, new ZarrAxes( image, spatialDims ) );
	}

	private ZarrSource( final OmeZarr image, final ZarrAxes axes )
	{
		this.image = image;
		this.axes = axes;
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
			cache.put( key, c );
		}
		return c;
	}

	@Override
	public BlockSource independentCopy()
	{
		return new ZarrSource( image, axes );
	}
}
