package fiji.plugin.autoencoder.segment;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/** Reading and creating the 2D planes of ImageJ images (channel c, slice z, frame t, all 1-based). */
final class Planes
{
	private Planes()
	{}

	/** Channels as a network sees them: an RGB image has 3 per ImageJ channel. */
	static int channels( final ImagePlus imp )
	{
		return imp.getType() == ImagePlus.COLOR_RGB ? 3 * imp.getNChannels() : imp.getNChannels();
	}

	/** The raw values of channel {@code c} (1-based, counting RGB components) as a new float array. */
	static float[] values( final ImagePlus imp, final int c, final int z, final int t )
	{
		final boolean rgb = imp.getType() == ImagePlus.COLOR_RGB;
		final int ijChannel = rgb ? ( c - 1 ) / 3 + 1 : c;
		final ImageProcessor ip = imp.getStack().getProcessor( imp.getStackIndex( ijChannel, z, t ) );
		if ( rgb )
			return ( float[] ) ( ( ColorProcessor ) ip ).toFloat( ( c - 1 ) % 3, null ).getPixels();
		if ( ip instanceof FloatProcessor )
			return ( ( float[] ) ip.getPixels() ).clone();
		return ( float[] ) ip.toFloat( 0, null ).getPixels();
	}

	/** A new 32-bit image with the given planes (index (t * slices + z) * channels + c, 0-based), calibrated like {@code template}. */
	static ImagePlus floatImage( final String title, final ImagePlus template, final int channels,
			final float[][] planes )
	{
		final int w = template.getWidth(), h = template.getHeight();
		final ImageStack stack = new ImageStack( w, h );
		for ( final float[] p : planes )
			stack.addSlice( null, new FloatProcessor( w, h, p ) );
		return wrap( title, template, stack, channels );
	}

	static ImagePlus wrap( final String title, final ImagePlus template, final ImageStack stack, final int channels )
	{
		final ImagePlus out = new ImagePlus( title, stack );
		out.setDimensions( channels, template.getNSlices(), template.getNFrames() );
		if ( channels > 1 || template.getNSlices() > 1 && template.getNFrames() > 1 )
			out.setOpenAsHyperStack( true );
		out.setCalibration( template.getCalibration().copy() );
		out.resetDisplayRange();
		return out;
	}

	/** The title of {@code imp} without its extension, plus a suffix. */
	static String title( final ImagePlus imp, final String suffix )
	{
		final String t = imp.getShortTitle();
		return ( t == null || t.isEmpty() ? "image" : t ) + "-" + suffix;
	}
}
