package fiji.plugin.autoencoder.tiling;

import java.util.Arrays;

import fiji.plugin.autoencoder.model.ImagePredictor;

/**
 * A grid of cells over the OUTPUT image of a network: each cell has a core (the output pixels it writes) and an input
 * window (the core plus {@link #halo()} on every side, read from the mirror-extended input).
 * <p> All sizes and positions are in ImgLib2 axis order X, Y[, Z] and relative to the image origin (the image's min is
 * 0). Along each axis the cores are {@link #coreSize()} wide and start at multiples of it; the last core takes the
 * remainder (down to 1 pixel). A window starts at {@code coreMin - halo}. Because {@link #tileSize()} and {@link
 * #halo()} are multiples of {@link #sizeMultiple()}, every window origin lies on the same {@code sizeMultiple}-grid as
 * the untiled reference window (which starts at {@code -halo}); this is what makes max-pool and strided networks give
 * the same values tiled and untiled.
 * <p> Window sizes at the high edges depend on {@link EdgeTiles}: with {@link EdgeTiles#SHRINK} the last window along
 * an axis is the smallest multiple of {@code sizeMultiple} that holds its core plus both halos (it may reach past the
 * image; the mirror extension fills it); with {@link EdgeTiles#FULL_SIZE} every window has exactly {@link #tileSize()}
 * (for networks with a fixed input shape).
 *
 * <pre>{@code
 * TileGrid grid = TileGrid.create( new long[] { 257, 131 }, new int[] { 64, 64 }, 8, 4, TileGrid.EdgeTiles.SHRINK );
 * for ( long i = 0; i < grid.numCells(); i++ )
 * {
 * 	TileCell cell = grid.cell( i ); // cell.windowMin(), cell.windowSize(), cell.coreMin(), ...
 * }
 * }</pre>
 * Immutable and thread-safe.
 */
public final class TileGrid
{
	/** How big the input windows of the last cells along an axis are. */
	public enum EdgeTiles
	{
		/** Smallest multiple of {@code sizeMultiple} holding core + 2 * halo (fully convolutional networks). */
		SHRINK,
		/** Always exactly the tile size (networks with a fixed input shape). */
		FULL_SIZE
	}

	private final long[] imageSize;

	private final int[] tileSize;

	private final int[] coreSize;

	private final long[] cellsPerDim;

	private final int[] lastWindowSize;

	private final int halo;

	private final int sizeMultiple;

	private final EdgeTiles edges;

	private TileGrid( final long[] imageSize, final int[] tileSize, final int halo, final int sizeMultiple,
			final EdgeTiles edges )
	{
		final int n = imageSize.length;
		this.imageSize = imageSize.clone();
		this.tileSize = tileSize.clone();
		this.halo = halo;
		this.sizeMultiple = sizeMultiple;
		this.edges = edges;
		coreSize = new int[ n ];
		cellsPerDim = new long[ n ];
		lastWindowSize = new int[ n ];
		for ( int d = 0; d < n; d++ )
		{
			coreSize[ d ] = tileSize[ d ] - 2 * halo;
			cellsPerDim[ d ] = ( imageSize[ d ] + coreSize[ d ] - 1 ) / coreSize[ d ];
			final long lastCore = imageSize[ d ] - ( cellsPerDim[ d ] - 1 ) * coreSize[ d ];
			lastWindowSize[ d ] = edges == EdgeTiles.FULL_SIZE
					? tileSize[ d ]
					: ( int ) roundUp( lastCore + 2L * halo, sizeMultiple );
		}
	}

