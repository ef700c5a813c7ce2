package fiji.plugin.autoencoder.zarr;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OME-Zarr 0.4 image: a Zarr v2 group whose {@code .zattrs} holds
 * {@code multiscales} (axes with names, types and units, and per dataset a
 * {@code scale} transformation). This class reads the first multiscale's
 * full-resolution dataset and writes images with one resolution level.
 * <p>
 * Axis names are {@code t, c, z, y, x} (a subset, in that order); a plain Zarr
 * array (a folder with a {@code .zarray}) is accepted too, its axes then taken
 * as {@code [c,] y, x} or {@code [c,] z, y, x} from the number of axes.
 *
 * <pre>{@code
 * OmeZarr img = OmeZarr.open( Paths.get( "in.ome.zarr" ) );
 * ZarrArray level0 = img.array(); // axes img.axes(), e.g. [y, x]
 * }</pre>
 */
public final class OmeZarr
{
	private final Path root;

	private final ZarrArray array;

	private final List< String > axes;

	private final double[] scale;

	private final String unit;

	private OmeZarr( final Path root, final ZarrArray array, final List< String > axes, final double[] scale,
			final String unit )
	{
		this.root = root;
		this.array = array;
		this.axes = axes;
		this.scale = scale;
		this.unit = unit;
	}

	/** Opens an OME-Zarr image group, or a plain Zarr v2 array folder. */
	public static OmeZarr open( final Path path )
	{
		if ( !Files.isDirectory( path ) )
			throw new IllegalArgumentException( "No OME-Zarr at " + path + ": it is not a folder" );
		if ( Files.isRegularFile( path.resolve( ZarrArray.ZARRAY ) ) )
		{
			final ZarrArray a = ZarrArray.open( path );
			final List< String > axes = defaultAxes( a.shape().length, path );
			final double[] s = new double[ axes.size() ];
			Arrays.fill( s, 1 );
			return new OmeZarr( path, a, axes, s, null );
		}
		final Path attrs = path.resolve( ".zattrs" );
		if ( !Files.isRegularFile( attrs ) )
			throw new IllegalArgumentException( "No OME-Zarr at " + path
					+ ": it has neither .zattrs (an image group) nor .zarray (an array)"
					+ ( Files.exists( path.resolve( "zarr.json" ) )
							? "; it is Zarr v3 (OME-Zarr 0.5), which is not supported: convert it to OME-Zarr 0.4"
							: "" ) );
		final Map< ?, ? > m = Json.readObject( attrs );
		final Object ms = m.get( "multiscales" );
		if ( !( ms instanceof List ) || ( ( List< ? > ) ms ).isEmpty() )
			throw new IllegalArgumentException( "The OME-Zarr group " + path
					+ " has no 'multiscales' in .zattrs (a plate or a label group?): give the folder of one image" );
		final Map< ?, ? > first = ( Map< ?, ? > ) ( ( List< ? > ) ms ).get( 0 );
		final List< ? > datasets = ( List< ? > ) first.get( "datasets" );
		if ( datasets == null || datasets.isEmpty() )
			throw new IllegalArgumentException(
					"The OME-Zarr group " + path + " lists no datasets in its multiscales" );
		final Map< ?, ? > ds = ( Map< ?, ? > ) datasets.get( 0 );
		final ZarrArray a = ZarrArray.open( path.resolve( String.valueOf( ds.get( "path" ) ) ) );
		final int n = a.shape().length;
		final List< String > axes = new ArrayList<>();
		String unit = null;
		final Object ax = first.get( "axes" );
		if ( ax instanceof List )
			for ( final Object o : ( List< ? > ) ax )
			{
				final Map< ?, ? > axis = o instanceof Map ? ( Map< ?, ? > ) o : null;
				final String name = axis != null ? String.valueOf( axis.get( "name" ) ) : String.valueOf( o );
				axes.add( name );
				if ( axis != null && axis.get( "unit" ) != null && "x".equals( name ) )
					unit = axis.get( "unit" ).toString();
			}
		else
			axes.addAll( defaultAxes( n, path ) );
		if ( axes.size() != n )
			throw new IllegalArgumentException( "The OME-Zarr group " + path + " names " + axes.size() + " axes " + axes
					+ " but its array has " + n + "; the metadata is damaged" );
		double[] scale = new double[ n ];
		Arrays.fill( scale, 1 );
		final Object ct = ds.get( "coordinateTransformations" );
		if ( ct instanceof List )
			for ( final Object t : ( List< ? > ) ct )
				if ( t instanceof Map && "scale".equals( ( ( Map< ?, ? > ) t ).get( "type" ) ) )
					scale = Json.doubles( ( ( Map< ?, ? > ) t ).get( "scale" ), "scale", path.toString() );
		return new OmeZarr( path, a, axes, scale, unit );
	}

