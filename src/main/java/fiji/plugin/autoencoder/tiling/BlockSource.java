package fiji.plugin.autoencoder.tiling;

/**
 * An image that lives outside the Java heap (a chunked file, e.g. OME-Zarr),
 * read box by box: the out-of-core input of {@link ChunkedPredictor}.
 * Coordinates X, Y[, Z] from 0; boxes are always inside the image (the tiler
 * does the mirror extension).
 * <p>
 * Not thread-safe in general: each worker uses its own
 * {@link #independentCopy()} (which may keep its own cache of decoded chunks).
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
}
