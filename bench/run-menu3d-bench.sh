#!/bin/sh
# 3D from the menu: Train Autoencoder (dimensions=3D, Denoise (paired), 5-minute budget) on the upper slices of the
# confocal Arabidopsis stack with Poisson noise, against the oracle 3D Gaussian on the lower slices; writes
# bench/results/menu3d.md. Not part of the test suite. Run un-niced, one JVM at a time.
# Usage: bench/run-menu3d-bench.sh [stack.tif] [minutes]
set -e
cd "$(dirname "$0")/.."
BUILD=/tmp/build-menu3d
mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
CP="$(ls $BUILD/fiji-autoencoder_-*.jar | grep -v -e sources -e tests | head -1):$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/Menu3DBench.java
TF_CPP_MIN_LOG_LEVEL=1 java -Xmx4g -Djava.awt.headless=true -cp "$BUILD/bench:$CP" Menu3DBench "${1:-/work/shared/data/confocal3d_arabidopsis/arabidopsis-embryo.tif}" "${2:-5}"
