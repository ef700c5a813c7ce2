package fiji.plugin.autoencoder.bigimage;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.StoredNormalization;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.io.OutputPaths;
import fiji.plugin.autoencoder.model.ImagePredictor;
import fiji.plugin.autoencoder.tiling.ChunkedPredictor;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import fiji.plugin.autoencoder.tiling.TileGrid;
import fiji.plugin.autoencoder.tiling.TiledPredictor;
import fiji.plugin.autoencoder.tiling.TiledPredictorBuilder;
import fiji.plugin.autoencoder.train.ChannelMode;
import fiji.plugin.autoencoder.zarr.Compressor;
import fiji.plugin.autoencoder.zarr.DataType;
import fiji.plugin.autoencoder.zarr.OmeZarr;

/**
 * Denoising of an OME-Zarr image out of core, split so that a driver and
 * independent workers (threads, array tasks, Spark executors) can share it:
 * {@link #prepare} (once, on the driver) checks the input against the model and
 * creates the output container and its metadata; {@link #run} (anywhere, any
 * subset of cells) opens its own reader and writer and writes whole chunks,
 * skipping those already written. The settings are plain values, so the job is
 * {@link Serializable}; the model is passed in, since a TensorFlow model is not.
 * <p>
 * Normalisation: the values stored with the model at training (a denoiser's
 * stored normalisation; fitting on an image larger than memory is not done), so
 * every chunk is scaled alike. Output values equal the in-memory
 * {@link ModelFileRunner} with stored normalisation up to float round-off.
 *
 * <pre>{@code
 * ZarrJob job = new ZarrJob( "in.ome.zarr", "out.ome.zarr", OutputType.SAME_AS_INPUT, 0, 0, "zlib:1", 1 );
 * try ( ModelFile.Loaded m = ModelFile.load( model, 1 ) ) { job.prepare( m ); job.run( m, null, Progress.none() ); }
 * }</pre>
 */
public final class ZarrJob implements Serializable
{
	private static final long serialVersionUID = 1L;

	public final String input, output;

	public final OutputType outputType;

	/** Network input size per tile (0: chunk-aligned from the memory budget). */
	public final int tileSize;

	/** Output chunk size along X and Y (0: the input's). */
	public final int chunk;

	public final String compressor;

	/** Tiles predicted at once in one process. */
	public final int workers;

	public ZarrJob( final String input, final String output, final OutputType outputType, final int tileSize,
			final int chunk, final String compressor, final int workers )
	{
		this.input = input;
		this.output = output;
		this.outputType = outputType;
		this.tileSize = tileSize;
		this.chunk = chunk;
		this.compressor = compressor;
		this.workers = Math.max( 1, workers );
		Compressor.of( compressor ); // checked now
		if ( tileSize < 0 || chunk < 0 )
			throw new IllegalArgumentException( "tile size and chunk size must be 0 (automatic) or positive" );
	}

	/** Whether a path names an OME-Zarr image or a Zarr array (a folder with .zattrs or .zarray, or a name ending in .zarr). */
	public static boolean isZarr( final Path p )
	{
		return p.getFileName() != null && p.getFileName().toString().toLowerCase().endsWith( ".zarr" )
				|| Files.isRegularFile( p.resolve( ".zattrs" ) ) || Files.isRegularFile( p.resolve( ".zarray" ) );
	}

	/** The predictor checked for denoising (not a segmenter, not channelwise) and the normalisation it runs with. */
	private static Normalization checkedNormalization( final ModelFile.Loaded model )
	{
		if ( ChannelMode.imageChannels( model.extras() ) > 0 )
			throw new IllegalArgumentException(
					"The model was trained on each channel alone; out-of-core (OME-Zarr) denoising does not run channelwise models yet: use TIFF input" );
		if ( model.embedded( ModelFile.RECONSTRUCTION_MODEL ) != null
				|| fiji.plugin.autoencoder.model.SegmentationLosses.handles( model.model().spec() ) )
			throw new IllegalArgumentException(
					"The model '" + model.model().spec().name + "' is a segmenter: denoise needs a denoising model" );
		final Normalization norm = StoredNormalization.forInput( ModelFileRunner.normalization( model ),
				false ).normalization;
		if ( norm.method() != Normalization.Method.NONE && !norm.isFitted() )
			throw new IllegalArgumentException(
					"The model file stores its normalisation method but no values (an old file); an OME-Zarr larger than memory is not refitted: "
							+ "train the model again (new files store the values), or use TIFF input" );
		return norm;
	}

