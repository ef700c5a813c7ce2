"""Non-local means (oracle h) for bench/RealQualityBench's test channels, and the
markdown table of bench/results/real-quality.md's "## Denoising" section.

Reads the raw float32 clean/noisy channels and java-rows.tsv from the work folder;
for Poisson noise, NLM runs on the Anscombe transform of the photon counts
(2 sqrt(k + 3/8), noise sigma 1) and comes back through the exact unbiased inverse
(Makitalo and Foi 2011, closed-form approximation); h is swept with the clean
image (oracle), as for the Gaussian and median filters.
"""
import glob, os, re, sys, math
import numpy as np
from skimage.restoration import denoise_nl_means
from skimage.metrics import peak_signal_noise_ratio

work = sys.argv[1]
out_md = sys.argv[2]
header = sys.argv[3] if len(sys.argv) > 3 else ""


def inverse_anscombe(d):
    d = np.maximum(d, 1.0)
    return d ** 2 / 4 + math.sqrt(1.5) / 4 / d - 11 / 8 / d ** 2 + 5 / 8 * math.sqrt(1.5) / d ** 3 - 1 / 8


rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(work, "java-rows.tsv"))][1:]
noises = {}
for r in rows:
    noises.setdefault((r[0], r[1]), True)

nlm_rows = []
for (case, noise) in noises:
    key = case + "_" + re.sub("[^a-z0-9]", "", noise)
    files = sorted(glob.glob(os.path.join(work, key + "_c*_clean_*.f32")))
    # the Poisson photon scale: the maximum over all channels of the clean test image maps to the peak
    cleans = {}
    for f in files:
        ch = int(re.search(r"_c(\d+)_clean_", f).group(1))
        w, h = map(int, re.search(r"_(\d+)x(\d+)\.f32$", f).group(1, 2))
        cleans[ch] = (np.fromfile(f, "<f4").reshape(h, w), np.fromfile(f.replace("_clean_", "_noisy_"), "<f4").reshape(h, w))
    signal_max = max(c.max() for c, _ in cleans.values())
    m = re.match(r"poisson:peak=([0-9.]+)", noise)
    for ch, (clean, noisy) in sorted(cleans.items()):
        best = (-1, None)
        if m:
            peak = float(m.group(1))
            k = noisy * peak / signal_max
            a = 2 * np.sqrt(np.maximum(k, 0) + 3 / 8)
            for f in [0.4, 0.55, 0.7, 0.85, 1.0, 1.2, 1.5]:
                d = denoise_nl_means(a, h=f, sigma=1.0, patch_size=5, patch_distance=6, fast_mode=True)
                est = inverse_anscombe(d) * signal_max / peak
                p = peak_signal_noise_ratio(clean, est.astype(np.float32), data_range=255)
                if p > best[0]:
                    best = (p, "Anscombe, h %.2f sigma" % f)
        else:
            sigma = float(re.search(r"sigma=([0-9.]+)", noise).group(1))
            for f in [0.4, 0.55, 0.7, 0.85, 1.0, 1.2, 1.5]:
                d = denoise_nl_means(noisy, h=f * sigma, sigma=sigma, patch_size=5, patch_distance=6, fast_mode=True)
                p = peak_signal_noise_ratio(clean, d.astype(np.float32), data_range=255)
                if p > best[0]:
                    best = (p, "h %.2f sigma" % f)
        nlm_rows.append([case, noise, str(ch + 1), "NLM (oracle h)", "%.2f" % best[0], best[1]])
        print(case, noise, ch + 1, "NLM", "%.2f" % best[0], best[1], flush=True)

allrows = rows + nlm_rows
order = ["noisy", "oracle Gaussian", "oracle median", "NLM (oracle h)", "ours supervised", "ours self-supervised", "ours noisy + noise model",
         "ours supervised (channels together)", "ours noisy + noise model (channels together)"]
together = any(r[3].endswith("(channels together)") for r in allrows)
table = {}
for r in allrows:
    table[(r[0], r[1], r[2], r[3])] = (float(r[4]), r[5])

lines = [header, "", "| case | noise | ch | noisy | oracle Gaussian | oracle median | NLM (oracle h) | ours supervised | ours self-sup. (blind-spot) | ours noisy + noise model | sup. - Gauss | sup. - NLM | best self - Gauss |" + (" sup. together | noisy + noise model together | sup. together - Gauss | self together - Gauss |" if together else ""),
         "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" * 4 if together else "")]
details = []
for (case, noise) in noises:
    chans = sorted({r[2] for r in allrows if r[0] == case and r[1] == noise}, key=int)
    for ch in chans:
        v = [table.get((case, noise, ch, m), (float("nan"), ""))[0] for m in order]
        cells = ["%.2f" % x if not math.isnan(x) else "-" for x in v[:7]]
        def diff(a, b):
            return "-" if math.isnan(v[a]) or math.isnan(v[b]) else "%+.2f" % (v[a] - v[b])
        bestself = 5 if math.isnan(v[6]) or (not math.isnan(v[5]) and v[5] >= v[6]) else 6
        extra = ""
        if together:
            extra = " %s | %s | %s | %s |" % tuple(["%.2f" % x if not math.isnan(x) else "-" for x in v[7:9]] + [diff(7, 1), diff(8, 1)])
        lines.append("| %s | %s | %s | %s | %s | %s | %s |%s" % (case, noise, ch, " | ".join(cells), diff(4, 1), diff(4, 3), diff(bestself, 1), extra))
        for m in order[1:]:
            d = table.get((case, noise, ch, m))
            if d and d[1] and (ch == "1" or m.startswith("ours")):
                details.append("- %s, %s, ch %s, %s: %s" % (case, noise, ch, m, d[1]))
lines += ["", "Details (filter settings of channel 1; training time, epochs and the gain each model reported for every channel):", ""] + details

text = "\n".join(lines) + "\n"
print(text)
old = open(out_md).read() if os.path.exists(out_md) else "# Real-data quality (issue 21)\n"
# replace only the "## Denoising" section (up to the next "## " heading)
pat = re.compile(r"^## Denoising\n.*?(?=^## |\Z)", re.S | re.M)
section = "## Denoising\n\n" + text + "\n"
new = pat.sub(lambda _: section, old) if pat.search(old) else old.rstrip("\n") + "\n\n" + section
open(out_md, "w").write(new)
