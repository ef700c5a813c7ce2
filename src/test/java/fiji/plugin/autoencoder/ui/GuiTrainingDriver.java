package fiji.plugin.autoencoder.ui;

import java.awt.Button;
import java.awt.Component;
import java.awt.Container;
import java.awt.Frame;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.awt.Window;
import java.awt.event.InputEvent;
import java.io.File;
import java.util.concurrent.Future;

import javax.imageio.ImageIO;

import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.commands.TrainAutoencoderCommand;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.AnomalySegmenter;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.Trainer;
import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.PlotWindow;

/**
 * Drives the real ImageJ GUI (needs a display, e.g. Xvfb): opens an image,
 * runs Train Autoencoder with the live loss plot, writes a screenshot once the
 * plot shows a few epochs, presses Stop with a real mouse click and checks that
 * the best model was saved; then runs the ImageJ 1 Segment by Reconstruction
 * entry with macro options and feeds a monitor two training stages. Prints
 * PLOT_WINDOW_OPENED, SCREENSHOT, STOPPED, MODEL_SAVED, IJ1_SEGMENT and
 * TWO_STAGE_PLOTS lines for the test that runs it. Not a unit test: run by
 * GuiTrainingTest and bin/gui-screenshot.
 *
 * Usage: GuiTrainingDriver <image> <model file> <screenshot.png>
 */
public class GuiTrainingDriver
{
	public static void main( final String[] args ) throws Exception
	{
		final File model = new File( args[ 1 ] ), shot = new File( args[ 2 ] );
		new ImageJ();
		final ImagePlus imp = IJ.openImage( args[ 0 ] );
		imp.show();
		final Context context = new Context();
		final Future< CommandModule > run = context.service( CommandService.class ).run( TrainAutoencoderCommand.class,
				true, "input", imp, "mode", "Denoise (self-supervised)",
				"model_file", model, "epochs", 200, "patches_per_epoch", 256, "patch_size", 48, "batch_size", 16,
				"patience", 0, "show_plot", true, "resume", false );
		final Window plot = waitFor( TrainingMonitor.PLOT_TITLE, 120 );
		System.out.println( "PLOT_WINDOW_OPENED " + plot.getClass().getSimpleName() );
		final Frame controls = ( Frame ) waitFor( TrainingMonitor.CONTROL_TITLE, 10 );
		// let the plot show three epochs, arrange the windows, then take the screenshot
		for ( int i = 0; i < 3000 && plottedEpochs( ( PlotWindow ) plot ) < 3; i++ )
			Thread.sleep( 100 );
		System.out.println( "PLOTTED_EPOCHS " + plottedEpochs( ( PlotWindow ) plot ) );
		controls.setLocation( 10, 640 );
		plot.setLocation( 10, 120 );
		imp.getWindow().setLocation( 720, 120 );
		Thread.sleep( 1500 );
		final Rectangle screen = new Rectangle( Toolkit.getDefaultToolkit().getScreenSize() );
		ImageIO.write( new Robot().createScreenCapture( screen ), "png", shot );
		System.out.println( "SCREENSHOT " + shot );
		// a real click on the Stop button
		final Button stop = findStop( controls );
		final Point p = stop.getLocationOnScreen();
		final Robot robot = new Robot();
		robot.mouseMove( p.x + stop.getWidth() / 2, p.y + stop.getHeight() / 2 );
		robot.mousePress( InputEvent.BUTTON1_DOWN_MASK );
		robot.mouseRelease( InputEvent.BUTTON1_DOWN_MASK );
		final CommandModule done = run.get();
		System.out.println( "STOPPED " + done.getOutput( "result" ) );
		try ( ModelFile.Loaded m = ModelFile.load( model.toPath(), 1 ) )
		{
			final History h = History.fromJson( m.extras().get( ModelFile.HISTORY ) );
			System.out.println( "MODEL_SAVED epochs=" + h.epochs.size() + " bytes=" + model.length() );
		}
		// the plain-ImageJ menu entry Segment by Reconstruction (IJ1): its GenericDialog fed by macro options, as a recorded macro does
		imp.show();
		WindowManager.setTempCurrentImage( imp );
		final Thread t = new Thread( () -> {
			Macro.setOptions( Thread.currentThread(),
					"model_file=[" + model
							+ "] threshold_method=Percentile threshold_value=99.5 smoothing_sigma=1 min_size=5 "
							+ "seed_threshold=0 normal_image=[] seed_false_positive_rate=0 tile_size=0" );
			WindowManager.setTempCurrentImage( imp );
			new IJ1Plugin().run( "segment" );
		}, "Run$_segment" ); // ImageJ hands macro options only to threads named like its own plugin threads
		t.start();
		t.join( 60000 );
		int objects = -1;
		for ( final int id : WindowManager.getIDList() )
		{
			final ImagePlus w = WindowManager.getImage( id );
			if ( w.getTitle().contains( "labels" ) )
				objects = ( int ) w.getStatistics().max;
		}
		final int expected;
		try ( ModelFile.Loaded m = ModelFile.load( model.toPath(), 1 ) )
		{
			expected = ReconstructionSegmenter.segment( m, imp,
					ReconstructionSegmenter.Settings.of( "Percentile", 99.5, 1, 5 ),
					Progress.none() ).objectCount;
		}
		System.out.println( "IJ1_SEGMENT objects=" + objects + " expected=" + expected );
		// a two-stage training (anomaly segmenter): the second network's epochs open a window of their own
		( ( PlotWindow ) plot ).close();
		try ( TrainingMonitor monitor = new TrainingMonitor( new Trainer(), "two stages" ) )
		{
			final History first = new History(), second = new History();
			for ( int k = 1; k <= 4; k++ )
				monitor.epochEnded( epoch( first, "train", k, 0.1 / k ), first );
			for ( int k = 1; k <= 3; k++ )
				monitor.epochEnded(
						epoch( second, "train", k, 0.5 / k ).withPhase( AnomalySegmenter.SECOND_STAGE + "train" ),
						second );
			final PlotWindow one = ( PlotWindow ) waitFor( TrainingMonitor.PLOT_TITLE, 10 ),
					two = ( PlotWindow ) waitFor( TrainingMonitor.SECOND_STAGE_PLOT_TITLE, 10 );
			System.out.println( "TWO_STAGE_PLOTS first=" + plottedEpochs( one ) + " second=" + plottedEpochs( two )
					+ " distinct=" + ( one != two ) );
		}
		context.dispose();
		System.exit( 0 );
	}

