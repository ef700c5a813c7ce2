#!/bin/sh
# Spark local[2] against the single JVM on the same 2 cores (issue 18, must-show 2), interleaved A B A B so
# that both see the same load: RATIO_PAIRS pairs (default 2) per size in RATIO_SIZES (default 8192 16384) of
# `bin/autoencoder denoise` (one JVM, out of core) then `spark-denoise --master local[2]`, each a fresh JVM with
# -Xmx2g, on a uint16 OME-Zarr (chunks 512^2, uncompressed) and the small U-Net of run-scale-bench.sh. Per run:
# job time (the CLI's "in N s": tiles only, JVM start, model load and Spark's context start excluded; Spark's
# stage includes each task's model lease), CPU seconds of the job (the same window: Spark's task stage; the CPU
# with Spark's driver checks and model load goes to stdout), end-to-end wall and CPU time (/usr/bin/time),
# peak RSS, and the 1-minute load average before the run; per pair the Spark / single throughput ratio and
# whether the outputs are byte-identical, and the ratio of job CPU; the input chunks each run decoded go to
# stdout. Run it under `nice -n 19` on a shared machine. Appends a table to
# RATIO_OUT (default bench/results/spark-ratio.md). RATIO_BUILD=target RATIO_NO_BUILD=1 reuses the current build.
# RATIO_VARIANT="name|JVM flags" adds a third run to each pair (single, Spark, Spark with these flags), e.g.
# "AppCDS|-XX:SharedArchiveFile=/tmp/spark.jsa" (an archive that does not exist is dumped by an untimed run first).
# Not part of the test suite.
set -e
cd "$(dirname "$0")/.."
BUILD=${RATIO_BUILD:-/tmp/build-sparkratio}
DATA=${SCALE_BENCH_DIR:-/tmp/spark-ratio}
SIZES=${RATIO_SIZES:-"8192 16384"}
PAIRS=${RATIO_PAIRS:-2}
OUT=${RATIO_OUT:-bench/results/spark-ratio.md}
[ -n "$RATIO_NO_BUILD" ] || mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
[ -d target/spark-lib ] || mvn -B -q -f spark/pom.xml package
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench "$DATA"
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/ScaleBench.java
export TF_CPP_MIN_LOG_LEVEL=2
. ./bin/spark-opens.sh # OPENS: the module flags spark-submit adds on Java 17
[ -f "$DATA/small.aemodel.zip" ] || java -cp "$BUILD/bench:$CP" ScaleBench model "$DATA/small.aemodel.zip" 2>/dev/null

