package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One training per model file: the lock holds across processes and threads and names its holder. */
class ModelLockTest
{
	@TempDir
	Path dir;

	@Test
	void aSecondProcessIsRefusedAtOnceWithTheHoldersPidAndAKilledHolderFreesTheFile() throws Exception
	{
		final Path model = dir.resolve( "n2v.aemodel.zip" );
		final Process other = LockHolder.start( model );
		try
		{
			assertTrue( Files.readString( ModelLock.lockFile( model ) ).contains( "process " + other.pid() + " on " ),
					"the lock file names the holder" );
			final long t0 = System.nanoTime();
			final String m = assertThrows( IllegalStateException.class, () -> ModelLock.acquire( model ) ).getMessage();
			final double seconds = ( System.nanoTime() - t0 ) * 1e-9;
			assertTrue( m.contains( model.toString() ) && m.contains( "process " + other.pid() + " on " )
					&& m.contains( "wait until that training ends" ), m );
			assertTrue( seconds < 1, "refused at once, not after waiting: " + seconds + " s" );
		}
		finally
		{
			other.destroyForcibly().waitFor( 30, TimeUnit.SECONDS );
		}
		assertTrue( Files.exists( ModelLock.lockFile( model ) ), "kill -9 leaves the lock file" );
		try ( ModelLock lock = ModelLock.acquire( model ) ) // but not the lock
		{
			assertTrue( lock.holder().startsWith( "process " + ProcessHandle.current().pid() + " on " ) );
		}
		assertEquals( 0, Files.size( ModelLock.lockFile( model ) ), "released: the lock file is emptied" );
	}

	@Test
	void anotherThreadIsRefusedTheHolderReentersAndAForeignLockInThisJvmIsReported() throws Exception
	{
		final Path model = dir.resolve( "m.aemodel.zip" );
		final CountDownLatch locked = new CountDownLatch( 1 ), done = new CountDownLatch( 1 );
		final CompletableFuture< Void > holder = CompletableFuture.runAsync( () -> {
			try ( ModelLock lock = ModelLock.acquire( model ); ModelLock again = ModelLock.acquire( model ) ) // re-entrant: the stages of one training
			{
				locked.countDown();
				done.await();
			}
			catch ( final Exception e )
			{
				throw new RuntimeException( e );
			}
		} );
		assertTrue( locked.await( 10, TimeUnit.SECONDS ) );
		final String m = assertThrows( IllegalStateException.class, () -> ModelLock.acquire( model ) ).getMessage();
		assertTrue( m.contains( "another training in this program" )
				&& m.contains( "process " + ProcessHandle.current().pid() ), m );
		done.countDown();
		holder.get( 10, TimeUnit.SECONDS );
		ModelLock.acquire( model ).close(); // free again

		// a lock taken in this JVM without this class: tryLock throws OverlappingFileLockException, reported like any holder
		try ( FileChannel c = FileChannel.open( ModelLock.lockFile( model ), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE, StandardOpenOption.READ );
				FileLock l = c.lock( Long.MAX_VALUE - 1, 1, false ) )
		{
			c.write( java.nio.ByteBuffer.wrap( "process 1 on elsewhere".getBytes() ) );
			final String o = assertThrows( IllegalStateException.class, () -> ModelLock.acquire( model ) ).getMessage();
			assertTrue( o.contains( "process 1 on elsewhere" ) && o.contains( model.toString() ), o );
		}
		final Path notAFolder = Files.writeString( dir.resolve( "file" ), "x" );
		final String f = assertThrows( java.io.IOException.class,
				() -> ModelLock.acquire( notAFolder.resolve( "m.aemodel.zip" ) ) ).getMessage();
		assertTrue( f.contains( "Cannot create the lock file" ) && f.contains( "folder" ), f );
	}
}
