package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Loaded models by file, so a macro loop over many images loads a model once:
 * keyed by the file's real path (links and relative paths resolved), size and
 * modification time, so a changed or replaced file is loaded again. Holds at
 * most {@code capacity} models, least recently used evicted first; an evicted
 * or replaced model is closed once no {@link Lease} on it is open, so a model
 * in use is never closed under its user.
 * <p>
 * Thread-safe. {@link #packages()} is the one instance the bioimage.io
 * command, macro entry and CLI share (two packages).
 *
 * <pre>{@code
 * try ( ModelCache.Lease< BioimageioModel > m = ModelCache.packages().get( path ) ) {
 *     BioimageioRunner.apply( m.model(), image, ... );
 * }
 * }</pre>
 */
public final class ModelCache< T extends AutoCloseable >
{
	/** Loads a model from a file. */
	public interface Loader< T >
	{
		T load( Path file ) throws IOException;
	}

	private static final ModelCache< BioimageioModel > PACKAGES = new ModelCache<>( 2, p -> BioimageioModel.load( p, 0 ) );

	/** The cache the bioimage.io commands share. */
	public static ModelCache< BioimageioModel > packages()
	{
		return PACKAGES;
	}

	private final class Entry
	{
		final Object key;

		final T model;

		int leases;

		boolean evicted;

		Entry( final Object key, final T model )
		{
			this.key = key;
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

	private final Map< Path, Entry > entries = new LinkedHashMap<>( 16, 0.75f, true );

	private long loads;

	public ModelCache( final int capacity, final Loader< T > loader )
	{
		if ( capacity < 1 )
			throw new IllegalArgumentException( "A model cache holds at least one model, got capacity " + capacity );
		this.capacity = capacity;
		this.loader = loader;
	}

	/** The model of this file, loaded now if it is not cached or the file changed. */
	public synchronized Lease get( final Path file ) throws IOException
	{
		final Path real = file.toRealPath();
		final BasicFileAttributes a = Files.readAttributes( real, BasicFileAttributes.class );
		final Object key = java.util.Arrays.asList( real, a.size(), a.lastModifiedTime().toMillis(), a.isDirectory() ? "dir" : "file" );
		Entry e = entries.get( real );
		if ( e != null && !Objects.equals( e.key, key ) )
		{
			evict( entries.remove( real ) );
			e = null;
		}
		if ( e == null )
		{
			e = new Entry( key, loader.load( real ) );
			loads++;
			entries.put( real, e );
			for ( final Iterator< Map.Entry< Path, Entry > > it = entries.entrySet().iterator(); entries.size() > capacity && it.hasNext(); )
			{
				final Entry old = it.next().getValue();
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
			// NB: freeing a model cannot be acted on by the caller; the files are temporary
		}
	}
}
