/**
 * The denoising use case without TensorFlow: synthetic noise ({@link fiji.plugin.autoencoder.denoise.NoiseModel}),
 * quality metrics ({@link fiji.plugin.autoencoder.denoise.Metrics}: PSNR, scikit-image-compatible SSIM),
 * classic baselines to beat ({@link fiji.plugin.autoencoder.denoise.ClassicBaselines}), Noise2Void
 * blind-spot masking ({@link fiji.plugin.autoencoder.denoise.BlindSpotMasker}) and supervised
 * training pairs ({@link fiji.plugin.autoencoder.denoise.PairedPatches}).
 * <p>
 * Images are plain row-major {@code float[]} (x fastest) with explicit width and height, or
 * ImageJ {@code FloatProcessor}s; batches are channels last (N,H,W,C). Everything random takes
 * an explicit seed or {@link java.util.SplittableRandom}: same seed, same result.
 */
package fiji.plugin.autoencoder.denoise;
