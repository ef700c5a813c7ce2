package fiji.plugin.autoencoder.tiling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;
import net.imglib2.Interval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.img.Img;
import net.imglib2.parallel.Parallelization;
import net.imglib2.parallel.TaskExecutor;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Util;
import net.imglib2.view.Views;

/**
 * Runs an {@link ImagePredictor} over an image of any size, tile by tile, with bounded memory, several tiles per
 * network call, several threads, progress and cancel.
 *
 * <h2>Axes</h2> Input: X, Y[, Z] (as many spatial axes as {@link ImagePredictor#spatialDims()}), then optionally C.
 * Without a C axis the image is one channel (the model must take 1 input channel). With it, its size must equal {@link
 * ImagePredictor#inputChannels()}. Output: the same spatial size, then C with {@link ImagePredictor#outputChannels()}
 * entries (optional if that is 1). Images may have any min; the output pixel at offset {@code p} from its min is the
 * prediction for the input pixel at offset {@code p} from the input's min. For extra axes (time, Z under a 2D model)
 * use {@link #predictPlanes}. Network buffers are channels last with reversed spatial axes: the network sees {@code
 * {H, W} = {Y, X}} (2D) or {@code {D, H, W} = {Z, Y, X}} (3D).
 *
 * <h2>What the result is (reference semantics)</h2> For a fully convolutional model the result is defined as ONE
 * network run on the whole image, mirror-extended (the values of {@link Views#extendMirrorSingle}, i.e. reflection
 * without repeating the edge pixel; constant along a 1-pixel axis) by {@code halo} on each side and further at the
 * high end up to a multiple of {@code sizeMultiple} (window {@link TileGrid#untiledSize}, starting at {@code -halo}),
 * cropped back to the image. The tiled result equals it up to float round-off for every tile size the model accepts,
 * because each tile is the same kind of window (origin on the same {@code sizeMultiple}-grid, a halo at least the
 * receptive field) read from the same extended image. Images smaller than the model minimum are therefore fine: they
 * are padded by mirroring, never refused. For models with a {@link ImagePredictor#fixedSpatialShape() fixed input
 * shape} (dense layers) there is no untiled run; the image is cut into windows of exactly that shape (core = shape - 2
 * * halo, edge windows mirror-padded to the full shape), so the result is patch-wise.
 *
 * <h2>Normalisation</h2> Per channel, the network sees {@code (v - offset[c]) * scale[c]} and the output gets {@code v
 * / scale[c] + offset[c]}, in float arithmetic. Identity by default. Integer output types are clamped to their range.
 *
 * <h2>Memory and threads</h2> Each worker thread owns one input and one output batch buffer ({@code batchSize}
 * windows, channels last) and a one-channel window. Without an explicit tile size the grid is the one of least
 * modelled time (pixels of all windows, halos included, plus a fixed cost per run; {@code TileSizing}) whose largest
 * window's buffers and network activations, for all threads, fit {@link TiledPredictorBuilder#memoryBudget}; cores are
 * balanced along each axis and tiles need not be square. The network's own memory enters through {@link
 * ImagePredictor#activationBytesPerPixel()}. Workers run on the current ImgLib2 {@link Parallelization} executor (so
 * {@code Parallelization.runSingleThreaded( ... )} makes the call sequential). The output must accept concurrent
 * writes to different pixels (every ImgLib2 image with at least one byte per pixel does; for bit types use one
 * thread).
 *
 * <h2>Cancel</h2> {@link Progress#isCancelled()} is checked before each batch and again before its result is written;
 * once cancelled, nothing more is written and a {@link CancellationException} is thrown after the running batches have
 * stopped. Tiles written before stay written.
 *
 * <pre>{@code
 * TiledPredictor tiler = TiledPredictor.builder( predictor )
 * 		.tileSize( 256, 256 ) // network input per tile, X and Y; omit for automatic
 * 		.batchSize( 4 )
 * 		.normalization( new float[] { mean }, new float[] { 1 / std } )
 * 		.build();
 * tiler.predict( image, outputImage, Progress.console( "predict" ) );
 * }</pre>
 * Immutable and thread-safe; each call has its own buffers.
 */
public final class TiledPredictor
{
	/** Default budget for the in + out float batch buffers and the network's activations ({@link ImagePredictor#activationBytesPerPixel()}), all threads. */
	public static final long DEFAULT_MEMORY_BUDGET = 64L << 20;

