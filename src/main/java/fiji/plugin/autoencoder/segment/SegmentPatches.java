package fiji.plugin.autoencoder.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import fiji.plugin.autoencoder.train.TrainingData;

/**
 * Training patches for a segmenter from planes held in memory (normalised
 * image and target, channels-last): a share of the patches is centred on a
 * pixel of one class (each class equally often, so small classes are seen as
 * often as large ones), the rest anywhere; planes of different sizes are picked
 * in proportion to their pixels; random flips and 90-degree
 * rotations (or left-right flips only) and a random intensity gain and offset. A validation view
 * ({@link #validation}) draws its patches the same way (class-centred and
 * anywhere) but at fixed positions and without augmentation. With a patch
 * depth (3D networks) each plane is a volume of {@code d} z-slices and a patch
 * is {@code depth x patch x patch}, also flipped in z at random.
 */
public final class SegmentPatches implements TrainingData
{
	/** One plane: {@code w x h} pixels (times {@code d} z-slices for a volume), {@code c} input and {@code tc} target values per pixel. */
	public static final class Plane
	{
		final float[] input, target;

		final int w, h, d;

		/** Per class (0 = background), the pixels where the target says that class (at least half). */
		final int[][] classPixels;

		public Plane( final float[] input, final float[] target, final int w, final int h, final int targetChannels )
		{
			this( input, target, w, h, 1, targetChannels );
		}

		/** A volume of {@code d} z-slices of {@code w x h} pixels, z slowest. */
		public Plane( final float[] input, final float[] target, final int w, final int h, final int d,
				final int targetChannels )
		{
			this.input = input;
			this.target = target;
			this.w = w;
			this.h = h;
			this.d = d;
			final int classes = targetChannels == 1 ? 2 : targetChannels;
			final List< List< Integer > > px = new ArrayList<>();
			for ( int k = 0; k < classes; k++ )
				px.add( new ArrayList<>() );
			for ( int i = 0; i < w * h * d; i++ )
			{
				if ( targetChannels == 1 )
					px.get( target[ i ] >= 0.5f ? 1 : 0 ).add( i );
				else
					for ( int k = 0; k < classes; k++ )
						if ( target[ i * classes + k ] >= 0.5f )
							px.get( k ).add( i );
			}
			classPixels = new int[ classes ][];
			for ( int k = 0; k < classes; k++ )
				classPixels[ k ] = px.get( k ).stream().mapToInt( Integer::intValue ).toArray();
		}
	}

	private final List< Plane > planes;

	private final int patch, depth, channels, targetChannels, count;

	private final double foregroundFraction, intensity;

	private final boolean validation;

	/** Draw only the identity and the left-right flip (images with a fixed "up"), not all 8 orientations. */
	private final boolean leftRightOnly;

	private final long seed;

	/** Multiplicative (speckle) noise: up to this standard deviation per patch ({@link #speckle(double)}; 0: none). */
	private double speckle;

	/** {@link #cumulativeArea( List )} of the planes. */
	private final double[] cumulativeArea;

	/**
	 * @param foregroundFraction share of patches centred on a foreground pixel (a random class present in the plane)
	 * @param intensity          random gain in [1 - a, 1 + a] and offset in [-a, a] of the normalised input (0: none)
	 */
	public SegmentPatches( final List< Plane > planes, final int patch, final int channels, final int targetChannels,
			final int count, final double foregroundFraction,
			final double intensity, final long seed )
	{
		this( planes, patch, 0, channels, targetChannels, count, foregroundFraction, intensity, seed, false, false );
	}

	/**
	 * As above, with {@code leftRightOnly}: the patches are flipped left-right at random but never up-down, transposed or
	 * rotated ({@link PatchOrientations}); the random draws are the same, so the other augmentations do not change.
	 */
	public SegmentPatches( final List< Plane > planes, final int patch, final int channels, final int targetChannels,
			final int count, final double foregroundFraction,
			final double intensity, final long seed, final boolean leftRightOnly )
	{
		this( planes, patch, 0, channels, targetChannels, count, foregroundFraction, intensity, seed, false,
				leftRightOnly );
	}

