package fiji.plugin.autoencoder.convert;

import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The pixel types with a bulk fast path; every other {@link RealType} goes
 * through a {@link FloatType} converter ({@link #OTHER_REAL}).
 */
// NB: package-private; the public API takes ImgLib2 types.
enum PixelKind
{
	U8, U16, F32, ARGB, OTHER_REAL;

	static PixelKind of( final Object type )
	{
		// exact classes: subclasses may change the meaning of the bits
		if ( type.getClass() == UnsignedByteType.class )
			return U8;
		if ( type.getClass() == UnsignedShortType.class )
			return U16;
		if ( type.getClass() == FloatType.class )
			return F32;
		if ( type.getClass() == ARGBType.class )
			return ARGB;
		if ( type instanceof RealType )
			return OTHER_REAL;
		throw new IllegalArgumentException( "Pixel type " + type.getClass().getSimpleName() + " is not supported: "
				+ "use a real-valued type (8/16-bit unsigned, float, ...) or ARGBType for RGB." );
	}

	/** Number of tensor channels one image channel contributes (3 for ARGB). */
	int tensorChannelsPerChannel()
	{
		return this == ARGB ? 3 : 1;
	}
}
