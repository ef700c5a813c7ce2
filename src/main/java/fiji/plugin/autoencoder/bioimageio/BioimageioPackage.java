package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A bioimage.io model package (a zip or a folder with {@code rdf.yaml}),
 * read and checked: format version 0.5.x, type model, one input and one
 * output tensor with batch, channel and 2D space axes, and
 * {@code tensorflow_saved_model_bundle} weights whose SHA-256 matches.
 * Anything else is refused with a message naming what is supported.
 * <p>
 * A zip is unpacked into a temporary folder, deleted on {@link #close()}.
 * YAML is parsed with SnakeYAML's safe constructor (plain maps and lists, no
 * Java objects).
 */
public final class BioimageioPackage implements AutoCloseable
{
	/** The weight format this plugin runs. */
	public static final String WEIGHTS = "tensorflow_saved_model_bundle";

	/** One input or output tensor. */
	public static final class Tensor
	{
		public String id;

		/** Axis ids in the tensor's order, e.g. [batch, y, x, channel]. */
		public final List< String > axes = new ArrayList<>();

		public int channels = 1;

		/** Space axes: minimum size and step (0 if fixed), and the output's halo. */
		public int min = 1, step = 1, halo = 0;

		public List< Map< String, Object > > processing = List.of();

		/** The test tensor file, or null. */
		public Path test;
	}

	private final Path root;

	private final boolean temporary;

	private final Map< String, Object > rdf;

	private final Tensor input, output;

	private final Path weights;

	private final String source;

	private BioimageioPackage( final Path root, final boolean temporary, final Map< String, Object > rdf,
			final Tensor input, final Tensor output, final Path weights, final String source )
	{
		this.root = root;
		this.temporary = temporary;
		this.rdf = rdf;
		this.input = input;
		this.output = output;
		this.weights = weights;
		this.source = source;
	}

	/** Opens and checks a package zip or folder; nothing is loaded into TensorFlow. */
	public static BioimageioPackage open( final Path path ) throws IOException
	{
		if ( !Files.exists( path ) )
			throw new NoSuchFileException( path.toString(), null, "bioimage.io package not found: check the path" );
		final boolean zip = Files.isRegularFile( path );
		final Path root = zip ? Files.createTempDirectory( "bioimageio" ) : path;
		try
		{
			if ( zip )
				PackageFiles.unzip( path, root, path.toString() );
			Path yaml = root.resolve( "rdf.yaml" );
			if ( !Files.isRegularFile( yaml ) )
				yaml = root.resolve( "bioimageio.yaml" );
			if ( !Files.isRegularFile( yaml ) )
				throw new IOException( path + " is not a bioimage.io package: it has no rdf.yaml" );
			final Map< String, Object > rdf = parse( yaml, path );
			final String source = path.toString();
			checkVersion( rdf, source );
			final Tensor in = tensor( rdf, "inputs", root, source ), out = tensor( rdf, "outputs", root, source );
			Processing.check( in.processing, true, source );
			Processing.check( out.processing, false, source );
			final Path w = weights( rdf, root, source );
			return new BioimageioPackage( root, zip, rdf, in, out, w, source );
		}
		catch ( final IOException | RuntimeException e )
		{
			if ( zip )
				PackageFiles.deleteTree( root );
			throw e;
		}
	}

	@SuppressWarnings( "unchecked" )
	static Map< String, Object > parse( final Path yaml, final Path source ) throws IOException
	{
		try ( Reader r = Files.newBufferedReader( yaml, StandardCharsets.UTF_8 ) )
		{
			final Object o = new Yaml( new SafeConstructor( new LoaderOptions() ) ).load( r );
			if ( !( o instanceof Map ) )
				throw new IOException( source + ": rdf.yaml is not a YAML mapping" );
			return ( Map< String, Object > ) o;
		}
		catch ( final org.yaml.snakeyaml.error.YAMLException e )
		{
			throw new IOException( source + ": rdf.yaml is not valid YAML (" + e.getMessage() + ")", e );
		}
	}