	/**
	 * Patches of {@code depth x patch x patch} from volumes (a 3D network); depth 0: 2D patches; {@code leftRightOnly} as
	 * above (3D: z flips stay).
	 */
	public SegmentPatches( final List< Plane > planes, final int patch, final int depth, final int channels,
			final int targetChannels, final int count, final double foregroundFraction, final double intensity,
			final long seed, final boolean leftRightOnly )
	{
		this( planes, patch, depth, channels, targetChannels, count, foregroundFraction, intensity, seed, false,
				leftRightOnly );
	}

	private SegmentPatches( final List< Plane > planes, final int patch, final int depth, final int channels,
			final int targetChannels, final int count, final double foregroundFraction,
			final double intensity, final long seed, final boolean validation, final boolean leftRightOnly )
	{
		if ( planes.isEmpty() )
			throw new IllegalArgumentException( "No planes to draw patches from" );
		for ( final Plane p : planes )
			if ( p.w < patch || p.h < patch )
				throw new IllegalArgumentException( "A plane of " + p.w + " x " + p.h + " pixels is smaller than the "
						+ patch + " x " + patch + " patch" );
			else if ( p.d < Math.max( depth, 1 ) )
				throw new IllegalArgumentException(
						"A stack of " + p.d + " z-slices is thinner than the 3D patch depth " + depth );
		this.planes = planes;
		this.patch = patch;
		this.depth = depth;
		this.channels = channels;
		this.targetChannels = targetChannels;
		this.count = count;
		this.foregroundFraction = foregroundFraction;
		this.intensity = intensity;
		this.seed = seed;
		this.validation = validation;
		this.leftRightOnly = leftRightOnly;
		cumulativeArea = cumulativeArea( planes );
	}

	/** Running sums of the planes' pixel counts, or null when all planes have the same size. */
	static double[] cumulativeArea( final List< Plane > planes )
	{
		boolean sameSize = true;
		for ( final Plane p : planes )
			sameSize &= p.w == planes.get( 0 ).w && p.h == planes.get( 0 ).h && p.d == planes.get( 0 ).d;
		if ( sameSize )
			return null;
		final double[] cumulative = new double[ planes.size() ];
		double sum = 0;
		for ( int i = 0; i < planes.size(); i++ )
			cumulative[ i ] = sum += ( double ) planes.get( i ).w * planes.get( i ).h * planes.get( i ).d;
		return cumulative;
	}

	/**
	 * Adds multiplicative (speckle) noise to the training patches: each input value times {@code 1 + sigma * n}, n
	 * standard normal per pixel and channel, sigma uniform in [0, a] per patch (before the gain and offset); 0: none
	 * (the random draws then stay as without it). Returns this.
	 */
	public SegmentPatches speckle( final double a )
	{
		if ( !( a >= 0 && a < 1 ) )
			throw new IllegalArgumentException( "speckle must be in [0, 1) (0: none, e.g. 0.2), got " + a );
		speckle = a;
		return this;
	}

	/** Validation patches from these planes: drawn like the training patches, at positions fixed by their index, without augmentation. */
	public SegmentPatches validation( final List< Plane > validationPlanes, final int validationCount )
	{
		return new SegmentPatches( validationPlanes, patch, depth, channels, targetChannels, validationCount,
				foregroundFraction, 0, seed ^ 0x5DEECE66DL, true, leftRightOnly );
	}

	@Override
	public int size()
	{
		return count;
	}

	@Override
	public int[] inputShape()
	{
		return depth > 0 ? new int[] { depth, patch, patch, channels } : new int[] { patch, patch, channels };
	}

	@Override
	public int targetChannels()
	{
		return targetChannels;
	}

	@Override
	public boolean hasTargets()
	{
		return true;
	}

	@Override
	public boolean hasWeights()
	{
		return false;
	}

	@Override
	public boolean fixedSamples()
	{
		return validation;
	}

