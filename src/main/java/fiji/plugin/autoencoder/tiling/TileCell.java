package fiji.plugin.autoencoder.tiling;

import java.util.Arrays;

/** One cell of a {@link TileGrid}: positions relative to the image origin, X, Y[, Z]. Immutable. */
public final class TileCell
{
	private final long index;

	private final long[] coreMin;

	private final int[] coreSize;

	private final long[] windowMin;

	private final int[] windowSize;

	TileCell( final long index, final long[] coreMin, final int[] coreSize,
			final long[] windowMin, final int[] windowSize )
	{
		this.index = index;
		this.coreMin = coreMin;
		this.coreSize = coreSize;
		this.windowMin = windowMin;
		this.windowSize = windowSize;
	}

	/** Flat index in the grid (X fastest). */
	public long index()
	{
		return index;
	}

	/** First written pixel. */
	public long[] coreMin()
	{
		return coreMin.clone();
	}

	/** Written size (at least 1 per axis). */
	public int[] coreSize()
	{
		return coreSize.clone();
	}

	/** First pixel of the network input: {@code coreMin - halo}. */
	public long[] windowMin()
	{
		return windowMin.clone();
	}

	/** Network input size, a multiple of sizeMultiple. */
	public int[] windowSize()
	{
		return windowSize.clone();
	}

	/** Number of pixels in the window. */
	public long windowVoxels()
	{
		long n = 1;
		for ( final int s : windowSize )
			n *= s;
		return n;
	}

	@Override
	public String toString()
	{
		return "Cell[" + index + " core " + Arrays.toString( coreMin ) + "+" + Arrays.toString( coreSize )
				+ ", window " + Arrays.toString( windowMin ) + "+"
				+ Arrays.toString( windowSize ) + "]";
	}
}