	private static void checkVersion( final Map< String, Object > rdf, final String source )
	{
		final String v = String.valueOf( rdf.get( "format_version" ) );
		final String[] p = v.split( "\\." );
		if ( !"model".equals( rdf.get( "type" ) ) )
			throw new IllegalArgumentException( source + " describes a '" + rdf.get( "type" ) + "', not a model" );
		final int major, minor;
		try
		{
			major = Integer.parseInt( p[ 0 ] );
			minor = p.length > 1 ? Integer.parseInt( p[ 1 ] ) : 0;
		}
		catch ( final NumberFormatException e )
		{
			throw new IllegalArgumentException( source + " has format_version '" + v + "': expected 0.5.x" );
		}
		if ( major > 0 || minor > 5 )
			throw new IllegalArgumentException( source + " has format_version " + v
					+ ", newer than this plugin reads (0.5.x): update the plugin, or convert the package to 0.5 with bioimageio.spec" );
		if ( minor < 5 )
			throw new IllegalArgumentException( source + " has format_version " + v
					+ ": this plugin reads 0.5.x; convert it with bioimageio.spec (python -m bioimageio.spec update-format)" );
	}

	@SuppressWarnings( "unchecked" )
	private static Tensor tensor( final Map< String, Object > rdf, final String key, final Path root,
			final String source ) throws IOException
	{
		final Object list = rdf.get( key );
		if ( !( list instanceof List ) || ( ( List< ? > ) list ).size() != 1 )
			throw new IllegalArgumentException( source + ": " + key + " must list exactly one tensor (got "
					+ ( list instanceof List ? ( ( List< ? > ) list ).size() : "none" )
					+ "); only single-input, single-output models are supported" );
		final Map< String, Object > t = ( Map< String, Object > ) ( ( List< ? > ) list ).get( 0 );
		final Tensor d = new Tensor();
		d.id = String.valueOf( t.getOrDefault( "id", key.equals( "inputs" ) ? "input" : "output" ) );
		final String where = source + ", " + key + " '" + d.id + "'";
		final Object axes = t.get( "axes" );
		if ( !( axes instanceof List ) || !( ( List< ? > ) axes ).stream().allMatch( a -> a instanceof Map ) )
			throw new IllegalArgumentException( where + ": axes must be a list of axis descriptions (0.5 format)" );
		final Set< String > seen = new TreeSet<>();
		for ( final Object o : ( List< ? > ) axes )
		{
			final Map< String, Object > a = ( Map< String, Object > ) o;
			final String type = String.valueOf( a.get( "type" ) );
			final String id = String.valueOf( a.getOrDefault( "id", type ) );
			final Object size = a.get( "size" );
			switch ( type )
			{
			case "batch":
				break;
			case "channel":
				if ( !( a.get( "channel_names" ) instanceof List ) && !( size instanceof Number ) )
					throw new IllegalArgumentException( where
							+ ": the channel axis has no fixed size (channel_names or size): the plugin cannot tile across channels" );
				d.channels = a.get( "channel_names" ) instanceof List
						? ( ( List< ? > ) a.get( "channel_names" ) ).size() : ( ( Number ) size ).intValue();
				break;
			case "space":
				if ( !id.equals( "x" ) && !id.equals( "y" ) )
					throw new IllegalArgumentException( where + ": space axis '" + id
							+ "' is not supported: only 2D models (axes y and x) run here" );
				space( d, a, size, where, key.equals( "outputs" ) );
				break;
			default:
				throw new IllegalArgumentException( where + ": axis type '" + type
						+ "' is not supported; supported are batch, channel and space (y, x)" );
			}
			d.axes.add( type.equals( "space" ) ? id : type );
			seen.add( type.equals( "space" ) ? id : type );
		}
		if ( !seen.contains( "x" ) || !seen.contains( "y" ) || seen.size() != d.axes.size() )
			throw new IllegalArgumentException(
					where + ": axes " + d.axes + " must hold y and x once each (plus optional batch and channel)" );
		if ( d.axes.contains( "batch" ) && d.axes.indexOf( "batch" ) != 0 )
			throw new IllegalArgumentException( where + ": the batch axis must come first" );
		final Object proc = t.get( key.equals( "inputs" ) ? "preprocessing" : "postprocessing" );
		d.processing = proc instanceof List ? ( List< Map< String, Object > > ) proc : List.of();
		final Object test = t.get( "test_tensor" );
		if ( test instanceof Map )
			d.test = file( ( Map< String, Object > ) test, root, where + " test_tensor" );
		return d;
	}

