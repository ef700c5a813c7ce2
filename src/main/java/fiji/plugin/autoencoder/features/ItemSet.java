package fiji.plugin.autoencoder.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import fiji.plugin.autoencoder.convert.ImageTensors;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.TensorReader;
import fiji.plugin.autoencoder.train.IdxReader;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;

/**
 * Items to inspect: equally sized images as network values (channels-last
 * float, item after item), each with a class and a name.
 * <p>
 * Sources:
 * <ul>
 * <li>{@link #fromImage}: every plane (slice, frame) of an ImagePlus is one
 * item with all its channels; its name is the slice label (first line) and its
 * class the part of the label before the first '/' (empty if there is none);</li>
 * <li>{@link #fromFolder}: image files of a folder; files in a subfolder have
 * the subfolder's name as class, files directly in the folder the part of the
 * file name before the first '_';</li>
 * <li>{@link #fromIdx}: IDX images and labels (MNIST, Fashion-MNIST), scaled to [0, 1].</li>
 * </ul>
 * Pixel values are mapped by a {@link Normalization} (normally the model file's);
 * without one, 8-bit and RGB values are divided by 255, 16-bit ones by 65535 and
 * 32-bit ones are used as they are. An unfitted normalisation (e.g. percentiles)
 * is fitted on the whole ImagePlus, or on each file of a folder.
 * <p>
 * Immutable after creation apart from the arrays it hands out; not copied for speed.
 *
 * <pre>{@code
 * ItemSet items = ItemSet.fromIdx( images, labels, 1000, ItemSet.FASHION_MNIST_CLASSES );
 * float[] first = items.item( 0 );            // 28 * 28 * 1 values
 * }</pre>
 */
