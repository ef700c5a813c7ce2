package fiji.plugin.autoencoder.convert;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.util.Random;

import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/** Real test images shipped by Debian's python3-skimage, and small helpers to cut and corrupt them. */
public final class TestImages
{
	public static final String SKIMAGE_DATA = "/usr/lib/python3/dist-packages/skimage/data/";

	private TestImages()
	{}

	/** Opens a skimage sample image, or skips the test when the file is absent. */
	public static ImagePlus open( final String name )
	{
		final File file = new File( SKIMAGE_DATA + name );
		assumeTrue( file.isFile(), "skimage sample " + file + " is absent: install python3-skimage to run this test" );
		final ImagePlus imp = IJ.openImage( file.getPath() );
		assumeTrue( imp != null, "ImageJ could not open " + file );
		return imp;
	}

	/** A w x h crop of {@code ip} at (x, y), as a new image. */
	public static ImagePlus crop( final ImageProcessor ip, final int x, final int y, final int w, final int h )
	{
		final ImageProcessor c = ip.duplicate();
		c.setRoi( x, y, w, h );
		return new ImagePlus( "crop", c.crop() );
	}

	/** {@code clean} plus seeded Gaussian noise of the given sigma, as a 32-bit image. */
	public static ImagePlus withGaussianNoise( final ImagePlus clean, final double sigma, final long seed )
	{
		final Random r = new Random( seed );
		final FloatProcessor fp = clean.getProcessor().convertToFloatProcessor();
		final float[] px = ( float[] ) fp.getPixels();
		for ( int i = 0; i < px.length; i++ )
			px[ i ] += sigma * r.nextGaussian();
		return new ImagePlus( "noisy", fp );
	}

	/** The first plane's pixels as floats. */
	public static float[] pixels( final ImagePlus imp )
	{
		return ( float[] ) imp.getProcessor().convertToFloatProcessor().getPixels();
	}
}
