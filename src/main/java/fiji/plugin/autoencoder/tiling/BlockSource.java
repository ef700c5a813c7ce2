package fiji.plugin.autoencoder.tiling;

/**
 * An image that lives outside the Java heap (a chunked file, e.g. OME-Zarr),
 * read box by box: the out-of-core input of {@link ChunkedPredictor}.
 * Coordinates X, Y[, Z] from 0; boxes are always inside the image (the tiler
 * does the mirror extension).
 * <p>
 * Not thread-safe in general: each worker uses its own
 * {@link #independentCopy()} (which may keep its own cache of decoded chunks).
 * A chunked source says its chunk size, so that the tiler can order its reads
 * and size the copy's cache to decode each chunk once ({@link ReadPlan}).
 */
public interface BlockSource
{
	/** Image size X, Y[, Z]. */
	long[] size();

	/** Channels per pixel. */
	int channels();

	/**
	 * Copies the box {@code min}, {@code size} of one channel into
	 * {@code dest} (X fastest), as floats; at least {@code prod(size)} long.
	 */
	void read( long[] min, int[] size, int channel, float[] dest );

	/** A reader of the same image for another thread. */
	BlockSource independentCopy();

	/** The stored chunk size X, Y[, Z], or null for a source that is not read chunk by chunk. */
	default int[] chunkSize()
	{
		return null;
	}

	/** Bytes that one decoded chunk position (all channels) takes in a reader's cache; 0 if not chunked. */
	default long chunkBytes()
	{
		return 0;
	}

	/** A reader for another thread that keeps up to {@code cachedChunks} chunk positions decoded. */
	default BlockSource independentCopy( final int cachedChunks )
	{
		return independentCopy();
	}

	/** Chunks decoded so far by this source and its copies, or -1 if it does not count them. */
	default long chunksDecoded()
	{
		return -1;
	}
}
