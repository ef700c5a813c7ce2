#!/bin/sh
# The out-of-core reader's chunk cache (issue 18): single-JVM out-of-core denoising of a uint16 OME-Zarr
# (CACHE_SIZE^2, default 16384, chunks 512^2, uncompressed or CACHE_COMPRESSOR (e.g. zlib:1), the small U-Net of run-scale-bench.sh) with
# -Xmx2g by each build of CACHE_BUILDS ("label=build-dir ...", each built with
# `mvn -B -q package -DskipTests -Dae.build.dir=DIR` from the commit to compare), interleaved A B C A B C
# (CACHE_ROUNDS rounds, default 2) so that all see the same load. Per run: job time and CPU (the CLI's line),
# input chunks decoded (builds that count them), peak RSS (/usr/bin/time %M), load before, and whether the
# output equals the first build's (byte for byte). Run it under `nice -n 19`; appends to
# CACHE_OUT (default bench/results/chunk-cache.md). Not part of the test suite.
set -e
cd "$(dirname "$0")/.."
DATA=${SCALE_BENCH_DIR:-/tmp/chunk-cache}
SIZE=${CACHE_SIZE:-16384}
ROUNDS=${CACHE_ROUNDS:-2}
OUT=${CACHE_OUT:-bench/results/chunk-cache.md}
export TF_CPP_MIN_LOG_LEVEL=2
mkdir -p "$DATA/bench"
first=${CACHE_BUILDS%% *}; first=${first#*=}
CP0="$first/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$first/lib/*"
javac -proc:none -nowarn -d "$DATA/bench" -cp "$CP0" bench/ScaleBench.java
[ -f "$DATA/small.aemodel.zip" ] || java -cp "$DATA/bench:$CP0" ScaleBench model "$DATA/small.aemodel.zip" 2>/dev/null
in="$DATA/in-$SIZE${CACHE_COMPRESSOR:+-$CACHE_COMPRESSOR}.ome.zarr"
[ -d "$in" ] || java -Xmx1g -cp "$DATA/bench:$CP0" ScaleBench make "$in" $SIZE 512 ${CACHE_COMPRESSOR:+999999 $CACHE_COMPRESSOR}
{
  echo
  echo "### $(date -u '+%Y-%m-%d %H:%M UTC'): ${SIZE}^2 input ${CACHE_COMPRESSOR:-uncompressed}, $ROUNDS round(s), $(nproc) cores, $(git rev-parse --short HEAD); builds: $CACHE_BUILDS"
  echo
  echo "| round | build | job time | job CPU | input chunks decoded | peak RSS | load before | output |"
  echo "|---|---|---|---|---|---|---|---|"
} >> $OUT
for round in $(seq 1 $ROUNDS); do
  for b in $CACHE_BUILDS; do
    label=${b%%=*}; dir=${b#*=}
    rm -rf "$DATA/out-$label.ome.zarr"
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%M" -o "$DATA/time.txt" java -Xmx2g -Djava.awt.headless=true \
      -cp "$dir/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$dir/lib/*" fiji.plugin.autoencoder.cli.Main denoise \
      --model "$DATA/small.aemodel.zip" --input "$in" --output "$DATA/out-$label.ome.zarr" --compressor none \
      > "$DATA/$label.log" 2>&1 || { cat "$DATA/$label.log"; exit 1; }
    job=$(grep -o 'in [0-9.]* s' "$DATA/$label.log" | tail -1 | cut -d' ' -f2)
    cpu=$(grep -o '[0-9.]* s of CPU' "$DATA/$label.log" | tail -1 | cut -d' ' -f1)
    dec=$(grep -o '[0-9]* input chunks decoded' "$DATA/$label.log" | cut -d' ' -f1)
    rss=$(awk '{printf "%.2f", $1/1048576}' "$DATA/time.txt")
    firstlabel=${CACHE_BUILDS%%=*}
    if [ "$label" = "$firstlabel" ]; then same="-"; elif diff -r -q -x '.z*' "$DATA/out-$firstlabel.ome.zarr/0" "$DATA/out-$label.ome.zarr/0" > /dev/null; then same="identical to $firstlabel"; else same="DIFFERENT"; fi
    echo "| $round | $label | $job s | $cpu s | ${dec:-not counted} | $rss GiB | $load | $same |" | tee -a $OUT
  done
done
echo "load after: $(cut -d' ' -f1 /proc/loadavg)" >> $OUT
