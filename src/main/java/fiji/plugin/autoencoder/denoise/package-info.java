/**
 * The denoising use case: synthetic noise ({@link fiji.plugin.autoencoder.denoise.NoiseModel}),
 * quality metrics ({@link fiji.plugin.autoencoder.denoise.Metrics}: PSNR, scikit-image-compatible SSIM),
 * classic baselines to beat ({@link fiji.plugin.autoencoder.denoise.ClassicBaselines}), Noise2Void
 * blind-spot masking ({@link fiji.plugin.autoencoder.denoise.BlindSpotMasker}), supervised and
 * recorrupted training pairs ({@link fiji.plugin.autoencoder.denoise.PairedPatches},
 * {@link fiji.plugin.autoencoder.denoise.Recorruption}), the training modes of "Train Autoencoder"
 * ({@link fiji.plugin.autoencoder.denoise.TrainingMode}, which set up a {@code train.ImageTrainingJob}),
 * and denoising an ImageJ image with a trained model ({@link fiji.plugin.autoencoder.denoise.Denoiser},
 * through {@code tiling.ModelFileRunner}; TensorFlow runs there).
 * <p>
 * The noise, metric and masking classes work on plain row-major {@code float[]} (x fastest) with
 * explicit width and height, or ImageJ {@code FloatProcessor}s, without TensorFlow; batches are
 * channels last (N,H,W,C). Everything random takes an explicit seed or
 * {@link java.util.SplittableRandom}: same seed, same result.
 */
package fiji.plugin.autoencoder.denoise;
