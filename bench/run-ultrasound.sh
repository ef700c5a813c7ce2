#!/bin/sh
# Ultrasound nerve/vessel segmentation and nuclei with Train Segmenter's defaults (bench/UltrasoundBench.java):
# trained on ../shared/data/ultrasound_nerve_usgra/images (204, RGB files converted to 8-bit), scored on
# test/ (40) only, per-class mean Dice; then DSB2018 nuclei (left half -> right half) through the same trainer.
# Prints the log lines the results file quotes. About 20 minutes on 2 idle cores (early stopping ends the 150 epochs near 100).
# Experiments: UB_OPTS="-Dus.epochs=.. -Dus.scale=.. -Dus.layers=16,32,64 -Dus.convs=1 -Dus.lr=.. -Dus.minutes=8 -Dus.orient=.. -Dus.schedule=cosine -Dus.smoothing=0.5 -Dus.reduce=5 -Dus.patch=96 -Dus.patches=256 -Dus.fg=0.25 -Dus.intensity=0.4 -Dus.select=dice -Dus.ema=0.99 -Dus.speckle=0.2"
# (-Dus.screen=true: validation Dice only, no test score: screens choose on the held-out training images; NUCLEI=0 skips nuclei)
# Post-processing variants of a trained model (object prior, flip averaging) on the held-out training images and on test:
#   java ... UltrasoundBench <dir holding ultrasound.aemodel.zip> eval;  ... <dir holding nuclei.aemodel.zip> nuclei-eval
# Class decisions, per-class thresholds and object-size rules: java ... UltrasoundPost dump <model> <dir>; /usr/bin/python3 bench/ultrasound_post.py <dir>
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-/tmp/build-us}
mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/DenoiseBench*.java bench/DenoiseTwin.java bench/SegmentBench.java bench/SegmentTwin.java bench/TextureBench.java bench/UltrasoundBench.java bench/UltrasoundPost.java
export OPENBLAS_NUM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
echo "load before: $(cat /proc/loadavg)"
RUN="java -Xmx4g -Djava.awt.headless=true $UB_OPTS -cp $BUILD/bench:$CP UltrasoundBench"
$RUN $BUILD/ultrasound 2>&1 | grep -v "^I0000\|^20[0-9][0-9]-\|WARNING: All\|^To enable"
[ "${NUCLEI:-1}" = 0 ] || $RUN $BUILD/nuclei nuclei 2>&1 | grep -v "^I0000\|^20[0-9][0-9]-\|WARNING: All\|^To enable"
echo "load after: $(cat /proc/loadavg)"
