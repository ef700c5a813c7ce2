#!/usr/bin/python3
"""Regenerates the small test images in this folder from scikit-image's sample data.

Usage: /usr/bin/python3 test-images/make_test_images.py [OUTPUT_FOLDER]
(default: the folder of this script). Needs numpy, scikit-image and tifffile
(Debian: python3-skimage, python3-tifffile). Output is byte-for-byte reproducible.

Each image is a 256x256 crop, 8-bit grey, written as an ImageJ TIFF.
Crop boxes are (x, y, width, height) in the source image; see README.md for licences.
"""
import os
import sys

import numpy as np
import tifffile
from skimage import color, data

SIZE = 256

# name -> (loader, crop x, crop y, description)
IMAGES = {
    # Hubble eXtreme Deep Field (NASA, public domain); luminance of the RGB image
    "hubble_deep_field_256.tif": (lambda: color.rgb2gray(data.hubble_deep_field()), 200, 20,
                                  "grey (skimage rgb2gray luminance)"),
    # another, non-overlapping region of the same field: clean training data for the demo's supervised denoiser
    "hubble_deep_field_train_256.tif": (lambda: color.rgb2gray(data.hubble_deep_field()), 600, 500,
                                        "grey (skimage rgb2gray luminance)"),
    # fundus photograph (Wikimedia, CC0); green channel, optic disc and vessels
    "retina_green_256.tif": (lambda: data.retina()[..., 1], 150, 520, "green channel"),
    # immunohistochemistry (IHC) staining of colonic glands (no known copyright restrictions); luminance, glands and stroma
    "ihc_256.tif": (lambda: color.rgb2gray(data.immunohistochemistry()), 256, 256,
                    "grey (skimage rgb2gray luminance)"),
    # quantitative phase image of a cell (CC0)
    "cell_256.tif": (lambda: data.cell(), 294, 250, "as is (already 8-bit grey)"),
}


def to_uint8(a):
    if a.dtype == np.uint8:
        return a
    return np.clip(np.round(a * 255.0), 0, 255).astype(np.uint8)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    for name, (load, x, y, how) in IMAGES.items():
        image = to_uint8(load())
        crop = np.ascontiguousarray(image[y:y + SIZE, x:x + SIZE])
        assert crop.shape == (SIZE, SIZE), (name, crop.shape)
        path = os.path.join(out, name)
        tifffile.imwrite(path, crop, imagej=True)
        print("%s: crop x=%d y=%d %dx%d of %s, %s, %d bytes"
              % (name, x, y, SIZE, SIZE, image.shape, how, os.path.getsize(path)))


if __name__ == "__main__":
    main()
