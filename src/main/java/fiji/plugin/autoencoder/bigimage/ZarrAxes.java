package fiji.plugin.autoencoder.bigimage;

import java.util.List;

import fiji.plugin.autoencoder.zarr.OmeZarr;

/**
 * Where X, Y[, Z] and the channels of a tiler's image lie among the axes of an
 * OME-Zarr array ({@code [t,] [c,] [z,] y, x}). Axes that are neither spatial
 * for the model nor channels must have size 1 (one time point; one z-slice
 * under a 2D model); anything else is refused with what to do.
 */
final class ZarrAxes
{
	/** Array axis of X, Y[, Z]. */
	final int[] spatial;

	/** Array axis of the channels, or -1. */
	final int channel;

	final long[] shape;

	ZarrAxes( final OmeZarr img, final int spatialDims )
	{
		final List< String > axes = img.axes();
		shape = img.array().shape();
		spatial = new int[ spatialDims ];
		final String[] names = { "x", "y", "z" };
		for ( int d = 0; d < spatialDims; d++ )
		{
			spatial[ d ] = axes.indexOf( names[ d ] );
			if ( spatial[ d ] < 0 )
				throw new IllegalArgumentException( "The OME-Zarr " + img.path() + " has axes " + axes + " but a "
						+ spatialDims + "D model needs an axis '" + names[ d ] + "'" );
		}
		channel = axes.indexOf( "c" );
		for ( int a = 0; a < shape.length; a++ )
			if ( a != channel && !isSpatial( a ) && shape[ a ] != 1 )
				throw new IllegalArgumentException( "The OME-Zarr " + img.path() + " has " + shape[ a ]
						+ " entries along axis '" + axes.get( a ) + "' " + axes
						+ ( axes.get( a ).equals( "z" )
								? " but the model is 2D: use a 3D model, or give one z-slice per image"
								: ": give one " + axes.get( a ) + " per image" ) );
		if ( spatial[ spatialDims - 1 ] > 0 && spatial[ 0 ] != shape.length - 1 )
			throw new IllegalArgumentException( "The OME-Zarr " + img.path() + " has axes " + axes
					+ "; OME-Zarr 0.4 puts x last: rewrite it as [t, c, z, y, x]" );
	}

	boolean isSpatial( final int a )
	{
		for ( final int s : spatial )
			if ( s == a )
				return true;
		return false;
	}

	/** Size X, Y[, Z]. */
	long[] spatialSize()
	{
		final long[] s = new long[ spatial.length ];
		for ( int d = 0; d < s.length; d++ )
			s[ d ] = shape[ spatial[ d ] ];
		return s;
	}

	int channels()
	{
		return channel < 0 ? 1 : ( int ) shape[ channel ];
	}

	/** An array-order position from X, Y[, Z] and a channel; other axes 0. */
	long[] position( final long[] xyz, final long c )
	{
		final long[] p = new long[ shape.length ];
		for ( int d = 0; d < spatial.length; d++ )
			p[ spatial[ d ] ] = xyz[ d ];
		if ( channel >= 0 )
			p[ channel ] = c;
		return p;
	}

	/** An array-order size from X, Y[, Z] sizes and a channel count; other axes 1. */
	int[] size( final int[] xyz, final int c )
	{
		final int[] s = new int[ shape.length ];
		java.util.Arrays.fill( s, 1 );
		for ( int d = 0; d < spatial.length; d++ )
			s[ spatial[ d ] ] = xyz[ d ];
		if ( channel >= 0 )
			s[ channel ] = c;
		return s;
	}
}
