"""Post-processing screen of an ultrasound model's probabilities on the 31 held-out training images (validation).

Reads what `UltrasoundPost dump` wrote (val??.f32: 3 x H x W float32 background/class 1/class 2, Segment Image's
flip-averaged full-size probabilities; val??.u8: the mask) and scores class decisions and object rules, per class Dice
as UltrasoundBench (1 when a class is absent from truth and prediction). Thresholds are also chosen on one half of the
images and scored on the other (2-fold), so a gain is not just the fit to the 31 images.
Usage: /usr/bin/python3 bench/ultrasound_post.py /tmp/dir [objects]  (objects: the object-size rule only)
"""
import glob
import sys

import numpy as np
from scipy import ndimage

d = sys.argv[1]
probs, masks = [], []
for f in sorted(glob.glob(d + "/val*.f32")):
    W, H = map(int, open(f[:-3] + "size").read().split())
    probs.append(np.fromfile(f, dtype="<f4").reshape(3, H, W))
    masks.append(np.fromfile(f[:-3] + "u8", dtype=np.uint8).reshape(H, W))
n = len(probs)


def dice(pred, truth):
    a, b = pred.sum(), truth.sum()
    return 1.0 if a + b == 0 else 2.0 * np.logical_and(pred, truth).sum() / (a + b)


def decide(p, t1, t2, rule):
    """Class map: 'thr' = today's (the most probable foreground class, if above its threshold); 'argmax' over all 3."""
    if rule == "argmax":
        return np.argmax(p, axis=0)
    best = np.where(p[2] > p[1], 2, 1)
    pb = np.where(best == 2, p[2], p[1])
    t = np.where(best == 2, t2, t1)
    return np.where(pb > t, best, 0)


def objects(m, p, how, frac=0.0, fill=False):
    """Per-class object rule on a binary mask m with the class probability p."""
    if how == "none" and not fill:
        return m
    lab, k = ndimage.label(m, structure=np.ones((3, 3)))
    if k > 0 and how != "none":
        idx = np.arange(1, k + 1)
        area = ndimage.sum(m, lab, idx)
        mass = ndimage.sum(p, lab, idx)
        if how == "largest":
            keep = idx[np.argmax(mass)]
            m = lab == keep
        elif how == "frac":
            keep = idx[area >= frac * area.max()]
            m = np.isin(lab, keep)
        elif how == "area":
            keep = idx[area >= frac]
            m = np.isin(lab, keep)
    if fill:
        m = ndimage.binary_fill_holes(m)
    return m


def score(ids, t1=0.5, t2=0.5, rule="thr", how="none", frac=0.0, fill=False):
    s = np.zeros(2)
    for i in ids:
        cm = decide(probs[i], t1, t2, rule)
        for c in (1, 2):
            s[c - 1] += dice(objects(cm == c, probs[i][c], how, frac, fill), masks[i] == c)
    return s / len(ids)


allid = list(range(n))
print("images %d; class present in truth: class 1 %d, class 2 %d" % (n, sum((m == 1).any() for m in masks), sum((m == 2).any() for m in masks)))
halves = [allid[0::2], allid[1::2]]
grid = np.round(np.arange(0.1, 0.81, 0.05), 2)


def best_t(ids, c, how="none", frac=0.0, fill=False):
    vals = [score(ids, t, t, how=how, frac=frac, fill=fill)[c - 1] for t in grid]
    return grid[int(np.argmax(vals))], max(vals), vals


if "objects" not in sys.argv[2:]:  # the class decision and per-class thresholds (slow)
    base = score(allid)
    print("today (most probable fg class > 0.5): %.4f %.4f mean %.4f" % (base[0], base[1], base.mean()))
    a = score(allid, rule="argmax")
    print("argmax over 3:                        %.4f %.4f mean %.4f" % (a[0], a[1], a.mean()))
    for c in (1, 2):
        t, v, vals = best_t(allid, c)
        print("class %d Dice by threshold: %s -> best %.2f (%.4f)" % (c, " ".join("%.2f:%.3f" % (g, x) for g, x in zip(grid, vals)), t, v))
    for how, frac, fill in [("none", 0, False), ("none", 0, True), ("largest", 0, False), ("frac", 0.1, False), ("frac", 0.25, False), ("frac", 0.5, False), ("largest", 0, True)]:
        cv = np.zeros(2)
        chosen = []
        for k in (0, 1):
            fit, ev = halves[k], halves[1 - k]
            t1 = best_t(fit, 1, how, frac, fill)[0]
            t2 = best_t(fit, 2, how, frac, fill)[0]
            chosen.append((t1, t2))
            cv += score(ev, t1, t2, how=how, frac=frac, fill=fill) * len(ev)
        cv /= n
        at5 = score(allid, how=how, frac=frac, fill=fill)
        print("objects %-7s frac %.2f fill %-5s: at 0.5 %.4f %.4f mean %.4f | 2-fold thresholds %s: %.4f %.4f mean %.4f" % (how, frac, fill, at5[0], at5[1], at5.mean(), chosen, cv[0], cv[1], cv.mean()))

# Removing the objects of a class smaller than a fraction of the image's largest object of that class (1.0 keeps the
# largest only), at Segment Image's threshold 0.5: per fraction, and the fraction chosen per class on one half of the
# images scored on the other (2-fold), as a training would choose it on its own held-out images.
fracs = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0]
per = np.zeros((len(fracs), n, 2))
for i in range(n):
    cm = decide(probs[i], 0.5, 0.5, "thr")
    for c in (1, 2):
        for j, f in enumerate(fracs):
            per[j, i, c - 1] = dice(objects(cm == c, probs[i][c], "frac", f), masks[i] == c)
for j, f in enumerate(fracs):
    m = per[j].mean(axis=0)
    print("fraction %.1f: %.4f %.4f mean %.4f" % (f, m[0], m[1], m.mean()))
cv = np.zeros(2)
for k in (0, 1):
    fit, ev = halves[k], halves[1 - k]
    for c in (0, 1):
        j = int(np.argmax(per[:, fit, c].mean(axis=1)))
        print("  fold %d class %d: chosen fraction %.1f" % (k, c + 1, fracs[j]))
        cv[c] += per[j, ev, c].sum()
cv /= n
print("fraction chosen per class on the other half (2-fold): %.4f %.4f mean %.4f" % (cv[0], cv[1], cv.mean()))
