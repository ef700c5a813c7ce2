package fiji.plugin.autoencoder.denoise;

import java.util.SplittableRandom;

/**
 * Noise2Void blind-spot masking of a batch of noisy patches (channels last, N,H,W,C).
 * <p>
 * In every channel of every patch, one pixel per {@code gridSize x gridSize} grid
 * cell (at a random offset inside the cell; stratified sampling) is masked: in the
 * network input it is replaced by the value of a random <em>other</em> pixel within
 * {@code radius} (Chebyshev distance, mirrored at patch borders without repeating the
 * edge, never the pixel itself), or by the median of those pixels (N2V2's replacement). The target is the unmodified noisy patch and the
 * weight is 1 exactly at masked pixels, 0 elsewhere, so the loss
 * {@link #maskedMse} only looks at pixels the network could not see.
 * Replacement values always come from the original patch, never from another
 * masked pixel.
 *
 * <pre>{@code
 * BlindSpotMasker masker = new BlindSpotMasker();               // 1/64 of pixels, radius 2
 * BlindSpotMasker.Batch b = masker.mask( patches, n, 64, 64, 1, seed );
 * // feed b.input(); loss = maskedMse( prediction, b.target(), b.weight() )
 * }</pre>
 */
public final class BlindSpotMasker
{
	/** One masked pixel per 8x8 cell: about 1/64 = 1.6 % of pixels, as in Noise2Void. */
	public static final int DEFAULT_GRID_SIZE = 8;

	/** Replacement pixels come from within this many pixels (a 5x5 neighbourhood). */
	public static final int DEFAULT_RADIUS = 2;

	private final int gridSize;

	private final int radius;

	/** Replace a masked pixel by the median of its neighbours (N2V2) instead of one random neighbour. */
	private final boolean median;

	/** Default masker: grid 8 (about 1/64 of pixels), neighbourhood radius 2. */
	public BlindSpotMasker()
	{
		this( DEFAULT_GRID_SIZE, DEFAULT_RADIUS );
	}

	/**
	 * @param gridSize one masked pixel per {@code gridSize x gridSize} cell (>= 1)
	 * @param radius   replacement values come from within this Chebyshev distance (>= 1)
	 */
	public BlindSpotMasker( final int gridSize, final int radius )
	{
		this( gridSize, radius, false );
	}

	/**
	 * @param median replace each masked pixel by the median of the other pixels within {@code radius} (N2V2: no
	 *               copy of one neighbour for the network to find) instead of one of them at random
	 */
	public BlindSpotMasker( final int gridSize, final int radius, final boolean median )
	{
		if ( gridSize < 1 )
			throw new IllegalArgumentException(
					"Grid size " + gridSize + " must be >= 1: use 8 to mask about 1/64 of the pixels." );
		if ( radius < 1 )
			throw new IllegalArgumentException( "Neighbourhood radius " + radius
					+ " must be >= 1 so another pixel can replace the masked one: use 2." );
		this.gridSize = gridSize;
		this.radius = radius;
		this.median = median;
	}

	/**
	 * A masker that masks about {@code fraction} of the pixels: grid size
	 * {@code round(1 / sqrt(fraction))} (so 1/64 gives 8, 0.02 gives 7, i.e. 1/49),
	 * radius 2. See {@link #fraction()} for the fraction actually used.
	 */
	public static BlindSpotMasker withFraction( final double fraction )
	{
		if ( !( fraction > 0 && fraction <= 1 ) )
			throw new IllegalArgumentException(
					"Masked fraction " + fraction + " must be in (0, 1]: Noise2Void uses about 0.016 (1/64)." );
		return new BlindSpotMasker( ( int ) Math.max( 1, Math.round( 1 / Math.sqrt( fraction ) ) ), DEFAULT_RADIUS );
	}

	public int gridSize()
	{
		return gridSize;
	}

	public int radius()
	{
		return radius;
	}

	/** The masked fraction for patches whose sides are multiples of the grid: {@code 1 / gridSize^2}. */
	public double fraction()
	{
		return 1.0 / ( gridSize * gridSize );
	}

	/** Masked pixels per channel of an {@code h x w} patch: {@code ceil(h/g) * ceil(w/g)}. */
	public int maskedPerChannel( final int h, final int w )
	{
		return ( ( h + gridSize - 1 ) / gridSize ) * ( ( w + gridSize - 1 ) / gridSize );
	}

	/** Network input, target and weight of one masked batch, all channels last (N,H,W,C). */
	public static final class Batch
	{
		private final float[] input;

		private final float[] target;

		private final float[] weight;

		private final int[] shape;

		private final int maskedCount;

		Batch( final float[] input, final float[] target, final float[] weight, final int[] shape,
				final int maskedCount )
		{
			this.input = input;
			this.target = target;
			this.weight = weight;
			this.shape = shape;
			this.maskedCount = maskedCount;
		}

		/** The noisy patches with masked pixels replaced by a neighbour's value. */
		public float[] input()
		{
			return input;
		}

		/** The unmodified noisy patches (a copy of what was passed in). */
		public float[] target()
		{
			return target;
		}

		/** 1 at masked pixels (per channel), 0 elsewhere. */
		public float[] weight()
		{
			return weight;
		}

