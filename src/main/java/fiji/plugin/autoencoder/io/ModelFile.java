package fiji.plugin.autoencoder.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.SavedModel;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;

/**
 * One model file (a zip, extension {@code .aemodel.zip} by convention) holding
 * the TensorFlow SavedModel (graph, weights and optimiser state, so training
 * can continue), {@code spec.json}, {@code format.json} (format and TensorFlow
 * versions) and named JSON extras such as {@code history.json} and
 * {@code normalization.json}, and optionally other model files embedded whole
 * (e.g. {@link #RECONSTRUCTION_MODEL}, the autoencoder whose reconstruction an
 * anomaly segmenter reads), loaded with it and closed with it.
 * <p>
 * Writing is atomic (a temporary file in the target folder, then a rename), so
 * a crash never leaves half a model. Loading checks the zip, the spec and every
 * graph op against {@link OpAllowlist} before TensorFlow sees the graph.
 *
 * <pre>{@code
 * ModelFile.save( model, Paths.get( "nuclei.aemodel.zip" ), Map.of( "history.json", history.toJson() ) );
 * try ( ModelFile.Loaded loaded = ModelFile.load( Paths.get( "nuclei.aemodel.zip" ), 0 ) ) {
 *     loaded.model().predict( ... );
 * }
 * }</pre>
 */
public final class ModelFile
{
	/** Version of the layout of the zip; readers refuse newer versions. */
	public static final int FORMAT_VERSION = 1;

	public static final String SPEC = "spec.json";

	public static final String FORMAT = "format.json";

	public static final String HISTORY = "history.json";

	public static final String NORMALIZATION = "normalization.json";

	/**
	 * The entry of an embedded model file whose reconstruction this model takes
	 * as input besides the image (an anomaly segmenter's autoencoder).
	 */
	public static final String RECONSTRUCTION_MODEL = "reconstruction.aemodel.zip";

	static final String SAVED_MODEL = "saved_model/";

	static final String EMBEDDED_SUFFIX = ".aemodel.zip";

	/** Refuse zips that would unpack to more than this (a zip bomb guard). */
	static final long MAX_UNPACKED_BYTES = 4L << 30;

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

	private ModelFile()
	{}

	/** A loaded model with the file's extras; closing it closes the model. */
	public static final class Loaded implements AutoCloseable
	{
		private final Model model;

		private final Map< String, String > extras;

		private final Map< String, Loaded > embedded;

		Loaded( final Model model, final Map< String, String > extras, final Map< String, Loaded > embedded )
		{
			this.model = model;
			this.extras = Collections.unmodifiableMap( extras );
			this.embedded = Collections.unmodifiableMap( embedded );
		}

		public Model model()
		{
			return model;
		}

		/** JSON extras by entry name (e.g. {@link ModelFile#HISTORY}); absent ones are missing from the map. */
		public Map< String, String > extras()
		{
			return extras;
		}

		/** The embedded model file of this entry name (e.g. {@link ModelFile#RECONSTRUCTION_MODEL}), loaded, or null. */
		public Loaded embedded( final String name )
		{
			return embedded.get( name );
		}

		@Override
		public void close()
		{
			for ( final Loaded e : embedded.values() )
				e.close();
			model.close();
		}
	}

	/**
	 * Writes the model (weights, optimiser state, spec) and the given JSON extras
	 * to {@code file}, atomically.
	 */
	public static void save( final Model model, final Path file, final Map< String, String > extras ) throws IOException
	{
		save( model, file, extras, Collections.emptyMap() );
	}

