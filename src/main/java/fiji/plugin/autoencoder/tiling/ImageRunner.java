package fiji.plugin.autoencoder.tiling;

import fiji.plugin.autoencoder.convert.ImagePlusImages;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;
import fiji.plugin.autoencoder.model.Precision;
import ij.ImagePlus;
import ij.ImageStack;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Runs an image-to-image model over a whole ImageJ image of any size and
 * type, tile by tile, all channels at once (an RGB image is 3 channels): a 2D
 * model on every z-slice and time point, a 3D model
 * ({@link ImagePredictor#spatialDims()} 3) on every time point's z-stack as
 * one volume (X, Y, Z windows with a halo in z too). The input is never changed;
 * the result is a new image of the input's type (clamped) or 32-bit, with the
 * input's calibration and a derived title.
 * <p>
 * Normalisation: the model's method (e.g. percentile 1 / 99.8) is fitted on
 * this image, applied to the network input and inverted on its output, so
 * intensities come back in the input's units. Models whose output is not an
 * image of the input (e.g. masks) pass {@code invertOutput = false}.
 * <p>
 * NaN and infinite pixels are refused with a message saying how to remove them,
 * since a network spreads them over its whole receptive field.
 *
 * <pre>{@code
 * ImagePlus out = ImageRunner.run( model, norm, imp, OutputType.SAME_AS_INPUT, "denoised", true, Progress.none() );
 * }</pre>
 */
public final class ImageRunner
{
	private ImageRunner()
	{}

	/** Tiling settings; {@code null} tile size picks one from the memory budget. */
	public static final class Options
	{
		public int[] tileSize;

		/** Tiles per network run; 1 by default, so the budget buys large tiles (less halo overhead) rather than many small ones. */
		public int batchSize = 1;

		/** Tiles predicted at once; 1 by default, since a TensorFlow model already uses every core for each tile. */
		public int threads = 1;

		/** Bytes for one batch of tiles: the network's activations and the float buffers. */
		public long memoryBudget = 768L << 20;

		/**
		 * Average the predictions of the 8 orientations of the image (flips and
		 * transposition in x, y; test-time augmentation as in Noise2Void): less
		 * residual noise for 8 times the work. Each orientation is tiled exactly
		 * like an untiled run, so the average is too.
		 */
		public boolean averageOrientations = false;

		/** Fit the model's normalisation method on each image instead of applying the values stored at training ({@code convert.StoredNormalization}). */
		public boolean refitNormalization = false;

		/** The arithmetic of the network ({@code precision}): float32, or the convolutions in bfloat16. */
		public Precision precision = Precision.FLOAT32;

		/**
		 * With {@link #averageOrientations}: each orientation denoises its own recorrupted copy of the image (null: the
		 * image itself). {@link ModelFileRunner} sets it from the model file ({@link InputRecorruption#ENTRY}) when
		 * {@link #recorruptInputs}.
		 */
		public InputRecorruption recorruption;

		/**
		 * Use the model file's test-time recorruption when averaging orientations. Off by default: the plain image in
		 * 8 orientations denoised 0.03 to 0.15 dB better than 8 recorrupted copies (bench/results/real-quality.md).
		 */
		public boolean recorruptInputs = false;

		/** A copy of these settings. */
		public Options copy()
		{
			final Options o = new Options();
			o.tileSize = tileSize == null ? null : tileSize.clone();
			o.batchSize = batchSize;
			o.threads = threads;
			o.memoryBudget = memoryBudget;
			o.averageOrientations = averageOrientations;
			o.refitNormalization = refitNormalization;
			o.recorruption = recorruption;
			o.recorruptInputs = recorruptInputs;
			o.precision = precision;
			return o;
		}
	}

	public static ImagePlus run( final ImagePredictor model, final Normalization method, final ImagePlus input,
			final OutputType outputType,
			final String suffix, final boolean invertOutput, final Progress progress )
	{
		return run( model, method, input, outputType, suffix, invertOutput, new Options(), progress );
	}

	@SuppressWarnings( { "unchecked", "rawtypes" } )
	public static ImagePlus run( final ImagePredictor network, final Normalization method, final ImagePlus input,
			final OutputType outputType,
			final String suffix, final boolean invertOutput, final Options options, final Progress progress )
	{
		final ImagePredictor model = options.precision.apply( network );
		if ( input == null )
			throw new IllegalArgumentException( "No image: open an image first" );
		final boolean volume = model.spatialDims() == 3;
		if ( volume && input.getNSlices() < 2 )
			throw new IllegalArgumentException(
					"This is a 3D model but the image '" + input.getTitle() + "' has 1 z-slice"
							+ ( input.getNFrames() > 1 ? " (its " + input.getNFrames()
									+ " planes are time points: if they are z-slices, swap them in Image > Properties)"
									: "" )
							+ ": give a z-stack, or use a 2D model on single images" );
		if ( model.spatialDims() != 2 && !volume )
			throw new IllegalArgumentException( "The model has " + model.spatialDims()
					+ " spatial dimensions: only 2D and 3D models run on images" );
		final boolean rgb = input.getType() == ImagePlus.COLOR_RGB;
		final int channels = rgb ? 3 * input.getNChannels() : input.getNChannels();
		if ( channels != model.inputChannels() )
			throw new IllegalArgumentException(
					"The image '" + input.getTitle() + "' has " + channels + " channel(s)" + ( rgb ? " (RGB)" : "" )
							+ " but the model was trained on " + model.inputChannels() + ": "
							+ ( model.inputChannels() == 1
									? "split the channels (Image > Color > Split Channels) or convert to 8-bit"
									: "use an image with " + model.inputChannels() + " channels" ) );
		if ( input.getBitDepth() == 32 )
			refuseNonFinite( input );
		final Normalization norm = fit( method, input );
		final int outChannels = model.outputChannels();
		final float[][] p = parameters( norm, channels );
		final TiledPredictorBuilder b = TiledPredictor.builder( model ).batchSize( options.batchSize )
				.memoryBudget( options.memoryBudget ).inputNormalization( p[ 0 ], p[ 1 ] );
		if ( options.threads > 0 )
			b.threads( options.threads );
		if ( options.tileSize != null )
			b.tileSize( options.tileSize );
		if ( invertOutput )
		{
			if ( outChannels != channels )
				throw new IllegalArgumentException( "The model outputs " + outChannels + " channel(s) for " + channels
						+ " input channel(s): its output cannot be mapped back to the input's intensities" );
			b.outputDenormalization( p[ 0 ], p[ 1 ] );
		}
		final TiledPredictor tiler = b.build();
		RandomAccessibleInterval in = ImagePlusImages.wrap( input );
		if ( rgb )
			in = ImagePlusImages.splitRgb( ( RandomAccessibleInterval< ARGBType > ) in );
		final boolean viaFloat = rgb && outputType != OutputType.FLOAT_32 && invertOutput;
		if ( options.averageOrientations )
		{
			final long[] d = in.dimensionsAsLongArray();
			if ( d[ 0 ] * d[ 1 ] * outChannels * d[ 3 ] * d[ 4 ] > Integer.MAX_VALUE - 8 )
				throw new IllegalArgumentException( "The image '" + input.getTitle()
						+ "' is too large to average 8 orientations in memory (more than 2^31 output values): turn averaging off or process a crop" );
			final ArrayImg< FloatType, FloatArray > sum = ArrayImgs.floats( d[ 0 ], d[ 1 ], outChannels, d[ 3 ],
					d[ 4 ] );
			final ArrayImg< FloatType, FloatArray > one = ArrayImgs.floats( d[ 0 ], d[ 1 ], outChannels, d[ 3 ],
					d[ 4 ] );
			for ( int k = 0; k < ORIENTATIONS; k++ )
			{
				if ( progress.isCancelled() ) // never a partial average
					throw new java.util.concurrent.CancellationException(
							"Prediction cancelled after " + k + " of " + ORIENTATIONS + " orientations." );
				final RandomAccessibleInterval src = options.recorruption == null ? in
						: recorrupted( in, options.recorruption, k );
				predict( tiler, orient( src, k ), orient( one, k ), volume, pass( progress, k ) );
				final float[] total = sum.update( null ).getCurrentStorageArray(),
						part = one.update( null ).getCurrentStorageArray();
				for ( int i = 0; i < total.length; i++ )
					total[ i ] += part[ i ] / ORIENTATIONS;
			}
			final OutputType type = rgb && outputType == OutputType.SAME_AS_INPUT && !invertOutput
					? OutputType.UNSIGNED_8 : outputType;
			final ImagePlus output = ImagePlusImages.toImagePlus( sum, input, type, suffix );
			if ( !invertOutput || type == OutputType.FLOAT_32 )
				output.resetDisplayRange();
			return output;
		}
		if ( viaFloat )
		{
			final long[] d = in.dimensionsAsLongArray();
			final Img< FloatType > out = ArrayImgs.floats( d[ 0 ], d[ 1 ], outChannels, d[ 3 ], d[ 4 ] );
			predict( tiler, in, out, volume, progress );
			return ImagePlusImages.toImagePlus( out, input, outputType, suffix );
		}
		final OutputType type = rgb && outputType == OutputType.SAME_AS_INPUT ? OutputType.UNSIGNED_8 : outputType;
		final ImagePlus output = ImagePlusImages.createOutput( input, type, outChannels, suffix );
		predict( tiler, in, ( RandomAccessibleInterval ) ImagePlusImages.wrap( output ), volume, progress );
		if ( !invertOutput || type == OutputType.FLOAT_32 )
			output.resetDisplayRange();
		return output;
	}

	private static final int ORIENTATIONS = 8;

	/** A float copy of an X, Y, C, Z, T image, each plane recorrupted for averaging pass {@code k} (the same noise however the image is tiled). */
	private static < T extends RealType< T > > RandomAccessibleInterval< FloatType > recorrupted(
			final RandomAccessibleInterval< T > xyczt, final InputRecorruption r, final int k )
	{
		final long[] d = xyczt.dimensionsAsLongArray();
		final ArrayImg< FloatType, FloatArray > copy = ArrayImgs.floats( d );
		final net.imglib2.Cursor< T > from = Views.flatIterable( xyczt ).cursor();
		final float[] v = copy.update( null ).getCurrentStorageArray();
		for ( int i = 0; from.hasNext(); i++ )
			v[ i ] = from.next().getRealFloat();
		final int plane = ( int ) ( d[ 0 ] * d[ 1 ] );
		for ( int p = 0; p < v.length / plane; p++ )
			r.apply( v, p * plane, plane, p, k );
		return copy;
	}

	/** Orientation k of an X, Y, ... image: bit 0 flips x, bit 1 flips y, bit 2 swaps x and y (then flips); zero-min. */
	static < T > RandomAccessibleInterval< T > orient( final RandomAccessibleInterval< T > img, final int k )
	{
		RandomAccessibleInterval< T > v = ( k & 4 ) != 0 ? Views.permute( img, 0, 1 ) : img;
		if ( ( k & 1 ) != 0 )
			v = Views.invertAxis( v, 0 );
		if ( ( k & 2 ) != 0 )
			v = Views.invertAxis( v, 1 );
		return Views.zeroMin( v );
	}

	/** Progress of pass k of {@link #ORIENTATIONS}, as a part of the whole. */
	private static Progress pass( final Progress whole, final int k )
	{
		return new Progress()
		{
			@Override
			public void report( final long done, final long total, final String message )
			{
				whole.report( k * total + done, ORIENTATIONS * total,
						message + " (orientation " + ( k + 1 ) + " of " + ORIENTATIONS + ")" );
			}

			@Override
			public boolean isCancelled()
			{
				return whole.isCancelled();
			}
		};
	}

	/**
	 * Predicts X, Y, C, Z, T images: plane by plane (channel axis 2), or, for a
	 * 3D model, volume by volume with Z moved before C (X, Y, Z, C, T: channel axis 3).
	 */
	private static < T extends RealType< T >, U extends RealType< U > > void predict( final TiledPredictor tiler,
			final RandomAccessibleInterval< T > xyczt,
			final RandomAccessibleInterval< U > outXyczt, final boolean volume, final Progress progress )
	{
		if ( volume )
			tiler.predictPlanes( Views.moveAxis( xyczt, 3, 2 ), 3, Views.moveAxis( outXyczt, 3, 2 ), 3, progress );
		else
			tiler.predictPlanes( xyczt, 2, outXyczt, 2, progress );
	}

	/** The method fitted on this image (fixed and "none" methods as they are). */
	public static Normalization fit( final Normalization method, final ImagePlus input )
	{
		if ( method == null || method.method() == Normalization.Method.NONE )
			return Normalization.none();
		return method.isFitted() && method.method() == Normalization.Method.FIXED ? method
				: Normalizer.fit( method, input );
	}

	/** Offsets and scales per channel. */
	public static float[][] parameters( final Normalization norm, final int channels )
	{
		final double[] o = norm.offsets(), s = norm.scales();
		final float[][] p = new float[ 2 ][ channels ];
		for ( int c = 0; c < channels; c++ )
		{
			p[ 0 ][ c ] = ( float ) o[ o.length == 1 ? 0 : c ];
			p[ 1 ][ c ] = ( float ) s[ s.length == 1 ? 0 : c ];
		}
		return p;
	}

	private static void refuseNonFinite( final ImagePlus imp )
	{
		final ImageStack stack = imp.getStack();
		for ( int i = 1; i <= stack.getSize(); i++ )
		{
			final float[] px = ( float[] ) stack.getPixels( i );
			for ( int k = 0; k < px.length; k++ )
				if ( !Float.isFinite( px[ k ] ) )
					throw new IllegalArgumentException( "The image '" + imp.getTitle() + "' has a "
							+ ( Float.isNaN( px[ k ] ) ? "NaN" : "infinite" ) + " pixel at x=" + k % imp.getWidth()
							+ ", y=" + k / imp.getWidth() + ( stack.getSize() > 1 ? ", slice " + i : "" )
							+ ": replace such pixels first (Process > Math > Remove NaNs..., or Process > Math > Set...)" );
		}
	}
}