	/**
	 * Creates a grid.
	 *
	 * @param imageSize
	 *            image size X, Y[, Z] (each at least 1)
	 * @param tileSize
	 *            network input size (core + 2 * halo) X, Y[, Z]: a multiple of
	 *            {@code sizeMultiple}, at least {@code 2 * halo + sizeMultiple}.
	 *            With {@link EdgeTiles#SHRINK} a tile larger than
	 *            {@link #untiledSize} is reduced to it (one cell along that axis).
	 * @param halo
	 *            margin on each side, a multiple of {@code sizeMultiple}
	 * @param sizeMultiple
	 *            every window size and origin is a multiple of this
	 * @param edges
	 *            window size of the last cells
	 * @throws IllegalArgumentException
	 *             naming the axis and the sizes that would work
	 */
	public static TileGrid create( final long[] imageSize, final int[] tileSize, final int halo, final int sizeMultiple,
			final EdgeTiles edges )
	{
		final int n = imageSize.length;
		if ( n < 1 )
			throw new IllegalArgumentException( "The image has no axes; give at least X and Y." );
		if ( tileSize.length != n )
			throw new IllegalArgumentException( "The tile size has " + tileSize.length + " axes but the image has " + n
					+ "; give one tile size per spatial axis (X, Y[, Z])." );
		if ( sizeMultiple < 1 )
			throw new IllegalArgumentException( "sizeMultiple is " + sizeMultiple + "; it must be at least 1." );
		if ( halo < 0 || halo % sizeMultiple != 0 )
			throw new IllegalArgumentException(
					"The halo " + halo + " is not a non-negative multiple of sizeMultiple " + sizeMultiple
							+ "; round it up to " + roundUp( Math.max( halo, 0 ), sizeMultiple ) + "." );
		final int[] tile = tileSize.clone();
		final int min = minTileSize( halo, sizeMultiple );
		for ( int d = 0; d < n; d++ )
		{
			if ( imageSize[ d ] < 1 )
				throw new IllegalArgumentException( "The image is empty along " + axisName( d ) + " (size "
						+ imageSize[ d ] + "); give an image with at least 1 pixel per axis." );
			if ( tile[ d ] % sizeMultiple != 0 || tile[ d ] < min )
				throw new IllegalArgumentException( "Tile size " + tile[ d ] + " along " + axisName( d )
						+ " cannot be used: the network input must be a multiple of "
						+ sizeMultiple + " and at least 2 * halo + " + sizeMultiple + " = " + min + " (halo " + halo
						+ "). Use "
						+ describeValid( tile[ d ], min, sizeMultiple ) + "." );
			if ( edges == EdgeTiles.SHRINK )
			{
				final long untiled = roundUp( imageSize[ d ] + 2L * halo, sizeMultiple );
				if ( tile[ d ] > untiled )
					tile[ d ] = ( int ) untiled;
			}
		}
		return new TileGrid( imageSize, tile, halo, sizeMultiple, edges );
	}

	/**
	 * The grid a predictor needs for an image: its halo and sizeMultiple, edge
	 * windows shrunk for fully convolutional networks, and for networks with
	 * a {@link ImagePredictor#fixedSpatialShape() fixed input shape} exactly
	 * that shape (then {@code tileSize} must be null or equal to it).
	 *
	 * @param tileSize
	 *            network input size X, Y[, Z]; null means one cell per axis
	 *            ({@link #untiledSize}) for fully convolutional networks
	 */
	public static TileGrid forPredictor( final ImagePredictor predictor, final long[] imageSize, final int[] tileSize )
	{
		if ( imageSize.length != predictor.spatialDims() )
			throw new IllegalArgumentException(
					"The image has " + imageSize.length + " spatial axes but the model is " + predictor.spatialDims()
							+ "D; give an image with " + predictor.spatialDims()
							+ " spatial axes (use the plane-by-plane helper for extra axes)." );
		final int[] fixed = fixedTileSize( predictor );
		if ( fixed != null )
		{
			if ( tileSize != null && !Arrays.equals( tileSize, fixed ) )
				throw new IllegalArgumentException(
						"This model only takes inputs of size " + Arrays.toString( fixed ) + " (X, Y[, Z]), not "
								+ Arrays.toString( tileSize ) + "; leave the tile size unset (or set it to "
								+ Arrays.toString( fixed ) + ")." );
			for ( int d = 0; d < fixed.length; d++ )
				if ( fixed[ d ] - 2 * predictor.halo() < 1 )
					throw new IllegalArgumentException( "The model's fixed input " + Arrays.toString( fixed )
							+ " leaves no core inside its halo " + predictor.halo()
							+ " along " + axisName( d )
							+ "; the model description is inconsistent (use halo 0 for dense networks)." );
			return create( imageSize, fixed, predictor.halo(), predictor.sizeMultiple(), EdgeTiles.FULL_SIZE );
		}
		final int[] tile = tileSize != null ? tileSize
				: untiledSize( imageSize, predictor.halo(), predictor.sizeMultiple() );
		return create( imageSize, tile, predictor.halo(), predictor.sizeMultiple(), EdgeTiles.SHRINK );
	}

	/**
	 * The fixed input shape of a predictor in X, Y[, Z] order (the predictor
	 * gives it in network order, reversed), or null if it is fully convolutional.
	 */
	public static int[] fixedTileSize( final ImagePredictor predictor )
	{
		final int[] fixed = predictor.fixedSpatialShape();
		if ( fixed == null )
			return null;
		final int[] xyz = new int[ fixed.length ];
		for ( int d = 0; d < fixed.length; d++ )
			xyz[ d ] = fixed[ fixed.length - 1 - d ];
		return xyz;
	}

