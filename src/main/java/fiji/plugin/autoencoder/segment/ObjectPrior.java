package fiji.plugin.autoencoder.segment;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * What the training masks say about the objects of each class, learned at
 * training and applied after prediction (Segment Image's
 * {@code object_prior}): the most objects of a class in one training plane
 * (when it is 1, predictions keep only the most probable object: the largest
 * sum of the class probability; larger counts are not a limit, as another
 * image may well hold more), the smallest training object (predicted objects under
 * half its area are dropped), and whether any training object has a hole
 * (if none has, holes in predicted objects are filled).
 *
 * <pre>{@code
 * ObjectPrior prior = ObjectPrior.of( masks, 2 );     // classes 1 and 2
 * Segmentation kept = prior.apply( seg, classScore, 1 );
 * }</pre>
 */
public final class ObjectPrior
{
	/** Per class (index 0 = class 1): the most 8-connected objects in one plane of a training mask. */
	public final int[] maxObjects;

	/** Per class: the area of the smallest training object, in full-resolution pixels. */
	public final int[] minArea;

	/** Per class: whether any training object encloses background (a hole). */
	public final boolean[] holes;

	public ObjectPrior( final int[] maxObjects, final int[] minArea, final boolean[] holes )
	{
		if ( maxObjects.length != minArea.length || holes.length != minArea.length )
			throw new IllegalArgumentException( "The object prior needs one value per class" );
		this.maxObjects = maxObjects.clone();
		this.minArea = minArea.clone();
		this.holes = holes.clone();
	}

	/** Learns the prior from masks (binary: any non-zero value is class 1; else values 1..classes). */
	public static ObjectPrior of( final List< ImagePlus > masks, final int classes )
	{
		final int[] max = new int[ classes ], min = new int[ classes ];
		final boolean[] holes = new boolean[ classes ];
		Arrays.fill( min, Integer.MAX_VALUE );
		for ( final ImagePlus m : masks )
		{
			final int w = m.getWidth(), h = m.getHeight(), n = w * h;
			final byte[] fg = new byte[ n ];
			final int[] labels = new int[ n ];
			for ( int s = 1; s <= m.getStackSize(); s++ )
			{
				final ImageProcessor ip = m.getStack().getProcessor( s );
				for ( int c = 1; c <= classes; c++ )
				{
					for ( int i = 0; i < n; i++ )
					{
						final float v = ip.getf( i );
						fg[ i ] = ( byte ) ( classes == 1 ? ( v != 0 ? 1 : 0 ) : ( v == c ? 1 : 0 ) );
					}
					final int count = Labeling.label( fg, w, h, Labeling.Connectivity.EIGHT, 0, 1, labels );
					max[ c - 1 ] = Math.max( max[ c - 1 ], count );
					final int[] area = new int[ count + 1 ];
					for ( int i = 0; i < n; i++ )
						area[ labels[ i ] ]++;
					for ( int k = 1; k <= count; k++ )
						min[ c - 1 ] = Math.min( min[ c - 1 ], area[ k ] );
					if ( !holes[ c - 1 ] && count > 0 )
					{
						final byte[] filled = fg.clone();
						holes[ c - 1 ] = fillHoles( filled, w, h ) > 0;
					}
				}
			}
		}
		for ( int c = 0; c < classes; c++ )
			if ( min[ c ] == Integer.MAX_VALUE )
				min[ c ] = 0;
		return new ObjectPrior( max, min, holes );
	}

