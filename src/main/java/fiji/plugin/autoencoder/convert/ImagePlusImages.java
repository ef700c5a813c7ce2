package fiji.plugin.autoencoder.convert;

import java.util.ArrayList;
import java.util.List;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Fraction;
import net.imglib2.view.Views;

/**
 * ImageJ {@link ImagePlus} to ImgLib2 and back, without imglib2-ij.
 * <p>
 * {@link #wrap(ImagePlus)} gives a 5D {@link PlanarImg} in {@link ImageAxes}
 * order X, Y, C, Z, T (singleton axes kept) whose planes ARE the stack's pixel
 * arrays: no copy, and writes show in the ImagePlus. Pixel types: 8-bit (and
 * 8-bit colour) as {@link UnsignedByteType}, 16-bit as {@link UnsignedShortType},
 * 32-bit as {@link FloatType}, RGB as {@link ARGBType} with one channel (use
 * {@link #splitRgb} for a 3-channel 8-bit view).
 * <p>
 * The way back: {@link #createOutput} makes an empty image shaped like an input
 * (calibration, title with a suffix, LUTs and display ranges, hyperstack
 * dimensions, CompositeImage mode) that the tiler fills through
 * {@link ImageTensors#writer(ImagePlus)}; {@link #toImagePlus} and
 * {@link #fromChannelsLast} copy finished data in one call.
 *
 * <pre>{@code
 * PlanarImg< UnsignedShortType, ? > img = ImagePlusImages.wrap( imp ); // (w, h, c, z, t)
 * ImagePlus out = ImagePlusImages.createOutput( imp, OutputType.SAME_AS_INPUT, imp.getNChannels(), "denoised" );
 * }</pre>
 *
 * All methods are static and thread-safe; the wrapped image is as thread-safe
 * as the arrays behind it (disjoint writes are fine).
 */
public final class ImagePlusImages
{
	private ImagePlusImages()
	{}

	// -- ImagePlus -> ImgLib2 --

	/**
	 * Wraps the ImagePlus' pixel arrays as a 5D image (X, Y, C, Z, T).
	 * <p>
	 * The type parameter is unchecked: it is {@link UnsignedByteType} for 8-bit,
	 * {@link UnsignedShortType} for 16-bit, {@link FloatType} for 32-bit and
	 * {@link ARGBType} for RGB images. A virtual stack is read plane by plane into
	 * memory, so writes to the result do not reach its files.
	 *
	 * @throws IllegalArgumentException if the image is null or its stack size does not match C * Z * T
	 */
	@SuppressWarnings( { "unchecked", "rawtypes" } )
	public static < T extends NativeType< T > > PlanarImg< T, ? > wrap( final ImagePlus imp )
	{
		final long[] dims = ImageAxes.dimensions( imp );
		final ImageStack stack = imp.getStack();
		final int n = stack.getSize();
		if ( n == 0 || imp.getWidth() == 0 || imp.getHeight() == 0 )
			throw new IllegalArgumentException(
					( imp.getTitle() == null || imp.getTitle().isEmpty() || "null".equals( imp.getTitle() )
							? "The image" : "Image '" + imp.getTitle() + "'" ) + " is empty (" + imp.getWidth() + " x "
							+ imp.getHeight() + " pixels, " + n + " planes): open or choose an image with pixels" );
		if ( n != dims[ 2 ] * dims[ 3 ] * dims[ 4 ] )
			throw new IllegalArgumentException( "Image '" + imp.getTitle() + "' has " + n + " planes but " + dims[ 2 ]
					+ " channels x "
					+ dims[ 3 ] + " slices x " + dims[ 4 ] + " frames: fix its dimensions with Image > Properties." );
		final Fraction one = new Fraction();
		switch ( imp.getType() )
		{
		case ImagePlus.GRAY8:
		case ImagePlus.COLOR_256:
		{
			final List< ByteArray > planes = new ArrayList<>( n );
			for ( int i = 1; i <= n; i++ )
				planes.add( new ByteArray( ( byte[] ) stack.getPixels( i ) ) );
			final PlanarImg< UnsignedByteType, ByteArray > img = new PlanarImg<>( planes, dims, one );
			img.setLinkedType( new UnsignedByteType( img ) );
			return ( PlanarImg ) img;
		}
		case ImagePlus.GRAY16:
		{
			final List< ShortArray > planes = new ArrayList<>( n );
			for ( int i = 1; i <= n; i++ )
				planes.add( new ShortArray( ( short[] ) stack.getPixels( i ) ) );
			final PlanarImg< UnsignedShortType, ShortArray > img = new PlanarImg<>( planes, dims, one );
			img.setLinkedType( new UnsignedShortType( img ) );
			return ( PlanarImg ) img;
		}
		case ImagePlus.GRAY32:
		{
			final List< FloatArray > planes = new ArrayList<>( n );
			for ( int i = 1; i <= n; i++ )
				planes.add( new FloatArray( ( float[] ) stack.getPixels( i ) ) );
			final PlanarImg< FloatType, FloatArray > img = new PlanarImg<>( planes, dims, one );
			img.setLinkedType( new FloatType( img ) );
			return ( PlanarImg ) img;
		}
		case ImagePlus.COLOR_RGB:
		{
			final List< IntArray > planes = new ArrayList<>( n );
			for ( int i = 1; i <= n; i++ )
				planes.add( new IntArray( ( int[] ) stack.getPixels( i ) ) );
			final PlanarImg< ARGBType, IntArray > img = new PlanarImg<>( planes, dims, one );
			img.setLinkedType( new ARGBType( img ) );
			return ( PlanarImg ) img;
		}
		default:
			throw new IllegalArgumentException(
					"Image '" + imp.getTitle() + "' has unknown ImagePlus type " + imp.getType()
							+ ": convert it to 8-bit, 16-bit, 32-bit or RGB (Image > Type)." );
		}
	}