	@Override
	public void fill( final int[] indices, final int from, final int n, final float[] input, final float[] target,
			final float[] weight, final Random random )
	{
		final int pd = Math.max( depth, 1 ), pi = pd * patch * patch * channels,
				pt = pd * patch * patch * targetChannels;
		for ( int s = 0; s < n; s++ )
		{
			final Random rnd = validation ? new Random( seed * 1_000_003L + indices[ from + s ] ) : random;
			final Plane p = pick( rnd );
			int x0 = rnd.nextInt( p.w - patch + 1 ), y0 = rnd.nextInt( p.h - patch + 1 );
			int z0 = depth > 0 ? rnd.nextInt( p.d - pd + 1 ) : 0;
			if ( rnd.nextDouble() < foregroundFraction )
			{
				final int[] present = presentClasses( p );
				if ( present.length > 0 )
				{
					final int[] px = p.classPixels[ present[ rnd.nextInt( present.length ) ] ];
					final int k = px[ rnd.nextInt( px.length ) ], i = k % ( p.w * p.h );
					x0 = clamp( i % p.w - patch / 2 + rnd.nextInt( patch / 2 + 1 ) - patch / 4, p.w - patch );
					y0 = clamp( i / p.w - patch / 2 + rnd.nextInt( patch / 2 + 1 ) - patch / 4, p.h - patch );
					if ( depth > 0 )
						z0 = clamp( k / ( p.w * p.h ) - pd / 2 + rnd.nextInt( pd / 2 + 1 ) - pd / 4, p.d - pd );
				}
			}
			// orientation bits below: left-right only keeps 1 (flip x) and, in 3D, 8 (flip z)
			final int orientation = validation ? 0
					: rnd.nextInt( depth > 0 ? 16 : 8 ) & ( leftRightOnly ? 9 : 15 );
			final float gain = validation || intensity == 0 ? 1
					: ( float ) ( 1 + intensity * ( 2 * rnd.nextDouble() - 1 ) );
			final float offset = validation || intensity == 0 ? 0
					: ( float ) ( intensity * ( 2 * rnd.nextDouble() - 1 ) );
			final double sigma = validation || speckle == 0 ? 0 : speckle * rnd.nextDouble();
			final Random noise = sigma == 0 ? null : new Random( rnd.nextLong() );
			for ( int z = 0; z < pd; z++ )
				for ( int y = 0; y < patch; y++ )
					for ( int x = 0; x < patch; x++ )
					{
						// orientation bits: 1 flip x, 2 flip y, 4 transpose, 8 flip z
						int sx = ( orientation & 4 ) != 0 ? y : x, sy = ( orientation & 4 ) != 0 ? x : y;
						if ( ( orientation & 1 ) != 0 )
							sx = patch - 1 - sx;
						if ( ( orientation & 2 ) != 0 )
							sy = patch - 1 - sy;
						final int sz = ( orientation & 8 ) != 0 ? pd - 1 - z : z;
						final int src = ( ( z0 + sz ) * p.h + y0 + sy ) * p.w + x0 + sx,
								dst = ( z * patch + y ) * patch + x;
						for ( int c = 0; c < channels; c++ )
							input[ s * pi + dst * channels + c ] = p.input[ src * channels + c ]
									* ( noise == null ? 1 : ( float ) ( 1 + sigma * noise.nextGaussian() ) ) * gain
									+ offset;
						if ( target != null )
							for ( int c = 0; c < targetChannels; c++ )
								target[ s * pt + dst * targetChannels + c ] = p.target[ src * targetChannels + c ];
					}
		}
	}

	/** A random plane: each equally likely when all have the same size, else in proportion to its pixels (images of different sizes). */
	private Plane pick( final Random rnd )
	{
		return planes.get( pickIndex( cumulativeArea, planes.size(), rnd ) );
	}

	/** The index {@link #pick} draws from {@code rnd}, given {@link #cumulativeArea} of {@code n} planes (public for replays). */
	public static int pickIndex( final double[] cumulativeArea, final int n, final Random rnd )
	{
		if ( cumulativeArea == null )
			return rnd.nextInt( n );
		final double u = rnd.nextDouble() * cumulativeArea[ cumulativeArea.length - 1 ];
		int i = 0;
		while ( i < cumulativeArea.length - 1 && u >= cumulativeArea[ i ] )
			i++;
		return i;
	}

	/** Foreground classes (1..) with pixels in the plane. */
	private static int[] presentClasses( final Plane p )
	{
		int n = 0;
		for ( int k = 1; k < p.classPixels.length; k++ )
			if ( p.classPixels[ k ].length > 0 )
				n++;
		final int[] out = new int[ n ];
		for ( int k = 1, j = 0; k < p.classPixels.length; k++ )
			if ( p.classPixels[ k ].length > 0 )
				out[ j++ ] = k;
		return out;
	}

	private static int clamp( final int v, final int max )
	{
		return Math.max( 0, Math.min( max, v ) );
	}
}
