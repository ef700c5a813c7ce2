package fiji.plugin.autoencoder.ui;

import java.awt.BorderLayout;
import java.awt.Button;
import java.awt.FlowLayout;
import java.awt.Frame;
import java.awt.Label;
import java.awt.Panel;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.util.Locale;

import fiji.plugin.autoencoder.features.LossCurves;
import fiji.plugin.autoencoder.segment.AnomalySegmenter;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImageJ;
import ij.gui.Plot;
import ij.gui.PlotWindow;

/**
 * Shows training live in the ImageJ GUI: progress bar and status line per step,
 * a loss plot (train and validation, per epoch) and a small window with a
 * "Stop (keep best)" button that ends training after the current step; the
 * best model is saved as usual. Use only where a display exists.
 */
public final class TrainingMonitor implements TrainingListener, AutoCloseable
{
	/** Title of the live loss plot window. */
	public static final String PLOT_TITLE = "Autoencoder training loss"; // LossCurves appends " loss" to the title it is given

	/** Title of the anomaly segmenter's second-stage loss plot, a window of its own so the first stage's curve stays. */
	public static final String SECOND_STAGE_PLOT_TITLE = "Autoencoder training (second stage) loss";

	/** Title of the window with the Stop button. */
	public static final String CONTROL_TITLE = "Autoencoder training";

	private final Runnable stopAction;

	private final Frame controls;

	private final Label status = new Label( "starting...", Label.LEFT );

	private final Button stop = new Button( "Stop (keep best)" );

	private PlotWindow window;

	private boolean secondStage;

	private long lastStatus;

	/** A monitor whose Stop asks {@code trainer} to stop. */
	public TrainingMonitor( final Trainer trainer, final String what )
	{
		this( trainer::requestStop, what );
	}

	/** A monitor whose Stop runs {@code stopAction}, e.g. cancels the {@code Progress} the training stops by. */
	public TrainingMonitor( final Runnable stopAction, final String what )
	{
		this.stopAction = stopAction;
		controls = new Frame( CONTROL_TITLE );
		final Panel top = new Panel( new FlowLayout( FlowLayout.LEFT ) );
		top.add( new Label( what ) );
		top.add( stop );
		controls.add( top, BorderLayout.NORTH );
		controls.add( status, BorderLayout.CENTER ); // the whole width: a status line laid out once would be cut to its first text
		stop.addActionListener( e -> requestStop() );
		controls.addWindowListener( new WindowAdapter()
		{
			@Override
			public void windowClosing( final WindowEvent e )
			{
				requestStop();
			}
		} );
		controls.setSize( 560, 100 );
		final ImageJ ij = IJ.getInstance();
		if ( ij != null ) // below the ImageJ bar, not over it
			controls.setLocation( ij.getX(), ij.getY() + ij.getHeight() + 10 );
		controls.setVisible( true );
	}

	/** What the Stop button does. */
	public void requestStop()
	{
		stopAction.run();
		stop.setEnabled( false );
		stop.setLabel( "Stopping..." );
		IJ.showStatus( "Stopping training after the current step; the best model is kept" );
	}

	@Override
	public void stepEnded( final String phase, final int epoch, final int step, final int steps, final double loss )
	{
		IJ.showProgress( step, steps );
		final long now = System.currentTimeMillis();
		if ( now - lastStatus > 250 )
		{
			lastStatus = now;
			final String s = String.format( Locale.ROOT, "%s epoch %d, step %d/%d, loss %.4g", phase, epoch, step,
					steps, loss );
			IJ.showStatus( s );
			status.setText( s );
		}
	}

	@Override
	public void epochEnded( final History.Epoch e, final History h )
	{
		// the second network of a two-stage mode has a loss of its own: a new window, the first curve stays
		final boolean second = e.phase != null && e.phase.startsWith( AnomalySegmenter.SECOND_STAGE );
		final Plot plot = LossCurves.plot( h, second ? "Autoencoder training (second stage)" : "Autoencoder training" );
		if ( window == null || !window.isVisible() || second != secondStage )
		{
			window = plot.show();
			secondStage = second;
		}
		else
			window.drawPlot( plot );
		status.setText( e.toString() );
	}

	@Override
	public void close()
	{
		IJ.showProgress( 1.0 );
		controls.dispose();
	}
}