	/**
	 * Like {@link #save(Model, Path, Map)}, with other model files embedded
	 * whole under the given entry names (ending in {@code .aemodel.zip}, e.g.
	 * {@link #RECONSTRUCTION_MODEL}); {@link #load} loads them with the model.
	 */
	public static void save( final Model model, final Path file, final Map< String, String > extras, final Map< String, Path > embedded ) throws IOException
	{
		for ( final Map.Entry< String, Path > e : embedded.entrySet() )
		{
			if ( !e.getKey().endsWith( EMBEDDED_SUFFIX ) || e.getKey().contains( "/" ) )
				throw new IllegalArgumentException( "Embedded model entry names end in " + EMBEDDED_SUFFIX + " and have no folder, got " + e.getKey() );
			if ( !Files.isRegularFile( e.getValue() ) )
				throw new IOException( "Cannot embed " + e.getValue() + " in the model file: it does not exist" );
			if ( e.getValue().toAbsolutePath().normalize().equals( file.toAbsolutePath().normalize() ) )
				throw new IllegalArgumentException( "A model file cannot embed itself (" + file + "): copy the model to embed first" );
		}
		final Path target = file.toAbsolutePath();
		final Path dir = target.getParent();
		if ( dir == null || !Files.isDirectory( dir ) )
			throw new IOException( "Cannot save the model: folder " + dir + " does not exist. Create it or choose another location." );
		if ( !Files.isWritable( dir ) )
			throw new IOException( "Cannot save the model: folder " + dir + " is not writable. Choose another location." );
		final Path export = Files.createTempDirectory( "autoencoder-export" );
		try
		{
			final Path savedModel = export.resolve( "saved_model" );
			final Signature serve = Signature.builder().key( Signature.DEFAULT_KEY )
					.input( "input", model.graph().operation( Endpoints.INPUT ).output( 0 ) )
					.output( "reconstruction", model.graph().operation( Endpoints.RECONSTRUCTION ).output( 0 ) ).build();
			final Signature encode = Signature.builder().key( "encode" )
					.input( "input", model.graph().operation( Endpoints.INPUT ).output( 0 ) )
					.output( "code", model.graph().operation( Endpoints.CODE ).output( 0 ) ).build();
			SavedModelBundle.exporter( savedModel.toString() ).withSession( model.session() ).withSignatures( serve, encode ).export();

			AtomicFiles.write( target, zipFile -> {
				try ( ZipOutputStream zip = new ZipOutputStream( Files.newOutputStream( zipFile ) ) )
				{
					final JsonObject format = new JsonObject();
					format.addProperty( "format_version", FORMAT_VERSION );
					format.addProperty( "tensorflow_version", TensorFlow.version() );
					format.addProperty( "writer", "fiji-autoencoder" );
					format.addProperty( "created", Instant.now().toString() );
					format.addProperty( "parameters", model.parameterCount() );
					format.addProperty( "step", model.step() );
					putText( zip, FORMAT, GSON.toJson( format ) );
					putText( zip, SPEC, model.spec().toJson() );
					for ( final Map.Entry< String, Path > e : embedded.entrySet() )
					{
						zip.putNextEntry( new ZipEntry( e.getKey() ) );
						Files.copy( e.getValue(), zip );
						zip.closeEntry();
					}
					for ( final Map.Entry< String, String > e : extras.entrySet() )
					{
						if ( e.getKey().equals( SPEC ) || e.getKey().equals( FORMAT ) || e.getKey().contains( "/" ) )
							throw new IllegalArgumentException( "Extra entry name not allowed: " + e.getKey() );
						putText( zip, e.getKey(), e.getValue() );
					}
					final List< Path > files = new ArrayList<>();
					try ( Stream< Path > s = Files.walk( savedModel ) )
					{
						s.filter( Files::isRegularFile ).sorted().forEach( files::add );
					}
					for ( final Path f : files )
					{
						zip.putNextEntry( new ZipEntry( SAVED_MODEL + savedModel.relativize( f ).toString().replace( '\\', '/' ) ) );
						Files.copy( f, zip );
						zip.closeEntry();
					}
				}
			} );
		}
		finally
		{
			deleteTree( export );
		}
	}