	/**
	 * A read-only 5D view (X, Y, C, Z, T) of an RGB image as 3 channels (red,
	 * green, blue) of {@link UnsignedByteType}.
	 *
	 * @throws IllegalArgumentException unless the image is 5D with one channel
	 */
	public static RandomAccessibleInterval< UnsignedByteType > splitRgb(
			final RandomAccessibleInterval< ARGBType > xyczt )
	{
		ImageAxes.requireFiveAxes( xyczt.numDimensions(), "The RGB image" );
		if ( xyczt.dimension( ImageAxes.C ) != 1 )
			throw new IllegalArgumentException( "The RGB image has " + xyczt.dimension( ImageAxes.C )
					+ " channels on axis C but splitRgb needs 1: split the channels first." );
		// argbChannels appends the channel axis last: (X, Y, 1, Z, T, RGB) -> (X, Y, RGB, Z, T)
		final RandomAccessibleInterval< UnsignedByteType > channelsLast = Converters.argbChannels( xyczt, 1, 2, 3 );
		return Views.moveAxis( Views.hyperSlice( channelsLast, ImageAxes.C, xyczt.min( ImageAxes.C ) ), 4,
				ImageAxes.C );
	}

	// -- ImgLib2 / float[] -> ImagePlus --

	/**
	 * An empty image shaped like {@code template} (width, height, slices, frames)
	 * with {@code channels} channels; see
	 * {@link #createOutput(ImagePlus, OutputType, int, int, int, int, int, String)}.
	 */
	public static ImagePlus createOutput( final ImagePlus template, final OutputType type, final int channels,
			final String suffix )
	{
		if ( template == null )
			throw new IllegalArgumentException(
					"The template image is null: pass the input image the output derives from." );
		return createOutput( template, type, template.getWidth(), template.getHeight(), channels, template.getNSlices(),
				template.getNFrames(), suffix );
	}

