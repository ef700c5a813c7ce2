package fiji.plugin.autoencoder.tiling;

import net.imglib2.FinalInterval;
import net.imglib2.Interval;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;

/**
 * Writes the core of a cell from a channels-last batch buffer into the output
 * image, de-normalised ({@code value / scale[ c ] + offset[ c ]}), row by
 * row with one RandomAccess per cell (positioned once per row, then stepped
 * along X). Integer output types are clamped to their range (so a 16-bit
 * output saturates instead of wrapping); other types get the value as is.
 * <p>
 * Stateless apart from its settings; safe to use from several threads for
 * disjoint cells, provided the output image allows concurrent writes to
 * different pixels (any ImgLib2 image with at least one byte per pixel).
 */
final class TileWriter< U extends RealType< U > >
{
	private final RandomAccessibleInterval< U > output;

	private final int spatialDims;

	private final int channelAxis;

	private final int numChannels;

	private final float[] offset;

	private final float[] scale;

	private final boolean clamp;

	private final double lo;

	private final double hi;

	/**
	 * @param output
	 *            X, Y[, Z] and, if {@code channelAxis >= 0}, the channel axis
	 * @param channelAxis
	 *            index of the channel axis (= spatialDims) or -1
	 */
	TileWriter( final RandomAccessibleInterval< U > output, final int spatialDims, final int channelAxis,
			final int numChannels,
			final float[] offset, final float[] scale )
	{
		this.output = output;
		this.spatialDims = spatialDims;
		this.channelAxis = channelAxis;
		this.numChannels = numChannels;
		this.offset = offset;
		this.scale = scale;
		final U type = output.getType();
		clamp = type instanceof IntegerType;
		lo = type.getMinValue();
		hi = type.getMaxValue();
	}

	/**
	 * Writes the core of {@code cell} from {@code src}, which holds the
	 * cell's whole window (channels last) starting at {@code srcOffset}.
	 */
	void write( final TileCell cell, final float[] src, final int srcOffset )
	{
		final long[] coreMin = cell.coreMin();
		final int[] coreSize = cell.coreSize();
		final long[] pos = new long[ output.numDimensions() ];
		for ( int d = 0; d < spatialDims; d++ )
			pos[ d ] = output.min( d ) + coreMin[ d ];
		final RandomAccess< U > ra = output.randomAccess( coreInterval( coreMin, coreSize ) );

		// window geometry, and where the core starts inside the window
		final int[] window = cell.windowSize();
		final long[] windowMin = cell.windowMin();
		final int wx = window[ 0 ];
		final int wy = window[ 1 ];
		final int ox = ( int ) ( coreMin[ 0 ] - windowMin[ 0 ] );
		final int oy = ( int ) ( coreMin[ 1 ] - windowMin[ 1 ] );
		final int oz = spatialDims > 2 ? ( int ) ( coreMin[ 2 ] - windowMin[ 2 ] ) : 0;
		final int sx = coreSize[ 0 ];
		final int sy = coreSize[ 1 ];
		final int sz = spatialDims > 2 ? coreSize[ 2 ] : 1;
		final int nc = numChannels;
		for ( int c = 0; c < nc; c++ )
		{
			if ( channelAxis >= 0 )
				pos[ channelAxis ] = output.min( channelAxis ) + c;
			final float o = offset[ c ];
			final float s = scale[ c ];
			for ( int z = 0; z < sz; z++ )
				for ( int y = 0; y < sy; y++ )
				{
					// one row: position once, then step along X
					pos[ 1 ] = output.min( 1 ) + coreMin[ 1 ] + y;
					if ( spatialDims > 2 )
						pos[ 2 ] = output.min( 2 ) + coreMin[ 2 ] + z;
					ra.setPosition( pos );
					int j = srcOffset + ( ( ( z + oz ) * wy + ( y + oy ) ) * wx + ox ) * nc + c;
					for ( int x = 0; x < sx; x++, j += nc )
					{
						double v = src[ j ] / s + o;
						if ( clamp )
							v = v < lo ? lo : v > hi ? hi : v;
						if ( x > 0 )
							ra.fwd( 0 );
						ra.get().setReal( v );
					}
				}
		}
	}

	/** The written part of the output, in output coordinates (all channels). */
	private Interval coreInterval( final long[] coreMin, final int[] coreSize )
	{
		final int n = output.numDimensions();
		final long[] min = new long[ n ];
		final long[] max = new long[ n ];
		for ( int d = 0; d < spatialDims; d++ )
		{
			min[ d ] = output.min( d ) + coreMin[ d ];
			max[ d ] = min[ d ] + coreSize[ d ] - 1;
		}
		if ( channelAxis >= 0 )
		{
			min[ channelAxis ] = output.min( channelAxis );
			max[ channelAxis ] = output.max( channelAxis );
		}
		return new FinalInterval( min, max );
	}
}
