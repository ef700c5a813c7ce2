#!/usr/bin/env bash
# Training speed of the plugin's engine vs PyTorch, side by side and interleaved
# (ours, torch, ours, torch per architecture), same data, batch size, optimiser and
# 2 threads, with the same fair environment for both processes (see bench/results/speed.md).
# Then the product's U-Nets (denoiser, segmenter): training, and inference on a 2048^2 image and a
# 512x512x64 stack, ours (bench/UNetSpeedBench.java) vs PyTorch (bench/torch_unet.py: default, OMP_WAIT_POLICY=PASSIVE
# and, for inference, channels-last; the summary keeps PyTorch's best),
# with wall and process CPU time (PARTS=mnist or PARTS=unet runs one part; TASKS="infer2d infer3d" some of the U-Net tasks;
# BF16=1 adds ours with precision=bfloat16 (training: training_precision=bfloat16); STEPS=8 adds ours training with 8 steps
# per session run, data uploaded and fed; BASE=<checkout> adds that code's rows as "base" (MNIST and U-Net parts); PyTorch also runs under its
# CPU bfloat16 autocast, --bf16).
# Usage: bash bench/run-speed.sh [ROUNDS=2] [MIN_SECONDS=10] [STEPS_PER_RUN=8]   (about 4 + 15 min on an idle machine)
# Needs: JDK 11+, Maven, Debian python3-torch and dataset-fashion-mnist.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
MIN=${2:-10}
K=${3:-8}
BUILD=${BUILD:-/tmp/build-speed}
nice -n 19 mvn -B -q -o package -DskipTests -Dae.build.dir="$BUILD"
CP="$(ls "$BUILD"/fiji-autoencoder_-*[0-9T].jar | head -1):$(ls "$BUILD"/lib/*.jar | tr '\n' ':')"
mkdir -p "$BUILD/bench-classes"
javac -proc:none -d "$BUILD/bench-classes" -cp "$CP" bench/SpeedBench.java bench/InferenceBench.java bench/UNetSpeedBench.java
PARTS=${PARTS:-mnist unet}
if [ -n "${BASE:-}" ]; then # BASE=<checkout of older code>: its U-Net rows too, as "base", interleaved with ours
	BASE_BUILD=${BASE_BUILD:-/tmp/build-speed-base}
	(cd "$BASE" && nice -n 19 mvn -B -q -o package -DskipTests -Dae.build.dir="$BASE_BUILD")
	BASE_CP="$(ls "$BASE_BUILD"/fiji-autoencoder_-*[0-9T].jar | head -1):$(ls "$BASE_BUILD"/lib/*.jar | tr '\n' ':')"
	mkdir -p "$BASE_BUILD/bench-classes"
	javac -proc:none -d "$BASE_BUILD/bench-classes" -cp "$BASE_CP" "$BASE"/bench/SpeedBench.java "$BASE"/bench/InferenceBench.java "$BASE"/bench/UNetSpeedBench.java
fi
export TF_CPP_MIN_LOG_LEVEL=2 OPENBLAS_NUM_THREADS=1 \
	GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
