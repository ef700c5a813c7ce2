package fiji.plugin.autoencoder.segment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * The resolution a segmenter works at: images are shrunk by a whole factor
 * {@code k} (averaging) for training and prediction, and the probabilities
 * are enlarged back to the full size (bilinear). A net that sees 64 x 64
 * pixels then sees {@code 64 k} pixels of the image, enough for objects far
 * larger than a patch.
 *
 * <pre>{@code
 * int k = SegmentScale.auto( masks, 64 );          // from the objects' sizes
 * ImagePlus small = SegmentScale.shrink( image, k );
 * ImagePlus full = SegmentScale.enlarge( probability, image.getWidth(), image.getHeight() );
 * }</pre>
 */
public final class SegmentScale
{
	/** Objects that {@link #auto} fits into one patch: this percentile of their extents. */
	public static final double OBJECT_PERCENTILE = 90;

	private SegmentScale()
	{}

	/**
	 * The factor that fits most objects (the {@link #OBJECT_PERCENTILE}th
	 * percentile of their largest bounding-box side, per class, 8-connected)
	 * into one patch: {@code ceil(extent / patchSize)}, at least 1.
	 */
	public static int auto( final List< ImagePlus > masks, final int patchSize )
	{
		final double extent = objectExtent( masks, OBJECT_PERCENTILE );
		return Math.max( 1, ( int ) Math.ceil( extent / patchSize - 1e-9 ) );
	}

	/** The given percentile of the objects' largest bounding-box sides in pixels (each label value is its own class), 0 without objects. */
	public static double objectExtent( final List< ImagePlus > masks, final double percentile )
	{
		final List< Integer > extents = new ArrayList<>();
		for ( final ImagePlus m : masks )
		{
			final int w = m.getWidth(), h = m.getHeight(), n = w * h;
			for ( int s = 1; s <= m.getStackSize(); s++ )
			{
				final ImageProcessor ip = m.getStack().getProcessor( s );
				for ( final int value : values( ip ) )
				{
					final byte[] fg = new byte[ n ];
					for ( int i = 0; i < n; i++ )
						fg[ i ] = ( byte ) ( ip.getf( i ) == value ? 1 : 0 );
					final int[] labels = new int[ n ];
					final int count = Labeling.label( fg, w, h, Labeling.Connectivity.EIGHT, 0, 1, labels );
					final int[] x0 = new int[ count + 1 ], y0 = new int[ count + 1 ], x1 = new int[ count + 1 ],
							y1 = new int[ count + 1 ];
					Arrays.fill( x0, Integer.MAX_VALUE );
					Arrays.fill( y0, Integer.MAX_VALUE );
					for ( int i = 0; i < n; i++ )
					{
						final int k = labels[ i ];
						if ( k > 0 )
						{
							x0[ k ] = Math.min( x0[ k ], i % w );
							x1[ k ] = Math.max( x1[ k ], i % w );
							y0[ k ] = Math.min( y0[ k ], i / w );
							y1[ k ] = Math.max( y1[ k ], i / w );
						}
					}
					for ( int k = 1; k <= count; k++ )
						if ( x1[ k ] >= x0[ k ] )
							extents.add( Math.max( x1[ k ] - x0[ k ], y1[ k ] - y0[ k ] ) + 1 );
				}
			}
		}
		if ( extents.isEmpty() )
			return 0;
		final float[] e = new float[ extents.size() ];
		for ( int i = 0; i < e.length; i++ )
			e[ i ] = extents.get( i );
		Arrays.sort( e );
		return e[ Math.min( e.length - 1, ( int ) Math.ceil( percentile / 100 * e.length ) - 1 ) ];
	}

