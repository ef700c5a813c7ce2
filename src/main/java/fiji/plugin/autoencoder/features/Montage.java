package fiji.plugin.autoencoder.features;

import java.util.Arrays;
import java.util.Random;

import fiji.plugin.autoencoder.model.Model;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

/**
 * Rows of images side by side in one 32-bit image: originals above their
 * reconstructions, and optionally originals, noisy copies and the model's
 * output for the noisy copies. Values are network values (after normalisation)
 * so all rows share one display range; gaps have the largest value (white).
 * Multi-channel items give one slice per channel.
 * <p>
 * Item {@code j} of row {@code r} starts at pixel
 * {@code ( j * ( width + gap ), r * ( height + gap ) )}.
 *
 * <pre>{@code
 * ImagePlus m = Montage.reconstructions( model, items, 10, 1 );
 * ImagePlus d = Montage.denoising( model, items, 10, 1, 0.2, 42 );
 * }</pre>
 */
public final class Montage
{
	private Montage()
	{}

	/**
	 * Originals (top row) above the model's reconstructions (bottom row) of the
	 * first {@code n} items.
	 *
	 * @param gap pixels between items (0 or more)
	 */
	public static ImagePlus reconstructions( final Model model, final ItemSet items, final int n, final int gap )
	{
		final ItemSet first = items.first( n );
		final float[] rec = predict( model, first.data(), first );
		return of( "reconstructions", first.count(), first.height(), first.width(), first.channels(), gap, first.data(),
				rec );
	}

	/**
	 * Three rows: the first {@code n} items, copies with Gaussian noise of
	 * standard deviation {@code sigma} (network units, seeded), and the model's
	 * output for the noisy copies.
	 */
	public static ImagePlus denoising( final Model model, final ItemSet items, final int n, final int gap,
			final double sigma, final long seed )
	{
		if ( !( sigma >= 0 ) || Double.isInfinite( sigma ) )
			throw new IllegalArgumentException(
					"Noise sigma must be 0 or positive, got " + sigma + ": use e.g. 0.2 for images scaled to [0, 1]." );
		final ItemSet first = items.first( n );
		final float[] noisy = first.data().clone();
		final Random random = new Random( seed );
		for ( int i = 0; i < noisy.length; i++ )
			noisy[ i ] += ( float ) ( sigma * random.nextGaussian() );
		final float[] denoised = predict( model, noisy, first );
		return of( "denoising", first.count(), first.height(), first.width(), first.channels(), gap, first.data(),
				noisy, denoised );
	}

	/**
	 * A montage of rows of {@code n} items each ({@code n * h * w * c} values per row, channels-last).
	 *
	 * @param gap pixels between items and rows, filled with the largest value
	 */
	public static ImagePlus of( final String title, final int n, final int h, final int w, final int c, final int gap,
			final float[]... rows )
	{
		if ( gap < 0 )
			throw new IllegalArgumentException( "The gap must be 0 or more pixels, got " + gap + "." );
		final int size = h * w * c;
		for ( final float[] row : rows )
			if ( row.length < ( long ) n * size )
				throw new IllegalArgumentException( "A montage row has " + row.length + " values, need "
						+ ( long ) n * size + " (" + n + " items of "
						+ h + " x " + w + " x " + c + "): give every row the same items." );
		final int width = n * w + ( n - 1 ) * gap, height = rows.length * h + ( rows.length - 1 ) * gap;
		final ImageStack stack = new ImageStack( width, height );
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for ( int ch = 0; ch < c; ch++ )
		{
			final float[] px = new float[ width * height ];
			Arrays.fill( px, Float.NaN );
			for ( int r = 0; r < rows.length; r++ )
				for ( int j = 0; j < n; j++ )
					for ( int y = 0; y < h; y++ )
						for ( int x = 0; x < w; x++ )
						{
							final float v = rows[ r ][ j * size + ( y * w + x ) * c + ch ];
							px[ ( r * ( h + gap ) + y ) * width + j * ( w + gap ) + x ] = v;
							if ( v < min )
								min = v;
							if ( v > max )
								max = v;
						}
			stack.addSlice( c == 1 ? title : "channel " + ( ch + 1 ), new FloatProcessor( width, height, px ) );
		}
		if ( gap > 0 && min <= max )
			for ( int ch = 1; ch <= c; ch++ )
			{
				final float[] px = ( float[] ) stack.getPixels( ch );
				for ( int i = 0; i < px.length; i++ )
					if ( Float.isNaN( px[ i ] ) )
						px[ i ] = max;
			}
		final ImagePlus imp = new ImagePlus( title, stack );
		if ( min <= max )
			imp.setDisplayRange( min, max );
		return imp;
	}

	/** The pixels of item {@code j}, row {@code r} of a single-channel montage, as (H, W). */
	public static float[] cell( final ImagePlus montage, final int r, final int j, final int h, final int w,
			final int gap )
	{
		final float[] px = ( float[] ) montage.getProcessor().getPixels();
		final float[] out = new float[ h * w ];
		for ( int y = 0; y < h; y++ )
			System.arraycopy( px, ( r * ( h + gap ) + y ) * montage.getWidth() + j * ( w + gap ), out, y * w, w );
		return out;
	}

	private static float[] predict( final Model model, final float[] input, final ItemSet items )
	{
		CodeTable.checkFits( model.spec(), items.height(), items.width(), items.channels() );
		if ( model.outputChannels() != items.channels() )
			throw new IllegalArgumentException( "The model outputs " + model.outputChannels() + " channel(s) for "
					+ items.channels()
					+ "-channel input, so its output cannot be shown as a reconstruction: use an autoencoder whose output has the input's channels." );
		final float[] out = new float[ input.length ];
		model.predict( input, out, items.count(), new int[] { items.height(), items.width() } );
		return out;
	}
}