	/**
	 * The window of the untiled reference run along each axis:
	 * {@code imageSize + 2 * halo} rounded up to a multiple of
	 * {@code sizeMultiple}. A tile of this size gives one cell per axis.
	 */
	public static int[] untiledSize( final long[] imageSize, final int halo, final int sizeMultiple )
	{
		final int[] size = new int[ imageSize.length ];
		for ( int d = 0; d < size.length; d++ )
		{
			final long s = roundUp( imageSize[ d ] + 2L * halo, sizeMultiple );
			if ( s > Integer.MAX_VALUE - 8 )
				throw new IllegalArgumentException(
						"The image is too large along " + axisName( d ) + " for a single tile; give a tile size." );
			size[ d ] = ( int ) s;
		}
		return size;
	}

	/** The smallest network input the grid accepts: {@code 2 * halo + sizeMultiple}. */
	public static int minTileSize( final int halo, final int sizeMultiple )
	{
		return 2 * halo + sizeMultiple;
	}

	/** Number of spatial axes. */
	public int numDimensions()
	{
		return imageSize.length;
	}

	/** Image size X, Y[, Z]. */
	public long[] imageSize()
	{
		return imageSize.clone();
	}

	/** Largest network input (window) size X, Y[, Z]. */
	public int[] tileSize()
	{
		return tileSize.clone();
	}

	/** Largest core size X, Y[, Z]: {@code tileSize - 2 * halo}. */
	public int[] coreSize()
	{
		return coreSize.clone();
	}

	/** Margin read on each side of a core. */
	public int halo()
	{
		return halo;
	}

	/** Every window size and window origin is a multiple of this. */
	public int sizeMultiple()
	{
		return sizeMultiple;
	}

	/** Window sizes of the edge cells. */
	public EdgeTiles edgeTiles()
	{
		return edges;
	}

	/** Number of cells along each axis. */
	public long[] cellsPerDimension()
	{
		return cellsPerDim.clone();
	}

	/** Total number of cells. */
	public long numCells()
	{
		long n = 1;
		for ( final long c : cellsPerDim )
			n *= c;
		return n;
	}

	/** Cell {@code index}, in flat order with X fastest. */
	public TileCell cell( final long index )
	{
		if ( index < 0 || index >= numCells() )
			throw new IndexOutOfBoundsException( "Cell " + index + " of " + numCells() );
		final int n = imageSize.length;
		final long[] gridPos = new long[ n ];
		final long[] coreMin = new long[ n ];
		final int[] core = new int[ n ];
		final long[] windowMin = new long[ n ];
		final int[] window = new int[ n ];
		long rest = index;
		for ( int d = 0; d < n; d++ )
		{
			gridPos[ d ] = rest % cellsPerDim[ d ];
			rest /= cellsPerDim[ d ];
			coreMin[ d ] = gridPos[ d ] * coreSize[ d ];
			core[ d ] = ( int ) Math.min( coreSize[ d ], imageSize[ d ] - coreMin[ d ] );
			windowMin[ d ] = coreMin[ d ] - halo;
			window[ d ] = gridPos[ d ] == cellsPerDim[ d ] - 1 ? lastWindowSize[ d ] : tileSize[ d ];
		}
		return new TileCell( index, coreMin, core, windowMin, window );
	}

	@Override
	public String toString()
	{
		return "TileGrid[image " + Arrays.toString( imageSize ) + ", tile " + Arrays.toString( tileSize ) + ", core "
				+ Arrays.toString( coreSize )
				+ ", halo " + halo + ", sizeMultiple " + sizeMultiple + ", cells " + Arrays.toString( cellsPerDim )
				+ ", " + edges + "]";
	}

	// -- helpers --

	static long roundUp( final long value, final int multiple )
	{
		return ( value + multiple - 1 ) / multiple * multiple;
	}

	static String axisName( final int d )
	{
		return d < 3 ? "XYZ".substring( d, d + 1 ) : "axis " + d;
	}

	private static String describeValid( final int requested, final int min, final int multiple )
	{
		if ( requested < min )
			return min + ", " + ( min + multiple ) + ", " + ( min + 2 * multiple ) + ", ...";
		final long below = requested / multiple * multiple;
		return below + " or " + ( below + multiple ) + " (any multiple of " + multiple + " from " + min + ")";
	}
}
