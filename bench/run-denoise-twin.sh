#!/bin/sh
# PyTorch twin of the supervised denoiser: DenoiseTwin (Java) exports identical
# patches, initial weights and batch order and trains our model on them; then
# bench/torch_denoiser.py trains the same net in PyTorch and writes
# bench/results/denoise_torch.md (both PSNRs, training time ratio). About 10 minutes.
# Settings: -Dtwin.* (see bench/DenoiseTwin.java) in TWIN_OPTS.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-/tmp/build-dnbench}
EXPORT=${EXPORT:-$BUILD/twin}
if [ -z "$SKIP_BUILD" ]; then
	mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
fi
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/DenoiseBench*.java bench/DenoiseTwin.java
# the same environment for both (see /work/shared/TFJAVA-NOTES.md)
export OPENBLAS_NUM_THREADS=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
export TF_CPP_MIN_LOG_LEVEL=1
if [ -z "$SKIP_JAVA" ]; then
	java -Xmx4g -Djava.awt.headless=true $TWIN_OPTS -cp "$BUILD/bench:$CP" DenoiseTwin "$EXPORT"
fi
/usr/bin/python3 bench/torch_denoiser.py "$EXPORT" bench/results/denoise_torch.md