	/** Adds an epoch to {@code h} (its own history keeps the plain phase) and returns it. */
	static History.Epoch epoch( final History h, final String phase, final int epoch, final double loss )
	{
		final History.Epoch e = new History.Epoch();
		e.phase = phase;
		e.epoch = epoch;
		e.trainLoss = loss;
		e.validationLoss = 1.1 * loss;
		h.epochs.add( e );
		return e;
	}

	static Window waitFor( final String title, final int seconds ) throws InterruptedException
	{
		for ( int i = 0; i < seconds * 10; i++ )
		{
			for ( final Window w : Window.getWindows() )
				if ( w.isShowing() && w instanceof Frame && title.equals( ( ( Frame ) w ).getTitle() ) )
					return w;
			final Window byManager = WindowManager.getWindow( title );
			if ( byManager != null && byManager.isShowing() )
				return byManager;
			Thread.sleep( 100 );
		}
		System.out.println( "TIMEOUT waiting for " + title );
		System.exit( 2 );
		return null;
	}

	/** Points of the training curve in the live plot. */
	static int plottedEpochs( final PlotWindow w )
	{
		final ij.gui.Plot p = w.getPlot();
		final float[][] data = p == null ? null : p.getDataObjectArrays( 0 );
		return data == null ? 0 : data[ 0 ].length;
	}

	static Button findStop( final Container c )
	{
		for ( final Component k : c.getComponents() )
		{
			if ( k instanceof Button && ( ( Button ) k ).getLabel().startsWith( "Stop" ) )
				return ( Button ) k;
			if ( k instanceof Container )
			{
				final Button b = findStop( ( Container ) k );
				if ( b != null )
					return b;
			}
		}
		return null;
	}
}
