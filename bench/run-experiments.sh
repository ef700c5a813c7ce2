#!/usr/bin/env bash
# Builds the plugin and runs bench/ClassicExperiments: the classic autoencoder experiments
# on the full Fashion-MNIST (20-30 min on 2 cores). Writes bench/results/experiments.md.
# Usage: bash bench/run-experiments.sh [--epochs 2] [--presets dense,conv_strided] [--out FILE] ...
# Needs: JDK 11+, Maven, Debian dataset-fashion-mnist.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-/tmp/build-xbench}
mvn -B -q package -DskipTests -Dae.build.dir="$BUILD"
CP="$(ls "$BUILD"/fiji-autoencoder_-*[0-9T].jar | head -1):$(ls "$BUILD"/lib/*.jar | tr '\n' ':')"
mkdir -p "$BUILD/bench-classes"
javac -proc:none -d "$BUILD/bench-classes" -cp "$CP" bench/ClassicExperiments.java
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
# glibc keeps freed tensors instead of returning them to the kernel (see bench/results/speed.md)
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736}
java -Xmx3g -Djava.awt.headless=true -cp "$BUILD/bench-classes:$CP" ClassicExperiments "$@"
