#!/bin/sh
# Denoising benchmark: classic filters vs supervised DAE vs blind-spot on three real
# test images x three noise models; writes bench/results/denoise.md. About 30 minutes
# on 2 cores. Settings: -Ddn.* system properties, see bench/DenoiseBenchSettings.java
# (e.g. DN_OPTS="-Ddn.modes=classic,supervised -Ddn.noises=gaussian:sigma=0.1").
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-/tmp/build-dnbench}
if [ -z "$SKIP_BUILD" ]; then
	mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
fi
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/DenoiseBench*.java
# same environment as the PyTorch twin (see /work/shared/TFJAVA-NOTES.md)
export OPENBLAS_NUM_THREADS=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
export TF_CPP_MIN_LOG_LEVEL=1
java -Xmx4g -Djava.awt.headless=true $DN_OPTS -cp "$BUILD/bench:$CP" DenoiseBench "$@"
