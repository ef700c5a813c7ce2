package fiji.plugin.autoencoder.tiling;

import java.util.Arrays;

import fiji.plugin.autoencoder.model.ImagePredictor;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.parallel.Parallelization;

/**
 * Options for a {@link TiledPredictor} ({@link TiledPredictor#builder}); every
 * option has a default and is checked when it is set, so a bad value is
 * refused with the reason before any work.
 */
public final class TiledPredictorBuilder
{
	final ImagePredictor predictor;

	int[] tileSize;

	int batchSize = TiledPredictor.DEFAULT_BATCH_SIZE;

	int threads;

	long memoryBudget = TiledPredictor.DEFAULT_MEMORY_BUDGET;

	float[] inOffset, inScale, outOffset, outScale;

	PrimitiveBlocks.OnFallback onFallback = PrimitiveBlocks.OnFallback.ACCEPT;

	TiledPredictorBuilder( final ImagePredictor predictor )
	{
		if ( predictor == null )
			throw new IllegalArgumentException( "No predictor given; pass the model's ImagePredictor." );
		final int d = predictor.spatialDims();
		if ( d != 2 && d != 3 )
			throw new IllegalArgumentException(
					"The model has " + d + " spatial dimensions; only 2D and 3D models can be tiled." );
		if ( predictor.sizeMultiple() < 1 || predictor.halo() < 0 || predictor.halo() % predictor.sizeMultiple() != 0 )
			throw new IllegalArgumentException( "The model's halo " + predictor.halo()
					+ " is not a non-negative multiple of its sizeMultiple " + predictor.sizeMultiple()
					+ "; the model must round its halo up (ImagePredictor.halo())." );
		if ( predictor.inputChannels() < 1 || predictor.outputChannels() < 1 )
			throw new IllegalArgumentException(
					"The model has " + predictor.inputChannels() + " input and " + predictor.outputChannels()
							+ " output channels; both must be at least 1." );
		this.predictor = predictor;
	}

	/**
	 * Network input size per tile (core + 2 * halo), X, Y[, Z]: each a
	 * multiple of {@code sizeMultiple()} and at least
	 * {@code 2 * halo() + sizeMultiple()}; sizes beyond the image are
	 * reduced to it. Null (the default) derives it from the memory budget.
	 */
	public TiledPredictorBuilder tileSize( final int... tileSize )
	{
		if ( tileSize != null && tileSize.length != predictor.spatialDims() )
			throw new IllegalArgumentException( "Give " + predictor.spatialDims() + " tile sizes (X, Y"
					+ ( predictor.spatialDims() == 3 ? ", Z" : "" ) + "), not "
					+ tileSize.length + "." );
		this.tileSize = tileSize == null ? null : tileSize.clone();
		if ( tileSize != null )
			TileGrid.forPredictor( predictor, largeImage(), this.tileSize ); // validates now
		return this;
	}

	private long[] largeImage()
	{
		final long[] size = new long[ predictor.spatialDims() ];
		Arrays.fill( size, Integer.MAX_VALUE / 4 );
		return size;
	}

	/** Tiles per network call (default {@value TiledPredictor#DEFAULT_BATCH_SIZE}). */
	public TiledPredictorBuilder batchSize( final int batchSize )
	{
		if ( batchSize < 1 )
			throw new IllegalArgumentException( "Batch size " + batchSize + " is invalid; use 1 or more." );
		this.batchSize = batchSize;
		return this;
	}

	/**
	 * Worker threads, each with its own buffers (default: the parallelism of
	 * the current ImgLib2 {@link Parallelization} executor).
	 */
	public TiledPredictorBuilder threads( final int threads )
	{
		if ( threads < 1 )
			throw new IllegalArgumentException( "Thread count " + threads + " is invalid; use 1 or more." );
		this.threads = threads;
		return this;
	}

	/**
	 * Bytes for the float batch buffers (input + output) of all threads,
	 * used to choose the tile size when none is given (default
	 * {@value TiledPredictor#DEFAULT_MEMORY_BUDGET}).
	 */
	public TiledPredictorBuilder memoryBudget( final long bytes )
	{
		if ( bytes < 1 )
			throw new IllegalArgumentException(
					"Memory budget " + bytes + " is invalid; give a positive number of bytes." );
		this.memoryBudget = bytes;
		return this;
	}

	/** Input normalisation: the network sees {@code (v - offset[c]) * scale[c]}. */
	public TiledPredictorBuilder inputNormalization( final float[] offset, final float[] scale )
	{
		check( offset, scale, predictor.inputChannels(), "input" );
		inOffset = offset.clone();
		inScale = scale.clone();
		return this;
	}

	/** Output de-normalisation: the output gets {@code v / scale[c] + offset[c]}. */
	public TiledPredictorBuilder outputDenormalization( final float[] offset, final float[] scale )
	{
		check( offset, scale, predictor.outputChannels(), "output" );
		outOffset = offset.clone();
		outScale = scale.clone();
		return this;
	}

	/**
	 * The same offset and scale normalise the input and, inverted, the output
	 * (image-to-image models with as many output as input channels).
	 */
	public TiledPredictorBuilder normalization( final float[] offset, final float[] scale )
	{
		if ( predictor.inputChannels() != predictor.outputChannels() )
			throw new IllegalArgumentException(
					"The model has " + predictor.inputChannels() + " input but " + predictor.outputChannels()
							+ " output channels; use inputNormalization and outputDenormalization separately." );
		inputNormalization( offset, scale );
		return outputDenormalization( offset, scale );
	}

	// NB: package-private to allow testing that the fast copy path is used
	TiledPredictorBuilder onFallback( final PrimitiveBlocks.OnFallback onFallback )
	{
		this.onFallback = onFallback;
		return this;
	}

	private static void check( final float[] offset, final float[] scale, final int channels, final String what )
	{
		if ( offset == null || scale == null || offset.length != channels || scale.length != channels )
			throw new IllegalArgumentException( "The " + what + " normalisation needs one offset and one scale per "
					+ what + " channel (" + channels + ")." );
		for ( final float s : scale )
			if ( s == 0 || !Float.isFinite( s ) )
				throw new IllegalArgumentException( "The " + what + " normalisation scale " + s
						+ " is not a finite non-zero number; check the normalisation parameters." );
		for ( final float o : offset )
			if ( !Float.isFinite( o ) )
				throw new IllegalArgumentException( "The " + what + " normalisation offset " + o
						+ " is not finite; check the normalisation parameters." );
	}

	/** The tiler with these options. */
	public TiledPredictor build()
	{
		return new TiledPredictor( this );
	}
}
