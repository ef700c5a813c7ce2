package fiji.plugin.autoencoder.segment;

import java.util.ArrayList;
import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * Connected components of binary masks, per 2D plane, 4- or 8-connected:
 * labels 1, 2, ... in raster order of each object's first pixel (row by row),
 * numbered on across the slices and frames of a stack, objects smaller than a
 * minimum size removed. Then per-object measurements (a ResultsTable) and one
 * ImageJ {@link Roi} per object for the ROI Manager.
 *
 * <pre>{@code
 * ImagePlus labels = Labeling.label( mask, Labeling.Connectivity.EIGHT, 20 );
 * ResultsTable table = Labeling.measure( labels, anomalyMap );
 * List< Roi > rois = Labeling.rois( labels );
 * }</pre>
 *
 * Stateless and thread-safe.
 */
public final class Labeling
{
	private Labeling()
	{}

	/** Which neighbours touch. */
	public enum Connectivity
	{
		/** Edge neighbours only. */
		FOUR,
		/** Edge and corner neighbours. */
		EIGHT
	}

	/**
	 * Labels one plane.
	 *
	 * @param foreground true (non-zero) pixels, row-major, x fastest
	 * @param minSize    objects with fewer pixels are removed (0 or 1 keeps all)
	 * @param firstLabel the label of the first object
	 * @param labels     receives the labels (0 = background), length w * h
	 * @return the number of objects kept
	 */
	public static int label( final byte[] foreground, final int width, final int height,
			final Connectivity connectivity, final int minSize,
			final int firstLabel, final int[] labels )
	{
		final int n = width * height;
		if ( foreground.length < n || labels.length < n )
			throw new IllegalArgumentException(
					"The mask and label arrays need " + width + " x " + height + " = " + n + " values" );
		java.util.Arrays.fill( labels, 0, n, 0 );
		final int[] queue = new int[ n ];
		final boolean eight = connectivity == Connectivity.EIGHT;
		int next = firstLabel;
		for ( int start = 0; start < n; start++ )
		{
			if ( foreground[ start ] == 0 || labels[ start ] != 0 )
				continue;
			// breadth-first flood fill from the first pixel of a new object
			int head = 0, tail = 0;
			queue[ tail++ ] = start;
			labels[ start ] = next;
			while ( head < tail )
			{
				final int p = queue[ head++ ];
				final int x = p % width, y = p / width;
				for ( int dy = -1; dy <= 1; dy++ )
					for ( int dx = -1; dx <= 1; dx++ )
					{
						if ( dx == 0 && dy == 0 || !eight && dx != 0 && dy != 0 )
							continue;
						final int nx = x + dx, ny = y + dy;
						if ( nx < 0 || ny < 0 || nx >= width || ny >= height )
							continue;
						final int q = ny * width + nx;
						if ( foreground[ q ] != 0 && labels[ q ] == 0 )
						{
							labels[ q ] = next;
							queue[ tail++ ] = q;
						}
					}
			}
			if ( tail < minSize )
				for ( int i = 0; i < tail; i++ )
					labels[ queue[ i ] ] = -1; // removed; cleared below so it is not visited again
			else
				next++;
		}
		for ( int i = 0; i < n; i++ )
			if ( labels[ i ] < 0 )
				labels[ i ] = 0;
		return next - firstLabel;
	}

