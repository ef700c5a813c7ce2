#!/bin/sh
# Must-show 1 of issue 18 at the size it names (CHECK_SIZE, default 16384): on a CHECK_SIZE^2 uint16 OME-Zarr
# (chunks 512^2, uncompressed; the small U-Net of run-scale-bench.sh),
#  1. Spark local[2] output is byte-identical to the single-JVM out-of-core output (`diff -r` of the chunk files);
#  2. both equal the in-memory tiled output (Denoise Image's tiler) on a 4096^2 crop within rounding
#     (bench/ScaleCheck.java: max abs difference inside the crop's halo margin, and over the whole crop);
#  3. a Spark run killed (kill -9) once half the chunks are written and started again computes exactly the
#     missing chunks (the written ones are skipped, the ones in flight redone), leaves no temporary file and
#     ends with the same bytes.
# Each run is a fresh JVM with -Xmx2g. Run under `nice -n 19` on a shared machine. Appends the results to
# CHECK_OUT (default bench/results/spark-16k.md). CHECK_BUILD=target CHECK_NO_BUILD=1 reuses the current build.
# Not part of the test suite (about 10 minutes on 2 idle cores).
set -e
cd "$(dirname "$0")/.."
BUILD=${CHECK_BUILD:-/tmp/build-sparkcheck}
DATA=${SCALE_BENCH_DIR:-/tmp/spark-check}
SIZE=${CHECK_SIZE:-16384}
CROP=${CHECK_CROP:-4096}
OUT=${CHECK_OUT:-bench/results/spark-16k.md}
[ -n "$CHECK_NO_BUILD" ] || mvn -B -q package -DskipTests -Dae.build.dir=$BUILD
[ -d target/spark-lib ] || mvn -B -q -f spark/pom.xml package
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench "$DATA"
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" bench/ScaleBench.java bench/ScaleCheck.java
export TF_CPP_MIN_LOG_LEVEL=2
. ./bin/spark-opens.sh # OPENS: the module flags spark-submit adds on Java 17
MODEL="$DATA/small.aemodel.zip"; IN="$DATA/in-$SIZE.ome.zarr"
[ -f "$MODEL" ] || java -cp "$BUILD/bench:$CP" ScaleBench model "$MODEL" 2>/dev/null
[ -d "$IN" ] || java -Xmx1g -cp "$BUILD/bench:$CP" ScaleBench make "$IN" $SIZE 512
single() { java -Xmx2g -Djava.awt.headless=true -cp "$CP" fiji.plugin.autoencoder.cli.Main denoise --model "$MODEL" \
  --input "$IN" --output "$1" --compressor none; }
spark() { exec java -Xmx2g $OPENS -Djdk.reflect.useDirectMethodHandle=false -Djava.awt.headless=true -cp "$CP:$(pwd)/target/spark-lib/*" \
  fiji.plugin.autoencoder.cli.Main spark-denoise --master 'local[2]' --model "$MODEL" --input "$IN" --output "$1" --compressor none; }
# (spark ...) runs in a subshell that exec replaces by the JVM, so $! of "(spark ...) &" is the JVM's process id
chunks() { find "$1/0" -type f ! -name '.*' 2>/dev/null | wc -l; }
total=$(( (SIZE / 512) * (SIZE / 512) ))
rm -rf "$DATA/single.ome.zarr" "$DATA/spark.ome.zarr" "$DATA/killed.ome.zarr"

{ echo; echo "### $(date -u '+%Y-%m-%d %H:%M UTC'), ${SIZE}^2 uint16 ($total chunks of 512^2), $(nproc) cores, $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"; echo; } >> $OUT
single "$DATA/single.ome.zarr" > "$DATA/single.log" 2>&1 || { cat "$DATA/single.log"; exit 1; }
(spark "$DATA/spark.ome.zarr") > "$DATA/spark.log" 2>&1 || { cat "$DATA/spark.log"; exit 1; }
echo "- single JVM: $(grep -o '[0-9]* tiles computed.*' "$DATA/single.log" | tail -1)" >> $OUT
echo "- Spark local[2]: $(grep -o '[0-9]* tiles computed.*' "$DATA/spark.log" | tail -1)" >> $OUT
if diff -r -q -x '.z*' "$DATA/single.ome.zarr/0" "$DATA/spark.ome.zarr/0" > /dev/null; then same="byte-identical"; else same="DIFFERENT"; fi
echo "- 1. Spark output against the single JVM's: $same ($(chunks "$DATA/spark.ome.zarr") and $(chunks "$DATA/single.ome.zarr") chunk files)" >> $OUT

# 2. a crop through the in-memory tiler (the crop's origin a multiple of 512: inside the image, away from its edges)
x0=$(( (SIZE / 2 - CROP / 2) / 512 * 512 ))
crop=ok; java -Xmx6g -cp "$BUILD/bench:$CP" ScaleCheck "$MODEL" "$IN" $x0 $x0 $CROP "$DATA/single.ome.zarr" "$DATA/spark.ome.zarr" \
  2>/dev/null > "$DATA/crop.txt" || crop=FAILED
echo "- 2. in-memory tiled run of the ${CROP}^2 crop at ($x0, $x0) against both ($crop):" >> $OUT
sed 's/^/  - /' "$DATA/crop.txt" >> $OUT

# 3. killed half-way, then started again
(spark "$DATA/killed.ome.zarr") > "$DATA/killed.log" 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null && [ "$(chunks "$DATA/killed.ome.zarr")" -lt $((total / 2)) ]; do sleep 0.2; done
kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
while kill -0 $pid 2>/dev/null; do sleep 0.1; done
files=$(chunks "$DATA/killed.ome.zarr")
partial=$(find "$DATA/killed.ome.zarr" -name '*.partial-*' | wc -l)
present=$files # temporary files are hidden (.name.partial-...): not counted by chunks
(spark "$DATA/killed.ome.zarr") > "$DATA/restart.log" 2>&1 || { cat "$DATA/restart.log"; exit 1; }
result=$(grep -o '[0-9]* tiles computed, [0-9]* already written' "$DATA/restart.log" | tail -1)
computed=${result%% tiles*}
left=$(find "$DATA/killed.ome.zarr" -name '*.partial-*' | wc -l)
if diff -r -q -x '.z*' "$DATA/single.ome.zarr/0" "$DATA/killed.ome.zarr/0" > /dev/null; then same3="byte-identical"; else same3="DIFFERENT"; fi
[ "$computed" = $((total - present)) ] && redo="exactly the $((total - present)) missing chunks" || redo="NOT only the missing chunks"
echo "- 3. killed with $present of $total chunks written and $partial temporary chunk file(s) of tiles in flight; the restart: $result ($redo), $left temporary file(s) left, output $same3 to the single JVM's" >> $OUT
rm -rf "$DATA/single.ome.zarr" "$DATA/spark.ome.zarr" "$DATA/killed.ome.zarr"
[ -n "$CHECK_KEEP_INPUT" ] || rm -rf "$IN"
cat $OUT | tail -12
