package fiji.plugin.autoencoder.features;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * PCA of a code table (see {@link CodeTable}) to three components, with the
 * projected coordinates and explained variances as tables and the 2D and
 * pairwise 3D scatter plots.
 *
 * <pre>{@code
 * CodePca view = CodePca.of( CodeTable.encode( model, items, 256, Progress.none() ), "conv_pool" );
 * ImagePlus plane = view.plot2D();
 * double[] ratios = view.pca().explainedVarianceRatios();
 * }</pre>
 */
public final class CodePca
{
	private final Pca pca;

	private final double[][] projected;

	private final String[] classes, items;

	private final String title;

	private CodePca( final Pca pca, final double[][] projected, final String[] classes, final String[] items,
			final String title )
	{
		this.pca = pca;
		this.projected = projected;
		this.classes = classes;
		this.items = items;
		this.title = title;
	}

	/** Fits a PCA of up to 3 components (fewer if the codes have fewer dimensions). */
	public static CodePca of( final ResultsTable codeTable, final String title )
	{
		final double[][] codes = CodeTable.codes( codeTable );
		final Pca pca = Pca.fit( codes, Math.min( 3, codes[ 0 ].length ) );
		final String[] items = new String[ codeTable.size() ];
		for ( int i = 0; i < items.length; i++ )
			items[ i ] = codeTable.columnExists( CodeTable.ITEM ) ? codeTable.getStringValue( CodeTable.ITEM, i )
					: "item_" + i;
		return new CodePca( pca, pca.project( codes ), CodeTable.classes( codeTable ), items, title );
	}

	public Pca pca()
	{
		return pca;
	}

	/** Columns item, class, pc1, pc2 (, pc3). */
	public ResultsTable coordinates()
	{
		final ResultsTable rt = new ResultsTable( projected.length );
		rt.setPrecision( 6 );
		for ( int i = 0; i < projected.length; i++ )
		{
			rt.setValue( CodeTable.ITEM, i, items[ i ] );
			rt.setValue( CodeTable.CLASS, i, classes[ i ] );
			for ( int c = 0; c < pca.components(); c++ )
				rt.setValue( "pc" + ( c + 1 ), i, projected[ i ][ c ] );
		}
		return rt;
	}

	/** One row per component: component, variance, explained_variance_ratio. */
	public ResultsTable variance()
	{
		final double[] v = pca.variances(), r = pca.explainedVarianceRatios();
		final ResultsTable rt = new ResultsTable( v.length );
		rt.setPrecision( 6 );
		for ( int c = 0; c < v.length; c++ )
		{
			rt.setValue( "component", c, "PC" + ( c + 1 ) );
			rt.setValue( "variance", c, v[ c ] );
			rt.setValue( "explained_variance_ratio", c, r[ c ] );
		}
		return rt;
	}

	/** PC1 vs PC2 coloured by class. */
	public ImagePlus plot2D()
	{
		if ( pca.components() < 2 )
			throw new IllegalArgumentException(
					"The codes have only 1 dimension: a 2D PCA plot needs codes of 2 or more values." );
		return ScatterPlots.pca2D( pca, projected, classes, title );
	}

	/**
	 * Writes pca-2d.png, pca-3d.png (with 3 components), pca-coordinates.csv and
	 * pca-variance.csv into {@code folder} (see {@link OutputFiles}).
	 */
	public void save( final java.nio.file.Path folder, final java.nio.file.Path... inputs ) throws java.io.IOException
	{
		OutputFiles.png( plot2D(), folder, "pca-2d", inputs );
		if ( pca.components() >= 3 )
			OutputFiles.png( plot3D(), folder, "pca-3d", inputs );
		OutputFiles.csv( coordinates(), folder, "pca-coordinates", inputs );
		OutputFiles.csv( variance(), folder, "pca-variance", inputs );
	}

	/** PC1-PC2, PC1-PC3 and PC2-PC3 side by side. */
	public ImagePlus plot3D()
	{
		return ScatterPlots.pcaPairwise( pca, projected, classes, title );
	}
}