	/**
	 * Labels every plane of a mask (non-zero = foreground; one channel).
	 *
	 * @return a 16-bit label image (32-bit when there are more than 65535 objects)
	 */
	public static ImagePlus label( final ImagePlus mask, final Connectivity connectivity, final int minSize )
	{
		if ( mask == null )
			throw new IllegalArgumentException( "No mask to label" );
		if ( Planes.channels( mask ) != 1 )
			throw new IllegalArgumentException( "The mask has " + Planes.channels( mask )
					+ " channels: label a single-channel mask (Image > Color > Split Channels)" );
		if ( minSize < 0 )
			throw new IllegalArgumentException( "min_size must be 0 or positive, got " + minSize );
		final int w = mask.getWidth(), h = mask.getHeight(), n = w * h;
		final List< int[] > planes = new ArrayList<>();
		int count = 0;
		final byte[] fg = new byte[ n ];
		for ( int t = 1; t <= mask.getNFrames(); t++ )
			for ( int z = 1; z <= mask.getNSlices(); z++ )
			{
				final float[] v = Planes.values( mask, 1, z, t );
				for ( int i = 0; i < n; i++ )
					fg[ i ] = v[ i ] != 0 ? ( byte ) 1 : 0;
				final int[] labels = new int[ n ];
				count += label( fg, w, h, connectivity, minSize, count + 1, labels );
				planes.add( labels );
			}
		final ImageStack stack = new ImageStack( w, h );
		for ( final int[] labels : planes )
		{
			final ImageProcessor ip = count <= 65535 ? new ShortProcessor( w, h ) : new FloatProcessor( w, h );
			for ( int i = 0; i < n; i++ )
				ip.setf( i, labels[ i ] );
			stack.addSlice( null, ip );
		}
		final ImagePlus out = Planes.wrap( Planes.title( mask, "labels" ), mask, stack, 1 );
		out.setDisplayRange( 0, Math.max( 1, count ) );
		return out;
	}

	/** The number of objects of a label image: its largest label. */
	public static int count( final ImagePlus labels )
	{
		int max = 0;
		for ( int i = 1; i <= labels.getStackSize(); i++ )
		{
			final ImageProcessor ip = labels.getStack().getProcessor( i );
			for ( int k = 0; k < ip.getPixelCount(); k++ )
				max = Math.max( max, ( int ) ip.getf( k ) );
		}
		return max;
	}

	/** The columns {@link #measure} writes for these labels (with {@code Mean} and {@code Max} when it measures values), e.g. for the header of an empty table. */
	public static String[] columns( final ImagePlus labels, final boolean withValues )
	{
		final java.util.List< String > c = new java.util.ArrayList<>(
				java.util.Arrays.asList( "Label", "Area", "X", "Y" ) );
		if ( withValues )
			c.addAll( java.util.Arrays.asList( "Mean", "Max" ) );
		if ( labels.getNSlices() > 1 )
			c.add( "Slice" );
		if ( labels.getNFrames() > 1 )
			c.add( "Frame" );
		return c.toArray( new String[ 0 ] );
	}

	/**
	 * One row per object: Label, Area (pixels), X and Y (centroid in pixels,
	 * pixel centres at +0.5 as in ImageJ), Mean and Max of {@code values} over
	 * the object (the largest channel where the values have several), and Slice
	 * and Frame for stacks.
	 *
	 * @param values a score map of the labels' size (e.g. the anomaly map), or null for geometry only
	 */
	public static ResultsTable measure( final ImagePlus labels, final ImagePlus values )
	{
		final int w = labels.getWidth(), h = labels.getHeight(), n = w * h;
		if ( values != null && ( values.getWidth() != w || values.getHeight() != h
				|| values.getNSlices() != labels.getNSlices() || values.getNFrames() != labels.getNFrames() ) )
			throw new IllegalArgumentException( "The values image '" + values.getTitle()
					+ "' is not the size of the labels: measure on the map the labels came from" );
		final int count = count( labels );
		final long[] area = new long[ count + 1 ];
		final double[] sx = new double[ count + 1 ], sy = new double[ count + 1 ], sum = new double[ count + 1 ],
				max = new double[ count + 1 ];
		final int[] slice = new int[ count + 1 ], frame = new int[ count + 1 ];
		java.util.Arrays.fill( max, Double.NEGATIVE_INFINITY );
		for ( int t = 1; t <= labels.getNFrames(); t++ )
			for ( int z = 1; z <= labels.getNSlices(); z++ )
			{
				final float[] l = Planes.values( labels, 1, z, t );
				final float[] v = values == null ? null : maxOverChannels( values, z, t );
				for ( int i = 0; i < n; i++ )
				{
					final int k = ( int ) l[ i ];
					if ( k <= 0 )
						continue;
					area[ k ]++;
					sx[ k ] += i % w + 0.5;
					sy[ k ] += i / w + 0.5;
					slice[ k ] = z;
					frame[ k ] = t;
					if ( v != null )
					{
						sum[ k ] += v[ i ];
						max[ k ] = Math.max( max[ k ], v[ i ] );
					}
				}
			}
		final ResultsTable table = new ResultsTable();
		for ( int k = 1; k <= count; k++ )
		{
			if ( area[ k ] == 0 )
				continue;
			table.incrementCounter();
			table.addValue( "Label", k );
			table.addValue( "Area", area[ k ] );
			table.addValue( "X", sx[ k ] / area[ k ] );
			table.addValue( "Y", sy[ k ] / area[ k ] );
			if ( values != null )
			{
				table.addValue( "Mean", sum[ k ] / area[ k ] );
				table.addValue( "Max", max[ k ] );
			}
			if ( labels.getNSlices() > 1 )
				table.addValue( "Slice", slice[ k ] );
			if ( labels.getNFrames() > 1 )
				table.addValue( "Frame", frame[ k ] );
		}
		return table;
	}

