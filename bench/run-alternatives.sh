#!/usr/bin/env bash
# Must-show 2 of issue #19: our U-Net inference (bench/UNetSpeedBench.java: ImageRunner.run, the Denoise / Segment
# Image path) against what a deepImageJ user would run instead, each in its own JVM, interleaved (ours, TF 0.5.0,
# ONNX Runtime per net and task, ROUNDS times):
#  - TensorFlow Java 0.5.0 (TF 2.10, JDLL's TF2 engine; bench/tf210, Tf210Speed.java) running OUR exported SavedModel
#    (bench/SavedModelExport.java = bioimageio.InferenceSavedModel), one pass over the 2048^2 image, 4 planes per pass
#    of the 512x512x64 stack;
#  - ONNX Runtime for Java 1.20.0 (bench/ort, OrtSpeed.java) running the PyTorch twin (bench/torch_unet.py) exported by
#    torch.onnx.export, the same passes.
# All with 2 intra-op threads, 1 inter-op thread; process CPU time and wall time. Usage: bash bench/run-alternatives.sh [ROUNDS=2]
# (BF16=1 also runs ours with precision=bfloat16.)
# Needs: JDK 11+, Maven (downloads tensorflow-core-api 0.5.0 and onnxruntime 1.20.0 once), Debian python3-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
CP="target/classes:target/lib/*"
nice -n 19 mvn -B -q -o compile
javac -proc:none -d "$W/cls" -cp "$CP" bench/SavedModelExport.java bench/InferenceBench.java bench/UNetSpeedBench.java
( cd bench/tf210 && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$W/cp210.txt" >/dev/null )
( cd bench/ort && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$W/cport.txt" >/dev/null )
javac -d "$W/tf210" -cp "$(cat "$W/cp210.txt")" bench/tf210/src/main/java/Tf210Speed.java
javac -d "$W/ort" -cp "$(cat "$W/cport.txt")" bench/ort/src/main/java/OrtSpeed.java
export TF_CPP_MIN_LOG_LEVEL=2 OPENBLAS_NUM_THREADS=1
java -cp "$W/cls:$CP" SavedModelExport "$W/sm" 2>/dev/null
for net in denoiser segmenter; do /usr/bin/python3 bench/torch_unet.py --net $net --export-onnx "$W/$net.onnx" 2>/dev/null; done
echo "# $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
R="$W/results"
for r in $(seq "$ROUNDS"); do
	for task in infer2d infer3d; do
		for net in denoiser segmenter; do
			java -Xmx6g -cp "$W/cls:$CP" UNetSpeedBench --net $net --task $task --threads 2 2>/dev/null | grep '^RESULT' | tee -a "$R"
			if [ -n "${BF16:-}" ]; then # BF16=1: also ours with precision=bfloat16
				java -Xmx6g -cp "$W/cls:$CP" UNetSpeedBench --net $net --task $task --threads 2 --precision bfloat16 2>/dev/null | grep '^RESULT' | tee -a "$R"
			fi
			java -cp "$W/tf210:$(cat "$W/cp210.txt")" Tf210Speed "$W/sm/$net" $net $task 2 2>/dev/null | grep '^RESULT' | tee -a "$R"
			java -cp "$W/ort:$(cat "$W/cport.txt")" OrtSpeed "$W/$net.onnx" $net $task 2 2>/dev/null | grep '^RESULT' | tee -a "$R"
		done
	done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$R" <<'PY'
import collections, statistics, sys
r = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    r[(f[2], f[3], f[1])].append((float(f[4]), float(f[5])))
print("| net | task | ours Mpix/CPU s | TF 0.5.0 | ONNX Runtime | ours / TF 0.5.0 (CPU) | ours / ORT (CPU) | ours / TF 0.5.0 (wall) | ours / ORT (wall) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
med = lambda k, i: statistics.median(v[i] for v in r[k])
for task in ("infer2d", "infer3d"):
    for net in ("denoiser", "segmenter"):
        o, t, x = (net, task, "ours"), (net, task, "tf210"), (net, task, "ort")
        if not all(k in r for k in (o, t, x)):
            continue
        for label, k in ((net, o), (net + ", precision=bfloat16", (net, task, "ours-bfloat16"))):
            if k in r:
                print("| %s | %s | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f | %.2f |" % (label, task, med(k, 1), med(t, 1), med(x, 1),
                      med(k, 1) / med(t, 1), med(k, 1) / med(x, 1), med(k, 0) / med(t, 0), med(k, 0) / med(x, 0)))
PY
