package fiji.plugin.autoencoder.io;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on one model file for the whole of a training, so that two
 * trainings (two processes, e.g. SLURM array tasks, or two in one Fiji) never
 * write the same file: an operating-system lock ({@link FileChannel#tryLock})
 * on the sibling file {@code <name>.lock}, which holds the holder's process
 * id, host and start time. A second training into a locked file stops at once
 * with a message naming the holder. The lock is re-entrant for the thread that
 * holds it (a training whose stages save into one file), and released on
 * {@link #close()}, which empties the lock file (the file itself stays: deleting
 * it would let a process lock the deleted file while another locks a new one);
 * a killed process loses its lock with it.
 * <p>
 * NB: the holding process must not open the lock file otherwise: POSIX
 * releases a process's locks on a file when any of its descriptors of that
 * file is closed.
 *
 * <pre>{@code
 * try ( ModelLock lock = ModelLock.acquire( modelFile ) ) {
 *     train and save to modelFile
 * }
 * }</pre>
 */
public final class ModelLock implements AutoCloseable
{
	/** The suffix of the lock file next to the model file. */
	public static final String SUFFIX = ".lock";

	/** The locks this JVM holds, by real model path (the OS lock is per process, so threads are told apart here). */
	private static final Map< Path, ModelLock > HELD = new ConcurrentHashMap<>();

	private final Path model, lockFile;

	private final Thread owner;

	private final FileChannel channel;

	private final FileLock lock;

	private final String holder;

	private int depth = 1;

	private ModelLock( final Path model, final Path lockFile, final FileChannel channel, final FileLock lock,
			final String holder )
	{
		this.model = model;
		this.lockFile = lockFile;
		this.owner = Thread.currentThread();
		this.channel = channel;
		this.lock = lock;
		this.holder = holder;
	}

	/** The lock file of a model file: {@code <name>.lock} next to it. */
	public static Path lockFile( final Path modelFile )
	{
		final Path real = OutputPaths.real( modelFile );
		return real.resolveSibling( real.getFileName() + SUFFIX );
	}

	/**
	 * Locks {@code modelFile} for this thread, or fails at once.
	 *
	 * @throws IllegalStateException if another process, or another training in this one, holds it (naming it)
	 * @throws IOException           if the lock file cannot be written (e.g. the folder does not exist)
	 */
	public static ModelLock acquire( final Path modelFile ) throws IOException
	{
		final Path key = OutputPaths.real( modelFile );
		synchronized ( HELD )
		{
			final ModelLock mine = HELD.get( key );
			if ( mine != null )
			{
				if ( mine.owner != Thread.currentThread() )
					throw busy( modelFile,
							mine.holder + ", another training in this program (thread " + mine.owner.getName() + ")" );
				mine.depth++;
				return mine;
			}
			final Path lockFile = lockFile( modelFile );
			{
				final FileChannel channel;
				try
				{
					channel = FileChannel.open( lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
							StandardOpenOption.WRITE );
				}
				catch ( final IOException e )
				{
					throw new IOException( "Cannot create the lock file " + lockFile + " for the model file "
							+ modelFile + " (" + e.getClass().getSimpleName() + " " + e.getMessage()
							+ "): check that its folder exists and is writable", e );
				}
				FileLock lock = null;
				try
				{
					// NB: locks a byte past the text, so the holder's text stays readable where locks are mandatory (Windows)
					lock = channel.tryLock( Long.MAX_VALUE - 1, 1, false );
				}
				catch ( final OverlappingFileLockException e ) // held by this JVM through another channel (not through this class)
				{
					final String text = read( channel );
					channel.close();
					throw busy( modelFile, text + ", in this program" );
				}
				catch ( final IOException e )
				{
					channel.close();
					throw e;
				}
				if ( lock == null )
				{
					final String text = read( channel );
					channel.close();
					throw busy( modelFile, text );
				}
				final String holder = "process " + ProcessHandle.current().pid() + " on " + host() + " since "
						+ Instant.now();
				channel.truncate( 0 );
				channel.write( ByteBuffer.wrap( ( holder + "\n" ).getBytes( StandardCharsets.UTF_8 ) ), 0 );
				channel.force( true );
				final ModelLock l = new ModelLock( key, lockFile, channel, lock, holder );
				HELD.put( key, l );
				return l;
			}
		}
	}

	/** Who holds this lock: "process PID on HOST since TIME". */
	public String holder()
	{
		return holder;
	}

	@Override
	public void close() throws IOException
	{
		synchronized ( HELD )
		{
			if ( --depth > 0 )
				return;
			HELD.remove( model );
			final boolean interrupted = Thread.interrupted(); // an interrupted (cancelled) training releases its lock too: NIO channels fail on an interrupted thread
			try
			{
				channel.truncate( 0 ); // NB: the empty file stays: deleting it would let two processes lock two files of one name
				lock.release();
			}
			finally
			{
				channel.close();
				if ( interrupted )
					Thread.currentThread().interrupt();
			}
		}
	}

	private static IllegalStateException busy( final Path modelFile, final String holder )
	{
		return new IllegalStateException( "The model file " + modelFile + " is being trained by "
				+ ( holder.isEmpty() ? "another process" : holder )
				+ " (lock file " + lockFile( modelFile )
				+ "): wait until that training ends, or choose another model file. In a SLURM array, train once before the array, not in every task" );
	}

	private static String read( final FileChannel channel )
	{
		try
		{
			final ByteBuffer b = ByteBuffer.allocate( 1024 );
			channel.read( b, 0 );
			return new String( b.array(), 0, b.position(), StandardCharsets.UTF_8 ).trim();
		}
		catch ( final IOException e )
		{
			return "";
		}
	}

	private static String host()
	{
		try
		{
			return InetAddress.getLocalHost().getHostName();
		}
		catch ( final IOException e )
		{
			return "unknown host";
		}
	}
}
