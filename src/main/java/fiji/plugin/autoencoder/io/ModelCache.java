package fiji.plugin.autoencoder.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import fiji.plugin.autoencoder.model.TensorFlowThreads;

/**
 * Loaded models by file, so a macro loop over many images loads a model once
 * per JVM instead of once per call (a reload costs about as much CPU as
 * denoising a 1024^2 image: {@code bench/results/speed.md}). Keyed by the
 * file's real path (links and relative paths resolved) and the TensorFlow
 * threads a session really gets ({@link TensorFlowThreads#effective}: TensorFlow's
 * pool is per process, sized by the first session, so another thread count
 * asked for later gets the cached model and a warning); a cached model is used only while the file's size,
 * modification time and file key (inode) are unchanged, so a re-saved or
 * replaced file is loaded again. Holds at most {@code capacity} models, least
 * recently used evicted first; an evicted or replaced model is closed once no
 * {@link Lease} on it is open, so a model in use is never closed under its
 * user. Models not in use are closed at JVM exit (a shutdown hook).
 * <p>
 * Thread-safe: loading happens under the cache's lock (two callers asking for
 * the same file load it once), and the cached model is shared, so it must be
 * safe for concurrent prediction (a TensorFlow session is). {@link #models()}
 * is the one instance that Denoise, Reconstruct, the segment commands, their
 * macro entries and Spark's executors share (the CLI loads once per process); bioimage.io packages have their own
 * instance of this class ({@code bioimageio.BioimageioTasks.packages()}).
 *
 * <pre>{@code
 * try ( ModelCache< ModelFile.Loaded >.Lease m = ModelCache.models().get( path, threads ) ) {
 *     ModelFileRunner.apply( m.model(), image, ... );
 * }
 * }</pre>
 */
public final class ModelCache< T extends AutoCloseable >
{
	/** Loads a model from a file with a number of TensorFlow threads (0: the default). */
	public interface Loader< T >
	{
		T load( Path file, int threads ) throws IOException;
	}

	/** Model files ({@code *.aemodel.zip}) the process keeps loaded. */
	public static final int MODEL_FILES = 2;

	private static final ModelCache< ModelFile.Loaded > MODELS = new ModelCache<>( MODEL_FILES, ModelFile::load );

	/** The JVM's cache of model files, shared by every command, macro entry and Spark task that applies a model. */
	public static ModelCache< ModelFile.Loaded > models()
	{
		return MODELS;
	}

	private final class Entry
	{
		final Object version;

		final T model;

		int leases;

		boolean evicted;

		Entry( final Object version, final T model )
		{
			this.version = version;
			this.model = model;
		}
	}

	/** A model in use; close it when done (the model itself stays cached). */
	public final class Lease implements AutoCloseable
	{
		private final Entry entry;

		private boolean closed;

		private Lease( final Entry entry )
		{
			this.entry = entry;
		}

		public T model()
		{
			return entry.model;
		}

		@Override
		public void close()
		{
			synchronized ( ModelCache.this )
			{
				if ( closed )
					return;
				closed = true;
				entry.leases--;
				if ( entry.evicted && entry.leases == 0 )
					closeQuietly( entry.model );
			}
		}
	}

	private final int capacity;

	private final Loader< T > loader;

	private final Map< List< Object >, Entry > entries = new LinkedHashMap<>( 16, 0.75f, true );

	private long loads;

	public ModelCache( final int capacity, final Loader< T > loader )
	{
		if ( capacity < 1 )
			throw new IllegalArgumentException( "A model cache holds at least one model, got capacity " + capacity );
		this.capacity = capacity;
		this.loader = loader;
		Runtime.getRuntime().addShutdownHook( new Thread( this::clear, "close-cached-models" ) );
	}

	/** The model of this file with the default threads. */
	public Lease get( final Path file ) throws IOException
	{
		return get( file, 0 );
	}

	/**
	 * The model of this file for {@code threads} TensorFlow threads, loaded now
	 * if it is not cached or the file changed. A file that cannot be read is
	 * handed to the loader, whose error names the problem.
	 */
	public synchronized Lease get( final Path file, final int threads ) throws IOException
	{
		final Path real;
		final BasicFileAttributes a;
		try
		{
			real = file.toRealPath();
			a = Files.readAttributes( real, BasicFileAttributes.class );
		}
		catch ( final IOException e )
		{
			closeQuietly( loader.load( file, threads ) ); // NB: the loader's own message (missing file, ...); a surprise success is not cached
			throw e;
		}
		// keyed by the threads TensorFlow really gives a session (its pool is per process unless per-session pools are on)
		final int effective = TensorFlowThreads.effective( threads );
		final List< Object > key = Arrays.asList( real, effective );
		final Object version = Arrays.asList( a.size(), a.lastModifiedTime().toMillis(), a.fileKey(), a.isDirectory() );
		Entry e = entries.get( key );
		if ( e != null && !Objects.equals( e.version, version ) )
		{
			evict( entries.remove( key ) );
			e = null;
		}
		if ( e == null )
		{
			e = new Entry( version, loader.load( file, effective ) );
			loads++;
			entries.put( key, e );
			for ( final Iterator< Entry > it = entries.values().iterator(); entries.size() > capacity && it.hasNext(); )
			{
				final Entry old = it.next();
				it.remove();
				evict( old );
			}
		}
		e.leases++;
		return new Lease( e );
	}

	/** How many times a model was loaded (not taken from the cache). */
	public synchronized long loads()
	{
		return loads;
	}

	/** Number of cached models. */
	public synchronized int size()
	{
		return entries.size();
	}

	/** Evicts everything (models in use are closed when their leases close). */
	public synchronized void clear()
	{
		for ( final Entry e : entries.values() )
			evict( e );
		entries.clear();
	}

	private void evict( final Entry e )
	{
		e.evicted = true;
		if ( e.leases == 0 )
			closeQuietly( e.model );
	}

	private static void closeQuietly( final AutoCloseable c )
	{
		try
		{
			c.close();
		}
		catch ( final Exception ex )
		{
			// NB: freeing a model cannot be acted on by the caller
		}
	}
}
