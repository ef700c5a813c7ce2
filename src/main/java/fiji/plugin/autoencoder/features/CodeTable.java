package fiji.plugin.autoencoder.features;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.FloatBatch;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import ij.measure.ResultsTable;

/**
 * Encodes items with a model into a table: one row per item, columns
 * {@code item} (slice label or file name), {@code class} and
 * {@code code_0 ... code_{k-1}} (the item's code, flattened channels-last).
 * Items are encoded in batches.
 * <p>
 * Stateless and thread-safe (the model may be shared).
 *
 * <pre>{@code
 * ResultsTable table = CodeTable.encode( model, items, 256, Progress.none() );
 * double[][] codes = CodeTable.codes( table );
 * String[] classes = CodeTable.classes( table );
 * }</pre>
 */
public final class CodeTable
{
	/** Column with the item's name. */
	public static final String ITEM = "item";

	/** Column with the item's class. */
	public static final String CLASS = "class";

	/** Prefix of the code columns: code_0, code_1, ... */
	public static final String CODE = "code_";

	/** Items per TensorFlow run by default. */
	public static final int DEFAULT_BATCH = 256;

	/** At most this many input values per run (64 MB of floats), whatever the batch size. */
	static final int MAX_BATCH_VALUES = 16 << 20;

	private CodeTable()
	{}

	/**
	 * Throws an {@link IllegalArgumentException} naming both shapes and the fix
	 * if items of {@code height x width x channels} do not fit the model.
	 */
	public static void checkFits( final ModelSpec spec, final int height, final int width, final int channels )
	{
		final String items = height + " x " + width + " x " + channels + " (H x W x C)";
		if ( channels != spec.channels )
			throw new IllegalArgumentException(
					"The images are " + items + " but the model takes " + spec.channels + " channel(s) ("
							+ spec.height + " x " + spec.width + " x " + spec.channels + "): convert the images to "
							+ spec.channels
							+ " channel(s) (Image > Type) or use a model trained on " + channels + "-channel images." );
		if ( spec.hasFixedInputSize() && ( height != spec.height || width != spec.width ) )
			throw new IllegalArgumentException( "The images are " + items + " but the model takes only " + spec.height
					+ " x " + spec.width + " x "
					+ spec.channels + ": resize or crop the images to " + spec.height + " x " + spec.width
					+ " (Image > Adjust > Size), or use a model trained on " + height + " x " + width + " images." );
		final int m = spec.sizeMultiple();
		if ( height % m != 0 || width % m != 0 )
			throw new IllegalArgumentException( "The images are " + items
					+ " but this fully convolutional model takes sizes that are multiples of " + m
					+ " (trained on " + spec.height + " x " + spec.width + " x " + spec.channels
					+ "): crop or pad the images to "
					+ height / m * m + " x " + width / m * m + " or " + ( height + m - 1 ) / m * m + " x "
					+ ( width + m - 1 ) / m * m + "." );
	}

	/** The codes of all items, {@code result[i]} flattened channels-last. */
	public static float[][] encodeAll( final Model model, final ItemSet items, final int batchSize,
			final Progress progress )
	{
		checkFits( model.spec(), items.height(), items.width(), items.channels() );
		if ( batchSize < 1 )
			throw new IllegalArgumentException(
					"Batch size must be at least 1, got " + batchSize + ": use e.g. " + DEFAULT_BATCH + "." );
		final int size = items.itemSize();
		final int batch = Math.max( 1, Math.min( batchSize, MAX_BATCH_VALUES / size ) );
		final int[] spatial = { items.height(), items.width() };
		final float[][] codes = new float[ items.count() ][];
		final float[] buffer = new float[ batch * size ];
		for ( int from = 0; from < items.count(); from += batch )
		{
			if ( progress.isCancelled() )
				throw new IllegalStateException(
						"Encoding cancelled after " + from + " of " + items.count() + " items." );
			final int n = Math.min( batch, items.count() - from );
			System.arraycopy( items.data(), from * size, buffer, 0, n * size );
			final FloatBatch out = model.encode( buffer, n, spatial );
			final int k = out.itemSize();
			for ( int i = 0; i < n; i++ )
			{
				codes[ from + i ] = new float[ k ];
				System.arraycopy( out.data, i * k, codes[ from + i ], 0, k );
			}
			progress.report( from + n, items.count(), "encoded" );
		}
		return codes;
	}

	/** Encodes the items into a new table (see the class comment). */
	public static ResultsTable encode( final Model model, final ItemSet items, final int batchSize,
			final Progress progress )
	{
		return table( encodeAll( model, items, batchSize, progress ), items );
	}

	/** A table of given codes, one row per item. */
	public static ResultsTable table( final float[][] codes, final ItemSet items )
	{
		if ( codes.length != items.count() )
			throw new IllegalArgumentException(
					codes.length + " codes for " + items.count() + " items: give one code per item." );
		final ResultsTable rt = new ResultsTable( codes.length );
		rt.setPrecision( 6 );
		for ( int i = 0; i < codes.length; i++ )
		{
			rt.setValue( ITEM, i, items.name( i ) );
			rt.setValue( CLASS, i, items.itemClass( i ) );
		}
		final int k = codes.length == 0 ? 0 : codes[ 0 ].length;
		for ( int j = 0; j < k; j++ )
		{
			final double[] column = new double[ codes.length ];
			for ( int i = 0; i < codes.length; i++ )
				column[ i ] = codes[ i ][ j ];
			rt.setValues( CODE + j, column );
		}
		return rt;
	}

	/** The code columns of a table as {@code [row][j]}. */
	public static double[][] codes( final ResultsTable table )
	{
		int k = 0;
		while ( table.columnExists( CODE + k ) )
			k++;
		if ( k == 0 )
			throw new IllegalArgumentException(
					"The table has no " + CODE + "0 column: make it with 'Encode to Table'." );
		final double[][] out = new double[ table.size() ][ k ];
		for ( int j = 0; j < k; j++ )
		{
			final double[] column = table.getColumnAsDoubles( table.getColumnIndex( CODE + j ) );
			for ( int i = 0; i < out.length; i++ )
				out[ i ][ j ] = column[ i ];
		}
		return out;
	}

	/** The class column as strings ("" where missing). */
	public static String[] classes( final ResultsTable table )
	{
		final String[] out = new String[ table.size() ];
		for ( int i = 0; i < out.length; i++ )
			out[ i ] = table.columnExists( CLASS ) ? table.getStringValue( CLASS, i ) : "";
		return out;
	}
}
