#!/bin/sh
# Segmentation benchmark: (a) segment by reconstruction on skimage textures with
# 20 synthetic defects each (TextureBench: the "Anomaly detector" training mode, then the
# second stage of the "Anomaly segmenter" mode on the same detectors);
# (b) supervised U-Net on DSB2018 nuclei (left half -> right half). Its PyTorch
# twin (same patches, initial weights and batch order) is bench/run-segment-twin.sh.
# Not part of the test suite. About 55 minutes on 2 cores.
# Usage: bench/run-segment-bench.sh [anomaly_epochs=40] [unet_epochs=15]; TX_OPTS="-Dtx.reuse=true" evaluates the
# anomaly models kept in $BUILD/texture-models again instead of training them
# (the plain-autoencoder texture rows of segment.md: java ... SegmentBench texture 8)
set -e
cd "$(dirname "$0")/.."
BUILD=/tmp/build-sbench
mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/SegmentBench.java bench/TextureBench.java
java -Xmx3g -Djava.awt.headless=true -Dtx.epochs="${1:-40}" $TX_OPTS -cp $BUILD/bench:$CP TextureBench 2>/dev/null
RUN="java -Xmx3g -Djava.awt.headless=true -cp $BUILD/bench:$CP SegmentBench"
# full run: 2048 patches x 15 epochs
$RUN nuclei $BUILD/nuclei "${2:-15}" 2048 2>&1 | grep -v "^I0000\|^20[0-9][0-9]-\|WARNING: All\|^To enable"
