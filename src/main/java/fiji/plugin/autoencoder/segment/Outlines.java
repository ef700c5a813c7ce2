package fiji.plugin.autoencoder.segment;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

/**
 * A quick look at a segmentation: the image in grey (its first channel, at its
 * display range) with every object's outline in yellow: the object pixels
 * with a 4-neighbour of another label (or the border), one RGB plane per
 * z-slice and time point.
 *
 * <pre>{@code
 * ImagePlus look = Outlines.overlay( input, seg.labels );
 * }</pre>
 */
public final class Outlines
{
	private Outlines()
	{}

	/** The outline colour (yellow). */
	public static final int COLOR = 0xFFFF00;

	/** {@code image} in grey with the outlines of {@code labels}' objects in {@link #COLOR}. */
	public static ImagePlus overlay( final ImagePlus image, final ImagePlus labels )
	{
		final int w = image.getWidth(), h = image.getHeight();
		if ( labels.getWidth() != w || labels.getHeight() != h )
			throw new IllegalArgumentException( "The labels are " + labels.getWidth() + " x " + labels.getHeight()
					+ " but the image is " + w + " x " + h );
		final ImageStack out = new ImageStack( w, h );
		for ( int t = 1; t <= image.getNFrames(); t++ )
			for ( int z = 1; z <= image.getNSlices(); z++ )
			{
				final ImageProcessor ip = image.getStack().getProcessor( image.getStackIndex( 1, z, t ) ).duplicate();
				ip.setMinAndMax( image.getDisplayRangeMin(), image.getDisplayRangeMax() );
				final ColorProcessor rgb = image.getType() == ImagePlus.COLOR_RGB ? ( ColorProcessor ) ip
						: ( ColorProcessor ) ip.convertToByte( true ).convertToRGB();
				final float[] l = Planes.values( labels, 1, Math.min( z, labels.getNSlices() ),
						Math.min( t, labels.getNFrames() ) );
				for ( int y = 0; y < h; y++ )
					for ( int x = 0; x < w; x++ )
						if ( onOutline( l, x, y, w, h ) )
							rgb.set( x, y, COLOR );
				out.addSlice( image.getStack().getSliceLabel( image.getStackIndex( 1, z, t ) ), rgb );
			}
		final ImagePlus imp = new ImagePlus( image.getShortTitle() + "-overlay", out );
		imp.setDimensions( 1, image.getNSlices(), image.getNFrames() );
		imp.setCalibration( image.getCalibration() );
		return imp;
	}

	/** An object pixel whose 4-neighbour (or the border) has another label. */
	static boolean onOutline( final float[] l, final int x, final int y, final int w, final int h )
	{
		final float v = l[ y * w + x ];
		if ( v <= 0 )
			return false;
		return x == 0 || y == 0 || x == w - 1 || y == h - 1 || l[ y * w + x - 1 ] != v || l[ y * w + x + 1 ] != v
				|| l[ ( y - 1 ) * w + x ] != v || l[ ( y + 1 ) * w + x ] != v;
	}
}