{
  echo
  echo "### $(date -u '+%Y-%m-%d %H:%M UTC'): $PAIRS interleaved pair(s) per size, $(nproc) cores, $(java -version 2>&1 | head -1), $(git rev-parse --short HEAD)"
  echo
  echo "| pair | image | run | job time | job CPU | wall | CPU (wall) | peak RSS | load before | Spark / single |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} >> $OUT

run() { # label log command...
  label=$1; log=$2; shift 2
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%M %e %U %S" -o "$DATA/time.txt" "$@" > "$log" 2>&1 || { cat "$log"; exit 1; }
  job=$(grep -o 'in [0-9.]* s' "$log" | tail -1 | cut -d' ' -f2)
  jcpu=$(grep -o '[0-9.]* s of CPU' "$log" | tail -1 | cut -d' ' -f1)
  set -- $(cat "$DATA/time.txt")
  echo "$job $jcpu $2 $(echo "$3 $4" | awk '{printf "%.1f", $1+$2}') $(echo "$1" | awk '{printf "%.2f", $1/1048576}') $load"
}

for size in $SIZES; do
  in="$DATA/in-$size.ome.zarr"
  [ -d "$in" ] || java -Xmx1g -cp "$BUILD/bench:$CP" ScaleBench make "$in" $size 512
  sum_s=0; sum_p=0
  for pair in $(seq 1 $PAIRS); do
    rm -rf "$DATA/single.ome.zarr" "$DATA/spark.ome.zarr"
    a=$(run single "$DATA/single.log" java -Xmx2g -Djava.awt.headless=true -cp "$CP" fiji.plugin.autoencoder.cli.Main \
      denoise --model "$DATA/small.aemodel.zip" --input "$in" --output "$DATA/single.ome.zarr" --compressor none)
    b=$(run spark "$DATA/spark.log" java -Xmx2g $OPENS $SPARK_JFLAGS -Djdk.reflect.useDirectMethodHandle=false -Djava.awt.headless=true \
      -cp "$CP:$(pwd)/target/spark-lib/*" fiji.plugin.autoencoder.cli.Main spark-denoise --master 'local[2]' \
      --model "$DATA/small.aemodel.zip" --input "$in" --output "$DATA/spark.ome.zarr" --compressor none $SPARK_ARGS)
    if diff -r -q -x '.z*' "$DATA/single.ome.zarr/0" "$DATA/spark.ome.zarr/0" > /dev/null; then same="byte-identical"; else same="DIFFERENT"; fi
    if [ -n "$RATIO_VARIANT" ]; then
      vname=${RATIO_VARIANT%%|*}; vflags=${RATIO_VARIANT#*|}
      jsa=$(echo "$vflags" | grep -o 'SharedArchiveFile=[^ ]*' | cut -d= -f2)
      rm -rf "$DATA/variant.ome.zarr"
      set -- -Djdk.reflect.useDirectMethodHandle=false -Djava.awt.headless=true -cp "$CP:$(pwd)/target/spark-lib/*" \
        fiji.plugin.autoencoder.cli.Main spark-denoise --master 'local[2]' --model "$DATA/small.aemodel.zip" \
        --input "$in" --output "$DATA/variant.ome.zarr" --compressor none $SPARK_ARGS
      if [ -n "$jsa" ] && [ ! -f "$jsa" ]; then java -Xmx2g $OPENS -XX:ArchiveClassesAtExit="$jsa" "$@" > "$DATA/dump.log" 2>&1; rm -rf "$DATA/variant.ome.zarr"; fi
      c=$(run variant "$DATA/variant.log" java -Xmx2g $OPENS $vflags "$@")
      if diff -r -q -x '.z*' "$DATA/single.ome.zarr/0" "$DATA/variant.ome.zarr/0" > /dev/null; then vsame="byte-identical"; else vsame="DIFFERENT"; fi
      rm -rf "$DATA/variant.ome.zarr"
    fi
    ratio=$(echo "${a%% *} ${b%% *}" | awk '{printf "%.2f", $1/$2}')
    cpuratio=$(echo "$a $b" | awk '{printf "%.2f", $2/$8}')
    dec_s=$(grep -o '[0-9]* input chunks decoded' "$DATA/single.log" | cut -d' ' -f1); dec_p=$(grep -o '[0-9]* input chunks decoded' "$DATA/spark.log" | cut -d' ' -f1)
    set -- $a; echo "| $pair | ${size}^2 | single JVM | $1 s | $2 s | $3 s | $4 s | $5 GiB | $6 | |" >> $OUT
    set -- $b; echo "| $pair | ${size}^2 | Spark local[2] | $1 s | $2 s | $3 s | $4 s | $5 GiB | $6 | $ratio ($same; by CPU $cpuratio) |" >> $OUT
    if [ -n "$RATIO_VARIANT" ]; then
      set -- $c; echo "| $pair | ${size}^2 | Spark local[2], $vname | $1 s | $2 s | $3 s | $4 s | $5 GiB | $6 | $(echo "${a%% *} $1" | awk '{printf "%.2f", $1/$2}') ($vsame; by CPU $(echo "$a $c" | awk '{printf "%.2f", $2/$8}')) |" >> $OUT
      echo "$size pair $pair: $vname $c; $(grep -o '[0-9]* input chunks decoded' "$DATA/variant.log"); CPU with the driver's checks and model load $(grep -o '[0-9.]* s with the driver.s checks and model load' "$DATA/variant.log" | cut -d' ' -f1) s"
    fi
    echo "$size pair $pair: single $a / spark $b: ratio $ratio (CPU $cpuratio), $same; input chunks decoded: single ${dec_s:-?}, Spark ${dec_p:-?}; Spark CPU with the driver's checks and model load $(grep -o '[0-9.]* s with the driver.s checks and model load' "$DATA/spark.log" | cut -d' ' -f1) s; $(grep 'tasks,' "$DATA/spark.log")"
    sum_s=$(echo "$sum_s ${a%% *}" | awk '{print $1+$2}'); sum_p=$(echo "$sum_p ${b%% *}" | awk '{print $1+$2}')
  done
  echo "| all | ${size}^2 | sum of job times | single $sum_s s | | | | | | $(echo "$sum_s $sum_p" | awk '{printf "%.2f", $1/$2}') (Spark $sum_p s) |" >> $OUT
  rm -rf "$DATA/single.ome.zarr" "$DATA/spark.ome.zarr"
  [ -n "$RATIO_KEEP_INPUT" ] || rm -rf "$in"
done
echo "load after: $(cut -d' ' -f1 /proc/loadavg)" >> $OUT
tail -n $((PAIRS * 3 * $(echo $SIZES | wc -w) + 8)) $OUT