	/** Default number of tiles per network call. */
	public static final int DEFAULT_BATCH_SIZE = 4;

	private final ImagePredictor predictor;

	final int[] tileSize;

	private final int batchSize;

	final int threads;

	final long memoryBudget;

	final float[] inOffset, inScale, outOffset, outScale;

	private final PrimitiveBlocks.OnFallback onFallback;

	TiledPredictor( final TiledPredictorBuilder b )
	{
		predictor = b.predictor;
		tileSize = b.tileSize;
		batchSize = b.batchSize;
		threads = b.threads;
		memoryBudget = b.memoryBudget;
		inOffset = b.inOffset != null ? b.inOffset : filled( predictor.inputChannels(), 0 );
		inScale = b.inScale != null ? b.inScale : filled( predictor.inputChannels(), 1 );
		outOffset = b.outOffset != null ? b.outOffset : filled( predictor.outputChannels(), 0 );
		outScale = b.outScale != null ? b.outScale : filled( predictor.outputChannels(), 1 );
		onFallback = b.onFallback;
	}

	/** Starts configuring a tiled predictor for {@code predictor}. */
	public static TiledPredictorBuilder builder( final ImagePredictor predictor )
	{
		return new TiledPredictorBuilder( predictor );
	}

	/** The network this tiler runs. */
	public ImagePredictor predictor()
	{
		return predictor;
	}

	/** Tiles per network call. */
	public int batchSize()
	{
		return batchSize;
	}

	/**
	 * The grid {@link #predict} uses for an image of this spatial size (X, Y[, Z]):
	 * the configured tile size, or one derived from the memory budget.
	 */
	public TileGrid grid( final long[] imageSize )
	{
		return grid( imageSize, workerCount() );
	}

	private TileGrid grid( final long[] imageSize, final int workers )
	{
		if ( imageSize.length != predictor.spatialDims() )
			throw new IllegalArgumentException( "The image has " + imageSize.length + " spatial axes but the model is "
					+ predictor.spatialDims()
					+ "D; give " + predictor.spatialDims() + " spatial axes (use predictPlanes for extra axes)." );
		final TileGrid grid;
		if ( tileSize != null || TileGrid.fixedTileSize( predictor ) != null )
			grid = TileGrid.forPredictor( predictor, imageSize, tileSize );
		else
			grid = TileGrid.forPredictor( predictor, imageSize,
					TileSizing.fromBudget( predictor, imageSize, workers, batchSize, memoryBudget ) );
		final long windowFloats = product( grid.tileSize() ) * ( long ) batchSize
				* Math.max( predictor.inputChannels(), predictor.outputChannels() );
		if ( windowFloats > Integer.MAX_VALUE - 8 )
			throw new IllegalArgumentException(
					"A batch of " + batchSize + " tiles of " + Arrays.toString( grid.tileSize() )
							+ " does not fit in a Java array; use a smaller tile size or batch size." );
		return grid;
	}

	// -- prediction --

