package fiji.plugin.autoencoder.convert;

import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;

/**
 * Image regions to and from channels-last float tensors.
 * <p>
 * <b>Axis order.</b> Images are 5D X, Y, C, Z, T ({@link ImageAxes}); ImgLib2
 * and ImageJ store X fastest, one plane per (c, z, t). Tensors are float arrays
 * in TensorFlow's channels-last order, C fastest, then W (x), then H (y), then
 * D (z): (H, W, C) for 2D, (D, H, W, C) for 3D, so
 * <pre>
 * 2D: index( x, y, c )    = ( y * W + x ) * C + c
 * 3D: index( x, y, z, c ) = ( ( z * H + y ) * W + x ) * C + c
 * </pre>
 * A batch is tensors one after another ({@code destOffset = b * H * W * C}).
 * {@link TensorReader} reads (mirror-extended, one bulk copy per region),
 * {@link TensorWriter} writes back (rounded and clamped for integer images).
 *
 * <pre>{@code
 * TensorReader in = ImageTensors.reader( imp );
 * float[] tile = new float[ 256 * 256 * in.channels() ];
 * in.read2D( -32, -32, 256, 256, 0, 0, tile, 0 ); // mirrored beyond the border
 * ImagePlus out = ImagePlusImages.createOutput( imp, OutputType.FLOAT_32, in.channels(), "denoised" );
 * ImageTensors.writer( out ).write2D( tile, 0, -32, -32, 256, 256, Intervals.createMinSize( 0, 0, 224, 224 ), 0, 0 );
 * }</pre>
 */
public final class ImageTensors
{
	private ImageTensors()
	{}

	/** A reader for a 5D image (X, Y, C, Z, T) of any real type or ARGBType. */
	public static TensorReader reader( final RandomAccessibleInterval< ? > xyczt )
	{
		return new TensorReader( xyczt );
	}

	/** A reader for an ImagePlus ({@link ImagePlusImages#wrap}). */
	public static TensorReader reader( final ImagePlus imp )
	{
		return new TensorReader( ImagePlusImages.wrap( imp ) );
	}

	/** A writer into a 5D image (X, Y, C, Z, T) of any real type or ARGBType. */
	public static TensorWriter writer( final RandomAccessibleInterval< ? > xyczt )
	{
		return new TensorWriter( xyczt );
	}

	/** A writer into an ImagePlus' own pixel arrays ({@link ImagePlusImages#wrap}). */
	public static TensorWriter writer( final ImagePlus imp )
	{
		return new TensorWriter( ImagePlusImages.wrap( imp ) );
	}

	/** Index of (x, y, channel c) in an (H, W, C) tensor of width w with C channels. */
	public static int index2D( final int x, final int y, final int c, final int w, final int channels )
	{
		return ( y * w + x ) * channels + c;
	}

	/** Index of (x, y, z, channel c) in a (D, H, W, C) tensor of width w and height h. */
	public static int index3D( final int x, final int y, final int z, final int c, final int w, final int h,
			final int channels )
	{
		return ( ( z * h + y ) * w + x ) * channels + c;
	}
}
