#!/bin/sh
# 3D autoencoder benchmark: trains the conv3d preset on the confocal Arabidopsis
# z-stack (/work/shared/data/confocal3d_arabidopsis, read in place), prints the
# loss per epoch and samples/s, and times the tiled prediction of the whole
# volume; writes bench/results/volume3d.md. Not part of the test suite.
# Usage: bench/run-3d-bench.sh [stack.tif] [epochs]
set -e
cd "$(dirname "$0")/.."
BUILD=/tmp/build-3dbench
mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
CP="$(ls $BUILD/fiji-autoencoder_-*.jar | grep -v -e sources -e tests | head -1):$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/Volume3DBench.java
TF_CPP_MIN_LOG_LEVEL=1 java -Xmx3g -Djava.awt.headless=true -cp "$BUILD/bench:$CP" Volume3DBench "$@"
