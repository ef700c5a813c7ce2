package fiji.plugin.autoencoder.train;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;

/**
 * Refuses training images a network cannot learn from, before any training
 * starts: NaN or infinite pixels (the loss would become NaN and the model stay
 * untrained) and an image with one value everywhere (nothing to learn).
 * Stateless, thread-safe.
 */
public final class TrainingImageCheck
{
	private TrainingImageCheck()
	{}

	/**
	 * @param what     "training image" or "target image", for the message
	 * @param constant also refuse an image with one value everywhere
	 * @throws IllegalArgumentException naming the image, what is wrong and the fix
	 */
	public static void check( final ImagePlus imp, final String what, final boolean constant )
	{
		final ImageStack stack = imp.getStack();
		if ( imp.getWidth() == 0 || imp.getHeight() == 0 || stack.getSize() == 0 )
			throw new IllegalArgumentException( "The " + what + " '" + imp.getTitle() + "' is empty (" + imp.getWidth()
					+ " x " + imp.getHeight() + " pixels): give an image with pixels" );
		long bad = 0;
		String first = null;
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		final int w = imp.getWidth();
		for ( int s = 1; s <= stack.getSize(); s++ )
		{
			final Object pixels = stack.getPixels( s );
			if ( pixels instanceof float[] )
			{
				final float[] px = ( float[] ) pixels;
				for ( int k = 0; k < px.length; k++ )
				{
					if ( !Float.isFinite( px[ k ] ) )
					{
						if ( bad++ == 0 )
							first = ( Float.isNaN( px[ k ] ) ? "NaN" : "infinite" ) + " at x=" + k % w + ", y=" + k / w
									+ ( stack.getSize() > 1 ? ", slice " + s : "" );
						continue;
					}
					min = Math.min( min, px[ k ] );
					max = Math.max( max, px[ k ] );
				}
			}
			else if ( constant && !( min < max ) )
			{
				final ImageProcessor ip = stack.getProcessor( s );
				final int n = w * imp.getHeight();
				for ( int k = 0; k < n && !( min < max ); k++ )
				{
					final double v = ip.get( k ); // NB: the raw value; for RGB the packed colour
					min = Math.min( min, v );
					max = Math.max( max, v );
				}
			}
		}
		if ( bad > 0 )
			throw new IllegalArgumentException( "The " + what + " '" + imp.getTitle() + "' has " + bad
					+ " NaN or infinite pixel(s), the first " + first
					+ ": training on them would leave the model untrained. Replace them first (Process > Math > Remove NaNs..., or Process > Math > Set...)" );
		if ( constant && min == max )
			throw new IllegalArgumentException( "The " + what + " '" + imp.getTitle() + "' has the same value ("
					+ ( float ) min + ") in every pixel: there is nothing to learn. "
					+ "Choose an image with structure (check that it was opened and converted correctly)" );
	}
}
