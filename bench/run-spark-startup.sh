#!/bin/bash
# Spark's fixed cost per run (issue 18, must-show 2): the same small job (a STARTUP_SIZE^2 uint16 OME-Zarr,
# default 2048, 16 tiles of the small U-Net of run-scale-bench.sh) through `spark-denoise --master local[2]`
# with each JVM setting variant below, interleaved round by round (STARTUP_ROUNDS, default 3), and once
# through the single JVM's `denoise` per round for reference. Per run: the process's CPU (user + sys,
# /usr/bin/time), wall time, the task stage's CPU and the CPU with the driver's checks and model load (the
# CLI's lines). The tiles are few, so the process CPU is mostly the fixed cost: JVM start, Spark's context,
# the model load, JIT. Appends a table to STARTUP_OUT (default bench/results/spark-startup.md). Run it under
# `nice -n 19`; STARTUP_BUILD (default /tmp/build-sparkstartup) and STARTUP_NO_BUILD=1 reuse a build.
# Not part of the test suite.
set -e
cd "$(dirname "$0")/.."
BUILD=${STARTUP_BUILD:-/tmp/build-sparkstartup}
DATA=${STARTUP_DIR:-/tmp/spark-startup}
SIZE=${STARTUP_SIZE:-2048}
ROUNDS=${STARTUP_ROUNDS:-3}
OUT=${STARTUP_OUT:-bench/results/spark-startup.md}
[ -n "$STARTUP_NO_BUILD" ] || mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
[ -d target/spark-lib ] || mvn -B -q -f spark/pom.xml package
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench "$DATA"
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/ScaleBench.java
export TF_CPP_MIN_LOG_LEVEL=2
. ./bin/spark-opens.sh # OPENS: the module flags spark-submit adds on Java 17
[ -f "$DATA/small.aemodel.zip" ] || java -cp "$BUILD/bench:$CP" ScaleBench model "$DATA/small.aemodel.zip" 2>/dev/null
in="$DATA/in-$SIZE.ome.zarr"
[ -d "$in" ] || java -Xmx1g -cp "$BUILD/bench:$CP" ScaleBench make "$in" $SIZE 512

# name|JVM flags (Spark reads spark.* system properties into its SparkConf; a -XX:SharedArchiveFile that does not
# exist yet is dumped by an untimed run with -XX:ArchiveClassesAtExit first)
VARIANTS=${STARTUP_VARIANTS:-"default|
log WARN at start|-Dspark.log.level=WARN
log WARN, no cleaner, loopback|-Dspark.log.level=WARN -Dspark.cleaner.referenceTracking=false -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1
C1 JIT only|-XX:TieredStopAtLevel=1"}

{
  echo
  echo "### $(date -u '+%Y-%m-%d %H:%M UTC'): ${SIZE}^2, $ROUNDS round(s), $(nproc) cores, $(java -version 2>&1 | head -1), $(git rev-parse --short HEAD)"
  echo
  echo "| round | run | process CPU | wall | task stage CPU | with driver's checks, model load | tiles in | peak RSS | load before |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >> $OUT

run() { # label log command...
  label=$1; log=$2; shift 2
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%M %e %U %S" -o "$DATA/time.txt" "$@" > "$log" 2>&1 || { cat "$log"; exit 1; }
  set -- $(cat "$DATA/time.txt")
  stage=$(grep -o 'stage used [0-9.]* s of CPU' "$log" | grep -o '[0-9][0-9.]*' || grep -o '[0-9.]* s of CPU' "$log" | cut -d' ' -f1)
  driver=$(grep -o '[0-9.]* s with the driver.s checks and model load' "$log" | cut -d' ' -f1)
  tiles=$(grep -o 'in [0-9.]* s' "$log" | tail -1 | cut -d' ' -f2)
  echo "| $round | $label | $(echo "$3 $4" | awk '{printf "%.1f", $1+$2}') s | $2 s | ${stage:-?} s | ${driver:--} | ${tiles:-?} s | $(echo "$1" | awk '{printf "%.2f", $1/1048576}') GiB | $load |" >> $OUT
}

for round in $(seq 1 $ROUNDS); do
  rm -rf "$DATA/single.ome.zarr"
  run "single JVM (denoise)" "$DATA/single.log" java -Xmx2g -Djava.awt.headless=true -cp "$CP" fiji.plugin.autoencoder.cli.Main \
    denoise --model "$DATA/small.aemodel.zip" --input "$in" --output "$DATA/single.ome.zarr" --compressor none
  echo "$VARIANTS" | while IFS='|' read -r name flags; do
    [ -n "$name" ] || continue
    rm -rf "$DATA/spark.ome.zarr"
    jsa=$(echo "$flags" | grep -o 'SharedArchiveFile=[^ ]*' | cut -d= -f2)
    if [ -n "$jsa" ] && [ ! -f "$jsa" ]; then # a class-data-sharing archive: dumped by one untimed run first
      java -Xmx2g $OPENS -XX:ArchiveClassesAtExit="$jsa" -Djdk.reflect.useDirectMethodHandle=false -Djava.awt.headless=true \
        -cp "$CP:$(pwd)/target/spark-lib/*" fiji.plugin.autoencoder.cli.Main spark-denoise --master 'local[2]' \
        --model "$DATA/small.aemodel.zip" --input "$in" --output "$DATA/spark.ome.zarr" --compressor none > "$DATA/dump.log" 2>&1
      rm -rf "$DATA/spark.ome.zarr"
    fi
    run "Spark local[2], $name" "$DATA/spark.log" java -Xmx2g $OPENS $flags -Djdk.reflect.useDirectMethodHandle=false -Djava.awt.headless=true \
      -cp "$CP:$(pwd)/target/spark-lib/*" fiji.plugin.autoencoder.cli.Main spark-denoise --master 'local[2]' \
      --model "$DATA/small.aemodel.zip" --input "$in" --output "$DATA/spark.ome.zarr" --compressor none
    diff -r -q -x '.z*' "$DATA/single.ome.zarr/0" "$DATA/spark.ome.zarr/0" > /dev/null || echo "| | (output DIFFERENT from the single JVM's) | | | | | | | |" >> $OUT
  done
done
echo "load after: $(cut -d' ' -f1 /proc/loadavg)" >> $OUT
tail -n $((ROUNDS * 5 + 6)) $OUT