		/** {N, H, W, C}. */
		public int[] shape()
		{
			return shape.clone();
		}

		/** Number of masked values over all patches and channels (= sum of {@link #weight()}). */
		public int maskedCount()
		{
			return maskedCount;
		}
	}

	/** Masks a batch with a generator seeded by {@code seed}; {@code patches} is not modified. */
	public Batch mask( final float[] patches, final int n, final int h, final int w, final int c, final long seed )
	{
		return mask( patches, n, h, w, c, new SplittableRandom( seed ) );
	}

	/**
	 * Masks a batch drawing from {@code random}.
	 *
	 * @param patches {@code n * h * w * c} floats, channels last; not modified
	 */
	public Batch mask( final float[] patches, final int n, final int h, final int w, final int c,
			final SplittableRandom random )
	{
		if ( n < 1 || h < 1 || w < 1 || c < 1 )
			throw new IllegalArgumentException( "Batch shape " + n + "x" + h + "x" + w + "x" + c
					+ " (N,H,W,C) has an empty dimension: give at least one patch of at least one pixel and channel." );
		if ( ( long ) n * h * w * c != patches.length )
			throw new IllegalArgumentException(
					"Batch shape " + n + "x" + h + "x" + w + "x" + c + " (N,H,W,C) needs " + ( ( long ) n * h * w * c )
							+ " floats but got " + patches.length + ": pass the shape of the patches." );
		if ( h <= radius || w <= radius )
			throw new IllegalArgumentException( "Patches of " + h + "x" + w + " are too small for a masking radius of "
					+ radius + ": use patches of at least " + ( radius + 1 ) + " pixels per side (e.g. 64x64)." );
		final float[] input = patches.clone();
		final float[] target = patches.clone();
		final float[] weight = new float[ patches.length ];
		int count = 0;
		final int side = 2 * radius + 1;
		final float[] around = new float[ side * side ];
		for ( int b = 0; b < n; b++ )
		{
			final int patchOffset = b * h * w * c;
			for ( int ch = 0; ch < c; ch++ )
			{
				for ( int cy = 0; cy < h; cy += gridSize )
				{
					for ( int cx = 0; cx < w; cx += gridSize )
					{
						final int y = cy + random.nextInt( Math.min( gridSize, h - cy ) );
						final int x = cx + random.nextInt( Math.min( gridSize, w - cx ) );
						final int at = patchOffset + ( y * w + x ) * c + ch;
						if ( median )
							input[ at ] = neighbourMedian( patches, patchOffset, y, x, h, w, c, ch, around );
						else
						{
							int sy, sx;
							do
							{
								final int o = random.nextInt( side * side );
								sy = mirror( y + o / side - radius, h );
								sx = mirror( x + o % side - radius, w );
							}
							while ( sy == y && sx == x );
							input[ at ] = patches[ patchOffset + ( sy * w + sx ) * c + ch ];
						}
						weight[ at ] = 1;
						count++;
					}
				}
			}
		}
		return new Batch( input, target, weight, new int[] { n, h, w, c }, count );
	}

	/**
	 * The blind-spot loss {@code sum(w * (p - t)^2) / sum(w)}: the mean squared error
	 * over masked pixels only.
	 */
	public static double maskedMse( final float[] prediction, final float[] target, final float[] weight )
	{
		if ( prediction.length != target.length || weight.length != target.length )
			throw new IllegalArgumentException( "Prediction, target and weight have " + prediction.length + ", "
					+ target.length + " and " + weight.length + " values: pass arrays of the same batch shape." );
		double sum = 0, wsum = 0;
		for ( int i = 0; i < target.length; i++ )
		{
			final double wi = weight[ i ];
			if ( wi != 0 )
			{
				final double d = ( double ) prediction[ i ] - target[ i ];
				sum += wi * d * d;
				wsum += wi;
			}
		}
		if ( !( wsum > 0 ) )
			throw new IllegalArgumentException(
					"The weights sum to " + wsum + ", so no pixel is masked: pass the weight of a masked batch." );
		return sum / wsum;
	}

	/** The median of the pixels within the radius of (y, x) other than itself (mirrored at the borders). */
	private float neighbourMedian( final float[] patches, final int patchOffset, final int y, final int x, final int h,
			final int w, final int c, final int ch, final float[] around )
	{
		int k = 0;
		for ( int dy = -radius; dy <= radius; dy++ )
			for ( int dx = -radius; dx <= radius; dx++ )
			{
				final int sy = mirror( y + dy, h ), sx = mirror( x + dx, w );
				if ( sy != y || sx != x )
					around[ k++ ] = patches[ patchOffset + ( sy * w + sx ) * c + ch ];
			}
		java.util.Arrays.sort( around, 0, k );
		return k % 2 == 1 ? around[ k / 2 ] : 0.5f * ( around[ k / 2 - 1 ] + around[ k / 2 ] );
	}

	/** Mirror without repeating the edge: -1 -> 1, n -> n-2 (valid for offsets up to n-1). */
	static int mirror( final int i, final int n )
	{
		if ( n == 1 )
			return 0;
		final int period = 2 * ( n - 1 );
		int j = Math.floorMod( i, period );
		return j < n ? j : period - j;
	}
}
