package fiji.plugin.autoencoder.convert;

/**
 * Pixel type of an image created from network output.
 * <p>
 * Integer types round to the nearest integer and clamp to their range (NaN becomes 0).
 */
public enum OutputType
{
	/**
	 * The type of the template image. An RGB template gives RGB when the output
	 * has 3 channels, otherwise 8-bit.
	 */
	SAME_AS_INPUT,

	/** 8-bit unsigned, 0..255. */
	UNSIGNED_8,

	/** 16-bit unsigned, 0..65535. */
	UNSIGNED_16,

	/** 32-bit float, values unchanged. */
	FLOAT_32
}