	/**
	 * An empty (zero) image for network output, with metadata from {@code template}.
	 * <ul>
	 * <li>Type: see {@link OutputType}; an RGB output has 3 tensor channels but one ImageJ channel.</li>
	 * <li>Title: {@link #derivedTitle(String, String)} of the template's title.</li>
	 * <li>Calibration: copied (pixel width/height/depth, unit, frame interval, origin);
	 * a density calibration is dropped for 32-bit output.</li>
	 * <li>LUT and display range: copied when the channel count matches, per channel for
	 * composites (outputs are denormalised, so they share the input's value units).</li>
	 * <li>More than one channel gives a {@link CompositeImage}, in the template's mode if it was one.</li>
	 * </ul>
	 *
	 * @param template the input image, or null (then {@code type} must not be SAME_AS_INPUT and the title is the suffix)
	 * @param channels tensor channels of the output (3 for RGB output)
	 */
	public static ImagePlus createOutput( final ImagePlus template, final OutputType type, final int width,
			final int height,
			final int channels, final int slices, final int frames, final String suffix )
	{
		if ( type == null )
			throw new IllegalArgumentException(
					"The output type is null: pick one of " + java.util.Arrays.toString( OutputType.values() ) + "." );
		if ( width < 1 || height < 1 || channels < 1 || slices < 1 || frames < 1 )
			throw new IllegalArgumentException(
					"Output size " + width + " x " + height + ", " + channels + " channels, " + slices + " slices, "
							+ frames + " frames is invalid: every size must be at least 1." );
		final int bitDepth = resolveBitDepth( template, type, channels );
		final int imageJChannels = bitDepth == 24 ? 1 : channels;
		final long planes = ( long ) imageJChannels * slices * frames;
		if ( planes > Integer.MAX_VALUE || ( long ) width * height > Integer.MAX_VALUE )
			throw new IllegalArgumentException(
					"Output of " + width + " x " + height + " x " + planes + " planes does not fit an ImagePlus: "
							+ "process fewer slices or frames at a time." );
		final ImageStack stack = new ImageStack( width, height );
		for ( int i = 0; i < planes; i++ )
			stack.addSlice( null, newProcessor( bitDepth, width, height ) );
		final String title = template == null ? ( suffix == null ? "output" : suffix )
				: derivedTitle( template.getTitle(), suffix );
		ImagePlus out = new ImagePlus( title, stack );
		out.setDimensions( imageJChannels, slices, frames );
		if ( imageJChannels > 1 || slices > 1 && frames > 1 )
			out.setOpenAsHyperStack( true );
		if ( imageJChannels > 1 )
		{
			final int mode = template != null && template.isComposite() ? ( ( CompositeImage ) template ).getMode()
					: template != null && template.getBitDepth() == 24 ? IJ_COMPOSITE : IJ_COLOR;
			out = new CompositeImage( out, mode );
		}
		if ( template != null )
			copyMetadata( template, out, imageJChannels );
		return out;
	}

	// ImageJ's IJ.COMPOSITE / IJ.COLOR, copied to avoid loading ij.IJ (and AWT) here
	private static final int IJ_COMPOSITE = 1;

	private static final int IJ_COLOR = 2;

	/**
	 * Copies a 5D real-valued (or ARGB) image (X, Y, C, Z, T) into a new ImagePlus.
	 * Uses {@link #createOutput}; integer output types round and clamp.
	 *
	 * @param template input image for metadata, or null
	 */
	public static ImagePlus toImagePlus( final RandomAccessibleInterval< ? > xyczt, final ImagePlus template,
			final OutputType type, final String suffix )
	{
		final TensorReader reader = ImageTensors.reader( xyczt );
		final long[] d = reader.dimensions();
		for ( int i = 0; i < 5; i++ )
			if ( d[ i ] > Integer.MAX_VALUE )
				throw new IllegalArgumentException(
						"Image axis " + i + " has size " + d[ i ] + ", too large for an ImagePlus: crop it first." );
		final int w = ( int ) d[ 0 ], h = ( int ) d[ 1 ], c = reader.channels();
		final ImagePlus out = createOutput( template, type, w, h, c, ( int ) d[ 3 ], ( int ) d[ 4 ], suffix );
		final TensorWriter writer = ImageTensors.writer( out );
		final long planeSize = ( long ) w * h * c;
		if ( planeSize > Integer.MAX_VALUE - 8 )
			throw new IllegalArgumentException( "One plane of " + w + " x " + h + " x " + c
					+ " values exceeds a Java array: crop the image first." );
		final float[] plane = new float[ ( int ) planeSize ];
		for ( long t = 0; t < d[ 4 ]; t++ )
			for ( long z = 0; z < d[ 3 ]; z++ )
			{
				reader.read2D( 0, 0, w, h, z, t, plane, 0 );
				writer.write2D( plane, 0, 0, 0, w, h, z, t );
			}
		if ( template == null )
			resetDisplayRanges( out );
		return out;
	}