echo "# $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $(java -version 2>&1 | head -1); torch: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
OUT=$(mktemp)
if [[ " $PARTS " == *" mnist "* ]]; then
# PyTorch runs in every setting that can be its best, and the summary takes its best: OpenMP's default wait policy
# (fastest on an idle machine), OMP_WAIT_POLICY=PASSIVE (on an oversubscribed machine its spinning threads collapse:
# 2,400 instead of 16,000 samples/s at load 23) and, for conv, channels-last. TensorFlow's Eigen pool ignores OMP_*.
for r in $(seq "$ROUNDS"); do
	for arch in dense conv_strided; do
		if [ -n "${BASE:-}" ]; then # the older code's row, interleaved with ours
			java -Xmx3g -cp "$BASE_BUILD/bench-classes:$BASE_CP" SpeedBench --arch $arch --threads 2 --min-seconds "$MIN" --steps-per-run "$K" 2>/dev/null | grep '^RESULT' | sed 's/^RESULT ours/RESULT base/' | tee -a "$OUT"
		fi
		java -Xmx3g -cp "$BUILD/bench-classes:$CP" SpeedBench --arch $arch --threads 2 --min-seconds "$MIN" --steps-per-run "$K" 2>/dev/null | grep '^RESULT' | tee -a "$OUT"
		/usr/bin/python3 bench/torch_twin.py --arch $arch --threads 2 --min-seconds "$MIN" | tee -a "$OUT"
		OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_twin.py --arch $arch --threads 2 --min-seconds "$MIN" | sed 's/^RESULT torch /RESULT torch-passive /' | tee -a "$OUT"
		if [ "$arch" = conv_strided ]; then
			/usr/bin/python3 bench/torch_twin.py --arch $arch --threads 2 --min-seconds "$MIN" --channels-last | tee -a "$OUT"
		fi
	done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
# ratio per architecture: median ours / median of the better torch setting, in samples per wall second and per process
# CPU second (per_cpu_s=, where the row has it); base (BASE=): the older code's rows
/usr/bin/python3 - "$OUT" <<'PY'
import collections, statistics, sys
r = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    cpu = [float(x[10:]) for x in f if x.startswith("per_cpu_s=")]
    r[(f[2], f[1])].append((float(f[4]), cpu[0] if cpu else float("nan")))
