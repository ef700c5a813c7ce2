package fiji.plugin.autoencoder.convert;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;

import ij.IJ;
import ij.ImagePlus;

/** Real test images shipped by Debian's python3-skimage. */
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
}