	private static List< String > defaultAxes( final int n, final Path path )
	{
		switch ( n )
		{
		case 2:
			return List.of( "y", "x" );
		case 3:
			return List.of( "c", "y", "x" );
		case 4:
			return List.of( "c", "z", "y", "x" );
		case 5:
			return List.of( "t", "c", "z", "y", "x" );
		default:
			throw new IllegalArgumentException( "The Zarr array " + path + " has " + n
					+ " axes; give an image of 2 to 5 axes ([t,] [c,] [z,] y, x)" );
		}
	}

	/**
	 * Creates an OME-Zarr image group with one resolution level {@code 0}, or
	 * opens it when it exists with exactly this shape, chunks and dtype (resume).
	 * An existing group or array of another shape is refused and left as it is.
	 *
	 * @param axes
	 *            axis names, e.g. {@code [c, y, x]}
	 * @param scale
	 *            pixel size per axis (1 for c and t)
	 * @param unit
	 *            spatial unit (e.g. {@code micrometer}), or null
	 */
	public static OmeZarr create( final Path root, final String name, final List< String > axes, final long[] shape,
			final int[] chunks, final DataType type,
			final Compressor compressor, final String separator, final double[] scale, final String unit )
			throws IOException
	{
		if ( axes.size() != shape.length || scale.length != shape.length )
			throw new IllegalArgumentException( "Give one axis name and one scale per axis: " + axes + ", "
					+ Arrays.toString( scale ) + " for shape " + Arrays.toString( shape ) );
		if ( Files.isRegularFile( root.resolve( ZarrArray.ZARRAY ) ) )
			throw new IllegalArgumentException( "The output " + root
					+ " is a plain Zarr array, not an OME-Zarr group; nothing was changed: choose another output" );
		if ( Files.exists( root ) && !Files.isDirectory( root ) )
			throw new IllegalArgumentException(
					"The output " + root + " exists and is not a folder; nothing was changed: choose another output" );
		if ( Files.isRegularFile( root.resolve( ".zattrs" ) ) )
		{
			final OmeZarr have = open( root );
			if ( !Arrays.equals( have.array.shape(), shape ) )
				throw new IllegalArgumentException( "The output " + root + " exists with shape "
						+ Arrays.toString( have.array.shape() ) + " " + have.axes
						+ " but this run writes shape " + Arrays.toString( shape ) + " " + axes
						+ "; nothing was changed: choose another output or delete that one" );
		}
		else if ( Files.isDirectory( root ) )
			try ( java.util.stream.Stream< Path > s = Files.list( root ) )
			{
				if ( s.anyMatch( p -> !p.getFileName().toString().startsWith( ".zgroup" ) ) )
					throw new IllegalArgumentException( "The output " + root
							+ " is a folder with other files in it, not an OME-Zarr image; nothing was changed: choose a new folder" );
			}
		final ZarrArray a = ZarrArray.create( root.resolve( "0" ), shape, chunks, type, ByteOrder.LITTLE_ENDIAN,
				compressor, separator, 0 );
		final Map< String, Object > group = new LinkedHashMap<>();
		group.put( "zarr_format", 2 );
		ChunkFiles.atomicWrite( root.resolve( ".zgroup" ), Json.write( group ).getBytes( StandardCharsets.UTF_8 ) );
		final List< Object > axList = new ArrayList<>();
		final List< Double > sc = new ArrayList<>();
		for ( int i = 0; i < shape.length; i++ )
		{
			final Map< String, Object > ax = new LinkedHashMap<>();
			final String n = axes.get( i );
			ax.put( "name", n );
			ax.put( "type", n.equals( "c" ) ? "channel" : n.equals( "t" ) ? "time" : "space" );
			if ( unit != null && !n.equals( "c" ) && !n.equals( "t" ) )
				ax.put( "unit", unit );
			axList.add( ax );
			sc.add( scale[ i ] );
		}
		final Map< String, Object > transform = new LinkedHashMap<>();
		transform.put( "type", "scale" );
		transform.put( "scale", sc );
		final Map< String, Object > dataset = new LinkedHashMap<>();
		dataset.put( "path", "0" );
		dataset.put( "coordinateTransformations", List.of( transform ) );
		final Map< String, Object > multiscale = new LinkedHashMap<>();
		multiscale.put( "version", "0.4" );
		multiscale.put( "name", name );
		multiscale.put( "axes", axList );
		multiscale.put( "datasets", List.of( dataset ) );
		final Map< String, Object > attrs = new LinkedHashMap<>();
		attrs.put( "multiscales", List.of( multiscale ) );
		ChunkFiles.atomicWrite( root.resolve( ".zattrs" ), Json.write( attrs ).getBytes( StandardCharsets.UTF_8 ) );
		return new OmeZarr( root, a, List.copyOf( axes ), scale.clone(), unit );
	}

	public Path path()
	{
		return root;
	}

	/** The full-resolution array. */
	public ZarrArray array()
	{
		return array;
	}

	/** Axis names in array order, e.g. {@code [c, y, x]}. */
	public List< String > axes()
	{
		return axes;
	}

	/** Pixel size per axis (array order). */
	public double[] scale()
	{
		return scale.clone();
	}

	/** The unit of the x axis, or null. */
	public String unit()
	{
		return unit;
	}
}
