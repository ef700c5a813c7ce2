#!/usr/bin/env bash
# Builds the project and runs bench/InspectBench (about 3-5 minutes on 2 cores):
# trains conv_pool and conv_strided (code 32) on Fashion-MNIST, encodes the 10,000
# test images, prints kNN class accuracy of codes vs raw pixels (full and 2D PCA),
# and writes bench/results/inspect.md and PNGs (PCA scatter, montage, loss curves).
# Usage: bash bench/run-inspect-bench.sh [training images, default 20000] [epochs, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=/tmp/build-ibench
mvn -B -q package -DskipTests -Dae.build.dir="$BUILD"
JAR=$(ls "$BUILD"/fiji-autoencoder_-*.jar | grep -v -e "-sources.jar" -e "-tests.jar" -e "-javadoc.jar" | head -n 1)
CP="$JAR:$BUILD/lib/*"
mkdir -p "$BUILD/bench-classes"
javac -proc:none -d "$BUILD/bench-classes" -cp "$CP" bench/InspectBench.java
TF_CPP_MIN_LOG_LEVEL=2 java -Xmx4g -Djava.awt.headless=true -cp "$BUILD/bench-classes:$CP" InspectBench "$@"
