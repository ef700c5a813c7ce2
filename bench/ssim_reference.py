#!/usr/bin/python3
"""Reference PSNR/SSIM from scikit-image for fiji.plugin.autoencoder.denoise.Metrics.

Usage: /usr/bin/python3 bench/ssim_reference.py OUTPUT_FOLDER

Makes a few deterministic (reference, test) image pairs from scikit-image's sample
data, saves each image as a 32-bit float ImageJ TIFF in OUTPUT_FOLDER, re-reads them
(so both sides use identical float32 values) and prints one tab-separated line per pair:

    PAIR  name  reference.tif  test.tif  data_range  psnr  ssim

SSIM uses gaussian_weights=True, sigma=1.5, use_sample_covariance=False (Wang et al.
2004), computed in float64. Exits with status 3 and a 'SKIP' line if scikit-image,
numpy or tifffile is missing (the JUnit test then skips).
"""
import os
import sys

try:
    import numpy as np
    import tifffile
    from skimage import data, filters
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity
except ImportError as e:  # the Java test turns this into a skipped assumption
    print("SKIP missing python module: %s" % e)
    sys.exit(3)


def pairs():
    camera = data.camera().astype(np.float64) / 255.0  # 512x512, CC0
    yield "camera-blur2", camera, filters.gaussian(camera, sigma=2.0, mode="reflect"), 1.0
    rng = np.random.default_rng(1234)
    yield "camera-noise0.1", camera, camera + rng.normal(0.0, 0.1, camera.shape), 1.0
    coins = data.coins().astype(np.float64)  # 303x384 (non-square), 0..255
    rng = np.random.default_rng(99)
    yield "coins-noise20", coins, coins + rng.normal(0.0, 20.0, coins.shape), 255.0


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, ref, test, data_range in pairs():
        ref_path = os.path.join(out, name + "-reference.tif")
        test_path = os.path.join(out, name + "-test.tif")
        tifffile.imwrite(ref_path, ref.astype(np.float32), imagej=True)
        tifffile.imwrite(test_path, test.astype(np.float32), imagej=True)
        ref32 = tifffile.imread(ref_path).astype(np.float64)
        test32 = tifffile.imread(test_path).astype(np.float64)
        psnr = peak_signal_noise_ratio(ref32, test32, data_range=data_range)
        ssim = structural_similarity(ref32, test32, data_range=data_range,
                                     gaussian_weights=True, sigma=1.5,
                                     use_sample_covariance=False)
        print("PAIR\t%s\t%s\t%s\t%r\t%.10f\t%.10f" % (name, ref_path, test_path, data_range, psnr, ssim))


if __name__ == "__main__":
    main()
