#!/bin/sh
# The real TF denoiser on large 16-bit images: tiled vs untiled time (4096 x 4096; goal ratio <= 1.10)
# and peak resident memory at 8k x 8k and 16k x 16k (goal < 4 GiB, not growing with the image beyond
# the image itself). One JVM per measurement, so VmHWM belongs to it alone. Not part of the test suite.
set -e
cd "$(dirname "$0")/.."
BUILD=/tmp/build-dsbench
mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/DenoiseScaleBench.java
export TF_CPP_MIN_LOG_LEVEL=2
RUN="java -Xmx2500m -Djava.awt.headless=true -cp $BUILD/bench:$CP DenoiseScaleBench"
# the untiled reference needs the whole 4096^2 image's activations at once (over 13 GB for the U-Net denoiser):
# lift JavaCPP's cap on physical memory for that comparison only
java -Xmx2500m -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Djava.awt.headless=true -cp $BUILD/bench:$CP DenoiseScaleBench speed 4096
$RUN memory 8192
$RUN memory 16384
