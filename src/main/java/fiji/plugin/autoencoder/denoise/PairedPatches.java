package fiji.plugin.autoencoder.denoise;

import java.util.List;
import java.util.SplittableRandom;

import ij.process.FloatProcessor;

/**
 * Random (noisy, clean) training patch pairs for supervised denoising, as
 * channels-last float arrays of shape {N, P, P, 1}.
 * <p>
 * Two sources: clean images plus a {@link NoiseModel} (a fresh noise draw for every
 * patch; the Poisson peak refers to the maximum of the whole source image, not of
 * the patch), or user-acquired pairs (noisy and clean image of the same scene and
 * size). Patch positions are uniform over all valid positions of all images, so a
 * large image gives proportionally more patches. With {@code augment}, each pair
 * gets one of the 8 flips/rotations (the same for noisy and clean).
 *
 * <pre>{@code
 * PairedPatches pairs = PairedPatches.synthetic( cleanImages, NoiseModel.gaussian( 0.1 ), 512, 64, true, 42L );
 * float[] x = pairs.noisy(), y = pairs.clean(); // 512 x 64 x 64 x 1 each
 * }</pre>
 */
public final class PairedPatches
{
	private final float[] noisy;

	private final float[] clean;

	private final int count;

	private final int patchSize;

	private PairedPatches( final float[] noisy, final float[] clean, final int count, final int patchSize )
	{
		this.noisy = noisy;
		this.clean = clean;
		this.count = count;
		this.patchSize = patchSize;
	}

	/**
	 * {@code count} patches of {@code patchSize x patchSize} cut from {@code cleanImages}
	 * and made noisy by {@code noise}, seeded by {@code seed}.
	 */
	public static PairedPatches synthetic( final List< FloatProcessor > cleanImages, final NoiseModel noise,
			final int count, final int patchSize, final boolean augment, final long seed )
	{
		if ( noise == null )
			throw new IllegalArgumentException(
					"No noise model: pass one, e.g. NoiseModel.parse( \"gaussian:sigma=0.1\" )." );
		checkImages( "clean", cleanImages, patchSize, count );
		final double[] maxima = new double[ cleanImages.size() ];
		for ( int i = 0; i < maxima.length; i++ )
		{
			// from the pixels, not getMax(): that is the display range once set
			double max = Double.NEGATIVE_INFINITY;
			for ( final float v : ( float[] ) cleanImages.get( i ).getPixels() )
				max = Math.max( max, v );
			maxima[ i ] = max;
		}
		return sample( null, cleanImages, noise, maxima, count, patchSize, augment, seed );
	}

	/**
	 * {@code count} patch pairs cut at identical positions from acquired
	 * {@code noisyImages[i]} and {@code cleanImages[i]} (same size each), seeded by {@code seed}.
	 */
	public static PairedPatches acquired( final List< FloatProcessor > noisyImages,
			final List< FloatProcessor > cleanImages, final int count, final int patchSize, final boolean augment,
			final long seed )
	{
		checkImages( "noisy", noisyImages, patchSize, count );
		checkImages( "clean", cleanImages, patchSize, count );
		if ( noisyImages.size() != cleanImages.size() )
			throw new IllegalArgumentException( "Got " + noisyImages.size() + " noisy but " + cleanImages.size()
					+ " clean images: give one clean image per noisy image." );
		for ( int i = 0; i < noisyImages.size(); i++ )
		{
			final FloatProcessor a = noisyImages.get( i ), b = cleanImages.get( i );
			if ( a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight() )
				throw new IllegalArgumentException( "Pair " + ( i + 1 ) + ": the noisy image is " + a.getWidth() + "x"
						+ a.getHeight() + " but the clean image is " + b.getWidth() + "x" + b.getHeight()
						+ ": give a noisy and a clean acquisition of the same field of view and size." );
		}
		return sample( noisyImages, cleanImages, null, null, count, patchSize, augment, seed );
	}

	/** The noisy patches, {@code count * P * P} floats (N,P,P,1). */
	public float[] noisy()
	{
		return noisy;
	}

	/** The clean patches, same layout as {@link #noisy()}. */
	public float[] clean()
	{
		return clean;
	}

	public int count()
	{
		return count;
	}

	/** Always 1: patches are single-channel. */
	public int channels()
	{
		return 1;
	}

	/** {N, P, P, 1}. */
	public int[] shape()
	{
		return new int[] { count, patchSize, patchSize, 1 };
	}