	/**
	 * Predicts {@code input} into the caller's {@code output}.
	 *
	 * @param input
	 *            X, Y[, Z][, C] (see class description)
	 * @param output
	 *            X, Y[, Z][, C(out)], same spatial size; written in place
	 * @param progress
	 *            receives (tiles done, total tiles); its cancel flag is checked
	 *            between batches
	 * @throws IllegalArgumentException
	 *             for axes, channel counts or tile sizes the model cannot take
	 * @throws CancellationException
	 *             if {@code progress} asked to stop; tiles written before stay
	 */
	public < T extends RealType< T >, U extends RealType< U > > void predict( final RandomAccessibleInterval< T > input,
			final RandomAccessibleInterval< U > output, final Progress progress )
	{
		final int d = predictor.spatialDims();
		final int inChannelAxis = channelAxis( input, predictor.inputChannels(), "input", "inputChannels" );
		final int outChannelAxis = channelAxis( output, predictor.outputChannels(), "output", "outputChannels" );
		for ( int a = 0; a < d; a++ )
			if ( input.dimension( a ) != output.dimension( a ) )
				throw new IllegalArgumentException( "The output is " + output.dimension( a ) + " pixels along "
						+ TileGrid.axisName( a ) + " but the input is "
						+ input.dimension( a ) + "; give an output with the same spatial size "
						+ Arrays.toString( spatialSize( input, d ) ) + "." );
		final int workersWanted = workerCount();
		final TileGrid grid = grid( spatialSize( input, d ), workersWanted );
		final List< long[] > batches = TileWorker.batches( grid, batchSize );
		final int workers = Math.max( 1, Math.min( workersWanted, batches.size() ) );

		final TileReader reader = new TileReader( input, d, inChannelAxis, inOffset, inScale, onFallback );
		final TileWriter< U > writer = new TileWriter<>( output, d, outChannelAxis, predictor.outputChannels(),
				outOffset, outScale );
		final Progress p = progress == null ? Progress.none() : progress;
		final TileWorker run = new TileWorker( predictor, grid, batches, reader, writer, p );
		p.report( 0, grid.numCells(), "tiles" );
		final List< Integer > ids = new ArrayList<>();
		for ( int i = 0; i < workers; i++ )
			ids.add( i );
		if ( workers == 1 )
			run.work();
		else
		{
			final TaskExecutor executor = Parallelization.getTaskExecutor();
			executor.forEach( ids, i -> run.work() );
		}
		final Throwable failure = run.failure.get();
		if ( failure instanceof RuntimeException )
			throw ( RuntimeException ) failure;
		if ( failure instanceof Error )
			throw ( Error ) failure;
		if ( run.cancelled.get() )
			throw new CancellationException(
					"Tiled prediction cancelled after " + run.done.get() + " of " + grid.numCells() + " tiles." );
	}

	/**
	 * Predicts into a new float image: an {@code ArrayImg} when it fits, else a
	 * {@code CellImg}, of size X, Y[, Z], C(out) (no C axis if the model has one
	 * output channel).
	 */
	public < T extends RealType< T > > Img< FloatType > predict( final RandomAccessibleInterval< T > input,
			final Progress progress )
	{
		final int d = predictor.spatialDims();
		channelAxis( input, predictor.inputChannels(), "input", "inputChannels" );
		final long[] size = predictor.outputChannels() == 1 ? spatialSize( input, d )
				: Arrays.copyOf( spatialSize( input, d ), d + 1 );
		if ( size.length > d )
			size[ d ] = predictor.outputChannels();
		final Img< FloatType > output = Util
				.getArrayOrCellImgFactory( new net.imglib2.FinalDimensions( size ), new FloatType() ).create( size );
		predict( input, output, progress );
		return output;
	}

	/**
	 * Runs {@link #predict} on every plane (2D model) or volume (3D model) of an
	 * image with extra axes, such as time, or Z under a 2D model.
	 * <p>
	 * The first {@code spatialDims()} axes of both images are the spatial axes
	 * X, Y[, Z]; {@code inputChannelAxis} / {@code outputChannelAxis} name the
	 * channel axes (or -1 for none); every other axis is an extra axis, iterated
	 * in order, and must have the same size in input and output (ImageJ's
	 * X, Y, C, Z, T under a 2D model: channel axis 2, extra axes Z and T).
	 * Progress counts tiles over all planes.
	 */
	public < T extends RealType< T >, U extends RealType< U > > void predictPlanes(
			final RandomAccessibleInterval< T > input, final int inputChannelAxis,
			final RandomAccessibleInterval< U > output, final int outputChannelAxis, final Progress progress )
	{
		final int d = predictor.spatialDims();
		final int[] inExtra = extraAxes( input, inputChannelAxis, d, "input" );
		final int[] outExtra = extraAxes( output, outputChannelAxis, d, "output" );
		if ( inExtra.length != outExtra.length )
			throw new IllegalArgumentException(
					"The input has " + inExtra.length + " extra axes but the output has " + outExtra.length
							+ "; give the output the same extra (time, Z, ...) axes as the input." );
		final long[] extraSize = new long[ inExtra.length ];
		long planes = 1;
		for ( int i = 0; i < inExtra.length; i++ )
		{
			extraSize[ i ] = input.dimension( inExtra[ i ] );
			if ( output.dimension( outExtra[ i ] ) != extraSize[ i ] )
				throw new IllegalArgumentException( "Extra axis " + inExtra[ i ] + " of the input has " + extraSize[ i ]
						+ " entries but output axis "
						+ outExtra[ i ] + " has " + output.dimension( outExtra[ i ] ) + "; give them the same size." );
			planes *= extraSize[ i ];
		}
		final Progress p = progress == null ? Progress.none() : progress;
		final long tilesPerPlane = grid( spatialSize( input, d ) ).numCells();
		final long total = planes * tilesPerPlane;
		final long[] pos = new long[ inExtra.length ];
		for ( long plane = 0; plane < planes; plane++ )
		{
			long rest = plane;
			for ( int i = 0; i < pos.length; i++ )
			{
				pos[ i ] = rest % extraSize[ i ];
				rest /= extraSize[ i ];
			}
			final long offset = plane * tilesPerPlane;
			final Progress planeProgress = new Progress()
			{
				@Override
				public void report( final long done, final long totalInPlane, final String message )
				{
					p.report( offset + done, total, message );
				}

				@Override
				public boolean isCancelled()
				{
					return p.isCancelled();
				}
			};
			predict( slice( input, inExtra, pos ), slice( output, outExtra, pos ), planeProgress );
		}
	}

