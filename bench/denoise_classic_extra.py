#!/usr/bin/python3
"""Stronger classic denoisers than a Gaussian blur, for context in bench/results/denoise.md:
scikit-image non-local means and total-variation (Chambolle), each with a small oracle sweep,
against the oracle Gaussian, on the denoise bench's test crops with Poisson-Gaussian noise
(peak 30, sigma 0.02; numpy's generator, so not the Java bench's exact noise realisation).

Usage: /usr/bin/python3 bench/denoise_classic_extra.py   (Debian python3-skimage, python3-tifffile)
"""
import numpy as np
import tifffile
from skimage.filters import gaussian
from skimage.metrics import peak_signal_noise_ratio as psnr
from skimage.restoration import denoise_nl_means, denoise_tv_chambolle, estimate_sigma

rng = np.random.default_rng(1)
print("| image | noisy | best Gaussian | best non-local means | best TV |")
print("|---|---:|---:|---:|---:|")
for name in ["hubble_deep_field_256.tif", "retina_green_256.tif", "ihc_256.tif", "cell_256.tif"]:
    clean = tifffile.imread("test-images/" + name).astype(np.float64) / 255
    peak = 30
    noisy = rng.poisson(clean / clean.max() * peak) / peak * clean.max() + rng.normal(0, 0.02, clean.shape)
    g = max((psnr(clean, gaussian(noisy, s), data_range=1), s) for s in [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3])
    sig = estimate_sigma(noisy)
    nl = max(psnr(clean, denoise_nl_means(noisy, h=h * sig, sigma=sig, patch_size=5, patch_distance=6, fast_mode=True), data_range=1)
             for h in [0.6, 0.8, 1.0, 1.2])
    tv = max(psnr(clean, denoise_tv_chambolle(noisy, weight=w), data_range=1) for w in [0.03, 0.05, 0.08, 0.12, 0.2])
    print("| %s | %.2f | %.2f (sigma %.2f) | %.2f | %.2f |" % (name, psnr(clean, noisy, data_range=1), g[0], g[1], nl, tv))
