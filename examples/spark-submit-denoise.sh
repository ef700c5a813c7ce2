#!/bin/bash
# Denoise an OME-Zarr on a Spark cluster. Build the assembly jar first: mvn -B -q -Pspark-assembly package -DskipTests
# Usage: examples/spark-submit-denoise.sh MASTER MODEL_FILE INPUT.ome.zarr OUTPUT.ome.zarr
#   (paths on storage every node sees; EXECUTOR_CORES, EXECUTOR_MEMORY, MEMORY_OVERHEAD, TASK_CPUS tune it)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jar=${AE_SPARK_JAR:-$(ls "$here"/target/fiji-autoencoder_-*-spark.jar | head -1)}
"${SPARK_SUBMIT:-spark-submit}" --master "$1" --class fiji.plugin.autoencoder.cli.Main \
  --executor-cores "${EXECUTOR_CORES:-8}" --executor-memory "${EXECUTOR_MEMORY:-6g}" \
  --conf spark.executor.memoryOverhead="${MEMORY_OVERHEAD:-4g}" --conf spark.task.cpus="${TASK_CPUS:-2}" \
  "$jar" spark-denoise --model "$2" --input "$3" --output "$4"
