package fiji.plugin.autoencoder.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import fiji.plugin.autoencoder.convert.ImageAxes;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.TensorReader;

/**
 * Random training patches drawn from one or many (large) images, streamed: each batch reads just its patches through
 * {@link TensorReader}, so a data set never sits in memory as tensors. Each image's rows are split into a training
 * part and a held-out strip at the bottom for validation ({@link #validation()}), or, with {@link #validationBlocks},
 * patch-sized blocks held out at random from everywhere ({@link HeldOutBlocks}); validation patches never overlap
 * training patches.
 * <p> Per patch: read input (and a paired target, e.g. a clean acquisition or a mask), apply a random flip/rotation (8
 * for square patches, identical for input and target), optionally a raw-unit transform (e.g. synthetic noise on the
 * clean patch, which then becomes the target), normalise, then an optional transform on the normalised batch (e.g.
 * blind-spot masking with loss weights).
 * <p> Volumes (3D models): with a patch depth above 0 the samples are {@code D x H x W x C} boxes from the z-stacks
 * (each time point on its own), augmented by mirroring x, y and z and, for square patches, swapping x and y (16
 * symmetries). Stacks thinner than the patch depth are refused. The transforms then see each patch as {@code (D * H) x
 * W} rows.
 *
 * <pre>{@code
 * PatchSampler s = new PatchSampler( 64, 64, 2000, 0.1, 42 )
 *     .add( ImageTensors.reader( noisy ), ImageTensors.reader( clean ), norm, norm );
 * trainer.train( model, s, s.validation(), config, history, listener );
 * PatchSampler v = new PatchSampler( 16, 32, 32, 500, 0.1, 42 ).add( ImageTensors.reader( stack ), null, norm, norm ); // 3D
 * }</pre>
 */
public final class PatchSampler implements TrainingData
{
	/** Changes a batch in place: {@code n} patches of {@code h x w x c} values (targets may have other channels). */
	public interface PatchTransform
	{
		void apply( float[] input, float[] target, float[] weight, int n, int h, int w, int c, Random random );

		/** True when it writes per-element loss weights. */
		default boolean writesWeights()
		{
			return false;
		}
	}

	private final int patchDepth, patchHeight, patchWidth, count;

	private final double validationFraction;

	private final long seed;

	private final List< PatchSource > sources = new ArrayList<>();

	private boolean augment = true, blocks;

	private PatchTransform rawTransform, normalizedTransform;

	private final boolean validation;

	private final PatchSampler parent;

	/**
	 * @param patchesPerEpoch    training patches per epoch (validation gets {@code max(1, fraction * patchesPerEpoch)})
	 * @param validationFraction rows at the bottom of each image held out for validation (0: none)
	 */
	public PatchSampler( final int patchHeight, final int patchWidth, final int patchesPerEpoch,
			final double validationFraction, final long seed )
	{
		this( 0, patchHeight, patchWidth, patchesPerEpoch, validationFraction, seed );
	}

	/**
	 * A sampler of {@code patchDepth x patchHeight x patchWidth} volume patches
	 * for 3D models, or of 2D patches when {@code patchDepth} is 0.
	 */
	public PatchSampler( final int patchDepth, final int patchHeight, final int patchWidth, final int patchesPerEpoch,
			final double validationFraction, final long seed )
	{
		if ( patchDepth < 0 )
			throw new IllegalArgumentException(
					"The patch depth must be 0 (2D patches) or positive (3D patches), got " + patchDepth );
		if ( patchHeight <= 0 || patchWidth <= 0 || patchesPerEpoch <= 0 )
			throw new IllegalArgumentException( "Patch size and patches per epoch must be positive, got " + patchHeight
					+ " x " + patchWidth + ", " + patchesPerEpoch );
		this.patchDepth = patchDepth;
		if ( !( validationFraction >= 0 && validationFraction < 1 ) )
			throw new IllegalArgumentException(
					"The validation fraction must be in [0, 1), got " + validationFraction );
		this.patchHeight = patchHeight;
		this.patchWidth = patchWidth;
		this.count = patchesPerEpoch;
		this.validationFraction = validationFraction;
		this.seed = seed;
		this.validation = false;
		this.parent = null;
	}

	private PatchSampler( final PatchSampler parent, final int count )
	{
		this.patchDepth = parent.patchDepth;
		this.patchHeight = parent.patchHeight;
		this.patchWidth = parent.patchWidth;
		this.count = count;
		this.validationFraction = parent.validationFraction;
		this.seed = parent.seed;
		this.validation = true;
		this.parent = parent;
	}

