package fiji.plugin.autoencoder.convert;

import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.NativeType;

/**
 * The axis order used for every image in this package: always five axes
 * <b>X, Y, C, Z, T</b>, singleton axes kept.
 * <p>
 * An ImageJ {@link ImagePlus} of any shape becomes a 5D image of size
 * {@code (width, height, nChannels, nSlices, nFrames)}; a 2D 8-bit image is
 * {@code (w, h, 1, 1, 1)}. X is the fastest axis in ImgLib2 and the stack index
 * of plane {@code (c, z, t)} is ImageJ's own {@code c + C * (z + Z * t)}.
 * Keeping the singleton axes means code never has to guess which axis is which.
 *
 * <pre>{@code
 * long[] dims = ImageAxes.dimensions( imp ); // {w, h, c, z, t}
 * long channels = dims[ ImageAxes.C ];
 * }</pre>
 */
public final class ImageAxes
{
	/** Index of the X axis (fastest, columns). */
	public static final int X = 0;

	/** Index of the Y axis (rows). */
	public static final int Y = 1;

	/** Index of the channel axis. */
	public static final int C = 2;

	/** Index of the Z (slice) axis. */
	public static final int Z = 3;

	/** Index of the T (frame) axis. */
	public static final int T = 4;

	/** Number of axes of every image in this package. */
	public static final int NUM_AXES = 5;

	private ImageAxes()
	{}

	/** Dimensions {@code {width, height, channels, slices, frames}} of an ImagePlus (RGB counts as one channel here). */
	public static long[] dimensions( final ImagePlus imp )
	{
		if ( imp == null )
			throw new IllegalArgumentException( "The image is null: pass an open ImagePlus." );
		return new long[] { imp.getWidth(), imp.getHeight(), imp.getNChannels(), imp.getNSlices(), imp.getNFrames() };
	}

	/** Checks that an image is non-null, 5D and of a NativeType; returns it. */
	static RandomAccessibleInterval< ? > requireNativeFiveAxes( final RandomAccessibleInterval< ? > image )
	{
		if ( image == null )
			throw new IllegalArgumentException( "The image is null: pass a 5D (X, Y, C, Z, T) image." );
		requireFiveAxes( image.numDimensions(), "The image" );
		if ( !( image.getType() instanceof NativeType ) )
			throw new IllegalArgumentException( "Pixel type " + image.getType().getClass().getSimpleName()
					+ " is not supported: use a real-valued native type (8/16-bit unsigned, float, ...) or ARGBType for RGB." );
		return image;
	}

	/** Throws an IllegalArgumentException unless {@code numDimensions} is 5. */
	static void requireFiveAxes( final int numDimensions, final String what )
	{
		if ( numDimensions != NUM_AXES )
			throw new IllegalArgumentException( what + " has " + numDimensions
					+ " axes but X, Y, C, Z, T (5 axes) are needed: "
					+ "wrap ImagePlus images with ImagePlusImages.wrap, or add singleton axes with Views.addDimension." );
	}
}
