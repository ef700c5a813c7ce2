package fiji.plugin.autoencoder.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import ij.ImagePlus;

/**
 * Label masks for segmentation training: binary masks (0 and one foreground
 * value, e.g. 255) or class masks with the values 0 (background), 1, ..., K.
 * Masks whose values skip a class or exceed the declared class count are
 * refused with the values found.
 *
 * <pre>{@code
 * int k = MultiClassMasks.classes( masks, 0 );     // 2 for masks of 0, 1, 2
 * float[] t = MultiClassMasks.oneHot( labels, k ); // K + 1 values per pixel, background first
 * }</pre>
 */
public final class MultiClassMasks
{
	private MultiClassMasks()
	{}

	/**
	 * The number of foreground classes: 1 for binary masks (any one foreground
	 * value), K for values 1..K (K at least 2).
	 *
	 * @param declared the expected number of classes, or 0 to read it from the masks
	 */
	public static int classes( final List< ImagePlus > masks, final int declared )
	{
		final TreeSet< Integer > values = new TreeSet<>();
		for ( final ImagePlus m : masks )
			values.addAll( values( m ) );
		values.remove( 0 );
		if ( values.isEmpty() )
			throw new IllegalArgumentException(
					"Every mask is empty (all 0): mark the objects with a non-zero value (e.g. 255) so there is something to learn" );
		if ( values.size() == 1 && declared <= 1 )
			return 1;
		if ( declared == 1 )
			throw new IllegalArgumentException(
					"The masks are declared binary (1 class) but besides 0 they hold the values " + describe( values )
							+ ": set classes to " + values.last()
							+ " (or 0 to read it from the masks), or give binary masks" );
		final int k = declared > 0 ? declared : values.last();
		final TreeSet< Integer > missing = new TreeSet<>();
		for ( int c = 1; c <= k; c++ )
			if ( !values.contains( c ) )
				missing.add( c );
		if ( values.last() > k )
			throw new IllegalArgumentException(
					"The masks hold the label values " + describe( values ) + " (besides 0), more than the " + k
							+ " declared classes: set classes to " + values.last() + ", or relabel the masks 1.." + k );
		if ( !missing.isEmpty() )
			throw new IllegalArgumentException( "The masks hold the label values " + describe( values )
					+ " (besides 0): class" + ( missing.size() > 1 ? "es " : " " )
					+ describe( missing ) + " never occur" + ( missing.size() > 1 ? "" : "s" )
					+ ". Number the classes 1, 2, ... without gaps (or, for a binary mask, use one foreground value)" );
		return k;
	}

	/** The distinct integer values of a mask (all planes); refuses non-integer and negative values and multi-channel masks. */
	static TreeSet< Integer > values( final ImagePlus mask )
	{
		if ( mask.getType() == ImagePlus.COLOR_RGB || mask.getNChannels() != 1 )
			throw new IllegalArgumentException( "The mask '" + mask.getTitle() + "' has " + Planes.channels( mask )
					+ " channels" + ( mask.getType() == ImagePlus.COLOR_RGB ? " (RGB)" : "" )
					+ ": a mask has one channel; convert it (Image > Type > 8-bit)" );
		final TreeSet< Integer > values = new TreeSet<>();
		final boolean[] seen = new boolean[ 65536 ];
		for ( int s = 1; s <= mask.getStackSize(); s++ )
		{
			final ij.process.ImageProcessor ip = mask.getStack().getProcessor( s );
			for ( int i = 0; i < ip.getPixelCount(); i++ )
			{
				final float v = ip.getf( i );
				if ( v < 0 || v != Math.rint( v ) || v > 65535 )
					throw new IllegalArgumentException( "The mask '" + mask.getTitle() + "' holds the value " + v
							+ ": mask values are 0 (background) and whole class numbers 1, 2, ..." );
				if ( !seen[ ( int ) v ] )
				{
					seen[ ( int ) v ] = true;
					values.add( ( int ) v );
				}
			}
		}
		return values;
	}

	/**
	 * Labels as training targets, channels-last: for 1 class one 0/1 value per
	 * pixel (any non-zero label is foreground), for K classes K + 1 one-hot values
	 * (background first).
	 */
	public static float[] oneHot( final float[] labels, final int classes )
	{
		if ( classes == 1 )
		{
			final float[] t = new float[ labels.length ];
			for ( int i = 0; i < t.length; i++ )
				t[ i ] = labels[ i ] != 0 ? 1 : 0;
			return t;
		}
		final int c = classes + 1;
		final float[] t = new float[ labels.length * c ];
		for ( int i = 0; i < labels.length; i++ )
			t[ i * c + Math.min( classes, Math.max( 0, Math.round( labels[ i ] ) ) ) ] = 1;
		return t;
	}

	/** Target channels for this many classes: 1 (sigmoid) for one, K + 1 (softmax) for more. */
	public static int targetChannels( final int classes )
	{
		return classes == 1 ? 1 : classes + 1;
	}

	private static String describe( final TreeSet< Integer > values )
	{
		final List< String > s = new ArrayList<>();
		for ( final Integer v : values )
		{
			if ( s.size() == 12 )
			{
				s.add( "... (" + values.size() + " values)" );
				break;
			}
			s.add( String.valueOf( v ) );
		}
		return String.join( ", ", s );
	}
}
