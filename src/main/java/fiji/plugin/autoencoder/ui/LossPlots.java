package fiji.plugin.autoencoder.ui;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

import fiji.plugin.autoencoder.train.History;
import ij.gui.Plot;

/** Loss curves of a training history as an ImageJ plot (works headless: render with {@code getImagePlus()}). */
public final class LossPlots
{
	private LossPlots()
	{}

	/** Train (blue) and validation (red) loss per epoch of the "train" phase; pretraining epochs in grey. */
	public static Plot plot( final History h, final String title )
	{
		final Plot plot = new Plot( title, "epoch", "loss" );
		final List< Double > x = new ArrayList<>(), train = new ArrayList<>(), val = new ArrayList<>(), px = new ArrayList<>(), pre = new ArrayList<>();
		int pretrainIndex = 0;
		for ( final History.Epoch e : h.epochs )
			if ( "train".equals( e.phase ) )
			{
				x.add( ( double ) e.epoch );
				train.add( e.trainLoss );
				val.add( e.validationLoss );
			}
			else
			{
				px.add( ( double ) -( ++pretrainIndex ) );
				pre.add( e.trainLoss );
			}
		if ( !pre.isEmpty() )
		{
			plot.setColor( Color.GRAY, Color.GRAY );
			plot.addPoints( toArray( px ), toArray( pre ), Plot.CONNECTED_CIRCLES );
		}
		plot.setLineWidth( 2 );
		plot.setColor( Color.BLUE, Color.BLUE );
		plot.addPoints( toArray( x ), toArray( train ), Plot.CONNECTED_CIRCLES );
		plot.setColor( Color.RED, Color.RED );
		plot.addPoints( toArray( x ), toArray( val ), Plot.CONNECTED_CIRCLES );
		plot.setLineWidth( 1 );
		plot.setColor( Color.BLACK );
		plot.addLegend( ( pre.isEmpty() ? "" : "pretraining\n" ) + "training\nvalidation" );
		plot.setLimitsToFit( false );
		return plot;
	}

	private static double[] toArray( final List< Double > l )
	{
		final double[] a = new double[ l.size() ];
		for ( int i = 0; i < a.length; i++ )
			a[ i ] = l.get( i );
		return a;
	}
}
