/**
 * Any image size with bounded memory: {@link fiji.plugin.autoencoder.tiling.TileGrid}
 * cuts the OUTPUT into cells (core + halo, windows aligned to the network's
 * size multiple) and {@link fiji.plugin.autoencoder.tiling.TiledPredictor}
 * runs an {@link fiji.plugin.autoencoder.model.ImagePredictor} over them in
 * batches, on several threads, with progress and cancel.
 * {@link fiji.plugin.autoencoder.tiling.ImageRunner} runs any ImageJ image
 * through a model, {@link fiji.plugin.autoencoder.tiling.ModelFileRunner} a
 * model file's (stored normalisation, each channel alone through
 * {@link fiji.plugin.autoencoder.tiling.ChannelwiseRunner} when trained so).
 * <p>
 * Contract: for a fully convolutional network the tiled result equals one
 * untiled run on the mirror-extended image (extended by the halo on each side
 * and at the high end up to the size multiple), up to float round-off.
 */
package fiji.plugin.autoencoder.tiling;
