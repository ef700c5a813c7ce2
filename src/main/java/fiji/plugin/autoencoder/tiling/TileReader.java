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
 * mirror-extended input into a channels-last batch buffer, normalised.
 * <p>
 * Extension: mirror without repeating the edge pixel, the values of
 * {@link Views#extendMirrorSingle} (numpy's {@code 'reflect'}), and constant
 * along an axis of size 1 (where ImgLib2's mirror-single is undefined: its
 * period {@code 2n - 2} is 0, and {@code PrimitiveBlocks} divides by it for
 * any size-1 axis of the underlying image). To stay correct for such images
 * the extension is done here: per cell, the in-bounds box that the reflected
 * window touches is copied with one {@link PrimitiveBlocks#copy} per channel
 * (bulk, no call per pixel on the image), then gathered through per-axis
 * reflection tables into the batch buffer, fused with the normalisation.
 * <p>
 * Not thread-safe: use {@link #independentCopy()} per thread.
 */
final class TileReader
{
	/** Where the boxes come from: an in-memory image or an out-of-core {@link BlockSource}. */
	private final BlockSource source;

	private final long[] imageMin;

	private final long[] imageSize;

	private final float[] offset;

	private final float[] scale;

	private float[] box = new float[ 0 ];

	private final int[][] tables;

	@SuppressWarnings( "unchecked" )
	private TileReader( final TileReader other, final int cachedChunks )
	{
		source = cachedChunks > 0 ? other.source.independentCopy( cachedChunks ) : other.source.independentCopy();
		imageMin = other.imageMin;
		imageSize = other.imageSize;
		offset = other.offset;
		scale = other.scale;
		tables = new int[ imageMin.length ][ 0 ];
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
	< T extends RealType< T > > TileReader( final RandomAccessibleInterval< T > input, final int spatialDims,
			final int channelAxis,
			final float[] offset, final float[] scale, final PrimitiveBlocks.OnFallback onFallback )
	{
		final int numChannels = channelAxis < 0 ? 1 : ( int ) input.dimension( channelAxis );
		final PrimitiveBlocks< FloatType >[] channels = new PrimitiveBlocks[ numChannels ];
		imageMin = new long[ spatialDims ];
		imageSize = new long[ spatialDims ];
		for ( int d = 0; d < spatialDims; d++ )
		{
			imageMin[ d ] = input.min( d );
			imageSize[ d ] = input.dimension( d );
		}
		for ( int c = 0; c < numChannels; c++ )
		{
			final RandomAccessibleInterval< T > channel = channelAxis < 0 ? input
					: Views.hyperSlice( input, channelAxis, input.min( channelAxis ) + c );
			final RandomAccessible< FloatType > floats;
			if ( input.getType() instanceof FloatType )
				floats = ( RandomAccessible< FloatType > ) channel;
			else
				floats = Converters.convert( ( RandomAccessible< T > ) channel, ( a, b ) -> b.set( a.getRealFloat() ),
						new FloatType() );
			channels[ c ] = PrimitiveBlocks.of( floats, onFallback );
		}
		source = new ImageSource( channels, imageMin, imageSize );
		this.offset = offset;
		this.scale = scale;
		tables = new int[ spatialDims ][ 0 ];
	}

	/** Reads from an out-of-core image (origin 0). */
	TileReader( final BlockSource source, final float[] offset, final float[] scale )
	{
		this.source = source;
		imageSize = source.size();
		imageMin = new long[ imageSize.length ];
		this.offset = offset;
		this.scale = scale;
		tables = new int[ imageSize.length ][ 0 ];
	}

	/** An ImgLib2 image as a block source: one {@link PrimitiveBlocks} per channel. */
	private static final class ImageSource implements BlockSource
	{
		private final PrimitiveBlocks< FloatType >[] channels;

		private final long[] min, size;

		ImageSource( final PrimitiveBlocks< FloatType >[] channels, final long[] min, final long[] size )
		{
			this.channels = channels;
			this.min = min;
			this.size = size;
		}

		@Override
		public long[] size()
		{
			return size.clone();
		}

		@Override
		public int channels()
		{
			return channels.length;
		}

		@Override
		public void read( final long[] boxMin, final int[] boxSize, final int channel, final float[] dest )
		{
			channels[ channel ].copy( boxMin, dest, boxSize );
		}

		@Override
		@SuppressWarnings( "unchecked" )
		public BlockSource independentCopy()
		{
			final PrimitiveBlocks< FloatType >[] copies = new PrimitiveBlocks[ channels.length ];
			for ( int c = 0; c < copies.length; c++ )
				copies[ c ] = channels[ c ].independentCopy();
			return new ImageSource( copies, min, size );
		}
	}

	TileReader independentCopy()
	{
		return new TileReader( this, 0 );
	}

	/** A copy whose source keeps {@code cachedChunks} chunk positions decoded ({@link BlockSource#independentCopy(int)}). */
	TileReader independentCopy( final int cachedChunks )
	{
		return new TileReader( this, cachedChunks );
	}

	/**
	 * The in-bounds range {@code [lo, hi]} of one axis that the reflected
	 * window {@code windowMin}, {@code window} touches in an axis of size
	 * {@code n}: the box that {@link #read} reads from the source.
	 */
	static long[] boxRange( final long windowMin, final int window, final long n )
	{
		long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
		for ( int k = 0; k < window; k++ )
		{
			final long r = reflect( windowMin + k, n );
			lo = Math.min( lo, r );
			hi = Math.max( hi, r );
		}
		return new long[] { lo, hi };
	}

	/** Mirror-single index of {@code p} in an axis of size {@code n}; 0 if {@code n == 1}. */
	static long reflect( final long p, final long n )
	{
		if ( n == 1 )
			return 0;
		final long period = 2 * n - 2;
		long q = p % period;
		if ( q < 0 )
			q += period;
		return q >= n ? period - q : q;
	}

	/**
	 * Reads the window of {@code cell} (position relative to the image origin)
	 * into {@code dest} starting at {@code destOffset}, channels last:
	 * {@code dest[ destOffset + voxel * C + c ] = ( value - offset[ c ] ) * scale[ c ]}.
	 */
	void read( final TileCell cell, final float[] dest, final int destOffset )
	{
		final int n = imageMin.length;
		final long[] windowMin = cell.windowMin();
		final int[] window = cell.windowSize();
		final long[] boxMin = new long[ n ];
		final int[] boxSize = new int[ n ];
		int stride = 1;
		for ( int d = 0; d < n; d++ )
		{
			// the reflected window is one contiguous in-bounds range
			final long[] range = boxRange( windowMin[ d ], window[ d ], imageSize[ d ] );
			final long lo = range[ 0 ];
			if ( tables[ d ].length < window[ d ] )
				tables[ d ] = new int[ window[ d ] ];
			final int[] table = tables[ d ];
			boxMin[ d ] = imageMin[ d ] + lo;
			boxSize[ d ] = ( int ) ( range[ 1 ] - lo + 1 );
			for ( int k = 0; k < window[ d ]; k++ )
				table[ k ] = ( int ) ( reflect( windowMin[ d ] + k, imageSize[ d ] ) - lo ) * stride;
			stride *= boxSize[ d ];
		}
		if ( box.length < stride )
			box = new float[ stride ];
		final int[] tx = tables[ 0 ];
		final int[] ty = tables[ 1 ];
		final int[] tz = n > 2 ? tables[ 2 ] : new int[] { 0 };
		final int sx = window[ 0 ], sy = window[ 1 ], sz = n > 2 ? window[ 2 ] : 1;
		final int numChannels = source.channels();
		for ( int c = 0; c < numChannels; c++ )
		{
			source.read( boxMin, boxSize, c, box );
			final float o = offset[ c ];
			final float s = scale[ c ];
			int j = destOffset + c;
			for ( int z = 0; z < sz; z++ )
				for ( int y = 0; y < sy; y++ )
				{
					final int row = tz[ z ] + ty[ y ];
					for ( int x = 0; x < sx; x++, j += numChannels )
						dest[ j ] = ( box[ row + tx[ x ] ] - o ) * s;
				}
		}
	}
}
