/**
 * Segmentation with autoencoders, two ways.
 * <ul>
 * <li>By reconstruction: an autoencoder trained on normal images cannot reproduce what it
 * has not seen; {@link fiji.plugin.autoencoder.segment.AnomalyMap} (per-pixel error, tiled),
 * {@link fiji.plugin.autoencoder.segment.Thresholds} (Otsu, percentile, value),
 * {@link fiji.plugin.autoencoder.segment.Labeling} (connected components, measurements, ROIs),
 * chained by {@link fiji.plugin.autoencoder.segment.ReconstructionSegmenter}. A robust threshold
 * is a high percentile of the map computed on a defect-free image, used as a fixed value.</li>
 * <li>Supervised: {@link fiji.plugin.autoencoder.segment.SupervisedSegmenter} trains a small
 * U-Net ({@code Presets.segmenter}) on image/mask pairs and predicts foreground probabilities tiled.</li>
 * </ul>
 * Both give a {@link fiji.plugin.autoencoder.segment.Segmentation}; {@link fiji.plugin.autoencoder.segment.Evaluation}
 * scores masks (Dice, IoU) and objects (precision and recall at IoU &gt; 0.5). Masks are 8-bit
 * (255 = foreground), labels 16-bit (32-bit above 65535 objects), numbered in raster order.
 * No AWT windows: ROIs are returned as a list; the commands add them to an open ROI Manager.
 */
package fiji.plugin.autoencoder.segment;