	/**
	 * Adds an image (all its z-slices and time points are drawn from).
	 *
	 * @param target     paired target image of the same size, or null (the input is the target)
	 * @param inputNorm  fitted normalisation of the input
	 * @param targetNorm fitted normalisation of the target, or null to keep target values as they are (e.g. masks)
	 */
	public PatchSampler add( final TensorReader input, final TensorReader target, final Normalization inputNorm,
			final Normalization targetNorm )
	{
		if ( parent != null )
			throw new IllegalStateException( "Add images to the training sampler, not to its validation view" );
		final long[] d = input.dimensions();
		if ( target != null )
		{
			final long[] t = target.dimensions();
			if ( t[ ImageAxes.X ] != d[ ImageAxes.X ] || t[ ImageAxes.Y ] != d[ ImageAxes.Y ]
					|| t[ ImageAxes.Z ] * t[ ImageAxes.T ] != d[ ImageAxes.Z ] * d[ ImageAxes.T ] )
				throw new IllegalArgumentException( "The target image is " + t[ ImageAxes.X ] + " x " + t[ ImageAxes.Y ]
						+ " (" + t[ ImageAxes.Z ] * t[ ImageAxes.T ]
						+ " planes) but its input is " + d[ ImageAxes.X ] + " x " + d[ ImageAxes.Y ] + " ("
						+ d[ ImageAxes.Z ] * d[ ImageAxes.T ] + " planes): pair images of the same size" );
			if ( patchDepth > 0 && t[ ImageAxes.Z ] != d[ ImageAxes.Z ] )
				throw new IllegalArgumentException( "The target stack has " + t[ ImageAxes.Z ]
						+ " z-slices but its input has " + d[ ImageAxes.Z ] + ": pair stacks of the same size" );
			if ( !sources.isEmpty() && sources.get( 0 ).target != null
					&& target.channels() != sources.get( 0 ).target.channels() )
				throw new IllegalArgumentException( "All targets must have the same number of channels" );
		}
		if ( !sources.isEmpty() && input.channels() != sources.get( 0 ).input.channels() )
			throw new IllegalArgumentException( "All training images must have the same number of channels: got "
					+ input.channels() + " and " + sources.get( 0 ).input.channels() );
		if ( !sources.isEmpty() && ( target == null ) != ( sources.get( 0 ).target == null ) )
			throw new IllegalArgumentException( "Give a target for every training image or for none" );
		if ( patchDepth > 0 && d[ ImageAxes.Z ] < patchDepth )
			throw new IllegalArgumentException( "The stack has " + d[ ImageAxes.Z ] + " z-slice(s), fewer than the "
					+ patchDepth + "-slice training patches of the 3D model: "
					+ ( d[ ImageAxes.Z ] == 1 && d[ ImageAxes.T ] > 1 ? "its " + d[ ImageAxes.T ]
							+ " planes are time points (if they are z-slices, swap them in Image > Properties); " : "" )
					+ "give a z-stack with at least " + patchDepth + " slices, use a patch depth of at most "
					+ d[ ImageAxes.Z ]
					+ " (a multiple of the model's size multiple), or train a 2D model (depth 0)" );
		if ( d[ ImageAxes.X ] < patchWidth || d[ ImageAxes.Y ] < patchHeight )
			throw new IllegalArgumentException( "The image is " + d[ ImageAxes.X ] + " x " + d[ ImageAxes.Y ]
					+ ", smaller than the " + patchWidth + " x " + patchHeight
					+ " training patches: use a patch size of at most " + Math.min( d[ ImageAxes.X ], d[ ImageAxes.Y ] )
					+ " (a multiple of the model's size multiple)" );
		if ( blocks && validationFraction > 0 )
		{
			final PatchSource s = new PatchSource( input, target, inputNorm, targetNorm, d[ ImageAxes.Y ] );
			s.blocks = HeldOutBlocks.of( d[ ImageAxes.X ], d[ ImageAxes.Y ], patchWidth, patchHeight,
					validationFraction, seed * 31 + sources.size() );
			sources.add( s );
			return this;
		}
		long valRows = validationFraction == 0 ? 0
				: Math.max( patchHeight, Math.round( d[ ImageAxes.Y ] * validationFraction ) );
		if ( valRows > 0 && d[ ImageAxes.Y ] - valRows < patchHeight )
			throw new IllegalArgumentException( "The image is " + d[ ImageAxes.Y ] + " rows high: too small for both a "
					+ patchHeight + "-row training patch and a held-out validation strip. "
					+ "Use a smaller patch, a validation fraction of 0 with separate validation images, or a larger image" );
		sources.add( new PatchSource( input, target, inputNorm, targetNorm, d[ ImageAxes.Y ] - valRows ) );
		return this;
	}

