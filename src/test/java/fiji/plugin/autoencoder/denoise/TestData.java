package fiji.plugin.autoencoder.denoise;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;

import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;

/** Real test images from scikit-image's sample data (Debian python3-skimage) and this project's test-images/. */
final class TestData
{
	static final File SKIMAGE_DATA = new File( "/usr/lib/python3/dist-packages/skimage/data" );

	private TestData()
	{}

	/** A skimage sample image as a float processor with values divided by {@code scale}; skips if absent. */
	static FloatProcessor skimage( final String name, final double scale )
	{
		final File f = new File( SKIMAGE_DATA, name );
		assumeTrue( f.isFile(), "scikit-image sample " + f + " is absent (install python3-skimage)" );
		return open( f, scale );
	}

	/** A file opened with ImageJ, converted to float and divided by {@code scale}. */
	static FloatProcessor open( final File f, final double scale )
	{
		final ImagePlus imp = IJ.openImage( f.getPath() );
		if ( imp == null )
			throw new IllegalStateException( "ImageJ could not open " + f );
		final FloatProcessor fp = imp.getProcessor().convertToFloatProcessor();
		fp.multiply( 1 / scale );
		return fp;
	}

	static float[] pixels( final FloatProcessor fp )
	{
		return ( float[] ) fp.getPixels();
	}
}
