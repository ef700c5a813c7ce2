#!/bin/bash
# Train once, then denoise a folder with a SLURM array that starts when the training succeeded.
# Usage: examples/slurm/submit.sh TRAINING_IMAGE MODEL_FILE INPUT_FOLDER OUTPUT_FOLDER [TASKS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tasks=${5:-16}
train=$(sbatch --parsable "$here/train.sbatch" "$1" "$2")
sbatch --dependency=afterok:"$train" --array=0-$((tasks - 1)) "$here/denoise-array.sbatch" "$2" "$3" "$4"