public final class ItemSet
{
	/** The ten Fashion-MNIST classes, by label. */
	public static final String[] FASHION_MNIST_CLASSES = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
			"Sandal", "Shirt", "Sneaker",
			"Bag", "Ankle boot" };

	private static final String[] IMAGE_EXTENSIONS = { ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif", ".bmp",
			".pgm" };

	private final float[] data;

	private final int count, height, width, channels;

	private final String[] classes, names;

	/**
	 * Wraps existing values (not copied).
	 *
	 * @param data    count x height x width x channels values, channels-last
	 * @param classes one per item (null entries become "")
	 * @param names   one per item, or null for "item_0", "item_1", ...
	 */
	public ItemSet( final float[] data, final int count, final int height, final int width, final int channels,
			final String[] classes,
			final String[] names )
	{
		if ( count < 1 || height < 1 || width < 1 || channels < 1 )
			throw new IllegalArgumentException( "An item set needs at least one item of at least 1 x 1 x 1 values, got "
					+ count + " items of "
					+ height + " x " + width + " x " + channels + ": give a non-empty image, folder or IDX file." );
		if ( data.length != ( long ) count * height * width * channels )
			throw new IllegalArgumentException(
					"Expected " + count + " items of " + height + " x " + width + " x " + channels + " = "
							+ ( long ) count * height * width * channels + " values, got " + data.length
							+ ": pass exactly count * H * W * C values." );
		if ( classes != null && classes.length != count || names != null && names.length != count )
			throw new IllegalArgumentException( "Give one class and one name per item (" + count + "), got "
					+ ( classes == null ? 0 : classes.length )
					+ " classes and " + ( names == null ? 0 : names.length ) + " names." );
		this.data = data;
		this.count = count;
		this.height = height;
		this.width = width;
		this.channels = channels;
		this.classes = new String[ count ];
		this.names = new String[ count ];
		for ( int i = 0; i < count; i++ )
		{
			this.classes[ i ] = classes == null || classes[ i ] == null ? "" : classes[ i ];
			this.names[ i ] = names == null || names[ i ] == null ? "item_" + i : names[ i ];
		}
	}

	// -- factories --

	/**
	 * Every plane (slice and frame) of an image is one item with all its
	 * channels (RGB gives 3).
	 *
	 * @param normalization raw to network values, or null for the default by pixel type
	 */
	public static ItemSet fromImage( final ImagePlus imp, final Normalization normalization )
	{
		if ( imp == null )
			throw new IllegalArgumentException( "No image given: open a stack of images (one item per slice) first." );
		final TensorReader reader = ImageTensors.reader( imp );
		final Normalization n = fitted( normalization, imp );
		final int w = imp.getWidth(), h = imp.getHeight(), c = reader.channels();
		final int slices = imp.getNSlices(), frames = imp.getNFrames();
		final long total = ( long ) slices * frames * h * w * c;
		if ( total > Integer.MAX_VALUE - 8 )
			throw new IllegalArgumentException( "The image has " + total
					+ " values, more than a Java array holds: inspect fewer slices at a time (Image > Stacks > Tools > Make Substack)." );
		final int count = slices * frames;
		final float[] data = new float[ ( int ) total ];
		final String[] classes = new String[ count ], names = new String[ count ];
		final ImageStack stack = imp.getStack();
		final int size = h * w * c;
		for ( int t = 0; t < frames; t++ )
			for ( int z = 0; z < slices; z++ )
			{
				final int i = t * slices + z;
				reader.read2D( 0, 0, w, h, z, t, data, i * size );
				n.apply( data, i * size, size, c );
				final String label = firstLine( stack.getSliceLabel( imp.getStackIndex( 1, z + 1, t + 1 ) ) );
				names[ i ] = label.isEmpty() ? "slice_" + ( i + 1 ) : label;
				classes[ i ] = label.indexOf( '/' ) > 0 ? label.substring( 0, label.indexOf( '/' ) ) : "";
			}
		return new ItemSet( data, count, h, w, c, classes, names );
	}

	/**
	 * The image files of a folder (sorted by path): files in subfolders are
	 * classed by subfolder, files directly inside by the name before the first '_'.
	 * Every image must have the size and channels of the first.
	 *
	 * @param normalization raw to network values, or null for the default by pixel type
	 */
	public static ItemSet fromFolder( final Path folder, final Normalization normalization ) throws IOException
	{
		if ( folder == null || !Files.isDirectory( folder ) )
			throw new IllegalArgumentException( "Image folder " + folder
					+ " not found: choose a folder of images, or of one subfolder per class." );
		final List< Path > files;
		try ( Stream< Path > s = Files.walk( folder, 2 ) )
		{
			files = s.filter( p -> Files.isRegularFile( p ) && isImageName( p ) ).sorted()
					.collect( Collectors.toList() );
		}
		if ( files.isEmpty() )
			throw new IllegalArgumentException(
					"No image files (" + String.join( " ", IMAGE_EXTENSIONS ) + ") in " + folder
							+ " or its subfolders: choose the folder that holds the images." );
		float[] data = null;
		int h = 0, w = 0, c = 0;
		final String[] classes = new String[ files.size() ], names = new String[ files.size() ];
		for ( int i = 0; i < files.size(); i++ )
		{
			final Path f = files.get( i );
			fiji.plugin.autoencoder.io.TiffCheck.check( f );
			final ImagePlus imp = IJ.openImage( f.toString() );
			if ( imp == null )
				throw new IOException(
						"Cannot open " + f + " as an image: remove it from the folder or convert it to TIFF or PNG." );
			final TensorReader reader = ImageTensors.reader( imp );
			if ( data == null )
			{
				h = imp.getHeight();
				w = imp.getWidth();
				c = reader.channels();
				if ( ( long ) files.size() * h * w * c > Integer.MAX_VALUE - 8 )
					throw new IllegalArgumentException( files.size() + " images of " + h + " x " + w + " x " + c
							+ " are more values than a Java array holds: inspect fewer images at a time." );
				data = new float[ files.size() * h * w * c ];
			}
			else if ( imp.getHeight() != h || imp.getWidth() != w || reader.channels() != c )
				throw new IllegalArgumentException( f + " is " + imp.getHeight() + " x " + imp.getWidth() + " x "
						+ reader.channels() + " (H x W x C) but "
						+ files.get( 0 ) + " is " + h + " x " + w + " x " + c
						+ ": every item must have the same size; resize or crop the images." );
			final int size = h * w * c;
			reader.read2D( 0, 0, w, h, 0, 0, data, i * size );
			fitted( normalization, imp ).apply( data, i * size, size, c );
			final Path rel = folder.relativize( f );
			names[ i ] = rel.getFileName().toString();
			final String base = names[ i ];
			classes[ i ] = rel.getNameCount() > 1 ? rel.getName( 0 ).toString()
					: base.indexOf( '_' ) > 0 ? base.substring( 0, base.indexOf( '_' ) ) : "";
		}
		return new ItemSet( data, files.size(), h, w, c, classes, names );
	}

	/**
	 * IDX images (scaled to [0, 1]) with their labels.
	 *
	 * @param limit      at most this many items (0: all)
	 * @param classNames names by label (e.g. {@link #FASHION_MNIST_CLASSES}), or null for the label numbers
	 */
	public static ItemSet fromIdx( final Path images, final Path labels, final int limit, final String[] classNames )
			throws IOException
	{
		final IdxReader.Images im = IdxReader.readImages( images );
		final int[] lab = labels == null ? null : IdxReader.readLabels( labels );
		if ( lab != null && lab.length != im.count )
			throw new IllegalArgumentException(
					images + " has " + im.count + " images but " + labels + " has " + lab.length
							+ " labels: give the label file that belongs to the image file." );
		final int n = limit <= 0 || limit > im.count ? im.count : limit;
		final String[] classes = new String[ n ], names = new String[ n ];
		for ( int i = 0; i < n; i++ )
		{
			if ( lab != null )
				classes[ i ] = classNames != null && lab[ i ] < classNames.length ? classNames[ lab[ i ] ]
						: Integer.toString( lab[ i ] );
			names[ i ] = "image_" + i;
		}
		return new ItemSet( im.toFloats( n ), n, im.height, im.width, 1, classes, names );
	}

	/** The default normalisation by bit depth: 8-bit and RGB / 255, 16-bit / 65535, 32-bit unchanged. */
	public static Normalization defaultNormalization( final ImagePlus imp )
	{
		switch ( imp.getBitDepth() )
		{
		case 8:
		case 24:
			return Normalization.eightBit();
		case 16:
			return Normalization.fixed( 0, 1 / 65535.0 );
		default:
			return Normalization.none();
		}
	}

	private static Normalization fitted( final Normalization n, final ImagePlus imp )
	{
		return n == null ? defaultNormalization( imp ) : Normalizer.fit( n, imp );
	}

	private static boolean isImageName( final Path p )
	{
		final String name = p.getFileName().toString().toLowerCase( Locale.ROOT );
		if ( name.startsWith( "." ) )
			return false;
		for ( final String ext : IMAGE_EXTENSIONS )
			if ( name.endsWith( ext ) )
				return true;
		return false;
	}

	private static String firstLine( final String label )
	{
		if ( label == null )
			return "";
		final int nl = label.indexOf( '\n' );
		return ( nl < 0 ? label : label.substring( 0, nl ) ).trim();
	}

	// -- getters --

	public int count()
	{
		return count;
	}

	public int height()
	{
		return height;
	}

	public int width()
	{
		return width;
	}

	public int channels()
	{
		return channels;
	}

	/** Values per item: height * width * channels. */
	public int itemSize()
	{
		return height * width * channels;
	}

	/** All values, item after item (the array itself). */
	public float[] data()
	{
		return data;
	}

	/** A copy of item {@code i}'s values. */
	public float[] item( final int i )
	{
		final float[] out = new float[ itemSize() ];
		System.arraycopy( data, i * itemSize(), out, 0, out.length );
		return out;
	}

	/** Class of item {@code i} ("" if unknown). */
	public String itemClass( final int i )
	{
		return classes[ i ];
	}

	public String name( final int i )
	{
		return names[ i ];
	}

	/** The first {@code n} items (all if n is larger), sharing nothing with this set. */
	public ItemSet first( final int n )
	{
		final int k = Math.min( Math.max( n, 1 ), count );
		final float[] d = new float[ k * itemSize() ];
		System.arraycopy( data, 0, d, 0, d.length );
		return new ItemSet( d, k, height, width, channels, Arrays.copyOf( classes, k ), Arrays.copyOf( names, k ) );
	}
}
