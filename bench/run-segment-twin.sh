#!/bin/sh
# PyTorch twin of the supervised nuclei U-Net: SegmentTwin (Java) exports the
# patches, initial weights, batch order and the normalised test half, trains our
# model on exactly those batches and segments the test half through the tiled
# path; then bench/segment_twin.py trains the same net in PyTorch on the same
# batches and writes bench/results/segment_twin.md (Dice of both, gap, training
# time ratio, loss per epoch). About 10-15 minutes on 2 cores.
# Settings: -Dtwin.epochs / -Dtwin.patches in TWIN_OPTS; SKIP_BUILD=1, SKIP_JAVA=1.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-/tmp/build-segtwin}
EXPORT=${EXPORT:-$BUILD/twin}
if [ -z "$SKIP_BUILD" ]; then
	mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
fi
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/DenoiseBench*.java bench/DenoiseTwin.java bench/SegmentBench.java bench/SegmentTwin.java
# the same environment for both (see /work/shared/TFJAVA-NOTES.md)
export OPENBLAS_NUM_THREADS=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
export TF_CPP_MIN_LOG_LEVEL=1
# PyTorch's OpenMP threads spin at every barrier; with the 2 cores shared with other
# processes a spinning thread waits for a descheduled partner and a batch-16 step
# takes ~1.2 s instead of ~0.08 s (measured): let idle threads sleep instead
# OMP_WAIT_POLICY is left to the caller: OpenMP's default is PyTorch's fastest on an idle machine (bench/results/speed.md);
# on an oversubscribed one, OMP_WAIT_POLICY=PASSIVE keeps its threads from spinning
if [ -z "$SKIP_JAVA" ]; then
	java -Xmx4g -Djava.awt.headless=true $TWIN_OPTS -cp "$BUILD/bench:$CP" SegmentTwin "$EXPORT"
fi
/usr/bin/python3 bench/segment_twin.py "$EXPORT" bench/results/segment_twin.md
