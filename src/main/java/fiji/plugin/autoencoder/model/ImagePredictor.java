package fiji.plugin.autoencoder.model;

/**
 * An image-to-image network as the tiler and the converters see it: a function on
 * batches of float images in channels-last layout (NHWC for 2D, NDHWC for 3D).
 * <p>
 * Shape rules a caller must respect: every spatial size is a multiple of
 * {@link #sizeMultiple()}, and the output at a pixel depends only on input pixels
 * within {@link #halo()} of it (so tiles with that halo reproduce an untiled run,
 * provided tile origins are multiples of {@link #sizeMultiple()}).
 * Implementations are thread-safe: several tiles may be predicted at once.
 */
public interface ImagePredictor
{
	/** Number of spatial dimensions: 2 (H, W) or 3 (D, H, W). */
	int spatialDims();

	/** Channels of each input pixel. */
	int inputChannels();

	/** Channels of each output pixel. */
	int outputChannels();

	/** Every spatial input size must be a multiple of this (the product of pooling/stride factors). */
	int sizeMultiple();

	/** Receptive-field margin in pixels, already rounded up to a multiple of {@link #sizeMultiple()}. */
	int halo();

	/**
	 * The only spatial input size the network takes (e.g. dense layers), or
	 * {@code null} when it is fully convolutional and takes any multiple of
	 * {@link #sizeMultiple()}.
	 */
	int[] fixedSpatialShape();

	/** Bytes the network itself needs per input pixel while predicting (0 if unknown or negligible); lets tilers size tiles. */
	default long activationBytesPerPixel()
	{
		return 0;
	}

	/**
	 * Predicts a batch.
	 *
	 * @param input   {@code batch * prod(spatial) * inputChannels()} floats, channels last
	 * @param output  {@code batch * prod(spatial) * outputChannels()} floats, written
	 * @param batch   number of images
	 * @param spatial spatial size, {H, W} or {D, H, W}
	 */
	void predict( float[] input, float[] output, int batch, int[] spatial );
}
