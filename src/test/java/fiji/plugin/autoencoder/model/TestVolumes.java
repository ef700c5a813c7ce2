package fiji.plugin.autoencoder.model;

import fiji.plugin.autoencoder.convert.TestImages;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * Test volumes made from a real 2D micrograph (Debian has no real 3D image):
 * slice z of the volume is the {@code width x height} crop of the image at
 * ({@code x0 + 3 z}, {@code y0 + 2 z}), i.e. the image sheared through the
 * volume. Every slice is real image content and neighbouring slices are
 * strongly correlated (one structure runs obliquely through z), as in a
 * z-stack.
 */
public final class TestVolumes
{
	private TestVolumes()
	{}

	/** A 32-bit z-stack of {@code frames} time points; frame t starts {@code 40 t} pixels further right. */
	public static ImagePlus sheared( final String image, final int x0, final int y0, final int width, final int height,
			final int depth, final int frames )
	{
		final ImagePlus src = TestImages.open( image );
		final ImageProcessor ip = src.getProcessor().convertToFloatProcessor();
		final ImageStack stack = new ImageStack( width, height );
		for ( int t = 0; t < frames; t++ )
			for ( int z = 0; z < depth; z++ )
			{
				final FloatProcessor fp = new FloatProcessor( width, height );
				for ( int y = 0; y < height; y++ )
					for ( int x = 0; x < width; x++ )
						fp.setf( x, y, ip.getf( x0 + 40 * t + 3 * z + x, y0 + 2 * z + y ) );
				stack.addSlice( fp );
			}
		final ImagePlus imp = new ImagePlus( image + "-sheared-volume", stack );
		imp.setDimensions( 1, depth, frames );
		return imp;
	}

	/** The voxels of frame 0 as (D, H, W) floats. */
	public static float[] voxels( final ImagePlus imp )
	{
		final int w = imp.getWidth(), h = imp.getHeight(), d = imp.getNSlices();
		final float[] v = new float[ d * h * w ];
		for ( int z = 0; z < d; z++ )
		{
			final float[] px = ( float[] ) imp.getStack().getProcessor( imp.getStackIndex( 1, z + 1, 1 ) )
					.convertToFloatProcessor().getPixels();
			System.arraycopy( px, 0, v, z * h * w, h * w );
		}
		return v;
	}
}
