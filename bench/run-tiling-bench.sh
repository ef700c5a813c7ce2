#!/bin/sh
# Tiling benchmark: tiled vs untiled time (4096 x 4096) and peak memory for
# 8k x 8k and 16k x 16k 16-bit images. Not part of the test suite. About 1 minute.
set -e
cd "$(dirname "$0")/.."
BUILD=/tmp/build-tbench
mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
mvn -B -q dependency:build-classpath -Dmdep.outputFile=$BUILD/bench-classpath.txt -Dae.build.dir=$BUILD > /dev/null
CP="$BUILD/classes:$(cat $BUILD/bench-classpath.txt)"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/TilingBench.java
RUN="java -Xmx3g -Djava.awt.headless=true -cp $BUILD/bench:$CP TilingBench"
$RUN speed
# one JVM per size, so VmHWM (peak RSS) belongs to that size alone
$RUN memory 8192
$RUN memory 16384
echo "same, with a bounded young generation (-XX:+UseSerialGC -Xmn64m), so garbage and heap slack do not scale with -Xmx:"
RUN_BOUNDED="java -Xmx3g -XX:+UseSerialGC -Xmn64m -Djava.awt.headless=true -cp $BUILD/bench:$CP TilingBench"
$RUN_BOUNDED memory 8192
$RUN_BOUNDED memory 16384
