package fiji.plugin.autoencoder.tiling;

import java.io.IOException;

/**
 * An output image on disk made of chunks that are written whole (e.g. an
 * OME-Zarr array): the out-of-core output of {@link ChunkedPredictor}.
 * Coordinates X, Y[, Z] from 0. Implementations write each chunk atomically, so
 * that a chunk exists either complete or not at all: {@link #isWritten} is
 * what a rerun uses to skip finished work. Thread-safe for disjoint chunks.
 */
public interface ChunkSink
{
	/** Image size X, Y[, Z]; the same as the input's. */
	long[] size();

	/** Chunk size X, Y[, Z]. */
	int[] chunkSize();

	/** Channels per pixel. */
	int channels();

	/** Whether the chunk at this grid position (X, Y[, Z], in chunks) is complete on disk. */
	boolean isWritten( long[] chunkPosition );

	/**
	 * Writes the chunks of a chunk-aligned block whole: {@code min} is a chunk
	 * corner, {@code size} whole chunks or up to the image edge; {@code data}
	 * holds the block per channel, X fastest ({@code data[c][x + y * sx + ...]}),
	 * in output units (the sink converts to its type, clamping and rounding
	 * integers as ImgLib2's {@code setReal} does).
	 */
	void write( long[] min, int[] size, float[][] data ) throws IOException;
}
