package fiji.plugin.autoencoder.train;

/**
 * The augmentation symmetries of training patches: the 8 symmetries of a
 * square (4 of a rectangle) for 2D patches, and mirrors of x, y, z plus an
 * x/y swap for volume patches. Copies a patch into a batch buffer under one
 * symmetry; pure functions, thread-safe.
 */
final class PatchSymmetries
{
	private PatchSymmetries()
	{}

	/**
	 * Writes {@code src} (d x h x w x c) into {@code dst} at {@code off} under
	 * symmetry {@code flip} in [0, 16): bit 0 mirrors x, bit 1 mirrors y, bit 2
	 * mirrors z, bit 3 swaps x and y (square patches only).
	 */
	static void transform3D( final float[] src, final float[] dst, final int off, final int d, final int h, final int w,
			final int c, final int flip )
	{
		if ( flip == 0 )
		{
			System.arraycopy( src, 0, dst, off, d * h * w * c );
			return;
		}
		final boolean mx = ( flip & 1 ) != 0, my = ( flip & 2 ) != 0, mz = ( flip & 4 ) != 0, swap = ( flip & 8 ) != 0;
		for ( int z = 0; z < d; z++ )
		{
			final int sz = mz ? d - 1 - z : z;
			for ( int y = 0; y < h; y++ )
				for ( int x = 0; x < w; x++ )
				{
					int sx = mx ? w - 1 - x : x, sy = my ? h - 1 - y : y;
					if ( swap )
					{
						final int tmp = sx;
						sx = sy;
						sy = tmp;
					}
					System.arraycopy( src, ( ( sz * h + sy ) * w + sx ) * c, dst, off + ( ( z * h + y ) * w + x ) * c,
							c );
				}
		}
	}

	/** Writes {@code src} (h x w x c) into {@code dst} at {@code off} under one of the 8 symmetries of the square. */
	static void transform( final float[] src, final float[] dst, final int off, final int h, final int w, final int c,
			final int flip )
	{
		if ( flip == 0 )
		{
			System.arraycopy( src, 0, dst, off, h * w * c );
			return;
		}
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
			{
				int sx = x, sy = y;
				switch ( flip )
				{
				case 1:
					sx = w - 1 - x;
					break; // mirror left-right
				case 2:
					sy = h - 1 - y;
					break; // mirror top-bottom
				case 3:
					sx = w - 1 - x;
					sy = h - 1 - y;
					break; // rotate 180
				case 4:
					sx = y;
					sy = x;
					break; // transpose (square only)
				case 5:
					sx = y;
					sy = w - 1 - x;
					break; // rotate 90
				case 6:
					sx = h - 1 - y;
					sy = x;
					break; // rotate 270
				default:
					sx = h - 1 - y;
					sy = w - 1 - x;
					break; // anti-transpose
				}
				System.arraycopy( src, ( sy * w + sx ) * c, dst, off + ( y * w + x ) * c, c );
			}
	}
}