	/**
	 * Loads a model file.
	 *
	 * @param threads TensorFlow intra-op threads (0: all cores)
	 * @throws IOException with a message naming the file and what is wrong with it
	 */
	public static Loaded load( final Path file, final int threads ) throws IOException
	{
		fiji.plugin.autoencoder.model.TensorFlowCheck.require();
		if ( Files.isDirectory( file ) )
			throw new IOException( file + " is a folder, not a model file: give the *.aemodel.zip file saved by 'Train Autoencoder' (e.g. " + file.resolve( "model.aemodel.zip" ) + ")" );
		if ( !Files.isRegularFile( file ) )
			throw new NoSuchFileException( file.toString(), null, "model file not found: check the path, or train a model first" );
		final Path dir = Files.createTempDirectory( "autoencoder-load" );
		try
		{
			final Map< String, String > texts = unzip( file, dir );
			final String formatJson = texts.get( FORMAT );
			final String specJson = texts.get( SPEC );
			if ( formatJson == null || specJson == null || !Files.isRegularFile( dir.resolve( "saved_model/saved_model.pb" ) ) )
				throw new IOException( file + " is not a fiji-autoencoder model file: it lacks " + ( specJson == null ? SPEC : formatJson == null ? FORMAT : "saved_model/saved_model.pb" )
						+ ". Choose a file saved by 'Train Autoencoder'." );
			final JsonObject format;
			try
			{
				format = JsonParser.parseString( formatJson ).getAsJsonObject();
			}
			catch ( final RuntimeException e )
			{
				throw new IOException( file + " has a damaged " + FORMAT + ": " + e.getMessage() );
			}
			final int version = format.has( "format_version" ) ? format.get( "format_version" ).getAsInt() : -1;
			if ( version > FORMAT_VERSION || version < 1 )
				throw new IOException( file + " has model format version " + version + "; this plugin reads version " + FORMAT_VERSION
						+ " (written with TensorFlow " + ( format.has( "tensorflow_version" ) ? format.get( "tensorflow_version" ).getAsString() : "?" )
						+ ", this plugin runs TensorFlow " + TensorFlow.version() + "). Update the plugin." );
			final ModelSpec spec;
			try
			{
				spec = ModelSpec.fromJson( specJson );
			}
			catch ( final IllegalArgumentException e )
			{
				throw new IOException( file + " has an invalid " + SPEC + ": " + e.getMessage(), e );
			}
			final SavedModel proto;
			try ( InputStream in = Files.newInputStream( dir.resolve( "saved_model/saved_model.pb" ) ) )
			{
				proto = SavedModel.parseFrom( in );
			}
			catch ( final IOException e )
			{
				throw new IOException( file + " is damaged: its saved_model.pb cannot be parsed (" + e.getMessage() + "). Re-save the model.", e );
			}
			OpAllowlist.check( proto, file.toString() );
			final SavedModelBundle bundle;
			try
			{
				bundle = SavedModelBundle.loader( dir.resolve( "saved_model" ).toString() ).withTags( SavedModelBundle.DEFAULT_TAG )
						.withConfigProto( Model.sessionConfig( threads ) ).load();
			}
			catch ( final RuntimeException e )
			{
				throw new IOException( file + " could not be loaded by TensorFlow " + TensorFlow.version() + " (" + e.getMessage() + "). The file may be damaged; re-save the model.", e );
			}
			final Map< String, String > extras = new LinkedHashMap<>( texts );
			extras.remove( FORMAT );
			extras.remove( SPEC );
			final Model model = Model.fromBundle( spec, bundle );
			final Map< String, Loaded > embedded = new LinkedHashMap<>();
			try ( Stream< Path > files = Files.list( dir ) )
			{
				for ( final Path f : ( Iterable< Path > ) files.sorted()::iterator )
					if ( f.getFileName().toString().endsWith( EMBEDDED_SUFFIX ) )
						embedded.put( f.getFileName().toString(), load( f, threads ) );
			}
			catch ( final IOException e )
			{
				closeAll( model, embedded );
				throw new IOException( file + " embeds a model that cannot be loaded: " + e.getMessage(), e );
			}
			catch ( final RuntimeException e )
			{
				closeAll( model, embedded );
				throw e;
			}
			return new Loaded( model, extras, embedded );
		}
		finally
		{
			deleteTree( dir );
		}
	}

