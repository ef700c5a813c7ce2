package fiji.plugin.autoencoder.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ImageJ GUI under Xvfb: training shows the live loss plot, the Stop
 * button (clicked with a real mouse event) ends training, and the best model
 * is saved.
 */
@Tag( "slow" ) // training quality: excluded from the fast tier (mvn test -Pfast)
class GuiTrainingTest
{
	@TempDir
	Path dir;

	@Test
	void liveLossPlotOpensAndStopKeepsAModel() throws Exception
	{
		assumeTrue( new File( "/usr/bin/Xvfb" ).canExecute(), "needs Xvfb (apt-get install xvfb; bin/setup does)" );
		final int display = 90 + ( int ) ( ProcessHandle.current().pid() % 500 );
		final Process xvfb = new ProcessBuilder( "/usr/bin/Xvfb", ":" + display, "-screen", "0", "1280x800x24",
				"-nolisten", "tcp" ).redirectErrorStream( true )
				.redirectOutput( dir.resolve( "xvfb.log" ).toFile() ).start();
		try
		{
			Thread.sleep( 1500 );
			assumeTrue( xvfb.isAlive(), "Xvfb did not start" );
			final Path model = dir.resolve( "gui.aemodel.zip" ), shot = dir.resolve( "gui.png" );
			final String cp = System.getProperty( "surefire.test.class.path", System.getProperty( "java.class.path" ) );
			final ProcessBuilder pb = new ProcessBuilder(
					Paths.get( System.getProperty( "java.home" ), "bin", "java" ).toString(), "-Xmx4g",
					"-Djava.util.prefs.userRoot=" + dir.resolve( "prefs" ), "-cp", cp, // NB: own preferences: with a display, SciJava fills omitted keys from remembered values
					GuiTrainingDriver.class.getName(),
					Paths.get( "test-images/cell_256.tif" ).toAbsolutePath().toString(), model.toString(),
					shot.toString() ).redirectErrorStream( true );
			pb.environment().put( "DISPLAY", ":" + display );
			pb.environment().put( "TF_CPP_MIN_LOG_LEVEL", "2" );
			final Process p = pb.start();
			final String out = new String( p.getInputStream().readAllBytes(), StandardCharsets.UTF_8 );
			assertTrue( p.waitFor( 5, TimeUnit.MINUTES ) );
			System.out.println( out );
			assertEquals( 0, p.exitValue(), out );
			assertTrue( out.contains( "PLOT_WINDOW_OPENED PlotWindow" ), out );
			assertTrue( out.contains( "STOPPED Stopped on request" ), out );
			final Matcher m = Pattern.compile( "MODEL_SAVED epochs=(\\d+) bytes=(\\d+)" ).matcher( out );
			assertTrue( m.find(), out );
			final int epochs = Integer.parseInt( m.group( 1 ) );
			assertTrue( out.contains( "PLOTTED_EPOCHS 3" ), "the live plot showed 3 epochs: " + out );
			assertTrue( out.contains( "TWO_STAGE_PLOTS first=4 second=3 distinct=true" ),
					"the second stage plots in a window of its own, the first curve stays: " + out );
			final Matcher seg = Pattern.compile( "IJ1_SEGMENT objects=(-?\\d+) expected=(\\d+)" ).matcher( out );
			assertTrue( seg.find(), out );
			assertTrue( Integer.parseInt( seg.group( 2 ) ) > 0,
					"the 0.5 % most anomalous pixels make objects: " + out );
			assertEquals( seg.group( 2 ), seg.group( 1 ),
					"the IJ1 menu entry's labels hold as many objects as ReconstructionSegmenter finds: " + out );
			assertTrue( epochs >= 3 && epochs < 200, "stopped early with the plotted epochs recorded: " + epochs );
			assertTrue( Long.parseLong( m.group( 2 ) ) > 10_000 );
			assertTrue( Files.size( shot ) > 5_000 );
			assertEquals( 1280, ImageIO.read( shot.toFile() ).getWidth() );
		}
		finally
		{
			xvfb.destroy();
		}
	}

	static String joined( final String... s )
	{
		return String.join( " ", Arrays.asList( s ) );
	}
}