	/**
	 * Hold out a seeded random {@code validationFraction} of patch-sized blocks from everywhere in each image instead
	 * of a strip at the bottom (default off); set before adding images.
	 */
	public PatchSampler validationBlocks( final boolean on )
	{
		if ( !sources.isEmpty() )
			throw new IllegalStateException( "Choose the validation layout before adding images" );
		blocks = on;
		return this;
	}

	/** Random flips and rotations (default on). */
	public PatchSampler augment( final boolean on )
	{
		augment = on;
		return this;
	}

	/** A transform in raw image units applied after the patch is read (the untransformed patch becomes the target). */
	public PatchSampler rawTransform( final PatchTransform t )
	{
		rawTransform = t;
		return this;
	}

	/** A transform of the normalised batch (e.g. blind-spot masking). */
	public PatchSampler normalizedTransform( final PatchTransform t )
	{
		normalizedTransform = t;
		return this;
	}

	/** The held-out patches: fixed positions (the same every epoch), from the bottom strips or the held-out blocks. */
	public TrainingData validation()
	{
		if ( validationFraction == 0 )
			return null;
		return new PatchSampler( this, Math.max( 1, ( int ) Math.round( count * validationFraction ) ) );
	}

	/**
	 * All of this sampler's images as validation data: {@code count} patches at fixed positions from anywhere in them,
	 * without augmentation (separate validation images; build this sampler with a validation fraction of 0).
	 */
	public TrainingData asValidation( final int count )
	{
		if ( validationFraction != 0 || blocks )
			throw new IllegalStateException(
					"A sampler of separate validation images holds nothing out: build it with a validation fraction of 0" );
		return new PatchSampler( this, Math.max( 1, count ) );
	}

	private PatchSampler root()
	{
		return parent == null ? this : parent;
	}

	private List< PatchSource > sources()
	{
		final List< PatchSource > s = root().sources;
		if ( s.isEmpty() )
			throw new IllegalArgumentException( "The training set is empty: add at least one image" );
		return Collections.unmodifiableList( s );
	}

	@Override
	public int size()
	{
		return count;
	}

	@Override
	public int[] inputShape()
	{
		final int c = sources().get( 0 ).input.channels();
		return patchDepth > 0 ? new int[] { patchDepth, patchHeight, patchWidth, c }
				: new int[] { patchHeight, patchWidth, c };
	}

	/** How many training patches were drawn from each image so far, in the order they were added (images are picked in proportion to their pixels). */
	public long[] drawnPerImage()
	{
		final List< PatchSource > src = root().sources;
		final long[] n = new long[ src.size() ];
		for ( int i = 0; i < n.length; i++ )
			n[ i ] = src.get( i ).drawn.get();
		return n;
	}

	@Override
	public int targetChannels()
	{
		final PatchSource s = sources().get( 0 );
		return s.target == null ? s.input.channels() : s.target.channels();
	}

	@Override
	public boolean hasTargets()
	{
		return sources().get( 0 ).target != null || root().rawTransform != null || root().normalizedTransform != null;
	}

	@Override
	public boolean hasWeights()
	{
		return root().normalizedTransform != null && root().normalizedTransform.writesWeights();
	}

