package fiji.plugin.autoencoder.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.exceptions.TensorFlowException;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import fiji.plugin.autoencoder.convert.Normalization;

import fiji.plugin.autoencoder.model.CheckpointRestore;
import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.TensorFlowCheck;

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
 * a crash never leaves half a model. Loading never gives the file's graph to
 * TensorFlow: it rebuilds the graph from the checked spec and reads only the
 * variable values, in plain Java ({@link #load}); the zip is read in memory
 * with zip-slip and zip-bomb guards ({@link ModelZip}).
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

	/** Embedded model files may embed others this many levels deep. */
	static final int MAX_EMBEDDING_DEPTH = 2;

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
	 * to {@code file}, atomically. Without a {@link #NORMALIZATION} extra the
	 * file gets {@link Normalization#none()}: every model file has one.
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
	public static void save( final Model model, final Path file, final Map< String, String > extras,
			final Map< String, Path > embedded ) throws IOException
	{
		for ( final Map.Entry< String, Path > e : embedded.entrySet() )
		{
			if ( !e.getKey().endsWith( EMBEDDED_SUFFIX ) || e.getKey().contains( "/" ) )
				throw new IllegalArgumentException( "Embedded model entry names end in " + EMBEDDED_SUFFIX
						+ " and have no folder, got " + e.getKey() );
			if ( !Files.isRegularFile( e.getValue() ) )
				throw new IOException( "Cannot embed " + e.getValue() + " in the model file: it does not exist" );
			if ( OutputPaths.same( e.getValue(), file ) )
				throw new IllegalArgumentException(
						"A model file cannot embed itself (" + file + "): copy the model to embed first" );
		}
		final Path target = file.toAbsolutePath();
		OutputPaths.checkModelTarget( target ); // never over an image or any other file that is not a model
		final Path dir = target.getParent();
		if ( dir == null || !Files.isDirectory( dir ) )
			throw new IOException(
					"Cannot save the model: folder " + dir + " does not exist. Create it or choose another location." );
		if ( !Files.isWritable( dir ) )
			throw new IOException(
					"Cannot save the model: folder " + dir + " is not writable. Choose another location." );
		final Path export = Files.createTempDirectory( "autoencoder-export" );
		try
		{
			final Path savedModel = export.resolve( "saved_model" );
			final Signature serve = Signature.builder().key( Signature.DEFAULT_KEY )
					.input( "input", model.graph().operation( Endpoints.INPUT ).output( 0 ) )
					.output( "reconstruction", model.graph().operation( Endpoints.RECONSTRUCTION ).output( 0 ) )
					.build();
			final Signature encode = Signature.builder().key( "encode" )
					.input( "input", model.graph().operation( Endpoints.INPUT ).output( 0 ) )
					.output( "code", model.graph().operation( Endpoints.CODE ).output( 0 ) ).build();
			SavedModelBundle.exporter( savedModel.toString() ).withSession( model.session() )
					.withSignatures( serve, encode ).export();

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
					if ( !extras.containsKey( NORMALIZATION ) ) // NB: every model file has one; without a fitted one the values pass as they are
						putText( zip, NORMALIZATION, Normalization.none().toJson() );
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
						zip.putNextEntry( new ZipEntry(
								SAVED_MODEL + savedModel.relativize( f ).toString().replace( '\\', '/' ) ) );
						Files.copy( f, zip );
						zip.closeEntry();
					}
				}
			} );
		}
		finally
		{
			AtomicFiles.deleteTree( export );
		}
	}

	/**
	 * Loads a model file. The graph is rebuilt from {@code spec.json} by
	 * {@code GraphBuilder}; only the variable values are taken from the file
	 * (read in plain Java by {@link CheckpointReader}, set by
	 * {@link CheckpointRestore}). The file's own graph
	 * ({@code saved_model/saved_model.pb}) is never read, so nothing a file
	 * brings can run. Nothing is written to disk.
	 *
	 * @param threads TensorFlow intra-op threads (0: all cores)
	 * @throws IOException with a message naming the file and what is wrong with it
	 */
	public static Loaded load( final Path file, final int threads ) throws IOException
	{
		TensorFlowCheck.require();
		if ( Files.isDirectory( file ) )
			throw new IOException( file
					+ " is a folder, not a model file: give the *.aemodel.zip file saved by 'Train Autoencoder' (e.g. "
					+ file.resolve( "model.aemodel.zip" ) + ")" );
		if ( !Files.isRegularFile( file ) )
			throw new NoSuchFileException( file.toString(), null,
					"model file not found: check the path, or train a model first" );
		final ModelZip.Budget budget = new ModelZip.Budget();
		try ( InputStream in = Files.newInputStream( file ) )
		{
			return load( ModelZip.read( in, file.toString(), true, budget ), file.toString(), threads, budget, 0 );
		}
	}

	private static Loaded load( final ModelZip zip, final String source, final int threads,
			final ModelZip.Budget budget, final int depth ) throws IOException
	{
		final ModelSpec spec = spec( zip.texts, source );
		for ( final Map.Entry< String, String > e : zip.texts.entrySet() )
			try
			{
				JsonParser.parseString( e.getValue() );
			}
			catch ( final JsonParseException x )
			{
				throw new IOException( source + " is damaged: its " + e.getKey() + " is not valid JSON ("
						+ NormalizationCheck.problem( x ) + "). Re-save the model.", x );
			}
		try
		{
			NormalizationCheck.check( zip.texts.get( NORMALIZATION ) );
		}
		catch ( final IllegalArgumentException e )
		{
			throw new IOException( source + ": " + e.getMessage(), e );
		}
		final Model model;
		try
		{
			model = CheckpointRestore.restore( spec, CheckpointReader.read( zip.variables ), threads );
		}
		catch ( final IOException | IllegalArgumentException | TensorFlowException e )
		{
			throw new IOException( source + " is a damaged model file: " + e.getMessage()
					+ ". Re-save it (train again), or copy the file again if it was copied.", e );
		}
		final Map< String, Loaded > embedded = new LinkedHashMap<>();
		try
		{
			for ( final Map.Entry< String, byte[] > e : zip.embedded.entrySet() )
			{
				final String name = source + "!/" + e.getKey();
				if ( depth >= MAX_EMBEDDING_DEPTH )
					throw new IOException( name + " is embedded more than " + MAX_EMBEDDING_DEPTH + " levels deep" );
				embedded.put( e.getKey(),
						load( ModelZip.read( new ByteArrayInputStream( e.getValue() ), name, true, budget ), name,
								threads, budget, depth + 1 ) );
			}
		}
		catch ( final IOException e )
		{
			closeAll( model, embedded );
			throw new IOException( source + " embeds a model that cannot be loaded: " + e.getMessage(), e );
		}
		catch ( final RuntimeException e )
		{
			closeAll( model, embedded );
			throw e;
		}
		final Map< String, String > extras = new LinkedHashMap<>( zip.texts );
		extras.remove( FORMAT );
		extras.remove( SPEC );
		return new Loaded( model, extras, embedded );
	}

	/** Checks {@code format.json} and returns the parsed {@code spec.json}. */
	private static ModelSpec spec( final Map< String, String > texts, final String source ) throws IOException
	{
		final String formatJson = texts.get( FORMAT ), specJson = texts.get( SPEC );
		if ( formatJson == null || specJson == null )
			throw new IOException( source + " is not a fiji-autoencoder model file: it lacks "
					+ ( specJson == null ? SPEC : FORMAT ) + ". Choose a file saved by 'Train Autoencoder'." );
		final JsonElement format;
		try
		{
			format = JsonParser.parseString( formatJson );
		}
		catch ( final JsonParseException e )
		{
			throw new IOException( source + " has a damaged " + FORMAT + " (" + NormalizationCheck.problem( e )
					+ "). Re-save the model." );
		}
		final String version = member( format, "format_version" );
		if ( !String.valueOf( FORMAT_VERSION ).equals( version ) )
			throw new IOException( source + " has model format version " + version + "; this plugin reads version "
					+ FORMAT_VERSION + " (written with TensorFlow "
					+ member( format, "tensorflow_version" ) + ", this plugin runs TensorFlow " + TensorFlow.version()
					+ "). Update the plugin, or re-save the model." );
		try
		{
			return ModelSpec.fromJson( specJson );
		}
		catch ( final IllegalArgumentException | JsonParseException e )
		{
			throw new IOException( source + " has an invalid " + SPEC + ": " + e.getMessage(), e );
		}
	}

	/** A top-level member of a JSON object as text, or "?" when there is none. */
	private static String member( final JsonElement json, final String key )
	{
		if ( !json.isJsonObject() || !json.getAsJsonObject().has( key )
				|| !json.getAsJsonObject().get( key ).isJsonPrimitive() )
			return "?";
		return json.getAsJsonObject().get( key ).getAsString();
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
		final Map< String, String > texts;
		try ( InputStream in = Files.newInputStream( file ) )
		{
			texts = ModelZip.read( in, file.toString(), false, new ModelZip.Budget() ).texts;
		}
		final String spec = texts.get( SPEC );
		if ( spec == null )
			throw new IOException( file + " is not a fiji-autoencoder model file: it lacks " + SPEC );
		return ModelSpec.fromJson( spec );
	}

	private static void putText( final ZipOutputStream zip, final String name, final String text ) throws IOException
	{
		zip.putNextEntry( new ZipEntry( name ) );
		zip.write( text.getBytes( StandardCharsets.UTF_8 ) );
		zip.closeEntry();
	}
}