	/**
	 * Refuses a factor that leaves the image smaller than {@code minimum}
	 * pixels (the patch size for training, the network's size multiple for
	 * prediction), naming the largest factor that works.
	 */
	public static void check( final ImagePlus image, final int factor, final int minimum, final String what )
	{
		final int w = size( image.getWidth(), factor ), h = size( image.getHeight(), factor );
		if ( w < minimum || h < minimum )
		{
			final int largest = Math.min( image.getWidth(), image.getHeight() ) / minimum;
			throw new IllegalArgumentException( "At scale 1/" + factor + " the image '" + image.getTitle() + "' ("
					+ image.getWidth() + " x " + image.getHeight() + ") becomes " + w + " x " + h
					+ ", smaller than " + what + " (" + minimum + " pixels): "
					+ ( largest >= 1 ? "use a scale factor of at most " + largest
							: "the image is too small even at full resolution (scale 1); use a larger image"
									+ ( what.startsWith( "the patch" ) ? " or a smaller patch size" : "" ) ) );
		}
	}

	/** The size of one side at 1/factor resolution. */
	public static int size( final int full, final int factor )
	{
		return Math.max( 1, ( int ) Math.round( full / ( double ) factor ) );
	}

	/** The image shrunk by the factor (32-bit, each plane averaged; RGB becomes 3 channels), or itself for factor 1. */
	public static ImagePlus shrink( final ImagePlus image, final int factor )
	{
		if ( factor == 1 )
			return image;
		final int w = size( image.getWidth(), factor ), h = size( image.getHeight(), factor );
		final int c = Planes.channels( image );
		final ImageStack out = new ImageStack( w, h );
		for ( int t = 1; t <= image.getNFrames(); t++ )
			for ( int z = 1; z <= image.getNSlices(); z++ )
				for ( int ch = 1; ch <= c; ch++ )
				{
					final ImageProcessor fp = new FloatProcessor( image.getWidth(), image.getHeight(),
							Planes.values( image, ch, z, t ) );
					fp.setInterpolationMethod( ImageProcessor.BILINEAR );
					out.addSlice( null, fp.resize( w, h, true ) );
				}
		final ImagePlus small = new ImagePlus( image.getTitle(), out );
		small.setDimensions( c, image.getNSlices(), image.getNFrames() );
		final ij.measure.Calibration cal = image.getCalibration().copy();
		cal.pixelWidth *= image.getWidth() / ( double ) w;
		cal.pixelHeight *= image.getHeight() / ( double ) h;
		small.setCalibration( cal );
		return small;
	}

	/** Enlarges every plane (bilinear) to {@code width x height}, keeping the channels; itself when it has that size. */
	public static ImagePlus enlarge( final ImagePlus image, final int width, final int height,
			final ij.measure.Calibration calibration )
	{
		if ( image.getWidth() == width && image.getHeight() == height )
			return image;
		final ImageStack out = new ImageStack( width, height );
		for ( int s = 1; s <= image.getStackSize(); s++ )
		{
			final ImageProcessor ip = image.getStack().getProcessor( s ).convertToFloat();
			ip.setInterpolationMethod( ImageProcessor.BILINEAR );
			out.addSlice( null, ip.resize( width, height ) );
		}
		final ImagePlus big = new ImagePlus( image.getTitle(), out );
		big.setDimensions( image.getNChannels(), image.getNSlices(), image.getNFrames() );
		if ( image.isHyperStack() )
			big.setOpenAsHyperStack( true );
		if ( calibration != null )
			big.setCalibration( calibration.copy() );
		return big;
	}

	private static int[] values( final ImageProcessor ip )
	{
		final boolean[] seen = new boolean[ 65536 ];
		int count = 0;
		for ( int i = 0; i < ip.getPixelCount(); i++ )
		{
			final int v = ( int ) ip.getf( i );
			if ( v > 0 && v < seen.length && !seen[ v ] )
			{
				seen[ v ] = true;
				count++;
			}
		}
		final int[] out = new int[ count ];
		for ( int v = 1, j = 0; v < seen.length; v++ )
			if ( seen[ v ] )
				out[ j++ ] = v;
		return out;
	}
}