	/**
	 * Applies dihedral transform {@code t} (0..7; 0 is the identity) to a square
	 * {@code p x p} patch: bit 0 flips x, bit 1 flips y, bit 2 transposes (after the flips).
	 */
	public static float[] transform( final float[] patch, final int p, final int t )
	{
		if ( t < 0 || t > 7 )
			throw new IllegalArgumentException( "Transform " + t + " is not one of the 8 flips/rotations: use 0..7." );
		final float[] out = new float[ p * p ];
		for ( int y = 0; y < p; y++ )
			for ( int x = 0; x < p; x++ )
			{
				final int sx = ( t & 1 ) != 0 ? p - 1 - x : x;
				final int sy = ( t & 2 ) != 0 ? p - 1 - y : y;
				final int ox = ( t & 4 ) != 0 ? y : x;
				final int oy = ( t & 4 ) != 0 ? x : y;
				out[ oy * p + ox ] = patch[ sy * p + sx ];
			}
		return out;
	}

	private static PairedPatches sample( final List< FloatProcessor > noisyImages,
			final List< FloatProcessor > cleanImages, final NoiseModel noise, final double[] maxima, final int count,
			final int p, final boolean augment, final long seed )
	{
		final SplittableRandom random = new SplittableRandom( seed );
		final int m = cleanImages.size();
		// cumulative number of valid patch positions, to pick positions uniformly over all images
		final long[] cumulative = new long[ m ];
		long total = 0;
		for ( int i = 0; i < m; i++ )
		{
			final FloatProcessor fp = cleanImages.get( i );
			total += ( long ) ( fp.getWidth() - p + 1 ) * ( fp.getHeight() - p + 1 );
			cumulative[ i ] = total;
		}
		final float[] noisyOut = new float[ count * p * p ];
		final float[] cleanOut = new float[ count * p * p ];
		for ( int k = 0; k < count; k++ )
		{
			final long pick = random.nextLong( total );
			int i = 0;
			while ( cumulative[ i ] <= pick )
				i++;
			final FloatProcessor cleanImage = cleanImages.get( i );
			final int positionsX = cleanImage.getWidth() - p + 1;
			final long local = pick - ( i == 0 ? 0 : cumulative[ i - 1 ] );
			final int x0 = ( int ) ( local % positionsX );
			final int y0 = ( int ) ( local / positionsX );
			final int t = augment ? random.nextInt( 8 ) : 0;
			final float[] c = transform( crop( cleanImage, x0, y0, p ), p, t );
			final float[] n = noise != null ? noise.apply( c, maxima[ i ], random )
					: transform( crop( noisyImages.get( i ), x0, y0, p ), p, t );
			System.arraycopy( c, 0, cleanOut, k * p * p, p * p );
			System.arraycopy( n, 0, noisyOut, k * p * p, p * p );
		}
		return new PairedPatches( noisyOut, cleanOut, count, p );
	}

	private static float[] crop( final FloatProcessor fp, final int x0, final int y0, final int p )
	{
		final float[] pixels = ( float[] ) fp.getPixels();
		final int w = fp.getWidth();
		final float[] out = new float[ p * p ];
		for ( int y = 0; y < p; y++ )
			System.arraycopy( pixels, ( y0 + y ) * w + x0, out, y * p, p );
		return out;
	}

	private static void checkImages( final String what, final List< FloatProcessor > images, final int p,
			final int count )
	{
		if ( p < 1 )
			throw new IllegalArgumentException( "Patch size " + p + " must be >= 1: use e.g. 64." );
		if ( count < 1 )
			throw new IllegalArgumentException( "Number of patches " + count + " must be >= 1: use e.g. 512." );
		if ( ( long ) count * p * p > Integer.MAX_VALUE - 8 )
			throw new IllegalArgumentException( count + " patches of " + p + "x" + p
					+ " do not fit in one Java array: sample fewer patches per call." );
		if ( images == null || images.isEmpty() )
			throw new IllegalArgumentException(
					"No " + what + " images: give at least one image of at least " + p + "x" + p + " pixels." );
		for ( int i = 0; i < images.size(); i++ )
		{
			final FloatProcessor fp = images.get( i );
			if ( fp.getWidth() < p || fp.getHeight() < p )
				throw new IllegalArgumentException( "The " + what + " image " + ( i + 1 ) + " is " + fp.getWidth() + "x"
						+ fp.getHeight() + ", smaller than the " + p + "x" + p
						+ " patch size: use a smaller patch size or a larger image." );
		}
	}
}