	private static void closeAll( final Model model, final Map< String, Loaded > embedded )
	{
		for ( final Loaded l : embedded.values() )
			l.close();
		model.close();
	}

	/** Reads only the spec of a model file (quick, no TensorFlow). */
	public static ModelSpec readSpec( final Path file ) throws IOException
	{
		final Path dir = Files.createTempDirectory( "autoencoder-spec" );
		try
		{
			final String spec = unzip( file, dir ).get( SPEC );
			if ( spec == null )
				throw new IOException( file + " is not a fiji-autoencoder model file: it lacks " + SPEC );
			return ModelSpec.fromJson( spec );
		}
		finally
		{
			deleteTree( dir );
		}
	}

	/** Unpacks the saved model files into dir; returns the top-level JSON entries as text. */
	private static Map< String, String > unzip( final Path file, final Path dir ) throws IOException
	{
		final Map< String, String > texts = new LinkedHashMap<>();
		long total = 0;
		boolean any = false;
		try ( ZipInputStream zip = new ZipInputStream( Files.newInputStream( file ) ) )
		{
			for ( ZipEntry e; ( e = zip.getNextEntry() ) != null; )
			{
				any = true;
				final String name = e.getName();
				final Path out = dir.resolve( name ).normalize();
				if ( !out.startsWith( dir ) || name.startsWith( "/" ) || name.contains( ".." ) )
					throw new IOException( file + " contains an entry with an unsafe path (" + name + "): refusing to unpack it" );
				if ( e.isDirectory() )
					continue;
				if ( name.startsWith( SAVED_MODEL ) )
				{
					Files.createDirectories( out.getParent() );
					try ( OutputStream o = Files.newOutputStream( out ) )
					{
						total += copyLimited( zip, o, MAX_UNPACKED_BYTES - total, file );
					}
				}
				else if ( !name.contains( "/" ) && name.endsWith( EMBEDDED_SUFFIX ) )
				{
					try ( OutputStream o = Files.newOutputStream( out ) )
					{
						total += copyLimited( zip, o, MAX_UNPACKED_BYTES - total, file );
					}
				}
				else if ( !name.contains( "/" ) && name.endsWith( ".json" ) )
				{
					final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
					total += copyLimited( zip, b, Math.min( 64L << 20, MAX_UNPACKED_BYTES - total ), file );
					texts.put( name, new String( b.toByteArray(), StandardCharsets.UTF_8 ) );
				}
			}
		}
		catch ( final ZipException | java.io.EOFException e )
		{
			throw new IOException( file + " is damaged or not a model file (" + e.getMessage() + "): it may have been truncated while copying. Copy or save it again.", e );
		}
		if ( !any )
			throw new IOException( file + " is empty or not a zip model file. Choose a file saved by 'Train Autoencoder'." );
		return texts;
	}

	private static long copyLimited( final InputStream in, final OutputStream out, final long limit, final Path file ) throws IOException
	{
		final byte[] buf = new byte[ 1 << 16 ];
		long n = 0;
		for ( int r; ( r = in.read( buf ) ) > 0; )
		{
			n += r;
			if ( n > limit )
				throw new IOException( file + " unpacks to more than " + ( MAX_UNPACKED_BYTES >> 30 ) + " GiB: refusing it (not a model file written by this plugin)" );
			out.write( buf, 0, r );
		}
		return n;
	}

	private static void putText( final ZipOutputStream zip, final String name, final String text ) throws IOException
	{
		zip.putNextEntry( new ZipEntry( name ) );
		zip.write( text.getBytes( StandardCharsets.UTF_8 ) );
		zip.closeEntry();
	}

	static void deleteTree( final Path dir ) throws IOException
	{
		if ( !Files.exists( dir ) )
			return;
		Files.walkFileTree( dir, new SimpleFileVisitor< Path >()
		{
			@Override
			public FileVisitResult visitFile( final Path f, final BasicFileAttributes a ) throws IOException
			{
				Files.delete( f );
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory( final Path d, final IOException e ) throws IOException
			{
				Files.delete( d );
				return FileVisitResult.CONTINUE;
			}
		} );
	}
}