	@Override
	public void fill( final int[] indices, final int from, final int n, final float[] input, final float[] target,
			final float[] weight, final Random random )
	{
		final List< PatchSource > src = sources();
		final PatchSampler r = root();
		final int c = src.get( 0 ).input.channels();
		final int tc = targetChannels();
		final int pd = Math.max( patchDepth, 1 );
		final int inSize = pd * patchHeight * patchWidth * c, outSize = pd * patchHeight * patchWidth * tc;
		final float[] tmpIn = new float[ inSize ], tmpOut = new float[ outSize ];
		final float[] targetBuf = target != null ? target : new float[ n * outSize ];
		final PatchSource[] batchSources = new PatchSource[ n ];
		for ( int i = 0; i < n; i++ )
		{
			// validation patches are a function of their index: the same every epoch
			final Random rnd = validation ? new Random( seed * 1_000_003L + indices[ from + i ] ) : random;
			final PatchSource s = pick( src, rnd );
			batchSources[ i ] = s;
			if ( !validation )
				s.drawn.incrementAndGet();
			if ( patchDepth > 0 )
			{
				final long[] dims = s.input.dimensions();
				final long t = HeldOutBlocks.nextLong( rnd, dims[ ImageAxes.T ] );
				final long z0 = HeldOutBlocks.nextLong( rnd, dims[ ImageAxes.Z ] - patchDepth + 1 );
				final long[] xy = origin( s, rnd, indices[ from + i ] );
				final long y0 = xy[ 1 ], x0 = xy[ 0 ];
				final int flip = augment && !validation ? rnd.nextInt( patchHeight == patchWidth ? 16 : 8 ) : 0;
				s.input.read3D( x0, y0, z0, patchWidth, patchHeight, patchDepth, t, tmpIn, 0 );
				transform3D( tmpIn, input, i * inSize, c, flip );
				if ( s.target != null )
				{
					s.target.read3D( x0, y0, z0, patchWidth, patchHeight, patchDepth, t, tmpOut, 0 );
					transform3D( tmpOut, targetBuf, i * outSize, tc, flip );
				}
				else if ( tc == c )
					System.arraycopy( input, i * inSize, targetBuf, i * outSize, inSize );
				continue;
			}
			final long plane = rnd.nextInt( ( int ) Math.min( Integer.MAX_VALUE, s.planes ) );
			final long z = plane % s.input.dimensions()[ ImageAxes.Z ], t = plane / s.input.dimensions()[ ImageAxes.Z ];
			final long[] xy = origin( s, rnd, indices[ from + i ] );
			final long y0 = xy[ 1 ], x0 = xy[ 0 ];
			final int flip = augment && !validation ? rnd.nextInt( patchHeight == patchWidth ? 8 : 4 ) : 0;
			s.input.read2D( x0, y0, patchWidth, patchHeight, z, t, tmpIn, 0 );
			PatchSymmetries.transform( tmpIn, input, i * inSize, patchHeight, patchWidth, c, flip );
			if ( s.target != null )
			{
				s.target.read2D( x0, y0, patchWidth, patchHeight, z, t, tmpOut, 0 );
				PatchSymmetries.transform( tmpOut, targetBuf, i * outSize, patchHeight, patchWidth, tc, flip );
			}
			else if ( tc == c )
				System.arraycopy( input, i * inSize, targetBuf, i * outSize, inSize );
		}
		if ( r.rawTransform != null )
			r.rawTransform.apply( input, targetBuf, weight, n, pd * patchHeight, patchWidth, c,
					validation ? new Random( seed ^ indices[ from ] ) : random );
		for ( int i = 0; i < n; i++ )
		{
			final PatchSource si = batchSources[ i ];
			if ( si.inputNorm != null )
				si.inputNorm.apply( input, i * inSize, inSize, c );
			if ( si.targetNorm != null )
				si.targetNorm.apply( targetBuf, i * outSize, outSize, tc );
		}
		if ( r.normalizedTransform != null )
			r.normalizedTransform.apply( input, targetBuf, weight, n, pd * patchHeight, patchWidth, c,
					validation ? new Random( seed ^ ( 31L * indices[ from ] ) ) : random );
	}

	/** {x0, y0} of a patch: in the training rows or the held-out strip, or off / on the held-out blocks (validation index i: block i mod count). */
	private long[] origin( final PatchSource s, final Random rnd, final int index )
	{
		if ( s.blocks != null )
		{
			if ( !validation )
				return s.blocks.trainingOrigin( rnd );
			final int b = Math.floorMod( index, s.blocks.count() );
			return new long[] { s.blocks.x( b ), s.blocks.y( b ) };
		}
		final long y0 = validation && s.trainRows < s.height
				? s.trainRows + HeldOutBlocks.nextLong( rnd, s.height - s.trainRows - patchHeight + 1 )
				: HeldOutBlocks.nextLong( rnd, s.trainRows - patchHeight + 1 );
		return new long[] { HeldOutBlocks.nextLong( rnd, s.width - patchWidth + 1 ), y0 };
	}

	private PatchSource pick( final List< PatchSource > src, final Random rnd )
	{
		double total = 0; // area-weighted choice
		for ( final PatchSource s : src )
			total += ( double ) s.width * s.height * s.planes;
		double u = src.size() == 1 ? 0 : rnd.nextDouble() * total;
		for ( final PatchSource s : src )
			if ( ( u -= ( double ) s.width * s.height * s.planes ) < 0 )
				return s;
		return src.get( src.size() - 1 );
	}

	/** {@link PatchSymmetries#transform3D} for this sampler's patch size. */
	void transform3D( final float[] src, final float[] dst, final int off, final int c, final int flip )
	{
		PatchSymmetries.transform3D( src, dst, off, patchDepth, patchHeight, patchWidth, c, flip );
	}
}