	/**
	 * One ROI per object, named {@code object-<label>}, traced from the
	 * object's pixels (holes stay holes); in stacks positioned on the object's plane.
	 */
	public static List< Roi > rois( final ImagePlus labels )
	{
		final int w = labels.getWidth(), h = labels.getHeight(), n = w * h;
		final List< Roi > rois = new ArrayList<>();
		final boolean stack = labels.getStackSize() > 1;
		for ( int t = 1; t <= labels.getNFrames(); t++ )
			for ( int z = 1; z <= labels.getNSlices(); z++ )
			{
				final float[] l = Planes.values( labels, 1, z, t );
				int max = 0, min = Integer.MAX_VALUE;
				for ( int i = 0; i < n; i++ )
					if ( l[ i ] > 0 )
					{
						max = Math.max( max, ( int ) l[ i ] );
						min = Math.min( min, ( int ) l[ i ] );
					}
				if ( max == 0 )
					continue;
				// bounding boxes of the labels in this plane
				final int span = max - min + 1;
				final int[] x0 = new int[ span ], y0 = new int[ span ], x1 = new int[ span ], y1 = new int[ span ];
				java.util.Arrays.fill( x0, Integer.MAX_VALUE );
				java.util.Arrays.fill( y0, Integer.MAX_VALUE );
				java.util.Arrays.fill( x1, -1 );
				java.util.Arrays.fill( y1, -1 );
				for ( int i = 0; i < n; i++ )
				{
					final int k = ( int ) l[ i ] - min;
					if ( k < 0 )
						continue;
					final int x = i % w, y = i / w;
					x0[ k ] = Math.min( x0[ k ], x );
					y0[ k ] = Math.min( y0[ k ], y );
					x1[ k ] = Math.max( x1[ k ], x );
					y1[ k ] = Math.max( y1[ k ], y );
				}
				for ( int k = 0; k < span; k++ )
				{
					if ( x1[ k ] < 0 )
						continue;
					final int bw = x1[ k ] - x0[ k ] + 1, bh = y1[ k ] - y0[ k ] + 1;
					final ByteProcessor bp = new ByteProcessor( bw, bh );
					for ( int y = 0; y < bh; y++ )
						for ( int x = 0; x < bw; x++ )
							if ( ( int ) l[ ( y + y0[ k ] ) * w + x + x0[ k ] ] == k + min )
								bp.set( x, y, 255 );
					bp.setThreshold( 255, 255, ImageProcessor.NO_LUT_UPDATE );
					final Roi roi = new ThresholdToSelection().convert( bp );
					roi.setLocation( roi.getXBase() + x0[ k ], roi.getYBase() + y0[ k ] );
					roi.setName( "object-" + ( k + min ) );
					if ( stack )
						roi.setPosition( 0, z, t );
					rois.add( roi );
				}
			}
		return rois;
	}

	/** The largest channel value per pixel of plane (z, t). */
	static float[] maxOverChannels( final ImagePlus map, final int z, final int t )
	{
		final float[] m = Planes.values( map, 1, z, t );
		for ( int c = 2; c <= Planes.channels( map ); c++ )
		{
			final float[] v = Planes.values( map, c, z, t );
			for ( int i = 0; i < m.length; i++ )
				m[ i ] = Math.max( m[ i ], v[ i ] );
		}
		return m;
	}
}
