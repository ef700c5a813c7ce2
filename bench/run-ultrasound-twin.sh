#!/bin/sh
# PyTorch twin of Train Segmenter's defaults on the ultrasound images (bench/UltrasoundTwin.java + bench/ultrasound_twin.py).
# 1. export: the training planes, validation patches, initial weights and the draws of every training patch that
#    SegmenterTrainer's sampler makes (seconds); 2. PyTorch trains the same net on the same patches in the same order
#    for at most TWIN_SECONDS (set it to our training's wall time from bench/run-ultrasound.sh); 3. our Java
#    prediction path scores both models: ours (MODEL, from bench/run-ultrasound.sh) and PyTorch's weights in it.
# Usage: TWIN_SECONDS=920 MODEL=/tmp/build-us/ultrasound/ultrasound.aemodel.zip bench/run-ultrasound-twin.sh
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-/tmp/build-us}
MODEL=${MODEL:-$BUILD/ultrasound/ultrasound.aemodel.zip}
mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/UltrasoundTwin.java
export OPENBLAS_NUM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=1 OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
RUN="java -Xmx4g -Djava.awt.headless=true -cp $BUILD/bench:$CP fiji.plugin.autoencoder.segment.UltrasoundTwin"
$RUN export $BUILD/twin 2>&1 | grep -v "^I0000\|^20[0-9][0-9]-\|WARNING"
echo "load before: $(cat /proc/loadavg)"
/usr/bin/python3 bench/ultrasound_twin.py $BUILD/twin $BUILD/twin-out
echo "load after: $(cat /proc/loadavg)"
$RUN score "$MODEL" 2>&1 | grep -v "^I0000\|^20[0-9][0-9]-\|WARNING"
$RUN score "$MODEL" $BUILD/twin-out 2>&1 | grep -v "^I0000\|^20[0-9][0-9]-\|WARNING"
