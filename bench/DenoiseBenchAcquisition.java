import java.util.ArrayList;
import java.util.List;

import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;

/**
 * Where a test crop was cut from (as test-images/make_test_images.py cuts it): the
 * source file in skimage/data, its grey conversion and the crop's top-left corner.
 */
final class DenoiseBenchAcquisition
{
	final String source, conversion;

	final int x, y;

	DenoiseBenchAcquisition( final String source, final String conversion, final int x, final int y )
	{
		this.source = source;
		this.conversion = conversion;
		this.x = x;
		this.y = y;
	}

	static DenoiseBenchAcquisition of( final String testImage )
	{
		switch ( testImage )
		{
		case "hubble_deep_field_256.tif":
			return new DenoiseBenchAcquisition( "hubble_deep_field.jpg", "luminance", 200, 20 );
		case "retina_green_256.tif":
			return new DenoiseBenchAcquisition( "retina.jpg", "green", 150, 520 );
		case "cell_256.tif":
			return new DenoiseBenchAcquisition( "cell.png", "grey", 294, 250 );
		case "ihc_256.tif":
			return new DenoiseBenchAcquisition( "ihc.png", "luminance", 256, 256 );
		default:
			return null;
		}
	}

	/** The whole source in [0,1], with the test crop pasted at its box so the crop is bit-identical to the test image. */
	FloatProcessor load( final float[] crop, final int w, final int h )
	{
		final ImagePlus imp = IJ.openImage( DenoiseBench.SKIMAGE + source );
		if ( imp == null )
			throw new IllegalArgumentException( "Cannot open " + DenoiseBench.SKIMAGE + source + ": install python3-skimage" );
		final int sw = imp.getWidth(), sh = imp.getHeight();
		final float[] px = new float[ sw * sh ];
		if ( imp.getType() == ImagePlus.COLOR_RGB )
		{
			final int[] rgb = ( int[] ) imp.getProcessor().getPixels();
			for ( int i = 0; i < px.length; i++ )
			{
				final int r = ( rgb[ i ] >> 16 ) & 0xff, g = ( rgb[ i ] >> 8 ) & 0xff, b = rgb[ i ] & 0xff;
				// skimage.color.rgb2gray coefficients, rounded to 8 bit as make_test_images.py does
				final double v = conversion.equals( "green" ) ? g : Math.rint( 0.2125 * r + 0.7154 * g + 0.0721 * b );
				px[ i ] = ( float ) ( v / 255.0 );
			}
		}
		else
		{
			final float[] f = ( float[] ) imp.getProcessor().convertToFloatProcessor().getPixels();
			for ( int i = 0; i < px.length; i++ )
				px[ i ] = f[ i ] / 255f;
		}
		for ( int yy = 0; yy < h; yy++ )
			System.arraycopy( crop, yy * w, px, ( y + yy ) * sw + x, w );
		return new FloatProcessor( sw, sh, px );
	}

	static float[] crop( final FloatProcessor fp, final int x, final int y, final int w, final int h )
	{
		final float[] src = ( float[] ) fp.getPixels(), out = new float[ w * h ];
		for ( int yy = 0; yy < h; yy++ )
			System.arraycopy( src, ( y + yy ) * fp.getWidth() + x, out, yy * w, w );
		return out;
	}

	/** The parts of an image outside a box (strips above and below, left and right of it) that are at least {@code min} wide and high. */
	static List< ImagePlus > regionsOutside( final FloatProcessor fp, final int x, final int y, final int w, final int h, final int min )
	{
		final int W = fp.getWidth(), H = fp.getHeight();
		final int[][] boxes = { { 0, 0, W, y }, { 0, y + h, W, H - y - h }, { 0, y, x, h }, { x + w, y, W - x - w, h } };
		final List< ImagePlus > out = new ArrayList<>();
		for ( final int[] b : boxes )
			if ( b[ 2 ] >= min && b[ 3 ] >= min )
				out.add( new ImagePlus( "region-" + b[ 0 ] + "-" + b[ 1 ], new FloatProcessor( b[ 2 ], b[ 3 ], crop( fp, b[ 0 ], b[ 1 ], b[ 2 ], b[ 3 ] ) ) ) );
		return out;
	}
}