print("| architecture | ours samples/s | torch samples/s (best setting) | ours / torch | ours per CPU s | torch per CPU s (best) | ours / torch (CPU) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for arch in ("dense", "conv_strided"):
    tw = max(statistics.median(v[0] for v in vs) for (a, fw), vs in r.items() if a == arch and fw.startswith("torch"))
    tc = max(statistics.median(v[1] for v in vs) for (a, fw), vs in r.items() if a == arch and fw.startswith("torch"))
    for who in ("ours", "base"):
        if (arch, who) in r:
            w = statistics.median(v[0] for v in r[(arch, who)]); c = statistics.median(v[1] for v in r[(arch, who)])
            print("| %s%s | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |" % (arch, "" if who == "ours" else ", base (older code, BASE=)", w, tw, w / tw, c, tc, c / tc))
    print("(%s, by setting, wall / CPU: %s)" % (arch, ", ".join("%s %.0f / %.0f" % (fw, statistics.median(v[0] for v in vs), statistics.median(v[1] for v in vs)) for (a, fw), vs in sorted(r.items()) if a == arch)))
PY
fi
if [[ " $PARTS " == *" unet "* ]]; then
	U=$(mktemp)
	echo "# U-Nets, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	for r in $(seq "$ROUNDS"); do
		for task in ${TASKS:-train infer2d infer3d}; do
			for net in denoiser segmenter; do
				if [ -n "${BASE:-}" ]; then
					java -Xmx6g -cp "$BASE_BUILD/bench-classes:$BASE_CP" UNetSpeedBench --net $net --task $task --threads 2 --min-seconds "$MIN" 2>/dev/null | grep '^RESULT' | sed 's/^RESULT ours/RESULT base/' | tee -a "$U"
				fi
				java -Xmx6g -cp "$BUILD/bench-classes:$CP" UNetSpeedBench --net $net --task $task --threads 2 --min-seconds "$MIN" 2>/dev/null | grep '^RESULT' | tee -a "$U"
				if [ -n "${BF16:-}" ]; then # BF16=1: also ours with precision=bfloat16 (training: training_precision=bfloat16)
					java -Xmx6g -cp "$BUILD/bench-classes:$CP" UNetSpeedBench --net $net --task $task --threads 2 --min-seconds "$MIN" --precision bfloat16 2>/dev/null | grep '^RESULT' | tee -a "$U"
				fi
				if [ "$task" = train ] && [ -n "${STEPS:-}" ]; then # STEPS=8: also ours with 8 steps per run, data uploaded once and fed
					java -Xmx6g -cp "$BUILD/bench-classes:$CP" UNetSpeedBench --net $net --task $task --threads 2 --min-seconds "$MIN" --steps-per-run "$STEPS" 2>/dev/null | grep '^RESULT' | tee -a "$U"
					java -Xmx6g -cp "$BUILD/bench-classes:$CP" UNetSpeedBench --net $net --task $task --threads 2 --min-seconds "$MIN" --steps-per-run "$STEPS" --feed true 2>/dev/null | grep '^RESULT' | tee -a "$U"
				fi
				/usr/bin/python3 bench/torch_unet.py --net $net --task $task --threads 2 --min-seconds "$MIN" | tee -a "$U"
				OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_unet.py --net $net --task $task --threads 2 --min-seconds "$MIN" | sed 's/^RESULT torch/RESULT torch-passive/' | tee -a "$U"
				# PyTorch's own CPU mixed precision (autocast to bfloat16) counts among its settings
				/usr/bin/python3 bench/torch_unet.py --net $net --task $task --threads 2 --min-seconds "$MIN" --bf16 | tee -a "$U"
				OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_unet.py --net $net --task $task --threads 2 --min-seconds "$MIN" --bf16 | sed 's/^RESULT torch/RESULT torch-passive/' | tee -a "$U"
				if [ "$task" != train ]; then # channels-last trains 4x slower here; it is PyTorch's best for inference
					/usr/bin/python3 bench/torch_unet.py --net $net --task $task --threads 2 --min-seconds "$MIN" --channels-last | tee -a "$U"
					/usr/bin/python3 bench/torch_unet.py --net $net --task $task --threads 2 --min-seconds "$MIN" --channels-last --bf16 | tee -a "$U"
				fi
			done
		done
	done
	echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	/usr/bin/python3 - "$U" <<'PY'
import collections, statistics, sys
r = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    r[(f[2], f[3], f[1])].append((float(f[4]), float(f[5])))
print("| net | task | ours per wall s | torch per wall s (best) | ours / torch (wall) | ours per CPU s | torch per CPU s (best) | ours / torch (CPU) |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for task in ("train", "infer2d", "infer3d"):
    for net in ("denoiser", "segmenter"):
        if (net, task, "ours") not in r:
            continue
        ow = statistics.median(v[0] for v in r[(net, task, "ours")]); oc = statistics.median(v[1] for v in r[(net, task, "ours")])
        tw = max(statistics.median(v[0] for v in vs) for (n, t, fw), vs in r.items() if n == net and t == task and fw.startswith("torch"))
        tc = max(statistics.median(v[1] for v in vs) for (n, t, fw), vs in r.items() if n == net and t == task and fw.startswith("torch"))
        print("| %s | %s | %.3g | %.3g | %.2f | %.3g | %.3g | %.2f |" % (net, task, ow, tw, ow / tw, oc, tc, oc / tc))
        for who in sorted(w for (n, t, w) in r if n == net and t == task and (w.startswith("ours-") or w == "base")):
            bw = statistics.median(v[0] for v in r[(net, task, who)]); bc = statistics.median(v[1] for v in r[(net, task, who)])
            label = {"ours-bfloat16": "precision=bfloat16" if task != "train" else "training_precision=bfloat16", "base": "base (older code, BASE=)"}.get(who, who[5:])
            print("| %s, %s | %s | %.3g | %.3g | %.2f | %.3g | %.3g | %.2f |" % (net, label, task, bw, tw, bw / tw, bc, tc, bc / tc))
        best = {}
        for (n, t, fw), vs in r.items():
            if n == net and t == task and fw.startswith("torch"):
                best[fw] = statistics.median(v[1] for v in vs)
        print("(%s %s, PyTorch per CPU s by setting: %s)" % (net, task, ", ".join("%s %.3g" % kv for kv in sorted(best.items()))))
print("(train: samples; infer: megapixels)")
PY
	rm -f "$U"
fi
rm -f "$OUT"
