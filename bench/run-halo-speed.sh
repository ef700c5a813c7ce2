#!/usr/bin/env bash
# Inference speed with the halo of the old hand formula vs the exact one (ReceptiveField), same code and tiler, only
# the halo differs (bench/HaloSpeedBench.java), interleaved (old, new per net and task), one JVM per measurement,
# niced, 2 threads; the load average is printed at start and end. Results: bench/results/speed.md.
# Usage: ROUNDS=2 bash bench/run-halo-speed.sh   (NETS="segmenter:80 conv_strided:20" picks net:old_halo pairs)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
BUILD=${BUILD:-/tmp/build-halo-speed}
nice -n 19 mvn -B -q -o package -DskipTests -Dae.build.dir="$BUILD"
CP="$(ls "$BUILD"/fiji-autoencoder_-*[0-9T].jar | head -1):$(ls "$BUILD"/lib/*.jar | tr '\n' ':')"
mkdir -p "$BUILD/bench-classes"
nice -n 19 javac -proc:none -d "$BUILD/bench-classes" -cp "$CP" bench/HaloSpeedBench.java bench/InferenceBench.java bench/UNetSpeedBench.java
export TF_CPP_MIN_LOG_LEVEL=2 OPENBLAS_NUM_THREADS=1 \
	GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
# net:old halo (the hand formula before this change) : tasks
NETS=${NETS:-"segmenter:80:infer2d,infer3d conv_strided:20:infer2d segmenter_preset:40:infer2d"}
echo "# $(nproc) CPUs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
U=$(mktemp)
for r in $(seq "$ROUNDS"); do
	for entry in $NETS; do
		IFS=: read -r net old tasks <<<"$entry"
		for task in ${tasks//,/ }; do
			for halo in "$old" model; do
				n=$net; [ "$net" = segmenter_preset ] && n=preset:segmenter
				nice -n 19 java -Xmx6g -cp "$BUILD/bench-classes:$CP" HaloSpeedBench --net "$n" --task "$task" --halo "$halo" --threads 2 2>/dev/null | grep '^RESULT' | sed "s/^RESULT /RESULT $([ "$halo" = model ] && echo new || echo old) /" | tee -a "$U"
			done
		done
	done
	echo "# load average after round $r: $(cut -d' ' -f1-3 /proc/loadavg)"
done
/usr/bin/python3 - "$U" <<'PY'
import collections, statistics, sys
r = collections.defaultdict(list); halo = {}
for line in open(sys.argv[1]):
    f = line.split()
    r[(f[2], f[3], f[1])].append(float(f[6])); halo[(f[2], f[3], f[1])] = f[4]
print("| net | task | halo old -> new | old Mpx per CPU s | new Mpx per CPU s | new / old |")
print("|---|---|---|---:|---:|---:|")
for (net, task) in dict.fromkeys((n, t) for (n, t, w) in r):
    o = statistics.median(r[(net, task, "old")]); n = statistics.median(r[(net, task, "new")])
    print("| %s | %s | %s -> %s | %.3g | %.3g | %.2f |" % (net, task, halo[(net, task, "old")], halo[(net, task, "new")], o, n, n / o))
PY
rm -f "$U"
