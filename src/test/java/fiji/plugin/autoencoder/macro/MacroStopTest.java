package fiji.plugin.autoencoder.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.History;
import ij.IJ;

/**
 * A plain-macro training ({@code MacroCalls.train}) is stopped by Esc (ImageJ's abort key, which sets
 * {@code IJ.escapePressed()}) or by an interrupt of its thread, pressed after its epoch {@link #K}: it stops in the
 * next epoch and keeps the best model, and the entry returns the message, not an error.
 */
class MacroStopTest
{
	private static final int K = 2;

	@TempDir
	Path dir;

	@Test
	void escapeStopsAMacroTrainingAndKeepsTheBestModel() throws Exception
	{
		check( false );
	}

	@Test
	void anInterruptStopsAMacroTrainingAndKeepsTheBestModel() throws Exception
	{
		check( true );
	}

	private void check( final boolean interrupt ) throws Exception
	{
		final Path model = dir.resolve( "stopped.aemodel.zip" );
		final CountDownLatch reached = new CountDownLatch( 1 );
		final AtomicReference< String > result = new AtomicReference<>();
		final PrintStream stdout = System.out;
		final StringBuilder log = new StringBuilder();
		final Thread[] training = new Thread[ 1 ];
		System.setOut( new PrintStream( new OutputStream()
		{ // IJ.log prints here without a window: press the key when epoch K is logged, on the training thread
			private final ByteArrayOutputStream line = new ByteArrayOutputStream();

			@Override
			public void write( final int b )
			{
				stdout.write( b );
				if ( b != '\n' )
				{
					line.write( b );
					return;
				}
				final String text = new String( line.toByteArray(), StandardCharsets.UTF_8 );
				line.reset();
				synchronized ( log )
				{
					log.append( text ).append( '\n' );
				}
				if ( text.startsWith( "Autoencoder: train epoch " + K + ":" ) )
				{
					if ( interrupt )
						training[ 0 ].interrupt();
					else
						IJ.setKeyDown( java.awt.event.KeyEvent.VK_ESCAPE );
					reached.countDown();
				}
			}
		}, true ) );
		try
		{
			training[ 0 ] = new Thread( () -> result.set( TrainEntry.train( "input=test-images/cell_256.tif "
					+ "mode=[Conv autoencoder] epochs=200 patches_per_epoch=64 patch_size=16 batch_size=16 "
					+ "patience=0 model_file=[" + model + "]" ) ) );
			training[ 0 ].start();
			training[ 0 ].join( TimeUnit.MINUTES.toMillis( 10 ) );
		}
		finally
		{
			System.setOut( stdout );
			IJ.resetEscape();
		}
		assertEquals( 0, reached.getCount(), "epoch " + K + " was logged: " + log );
		final String msg = result.get();
		final Matcher m = Pattern
				.compile( "^Stopped on request in epoch (\\d+); kept the best weights \\(epoch (\\d+)" )
				.matcher( msg );
		assertTrue( m.find(), msg );
		assertEquals( K + 1, Integer.parseInt( m.group( 1 ) ), "stopped in the epoch after the key: " + msg );
		assertTrue( msg.contains( "Saved " + model ), msg );
		try ( ModelFile.Loaded saved = ModelFile.load( model, 1 ) )
		{
			final History h = History.fromJson( saved.extras().get( ModelFile.HISTORY ) );
			assertEquals( K, h.epochs.size(), "the saved history is the epochs that ran" );
			final int best = h.epochs.get( 0 ).validationLoss <= h.epochs.get( 1 ).validationLoss ? 1 : 2;
			assertEquals( best, Integer.parseInt( m.group( 2 ) ), "kept the epoch of the lower validation loss" );
		}
	}
}