	/** The out-of-core tiler for this model, with {@code workers} threads. */
	public ChunkedPredictor predictor( final ModelFile.Loaded model )
	{
		final ImagePredictor p = model.model();
		final float[][] n = ImageRunner.parameters( checkedNormalization( model ), p.inputChannels() );
		final TiledPredictorBuilder b = TiledPredictor.builder( p ).batchSize( 1 ).threads( workers )
				.memoryBudget( new ImageRunner.Options().memoryBudget );
		if ( p.inputChannels() != p.outputChannels() )
			throw new IllegalArgumentException( "The model outputs " + p.outputChannels() + " channel(s) for "
					+ p.inputChannels() + ": it is not a denoiser" );
		b.normalization( n[ 0 ], n[ 1 ] );
		if ( tileSize > 0 )
			b.tileSize( tileSize, tileSize );
		return new ChunkedPredictor( b.build() );
	}

	/**
	 * On the driver: checks the input against the model (axes, channels) and
	 * creates the output container with its metadata (or reopens it, if it
	 * exists with the same shape: resume). Nothing is written when a check fails.
	 * Returns the tile grid; {@link TileGrid#numCells()} is the number of work items.
	 */
	public TileGrid prepare( final ModelFile.Loaded model ) throws IOException
	{
		final Path in = Paths.get( input ), out = Paths.get( output );
		if ( OutputPaths.same( in, out ) )
			throw new IllegalArgumentException( "The output " + out + " is the input; choose another output" );
		final OmeZarr src = OmeZarr.open( in );
		final ImagePredictor p = model.model();
		final ZarrSource source = new ZarrSource( src, p.spatialDims() );
		final ChunkedPredictor predictor = predictor( model );
		if ( source.channels() != p.inputChannels() )
			throw new IllegalArgumentException( "The image " + in + " has " + source.channels()
					+ " channel(s) but the model was trained on " + p.inputChannels()
					+ ": use an image with " + p.inputChannels() + " channel(s) or a model trained on "
					+ source.channels() + "; nothing was written" );
		final List< String > axes = new ArrayList<>( src.axes() );
		final long[] shape = src.array().shape();
		final int[] inChunks = src.array().chunks();
		final int[] chunks = new int[ shape.length ];
		final ZarrAxes ax = new ZarrAxes( src, p.spatialDims() );
		for ( int a = 0; a < shape.length; a++ )
			chunks[ a ] = ax.isSpatial( a ) ? ( int ) Math.min( shape[ a ], chunk > 0 ? chunk : inChunks[ a ] )
					: a == ax.channel ? ( int ) shape[ a ] : 1;
		final DataType type = outputType == OutputType.FLOAT_32 ? DataType.F4
				: outputType == OutputType.UNSIGNED_16 ? DataType.U2
						: outputType == OutputType.UNSIGNED_8 ? DataType.U1 : src.array().dataType();
		final String name = out.getFileName().toString().replaceAll( "(\\.ome)?\\.zarr$", "" );
		final OmeZarr dst = OmeZarr.create( out, name, axes, shape, chunks, type, Compressor.of( compressor ), "/",
				src.scale(), src.unit() );
		final int removed = dst.array().removeStalePartials();
		if ( removed > 0 )
			System.err.println( "denoise: removed " + removed + " temporary chunk file(s) of a run that was killed" );
		return predictor.grid( source, new ZarrSink( dst, p.spatialDims() ) );
	}

	/** The input's chunk size along the model's spatial axes (X, Y[, Z]), e.g. to cut the grid into blocks. */
	public int[] inputChunks( final int spatialDims ) throws IOException
	{
		return new ZarrSource( OmeZarr.open( Paths.get( input ) ), spatialDims ).chunkSize();
	}

	/**
	 * On a worker: predicts the given cells (null: all) of the grid of
	 * {@link #prepare}, which must have run; skips cells whose chunks exist.
	 */
	public ChunkedPredictor.Result run( final ModelFile.Loaded model, final long[] cells, final Progress progress )
	{
		final int d = model.model().spatialDims();
		final OmeZarr dst = OmeZarr.open( Paths.get( output ) );
		return predictor( model ).run( new ZarrSource( OmeZarr.open( Paths.get( input ) ), d ), new ZarrSink( dst, d ),
				cells, progress );
	}

	@Override
	public String toString()
	{
		return "denoise " + input + " -> " + output + " (" + outputType + ", tile " + tileSize + ", chunk " + chunk
				+ ", " + compressor + ", " + workers + " worker(s))";
	}
}
