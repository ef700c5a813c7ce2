package fiji.plugin.autoencoder.features;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import fiji.plugin.autoencoder.train.History;
import ij.gui.Plot;
import ij.measure.ResultsTable;

/**
 * Training and validation loss per epoch from a {@link History}, as a plot and
 * a table. Epochs are numbered in training order across phases (x axis
 * "epoch (all phases)" when there are several); each phase ({@code pretrain_0}, ..., {@code train})
 * has its own colour, training loss as a line, validation loss as connected
 * circles, and a vertical dotted line where a phase starts.
 * <p>
 * Stateless and thread-safe.
 *
 * <pre>{@code
 * History h = History.fromJson( loaded.extras().get( ModelFile.HISTORY ) );
 * Plot plot = LossCurves.plot( h, "conv_pool" );
 * ResultsTable table = LossCurves.table( h );
 * }</pre>
 */
public final class LossCurves
{
	private LossCurves()
	{}

	/** The loss plot; the legend names "phase training loss" and "phase validation loss" per phase (just "training loss" and "validation loss" for one phase). */
	public static Plot plot( final History history, final String title )
	{
		if ( history == null || history.epochs.isEmpty() )
			throw new IllegalArgumentException(
					"The model has no training history (no finished epoch): train it for at least one epoch first." );
		final Map< String, List< Integer > > phases = new LinkedHashMap<>();
		for ( int i = 0; i < history.epochs.size(); i++ )
			phases.computeIfAbsent( history.epochs.get( i ).phase, p -> new ArrayList<>() ).add( i );
		final boolean onePhase = phases.size() == 1; // a plain training: "epoch" and "training loss", without the phase's name
		final Plot plot = new Plot( title + " loss", onePhase ? "epoch" : "epoch (all phases)", "loss" );
		plot.setFrameSize( ScatterPlots.FRAME_WIDTH, ScatterPlots.FRAME_HEIGHT );
		final StringBuilder labels = new StringBuilder();
		int colour = 0;
		double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
		for ( final Map.Entry< String, List< Integer > > phase : phases.entrySet() )
		{
			final List< Integer > rows = phase.getValue();
			final double[] x = new double[ rows.size() ], train = new double[ rows.size() ];
			final List< Double > vx = new ArrayList<>(), vy = new ArrayList<>();
			for ( int i = 0; i < x.length; i++ )
			{
				final History.Epoch e = history.epochs.get( rows.get( i ) );
				x[ i ] = rows.get( i ) + 1;
				train[ i ] = e.trainLoss;
				if ( Double.isFinite( e.validationLoss ) )
				{
					vx.add( x[ i ] );
					vy.add( e.validationLoss );
				}
				for ( final double v : new double[] { e.trainLoss, e.validationLoss } )
					if ( Double.isFinite( v ) )
					{
						lo = Math.min( lo, v );
						hi = Math.max( hi, v );
					}
			}
			final Color c = ScatterPlots.color( colour++ );
			plot.setColor( c, c );
			plot.setLineWidth( 2 );
			plot.addPoints( x, train, x.length == 1 ? Plot.CIRCLE : Plot.LINE );
			final String name = onePhase ? "" : phase.getKey() + " ";
			labels.append( labels.length() == 0 ? "" : "\n" ).append( name ).append( "training loss" );
			if ( !vx.isEmpty() )
			{
				plot.setLineWidth( 1 );
				plot.addPoints( toArray( vx ), toArray( vy ), Plot.CONNECTED_CIRCLES );
				labels.append( "\n" ).append( name ).append( "validation loss" );
			}
		}
		if ( !( lo <= hi ) )
			throw new IllegalArgumentException(
					"Every loss in the history is NaN or infinite: the training diverged; retrain with a lower learning rate." );
		final double margin = hi > lo ? 0.05 * ( hi - lo ) : Math.max( 1e-3, Math.abs( hi ) * 0.05 );
		plot.setLimits( 0.5, history.epochs.size() + 0.5, lo - margin, hi + margin );
		plot.setColor( Color.GRAY );
		plot.setLineWidth( 1 );
		for ( final List< Integer > rows : phases.values() )
			if ( rows.get( 0 ) > 0 )
				plot.drawDottedLine( rows.get( 0 ) + 0.5, lo - margin, rows.get( 0 ) + 0.5, hi + margin, 3 );
		plot.setColor( Color.BLACK );
		plot.addLegend( labels.toString(), "top-right" );
		return plot;
	}

	/**
	 * One row per epoch: step (1, 2, ... across phases), phase, epoch, train_loss, validation_loss, learning_rate,
	 * seconds; and validation_score (e.g. Train Segmenter's held-out Dice) when the training recorded one.
	 */
	public static ResultsTable table( final History history )
	{
		final ResultsTable rt = new ResultsTable( history.epochs.size() );
		rt.setPrecision( 6 );
		final boolean scored = history.epochs.stream().anyMatch( e -> Double.isFinite( e.validationScore ) );
		for ( int i = 0; i < history.epochs.size(); i++ )
		{
			final History.Epoch e = history.epochs.get( i );
			rt.setValue( "step", i, i + 1 );
			rt.setValue( "phase", i, e.phase );
			rt.setValue( "epoch", i, e.epoch );
			rt.setValue( "train_loss", i, e.trainLoss );
			rt.setValue( "validation_loss", i, e.validationLoss );
			rt.setValue( "learning_rate", i, e.learningRate );
			rt.setValue( "seconds", i, e.seconds );
			if ( scored )
				rt.setValue( "validation_score", i, e.validationScore );
		}
		return rt;
	}

	private static double[] toArray( final List< Double > v )
	{
		final double[] a = new double[ v.size() ];
		for ( int i = 0; i < a.length; i++ )
			a[ i ] = v.get( i );
		return a;
	}
}
