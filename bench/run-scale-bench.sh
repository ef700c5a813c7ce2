#!/bin/sh
# Out-of-core denoising of large uint16 OME-Zarr images (issue 18): peak resident memory (VmHWM via
# /usr/bin/time) and throughput in one JVM with -Xmx2g at 16k, 32k and 64k (SCALE_SIZES), and Spark
# local[2] against the single JVM on the same 2 cores at 16k. A small fast denoiser (U-Net 8-16 filters,
# untrained weights: speed and memory do not depend on them), chunks 512^2, uncompressed in and out.
# Inputs are made here (SCALE_BENCH_DIR, default /tmp/scale-bench; 64k needs 16 GiB of disk) and deleted
# after use. Writes bench/results/scale-bench-run.md (summarised in scale.md). Not part of the test suite.
set -e
cd "$(dirname "$0")/.."
BUILD=/tmp/build-scalebench
DATA=${SCALE_BENCH_DIR:-/tmp/scale-bench}
# size:shard count. A shard count n > 1 runs tiles 0, n, 2n, ... (--shard 0/n) on an input whose first 4
# chunk rows are written (the rest is missing: fill_value): memory at that image size, in bounded time
SIZES=${SCALE_SIZES:-"8192:1 16384:1 32768:16 65536:64"}
SPARK_SIZE=${SCALE_SPARK_SIZE:-8192}
OUT=${SCALE_OUT:-bench/results/scale-bench-run.md} # scale.md summarises its runs with the Spark checks
mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
[ -d target/spark-lib ] || mvn -B -q -f spark/pom.xml package
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench "$DATA"
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/ScaleBench.java
export TF_CPP_MIN_LOG_LEVEL=2
. ./bin/spark-opens.sh # OPENS: the module flags spark-submit adds on Java 17
MAIN="-Djava.awt.headless=true -cp $CP fiji.plugin.autoencoder.cli.Main"
java -cp "$BUILD/bench:$CP" ScaleBench model "$DATA/small.aemodel.zip" 2>/dev/null

{
  echo "# Out-of-core denoising of uint16 OME-Zarr images (bench/run-scale-bench.sh)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(java -version 2>&1 | head -1). Model: U-Net denoiser with 8-16 filters (halo 16),"
  echo "chunks 512 x 512, uncompressed input and output, tiles of one chunk plus halo (544 x 544)."
  echo "Peak RSS is VmHWM of the JVM (/usr/bin/time %M), which includes TensorFlow's native memory;"
  echo "throughput counts the job (JVM and Spark start-up excluded; end-to-end wall time beside it). Load: 1-minute load average before and after each run (other engineers' benchmarks shared the 2 cores)."
  echo
  echo "| run | image | -Xmx | peak RSS | job time | throughput | wall time | load before / after |"
  echo "|---|---|---|---|---|---|---|---|"
} > $OUT

run() { # name size shards command...
  name=$1; size=$2; shards=$3; shift 3
  before=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%M %e" -o "$DATA/time.txt" "$@" > "$DATA/log.txt" 2>&1 || { cat "$DATA/log.txt"; exit 1; }
  after=$(cut -d' ' -f1 /proc/loadavg)
  rss=$(cut -d' ' -f1 "$DATA/time.txt"); wall=$(cut -d' ' -f2 "$DATA/time.txt")
  job=$(grep -o 'in [0-9.]* s' "$DATA/log.txt" | tail -1 | cut -d' ' -f2)
  mps=$(echo "$size $job $shards" | awk '{printf "%.2f", $1*$1/$3/1e6/$2}')
  gib=$(echo "$rss" | awk '{printf "%.2f", $1/1048576}')
  part=""; [ "$shards" = 1 ] || part=" (tiles of --shard 0/$shards)"
  echo "| $name | ${size}^2$part | 2g | $gib GiB | $job s | $mps MP/s | $wall s | $before / $after |" >> $OUT
  echo "$name $size: $gib GiB, $job s, $mps MP/s (load $before / $after)"
  echo "$job" > "$DATA/job-$name-$size.txt"
}

for entry in $SIZES; do
  size=${entry%%:*}; shards=${entry##*:}
  in="$DATA/in-$size.ome.zarr"
  rows=""; [ "$shards" = 1 ] || rows=4
  [ -d "$in" ] || java -Xmx1g -cp "$BUILD/bench:$CP" ScaleBench make "$in" $size 512 $rows
  rm -rf "$DATA/out.ome.zarr"
  run "single JVM" $size $shards java -Xmx2g $MAIN denoise --model "$DATA/small.aemodel.zip" --input "$in" --output "$DATA/out.ome.zarr" --compressor none --shard 0/$shards
  if [ "$size" = "$SPARK_SIZE" ]; then
    rm -rf "$DATA/spark.ome.zarr"
    run "Spark local[2]" $size 1 java -Xmx2g $OPENS -Djdk.reflect.useDirectMethodHandle=false -Djava.awt.headless=true -cp "$CP:$(pwd)/target/spark-lib/*" \
      fiji.plugin.autoencoder.cli.Main spark-denoise --master 'local[2]' --model "$DATA/small.aemodel.zip" --input "$in" --output "$DATA/spark.ome.zarr" --compressor none
    if diff -r -q -x '.z*' "$DATA/out.ome.zarr/0" "$DATA/spark.ome.zarr/0" > /dev/null; then same="byte-identical"; else same="DIFFERENT"; fi
    ratio=$(echo "$(cat "$DATA/job-single JVM-$size.txt") $(cat "$DATA/job-Spark local[2]-$size.txt")" | awk '{printf "%.2f", $1/$2}')
    echo "$ratio $same" > "$DATA/spark-ratio.txt"
    rm -rf "$DATA/spark.ome.zarr"
  fi
  rm -rf "$DATA/out.ome.zarr" "$in"
done
echo >> $OUT
[ -f "$DATA/spark-ratio.txt" ] && echo "Spark local[2] / single JVM throughput at ${SPARK_SIZE}^2: $(cut -d' ' -f1 "$DATA/spark-ratio.txt") (outputs $(cut -d' ' -f2 "$DATA/spark-ratio.txt"))." >> $OUT
cat $OUT
