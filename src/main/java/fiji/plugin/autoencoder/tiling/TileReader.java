package fiji.plugin.autoencoder.tiling;

import net.imglib2.RandomAccessible;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.blocks.PrimitiveBlocks;
import net.imglib2.converter.Converters;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Copies the input window of a cell, channel by channel, out of the
 * mirror-extended input with {@link PrimitiveBlocks} (bulk copies, no call per
 * pixel on the image) and interleaves it, normalised, into a channels-last
 * batch buffer.
 * <p>
 * Extension: {@link Views#extendMirrorSingle} (reflect without repeating the
 * edge pixel, like numpy's {@code 'reflect'}). ImgLib2's mirror-single is
 * undefined for an axis of size 1, so such axes are first border-extended to
 * size 2, which makes the extension constant along them (the only sensible
 * reflection of a single pixel).
 * <p>
 * Not thread-safe: use {@link #independentCopy()} per thread.
 */
final class TileReader
{
	private final PrimitiveBlocks< FloatType >[] channels;

	private final long[] imageMin;

	private final float[] offset;

	private final float[] scale;

	private float[] planar = new float[ 0 ];

	@SuppressWarnings( "unchecked" )
	private TileReader( final TileReader other )
	{
		channels = new PrimitiveBlocks[ other.channels.length ];
		for ( int c = 0; c < channels.length; c++ )
			channels[ c ] = other.channels[ c ].independentCopy();
		imageMin = other.imageMin;
		offset = other.offset;
		scale = other.scale;
	}

	/**
	 * @param input
	 *            X, Y[, Z] and, if {@code channelAxis >= 0}, a channel axis
	 * @param spatialDims
	 *            number of spatial axes (the first ones)
	 * @param channelAxis
	 *            index of the channel axis, or -1 for single channel
	 * @param offset
	 *            per channel, subtracted first
	 * @param scale
	 *            per channel, multiplied second
	 * @param onFallback
	 *            what to do if PrimitiveBlocks cannot understand the view
	 */
	@SuppressWarnings( "unchecked" )
	< T extends RealType< T > > TileReader( final RandomAccessibleInterval< T > input, final int spatialDims, final int channelAxis,
			final float[] offset, final float[] scale, final PrimitiveBlocks.OnFallback onFallback )
	{
		final int numChannels = channelAxis < 0 ? 1 : ( int ) input.dimension( channelAxis );
		channels = new PrimitiveBlocks[ numChannels ];
		imageMin = new long[ spatialDims ];
		for ( int d = 0; d < spatialDims; d++ )
			imageMin[ d ] = input.min( d );
		for ( int c = 0; c < numChannels; c++ )
		{
			RandomAccessibleInterval< T > channel = channelAxis < 0 ? input : Views.hyperSlice( input, channelAxis, input.min( channelAxis ) + c );
			channel = widenSinglePixelAxes( channel );
			final RandomAccessible< T > extended = Views.extendMirrorSingle( channel );
			final RandomAccessible< FloatType > floats;
			if ( input.getType() instanceof FloatType )
				floats = ( RandomAccessible< FloatType > ) extended;
			else
				floats = Converters.convert( extended, ( a, b ) -> b.set( a.getRealFloat() ), new FloatType() );
			channels[ c ] = PrimitiveBlocks.of( floats, onFallback );
		}
		this.offset = offset;
		this.scale = scale;
	}

	private static < T > RandomAccessibleInterval< T > widenSinglePixelAxes( final RandomAccessibleInterval< T > image )
	{
		final int n = image.numDimensions();
		final long[] min = image.minAsLongArray();
		final long[] max = image.maxAsLongArray();
		boolean widen = false;
		for ( int d = 0; d < n; d++ )
			if ( min[ d ] == max[ d ] )
			{
				max[ d ]++;
				widen = true;
			}
		return widen ? Views.interval( Views.extendBorder( image ), min, max ) : image;
	}

	TileReader independentCopy()
	{
		return new TileReader( this );
	}

	int numChannels()
	{
		return channels.length;
	}

	/**
	 * Reads the window of {@code cell} (position relative to the image origin)
	 * into {@code dest} starting at {@code destOffset}, channels last:
	 * {@code dest[ destOffset + voxel * C + c ] = ( value - offset[ c ] ) * scale[ c ]}.
	 */
	void read( final TileGrid.Cell cell, final float[] dest, final int destOffset )
	{
		final long[] min = cell.windowMin();
		for ( int d = 0; d < min.length; d++ )
			min[ d ] += imageMin[ d ];
		final int[] size = cell.windowSize();
		final int voxels = ( int ) cell.windowVoxels();
		if ( planar.length < voxels )
			planar = new float[ voxels ];
		final int numChannels = channels.length;
		for ( int c = 0; c < numChannels; c++ )
		{
			channels[ c ].copy( min, planar, size );
			final float o = offset[ c ];
			final float s = scale[ c ];
			for ( int i = 0, j = destOffset + c; i < voxels; i++, j += numChannels )
				dest[ j ] = ( planar[ i ] - o ) * s;
		}
	}
}