	/**
	 * A new 2D image from a channels-last float array (H, W, C): value of pixel
	 * (x, y), channel c at {@code hwc[(y * width + x) * channels + c]}.
	 *
	 * @param template input image for metadata, or null; its slices and frames are not used
	 */
	public static ImagePlus fromChannelsLast( final float[] hwc, final int width, final int height, final int channels,
			final ImagePlus template,
			final OutputType type, final String suffix )
	{
		if ( hwc == null || ( long ) width * height * channels != hwc.length )
			throw new IllegalArgumentException( "The float array has " + ( hwc == null ? "no" : hwc.length )
					+ " values but " + width + " x " + height
					+ " x " + channels + " are needed: pass an (H, W, C) array of exactly that size." );
		final ImagePlus out = createOutput( template, type, width, height, channels, 1, 1, suffix );
		ImageTensors.writer( out ).write2D( hwc, 0, 0, 0, width, height, 0, 0 );
		if ( template == null )
			resetDisplayRanges( out );
		return out;
	}

	/**
	 * "cell.tif" + "denoised" -> "cell-denoised": drops a short file extension
	 * (up to 5 letters or digits after the last dot) and appends "-suffix".
	 */
	public static String derivedTitle( final String title, final String suffix )
	{
		String base = title == null || title.isEmpty() ? "image" : title;
		final int dot = base.lastIndexOf( '.' );
		if ( dot > 0 && base.length() - dot - 1 >= 1 && base.length() - dot - 1 <= 5
				&& base.substring( dot + 1 ).matches( "[A-Za-z0-9]+" ) )
			base = base.substring( 0, dot );
		return suffix == null || suffix.isEmpty() ? base : base + "-" + suffix;
	}

	// -- helpers --

	private static int resolveBitDepth( final ImagePlus template, final OutputType type, final int channels )
	{
		switch ( type )
		{
		case UNSIGNED_8:
			return 8;
		case UNSIGNED_16:
			return 16;
		case FLOAT_32:
			return 32;
		default:
			if ( template == null )
				throw new IllegalArgumentException(
						"Output type SAME_AS_INPUT needs a template image: pass the input image or choose "
								+ "UNSIGNED_8, UNSIGNED_16 or FLOAT_32." );
			final int depth = template.getBitDepth();
			if ( depth == 24 )
				return channels == 3 ? 24 : 8;
			if ( depth != 8 && depth != 16 && depth != 32 )
				throw new IllegalArgumentException( "Template '" + template.getTitle() + "' has bit depth " + depth
						+ ": choose UNSIGNED_8, UNSIGNED_16 or FLOAT_32 explicitly." );
			return depth;
		}
	}

	private static ImageProcessor newProcessor( final int bitDepth, final int width, final int height )
	{
		switch ( bitDepth )
		{
		case 8:
			return new ByteProcessor( width, height );
		case 16:
			return new ShortProcessor( width, height );
		case 24:
			return new ColorProcessor( width, height );
		default:
			return new FloatProcessor( width, height );
		}
	}

	private static void copyMetadata( final ImagePlus template, final ImagePlus out, final int outChannels )
	{
		final Calibration cal = template.getCalibration().copy();
		if ( out.getBitDepth() != template.getBitDepth() && cal.calibrated() )
			cal.disableDensityCalibration();
		out.setCalibration( cal );
		if ( out.getBitDepth() == 24 || template.getBitDepth() == 24 || outChannels != template.getNChannels() )
			return;
		if ( out.isComposite() && template.isComposite() )
		{
			final LUT[] luts = ( ( CompositeImage ) template ).getLuts();
			final LUT[] copies = new LUT[ luts.length ];
			for ( int i = 0; i < luts.length; i++ )
				copies[ i ] = ( LUT ) luts[ i ].clone();
			( ( CompositeImage ) out ).setLuts( copies );
		}
		else if ( !out.isComposite() && !template.isComposite() )
		{
			final LUT lut = template.getProcessor().getLut();
			out.getProcessor().setLut( lut );
			out.getStack().setColorModel( lut );
			out.setDisplayRange( template.getDisplayRangeMin(), template.getDisplayRangeMax() );
		}
	}

	private static void resetDisplayRanges( final ImagePlus out )
	{
		if ( out.getBitDepth() == 24 )
			return;
		if ( out.isComposite() )
			( ( CompositeImage ) out ).resetDisplayRanges();
		else
			out.resetDisplayRange();
	}
}