	@SuppressWarnings( "unchecked" )
	private static void space( final Tensor d, final Map< String, Object > a, final Object size, final String where,
			final boolean output )
	{
		if ( size instanceof Number )
		{
			d.min = ( ( Number ) size ).intValue();
			d.step = 0;
		}
		else if ( size instanceof Map && ( ( Map< ?, ? > ) size ).containsKey( "min" ) )
		{
			final Map< String, Object > s = ( Map< String, Object > ) size;
			d.min = ( ( Number ) s.get( "min" ) ).intValue();
			d.step = ( ( Number ) s.getOrDefault( "step", 1 ) ).intValue();
		}
		else if ( size instanceof Map && output )
		{
			final Map< String, Object > s = ( Map< String, Object > ) size;
			if ( ( ( Number ) s.getOrDefault( "offset", 0 ) ).intValue() != 0
					|| !String.valueOf( s.get( "axis_id" ) ).equals( String.valueOf( a.getOrDefault( "id", "" ) ) ) )
				throw new IllegalArgumentException(
						where + ": the output's " + a.get( "id" ) + " size is not the input's " + a.get( "id" )
								+ " size: only same-size image-to-image models are supported" );
		}
		else
			throw new IllegalArgumentException(
					where + ": axis " + a.get( "id" ) + " has an unsupported size " + size );
		final Object scale = a.get( "scale" );
		if ( scale instanceof Number && ( ( Number ) scale ).doubleValue() != 1 )
			throw new IllegalArgumentException( where + ": axis " + a.get( "id" ) + " has scale " + scale
					+ ": only outputs of the input's size and scale are supported" );
		if ( a.get( "halo" ) instanceof Number )
			d.halo = Math.max( d.halo, ( ( Number ) a.get( "halo" ) ).intValue() );
	}

	@SuppressWarnings( "unchecked" )
	private static Path weights( final Map< String, Object > rdf, final Path root, final String source )
			throws IOException
	{
		final Object w = rdf.get( "weights" );
		if ( !( w instanceof Map ) || ( ( Map< ?, ? > ) w ).isEmpty() )
			throw new IllegalArgumentException( source + " lists no weights" );
		final Map< String, Object > all = ( Map< String, Object > ) w;
		if ( !( all.get( WEIGHTS ) instanceof Map ) )
			throw new IllegalArgumentException( source + " has weights in " + new TreeSet<>( all.keySet() )
					+ " only: this plugin runs " + WEIGHTS
					+ " (TensorFlow SavedModel) weights; PyTorch (pytorch_state_dict, torchscript), ONNX, Keras HDF5 and TensorFlow.js are not supported. Run those in deepImageJ or bioimageio.core" );
		return file( ( Map< String, Object > ) all.get( WEIGHTS ), root, source + ", " + WEIGHTS + " weights" );
	}

	/** A file entry ({@code source} inside the package, optional {@code sha256}), checked. */
	static Path file( final Map< String, Object > entry, final Path root, final String where ) throws IOException
	{
		final String name = String.valueOf( entry.get( "source" ) );
		if ( name.contains( "://" ) )
			throw new IllegalArgumentException( where + ": source " + name
					+ " is a URL: nothing is downloaded; use a package that contains the file" );
		final Path f = root.resolve( name ).normalize();
		if ( !f.startsWith( root ) )
			throw new IllegalArgumentException( where + ": source " + name + " points outside the package" );
		if ( !Files.exists( f ) )
			throw new NoSuchFileException( f.toString(), null,
					where + ": file " + name + " named in rdf.yaml is missing from the package" );
		final Object sha = entry.get( "sha256" );
		if ( sha != null && Files.isRegularFile( f ) )
		{
			final String actual = PackageFiles.sha256( f );
			if ( !actual.equalsIgnoreCase( String.valueOf( sha ) ) )
				throw new IllegalArgumentException( where + ": " + name + " has SHA-256 " + actual
						+ " but rdf.yaml says " + sha + ": the file was changed or damaged; get the package again" );
		}
		return f;
	}

	public Map< String, Object > rdf()
	{
		return rdf;
	}

	public Tensor input()
	{
		return input;
	}

	public Tensor output()
	{
		return output;
	}

	/** The weights' source: a zip of a SavedModel, or its folder. */
	public Path weights()
	{
		return weights;
	}

	/** The package's folder (temporary for zips). */
	public Path root()
	{
		return root;
	}

	public String source()
	{
		return source;
	}

	public String name()
	{
		return String.valueOf( rdf.getOrDefault( "name", source ) );
	}

	@Override
	public void close() throws IOException
	{
		if ( temporary )
			PackageFiles.deleteTree( root );
	}
}
