package fiji.plugin.autoencoder.features;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

/**
 * Scatter plots of projected items coloured by class, with a legend: the 2D
 * PCA plane and the three pairwise planes of a 3D PCA side by side. Rendered
 * with {@link Plot#getImagePlus()}, so they work headless.
 * <p>
 * Colours: 20 distinct colours (the Tableau 10 palette, then 10 more); classes
 * beyond 20 reuse the colours with another marker shape. Classes are ordered
 * numerically when all are numbers, else alphabetically.
 *
 * <pre>{@code
 * Pca pca = Pca.fit( codes, 3 );
 * ImagePlus plane = ScatterPlots.pca2D( pca, pca.project( codes ), classes, "codes" );
 * ImagePlus pairs = ScatterPlots.pcaPairwise( pca, pca.project( codes ), classes, "codes" );
 * }</pre>
 */
public final class ScatterPlots
{
	/** Tableau 10, then 10 further distinct colours. */
	private static final int[] PALETTE = { 0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
			0x7f7f7f, 0xbcbd22, 0x17becf,
			0x000080, 0x808000, 0x00ff7f, 0xff1493, 0x00bfff, 0x8b0000, 0xffd700, 0x4b0082, 0x2f4f4f, 0xff6347 };

	private static final int[] SHAPES = { Plot.CIRCLE, Plot.BOX, Plot.TRIANGLE, Plot.DIAMOND, Plot.X, Plot.CROSS };

	/** Frame size of one plot panel in pixels. */
	public static final int FRAME_WIDTH = 520, FRAME_HEIGHT = 400;

	private ScatterPlots()
	{}

	/** The colour of the {@code i}-th class. */
	public static Color color( final int i )
	{
		return new Color( PALETTE[ i % PALETTE.length ] );
	}

	/** The distinct classes, numerically sorted when all are integers, else alphabetically. */
	public static List< String > sortedClasses( final String[] classes )
	{
		boolean numeric = true;
		for ( final String c : classes )
			numeric &= c.matches( "-?\\d{1,9}" );
		final TreeSet< String > set = numeric
				? new TreeSet<>( ( a, b ) -> Integer.compare( Integer.parseInt( a ), Integer.parseInt( b ) ) )
				: new TreeSet<>();
		for ( final String c : classes )
			set.add( c );
		return new ArrayList<>( set );
	}

	/**
	 * A scatter plot of {@code coords[i][xAxis]} against {@code coords[i][yAxis]},
	 * one data set (colour, legend entry) per class.
	 *
	 * @param legend whether to draw the legend
	 */
	public static Plot scatter( final String title, final double[][] coords, final int xAxis, final int yAxis,
			final String[] classes,
			final String xLabel, final String yLabel, final boolean legend )
	{
		if ( coords.length != classes.length )
			throw new IllegalArgumentException(
					coords.length + " points but " + classes.length + " classes: give one class per point." );
		final List< String > order = sortedClasses( classes );
		final Plot plot = new Plot( title, xLabel, yLabel );
		plot.setFrameSize( FRAME_WIDTH, FRAME_HEIGHT );
		final boolean dense = coords.length > 3000;
		final StringBuilder labels = new StringBuilder();
		for ( int c = 0; c < order.size(); c++ )
		{
			final List< double[] > pts = new ArrayList<>();
			for ( int i = 0; i < coords.length; i++ )
				if ( classes[ i ].equals( order.get( c ) ) )
					pts.add( coords[ i ] );
			final double[] x = new double[ pts.size() ], y = new double[ pts.size() ];
			for ( int i = 0; i < x.length; i++ )
			{
				x[ i ] = pts.get( i )[ xAxis ];
				y[ i ] = pts.get( i )[ yAxis ];
			}
			final Color color = color( c );
			plot.setColor( color, color );
			final int shape = c < PALETTE.length ? ( dense ? Plot.DOT : Plot.CIRCLE )
					: SHAPES[ 1 + ( c / PALETTE.length - 1 ) % ( SHAPES.length - 1 ) ];
			plot.setLineWidth( shape == Plot.DOT ? 2 : 1 );
			plot.addPoints( x, y, shape );
			final String name = order.get( c ).isEmpty() ? "(no class)" : order.get( c );
			labels.append( c == 0 ? "" : "\n" ).append( name.replace( '\n', ' ' ).replace( '\t', ' ' ) ).append( " (" )
					.append( x.length ).append( ")" );
		}
		plot.setColor( Color.BLACK );
		plot.setLineWidth( 1 );
		double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY,
				y1 = Double.NEGATIVE_INFINITY;
		for ( final double[] p : coords )
		{
			x0 = Math.min( x0, p[ xAxis ] );
			x1 = Math.max( x1, p[ xAxis ] );
			y0 = Math.min( y0, p[ yAxis ] );
			y1 = Math.max( y1, p[ yAxis ] );
		}
		final double dx = x1 > x0 ? x1 - x0 : 1, dy = y1 > y0 ? y1 - y0 : 1;
		// NB: the legend goes into an empty strip right of the points, so it hides none of them
		plot.setLimits( x0 - 0.03 * dx, x1 + ( legend ? 0.45 : 0.03 ) * dx, y0 - 0.03 * dy, y1 + 0.03 * dy );
		if ( legend )
			plot.addLegend( labels.toString(), "top-right" );
		return plot;
	}

	/** The first two principal components, axes labelled with their explained variance. */
	public static ImagePlus pca2D( final Pca pca, final double[][] projected, final String[] classes,
			final String title )
	{
		final ImagePlus imp = panel( pca, projected, classes, title, 0, 1, true ).getImagePlus();
		imp.setTitle( title + " PCA 2D" );
		return imp;
	}

	/**
	 * The three pairwise planes of the first three components (PC1-PC2,
	 * PC1-PC3, PC2-PC3) side by side in one RGB image; the first has the legend.
	 */
	public static ImagePlus pcaPairwise( final Pca pca, final double[][] projected, final String[] classes,
			final String title )
	{
		if ( pca.components() < 3 )
			throw new IllegalArgumentException( "The 3D view needs 3 principal components, the PCA has "
					+ pca.components() + ": fit it with k = 3." );
		final int[][] pairs = { { 0, 1 }, { 0, 2 }, { 1, 2 } };
		final ImageProcessor[] panels = new ImageProcessor[ 3 ];
		for ( int p = 0; p < 3; p++ )
			panels[ p ] = panel( pca, projected, classes, title, pairs[ p ][ 0 ], pairs[ p ][ 1 ], p == 0 )
					.getImagePlus().getProcessor().convertToRGB();
		final int w = panels[ 0 ].getWidth(), h = panels[ 0 ].getHeight();
		final ColorProcessor out = new ColorProcessor( 3 * w, h );
		out.setColor( Color.WHITE );
		out.fill();
		for ( int p = 0; p < 3; p++ )
			out.insert( panels[ p ], p * w, 0 );
		return new ImagePlus( title + " PCA 3D (pairwise)", out );
	}

	private static Plot panel( final Pca pca, final double[][] projected, final String[] classes, final String title,
			final int a, final int b,
			final boolean legend )
	{
		final double[] r = pca.explainedVarianceRatios();
		return scatter( title + ": PC" + ( a + 1 ) + " vs PC" + ( b + 1 ), projected, a, b, classes,
				axisLabel( a, r[ a ] ), axisLabel( b, r[ b ] ), legend );
	}

	private static String axisLabel( final int c, final double ratio )
	{
		return String.format( Locale.ROOT, "PC%d (%.1f%% of variance)", c + 1, 100 * ratio );
	}
}
