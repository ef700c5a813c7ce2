package fiji.plugin.autoencoder.train;

import java.util.Random;

/**
 * Validation blocks held out from everywhere in an image instead of one strip:
 * the image's x-y plane is cut into a grid of patch-sized cells, a seeded random
 * fraction of the cells is held out (in every z-slice and time point), and
 * training patches are drawn anywhere that overlaps none of them. Validation
 * patches are the held-out cells themselves.
 *
 * <pre>{@code
 * HeldOutBlocks b = HeldOutBlocks.of( 512, 512, 64, 64, 0.1, 42 ); // 6 of the 64 cells
 * long[] xy = b.trainingOrigin( random ); // never overlaps a held-out cell
 * }</pre>
 */
final class HeldOutBlocks
{
	private static final int TRIES = 1000;

	private final long width, height;

	private final int bw, bh, nx, ny;

	private final boolean[] held;

	private final int[] cells;

	private HeldOutBlocks( final long width, final long height, final int bw, final int bh, final boolean[] held,
			final int[] cells )
	{
		this.width = width;
		this.height = height;
		this.bw = bw;
		this.bh = bh;
		this.nx = ( int ) ( width / bw );
		this.ny = ( int ) ( height / bh );
		this.held = held;
		this.cells = cells;
	}

	/**
	 * Holds out {@code max(1, round(fraction * cells))} of the {@code floor(width / bw) x floor(height / bh)} cells, chosen by {@code seed}.
	 *
	 * @throws IllegalArgumentException when the image has fewer than 2 cells (no room for both a validation block and training patches)
	 */
	static HeldOutBlocks of( final long width, final long height, final int bw, final int bh, final double fraction,
			final long seed )
	{
		final long nx = width / bw, ny = height / bh, n = nx * ny;
		if ( n < 2 || n > Integer.MAX_VALUE )
			throw new IllegalArgumentException( "The image is " + width + " x " + height + ": "
					+ ( n < 2 ? "too small for both a " + bw + " x " + bh
							+ " training patch and a held-out validation block of the same size. Use a smaller patch, a validation fraction of 0, or a larger image"
							: "too large for held-out validation blocks: use a validation strip" ) );
		final int held = ( int ) Math.min( n - 1, Math.max( 1, Math.round( n * fraction ) ) );
		final int[] perm = Batches.permutation( ( int ) n, new Random( seed ) );
		final int[] cells = java.util.Arrays.copyOf( perm, held );
		java.util.Arrays.sort( cells );
		final boolean[] h = new boolean[ ( int ) n ];
		for ( final int c : cells )
			h[ c ] = true;
		return new HeldOutBlocks( width, height, bw, bh, h, cells );
	}

	/** Number of held-out blocks. */
	int count()
	{
		return cells.length;
	}

	/** Left edge of held-out block i. */
	long x( final int i )
	{
		return ( long ) ( cells[ i ] % nx ) * bw;
	}

	/** Top edge of held-out block i. */
	long y( final int i )
	{
		return ( long ) ( cells[ i ] / nx ) * bh;
	}

	/** True when the {@code w x h} rectangle at (x0, y0) shares a pixel with a held-out block. */
	boolean overlaps( final long x0, final long y0, final int w, final int h )
	{
		final long cx1 = Math.min( nx - 1, ( x0 + w - 1 ) / bw ), cy1 = Math.min( ny - 1, ( y0 + h - 1 ) / bh );
		for ( long cy = y0 / bh; cy <= cy1; cy++ )
			for ( long cx = x0 / bw; cx <= cx1; cx++ )
				if ( held[ ( int ) ( cy * nx + cx ) ] )
					return true;
		return false;
	}

	/** A random origin {x0, y0} of a block-sized training patch that overlaps no held-out block (a free grid cell if random tries fail). */
	long[] trainingOrigin( final Random rnd )
	{
		for ( int t = 0; t < TRIES; t++ )
		{
			final long x0 = nextLong( rnd, width - bw + 1 ), y0 = nextLong( rnd, height - bh + 1 );
			if ( !overlaps( x0, y0, bw, bh ) )
				return new long[] { x0, y0 };
		}
		int c = rnd.nextInt( held.length );
		while ( held[ c ] )
			c = ( c + 1 ) % held.length;
		return new long[] { ( long ) ( c % nx ) * bw, ( long ) ( c / nx ) * bh };
	}

	/** A uniform random value in [0, bound) (0 when bound <= 1), for any long bound. */
	static long nextLong( final Random r, final long bound )
	{
		if ( bound <= 1 )
			return 0;
		if ( bound <= Integer.MAX_VALUE )
			return r.nextInt( ( int ) bound );
		return Math.floorMod( r.nextLong(), bound );
	}
}
