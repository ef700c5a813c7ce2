package fiji.plugin.autoencoder.denoise;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;

/**
 * The denoising use case's default: averaging the 8 orientations. Denoising
 * itself is {@link ModelFileRunner#apply} (stored normalisation, each channel
 * alone when trained so, tiles identical to an untiled run; the input is never
 * changed).
 */
public final class Denoiser
{
	private Denoiser()
	{}

	/**
	 * Denoising averages the 8 orientations of the image by default (key {@code average_orientations}):
	 * +0.05 to +0.2 dB on the real-data bench (bench/results/real-quality.md) for 8 times the inference work.
	 */
	public static final boolean AVERAGE_ORIENTATIONS = true;
}
