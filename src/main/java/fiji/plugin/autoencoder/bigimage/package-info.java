/**
 * Images larger than memory: OME-Zarr images as the out-of-core source and
 * sink of the tiler ({@link fiji.plugin.autoencoder.bigimage.ZarrSource},
 * {@link fiji.plugin.autoencoder.bigimage.ZarrSink}) and
 * {@link fiji.plugin.autoencoder.bigimage.ZarrJob}, a denoising job that a
 * driver prepares once and that workers (threads, shards, Spark tasks) run on
 * any subset of the chunk-aligned tiles. Depends on {@code zarr}, {@code tiling},
 * {@code io}, {@code denoise}; the CLI and {@code spark} depend on it.
 */
package fiji.plugin.autoencoder.bigimage;