	/**
	 * One class of a segmentation with the prior applied: in each plane only the
	 * object with the largest probability sum when every training plane had at most one, none
	 * under half the smallest training object, holes filled unless training
	 * objects had holes; labels renumbered and measured on {@code score}.
	 *
	 * @param seg   the class's segmentation (mask, labels)
	 * @param score the class's probability, planes as seg's
	 * @param c     the class, 1..K
	 */
	public Segmentation apply( final Segmentation seg, final ImagePlus score, final int c )
	{
		final int k = c - 1, w = seg.labels.getWidth(), h = seg.labels.getHeight(), n = w * h,
				limit = maxObjects[ k ] == 1 ? 1 : 0;
		final ImageStack out = new ImageStack( w, h );
		for ( int t = 1; t <= seg.labels.getNFrames(); t++ )
			for ( int z = 1; z <= seg.labels.getNSlices(); z++ )
			{
				final float[] l = Planes.values( seg.labels, 1, z, t ), p = Planes.values( score, 1, z, t );
				int top = 0;
				for ( final float v : l )
					top = Math.max( top, ( int ) v );
				final double[] mass = new double[ top + 1 ];
				final int[] area = new int[ top + 1 ];
				for ( int i = 0; i < n; i++ )
				{
					mass[ ( int ) l[ i ] ] += p[ i ];
					area[ ( int ) l[ i ] ]++;
				}
				final boolean[] keep = new boolean[ top + 1 ];
				final Integer[] order = new Integer[ top ];
				for ( int i = 0; i < top; i++ )
					order[ i ] = i + 1;
				Arrays.sort( order, ( a, b ) -> Double.compare( mass[ b ], mass[ a ] ) );
				int kept = 0;
				for ( final int label : order )
					if ( area[ label ] > 0 && 2L * area[ label ] >= minArea[ k ] && ( limit == 0 || kept < limit ) )
					{
						keep[ label ] = true;
						kept++;
					}
				final byte[] m = new byte[ n ];
				for ( int i = 0; i < n; i++ )
					if ( keep[ ( int ) l[ i ] ] )
						m[ i ] = 1;
				if ( !holes[ k ] )
					fillHoles( m, w, h );
				for ( int i = 0; i < n; i++ )
					m[ i ] = m[ i ] != 0 ? ( byte ) 255 : 0;
				out.addSlice( null, new ByteProcessor( w, h, m ) );
			}
		final ImagePlus mask = Planes.wrap( seg.mask.getTitle(), seg.mask, out, 1 );
		final ImagePlus labels = Labeling.label( mask, Labeling.Connectivity.EIGHT, 0 );
		return Segmentation.of( seg.score, seg.threshold, mask, labels, Labeling.measure( labels, score ) );
	}

	/** Sets the background pixels that the border cannot reach (4-connected) to 1; returns how many. */
	static int fillHoles( final byte[] fg, final int w, final int h )
	{
		final int n = w * h;
		final byte[] bg = new byte[ n ];
		for ( int i = 0; i < n; i++ )
			bg[ i ] = ( byte ) ( fg[ i ] == 0 ? 1 : 0 );
		final int[] labels = new int[ n ];
		final int count = Labeling.label( bg, w, h, Labeling.Connectivity.FOUR, 0, 1, labels );
		final boolean[] outside = new boolean[ count + 1 ];
		for ( int x = 0; x < w; x++ )
		{
			outside[ labels[ x ] ] = true;
			outside[ labels[ ( h - 1 ) * w + x ] ] = true;
		}
		for ( int y = 0; y < h; y++ )
		{
			outside[ labels[ y * w ] ] = true;
			outside[ labels[ y * w + w - 1 ] ] = true;
		}
		int filled = 0;
		for ( int i = 0; i < n; i++ )
			if ( labels[ i ] > 0 && !outside[ labels[ i ] ] )
			{
				fg[ i ] = 1;
				filled++;
			}
		return filled;
	}

	/** A short description for a log, e.g. "class 1: at most 5 objects of at least 120 px, holes kept". */
	@Override
	public String toString()
	{
		final StringBuilder s = new StringBuilder();
		for ( int c = 0; c < minArea.length; c++ )
			s.append( c > 0 ? "; " : "" )
					.append( String.format( Locale.ROOT, "class %d: %s of at least %d px, holes %s", c + 1,
							maxObjects[ c ] == 1 ? "the most probable object"
									: "any number of objects (up to " + maxObjects[ c ] + " in a training mask)",
							minArea[ c ] / 2, holes[ c ] ? "kept" : "filled" ) );
		return s.toString();
	}

	JsonObject toJson()
	{
		final JsonObject o = new JsonObject();
		final JsonArray max = new JsonArray(), min = new JsonArray(), hol = new JsonArray();
		for ( int c = 0; c < minArea.length; c++ )
		{
			max.add( maxObjects[ c ] );
			min.add( minArea[ c ] );
			hol.add( holes[ c ] );
		}
		o.add( "max_objects", max );
		o.add( "min_area", min );
		o.add( "holes", hol );
		return o;
	}

	static ObjectPrior fromJson( final JsonObject o, final int classes )
	{
		final JsonArray max = o.getAsJsonArray( "max_objects" ), min = o.getAsJsonArray( "min_area" ),
				hol = o.getAsJsonArray( "holes" );
		if ( max == null || min == null || hol == null || max.size() != classes || min.size() != classes
				|| hol.size() != classes )
			throw new IllegalArgumentException(
					"The model file's object prior does not give max_objects, min_area and holes for each of its "
							+ classes + " class(es) (a damaged file?)" );
		final int[] a = new int[ classes ], b = new int[ classes ];
		final boolean[] h = new boolean[ classes ];
		for ( int c = 0; c < classes; c++ )
		{
			a[ c ] = max.get( c ).getAsInt();
			b[ c ] = min.get( c ).getAsInt();
			h[ c ] = hol.get( c ).getAsBoolean();
		}
		return new ObjectPrior( a, b, h );
	}
}