	private static < T > RandomAccessibleInterval< T > slice( RandomAccessibleInterval< T > image,
			final int[] extraAxes, final long[] pos )
	{
		// highest axis first, so lower axis indices stay valid
		for ( int i = extraAxes.length - 1; i >= 0; i-- )
			image = Views.hyperSlice( image, extraAxes[ i ], image.min( extraAxes[ i ] ) + pos[ i ] );
		return image;
	}

	private static int[] extraAxes( final Interval image, final int channelAxis, final int spatialDims,
			final String what )
	{
		final int n = image.numDimensions();
		if ( n < spatialDims )
			throw new IllegalArgumentException( "The " + what + " has " + n + " axes but the model needs " + spatialDims
					+ " spatial axes first (X, Y[, Z])." );
		if ( channelAxis >= 0 && ( channelAxis < spatialDims || channelAxis >= n ) )
			throw new IllegalArgumentException(
					"The " + what + " channel axis " + channelAxis + " must come after the " + spatialDims
							+ " spatial axes and exist (the image has " + n + " axes); use -1 for no channel axis." );
		final int[] extra = new int[ n - spatialDims - ( channelAxis >= 0 ? 1 : 0 ) ];
		int i = 0;
		for ( int a = spatialDims; a < n; a++ )
			if ( a != channelAxis )
				extra[ i++ ] = a;
		return extra;
	}

	// -- validation --

	private int channelAxis( final Interval image, final int channels, final String what, final String method )
	{
		final int d = predictor.spatialDims();
		final int n = image.numDimensions();
		if ( n == d )
		{
			if ( channels != 1 )
				throw new IllegalArgumentException( "The " + what + " has no channel axis but the model "
						+ ( what.equals( "input" ) ? "takes " : "gives " ) + channels
						+ " channels; give X, Y" + ( d == 3 ? ", Z" : "" ) + ", C with C = " + channels + "." );
			return -1;
		}
		if ( n == d + 1 )
		{
			if ( image.dimension( d ) != channels )
				throw new IllegalArgumentException( "The " + what + " has " + image.dimension( d )
						+ " channels but the model " + ( what.equals( "input" ) ? "takes " : "gives " )
						+ channels + " (" + method + "); give the " + what + " " + channels
						+ " channels on its last axis." );
			return d;
		}
		throw new IllegalArgumentException(
				"The " + what + " has " + n + " axes but a " + d + "D model needs X, Y" + ( d == 3 ? ", Z" : "" )
						+ "[, C]; for time or other extra axes use predictPlanes." );
	}

	int workerCount()
	{
		return threads > 0 ? threads : Math.max( 1, Parallelization.getTaskExecutor().getParallelism() );
	}

	// -- small helpers --

	private static long[] spatialSize( final Interval image, final int d )
	{
		final long[] size = new long[ d ];
		for ( int a = 0; a < d; a++ )
			size[ a ] = image.dimension( a );
		return size;
	}

	static int[] reversed( final int[] a )
	{
		final int[] r = new int[ a.length ];
		for ( int i = 0; i < a.length; i++ )
			r[ i ] = a[ a.length - 1 - i ];
		return r;
	}

	private static long product( final int[] a )
	{
		long p = 1;
		for ( final int v : a )
			p *= v;
		return p;
	}

	private static float[] filled( final int n, final float value )
	{
		final float[] a = new float[ n ];
		Arrays.fill( a, value );
		return a;
	}

}
