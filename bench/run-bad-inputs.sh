#!/usr/bin/env bash
# Every bad input of issue 15, through plain ImageJ -batch (MacroCalls, the sample macro) and, for the rows only a
# Fiji command reaches, through SciJava headless; each row in its own copy of a temp folder. Prints one table: case,
# exit code, first log line of the plugin, CLEAR (expected exit code, the message names the problem, every input
# byte-identical afterwards by sha256) or UNCLEAR, and writes it to bench/results/bad-inputs.md.
# Usage: bash bench/run-bad-inputs.sh   (about 3-5 min on 2 cores; needs a build: mvn -B -q -o package -DskipTests)
set -uo pipefail
trap '[ $? = 127 ] && echo "bench/run-bad-inputs.sh: command not found at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
JAR=$(ls target/fiji-autoencoder_-*.jar 2>/dev/null | grep -v -e sources -e tests | head -1)
[ -n "$JAR" ] || { mvn -B -q -o package -DskipTests && JAR=$(ls target/fiji-autoencoder_-*.jar | grep -v -e sources -e tests | head -1); }
IJ=$(ls target/lib/ij-1.54p.jar 2>/dev/null || ls ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar)
CP="$IJ:$JAR:target/lib/*"
T=$(mktemp -d /tmp/bad-inputs.XXXXXX)
export TF_CPP_MIN_LOG_LEVEL=2
unset DISPLAY
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
javac -proc:none -d "$T/classes" -cp "$CP" bench/BadInputs.java || exit 1
W="$T/work"
java -Djava.awt.headless=true -cp "$T/classes:$CP" BadInputs setup "$W" || exit 1
mkdir -p "$T/big" && mv "$W/big.tif" "$T/big/big.tif"
IJCMD=(java -Xmx3g -Djava.awt.headless=true -cp "$CP" ij.ImageJ -batch)
# a small denoiser for the rows that need a model (about 30 s)
"${IJCMD[@]}" bench/bad-input-call.ijm "train input=[$W/train.tif] model_file=[$W/model.aemodel.zip] epochs=2 patches_per_epoch=128 patch_size=32 batch_size=8" > "$T/train.log" 2>&1
[ -f "$W/model.aemodel.zip" ] || { echo "setup training failed:"; cat "$T/train.log"; exit 1; }
java -cp "$T/classes:$CP" BadInputs model-variants "$W/model.aemodel.zip" "$W"

ROWS="$T/rows.md"
: > "$ROWS"
n=0
# row NAME EXPECTED_EXIT PATTERN(grep -E, in the plugin's lines) KIND(M: MacroCalls, S: sample macro, C: SciJava command) ARG (@D@ = the row's folder)
row() {
	local name=$1 expect=$2 pattern=$3 kind=$4
	local arg=${5//@D@/$T/row-$name}
	local d="$T/row-$name" log="$T/row-$name.log" code
	n=$((n + 1))
	cp -r "$W" "$d"
	(cd "$d" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$T/row-$name.sha"
	case $kind in
	M) timeout 600 "${IJCMD[@]}" bench/bad-input-call.ijm "$arg" > "$log" 2>&1 ;;
	S) timeout 600 "${IJCMD[@]}" macros/train_and_denoise_folder.ijm "$arg" > "$log" 2>&1 ;;
	C) timeout 600 java -Xmx3g -Djava.awt.headless=true -Djava.util.prefs.userRoot="$T/prefs" -cp "$T/classes:$CP" BadInputs command "$arg" "$d" > "$log" 2>&1 ;;
	esac
	code=$?
	local changed
	changed=$(cd "$d" && sha256sum -c --quiet "$T/row-$name.sha" 2>/dev/null | sed 's/: .*//' | tr '\n' ' ')
	local first
	first=$(grep -v -e 'tensorflow/' -e '^I0000' -e '^WARNING: All log' "$log" | grep -E 'Autoencoder|refused|ERROR' | grep -E -m1 'failed|FAILED|cancelled|refused|ERROR' \
		|| grep -m1 'Autoencoder' "$log" || echo "(no line from the plugin)")
	first=$(echo "$first" | sed 's/|/\\|/g' | cut -c1-220)
	local verdict=CLEAR
	[ "$code" = "$expect" ] || verdict=UNCLEAR
	grep -E -q "$pattern" "$log" || verdict=UNCLEAR
	grep -q 'serializeSpecialFloatingPointValues' "$log" && verdict=UNCLEAR
	[ -z "$changed" ] || verdict=UNCLEAR
	printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$code (want $expect)" "$first" "$verdict" "${changed:-yes}" "$kind" | tee -a "$ROWS"
}

echo "| case | exit | first log line | verdict | inputs unchanged | via |"
echo "|---|---|---|---|---|---|"
# -- wrong input that passed silently
row nan-training 1 'NaN or infinite pixel' M "train input=[@D@/nan.tif] model_file=[@D@/new.aemodel.zip] epochs=1 patches_per_epoch=64 patch_size=32"
row inf-training 1 'NaN or infinite pixel' M "train input=[@D@/inf.tif] model_file=[@D@/new.aemodel.zip] epochs=1 patches_per_epoch=64 patch_size=32"
row sample-macro-nan 1 'NaN or infinite pixel' S "train_image=[@D@/nan.tif] input_folder=[@D@/in] output_folder=[@D@/out] model_file=[@D@/new.aemodel.zip] epochs=1 patches_per_epoch=64 patch_size=32"
row no-improvement 1 'never improved on its starting weights' M "train input=[@D@/train.tif] model_file=[@D@/new.aemodel.zip] epochs=1 patches_per_epoch=32 patch_size=32 batch_size=8 learning_rate=1e12"
row constant-training 1 'same value .* in every pixel' M "train input=[@D@/constant.tif] model_file=[@D@/new.aemodel.zip] epochs=1"
row epochs-0 1 'epochs=0 is too small' M "train input=[@D@/train.tif] model_file=[@D@/new.aemodel.zip] epochs=0"
row truncated-tiff 1 'the file is truncated \([0-9]+ of [0-9]+ bytes\)' M "denoise input=[@D@/truncated.tif] model_file=[@D@/model.aemodel.zip] output=[@D@/out.tif]"
row truncated-in-folder 1 'cut.tif: .*the file is truncated' M "denoiseFolder input_folder=[@D@/in-truncated] output_folder=[@D@/out] model_file=[@D@/model.aemodel.zip]"
row typo-epoch 1 "unknown key 'epoch'.*did you mean epochs=" M "train input=[@D@/train.tif] model_file=[@D@/new.aemodel.zip] epoch=5"
row typo-tile_sise 1 "unknown key 'tile_sise'.*did you mean tile_size=" M "denoise input=[@D@/in/a.tif] model_file=[@D@/model.aemodel.zip] output=[@D@/out.tif] tile_sise=64"
row output_type-16bit 1 'output_type=16bit is not one of the choices' M "denoise input=[@D@/in/a.tif] model_file=[@D@/model.aemodel.zip] output=[@D@/out.tif] output_type=16bit"
row repeated-key 1 'epochs= is given twice' M "train input=[@D@/train.tif] model_file=[@D@/new.aemodel.zip] epochs=2 epochs=3"
row empty-folder 1 'has no images \(looked for .tif' M "denoiseFolder input_folder=[@D@/empty-folder] output_folder=[@D@/out] model_file=[@D@/model.aemodel.zip]"
row folder-without-images 1 'has no images \(looked for .tif' M "denoiseFolder input_folder=[@D@/text-folder] output_folder=[@D@/out] model_file=[@D@/model.aemodel.zip]"
row segment-empty-folder 1 'has no images \(looked for .tif' M "segmentFolder input_folder=[@D@/empty-folder] output_folder=[@D@/out] model_file=[@D@/model.aemodel.zip]"
row tile_size-negative 1 'tile_size=-5 is too small' M "denoise input=[@D@/in/a.tif] model_file=[@D@/model.aemodel.zip] output=[@D@/out.tif] tile_size=-5"
row tile_size-negative-command 1 'tile_size must be 0 \(automatic\) or positive' C tile-size-negative
row model-without-normalization 1 'normalization.json' M "denoise input=[@D@/in/a.tif] model_file=[@D@/no-normalization.aemodel.zip] output=[@D@/out.tif]"
row model-unknown-normalization-key 1 'percentil_low' M "denoise input=[@D@/in/a.tif] model_file=[@D@/odd-normalization.aemodel.zip] output=[@D@/out.tif]"
# -- messages a biologist can act on
row learning_rate-abc 1 'learning_rate=abc is not a number; use e.g. learning_rate=0.001' M "train input=[@D@/train.tif] model_file=[@D@/new.aemodel.zip] learning_rate=abc"
row seed-1.5 1 'seed=1.5 is not a whole number' M "train input=[@D@/train.tif] model_file=[@D@/new.aemodel.zip] seed=1.5"
row learning_rate-NaN 1 'learning_rate=NaN is not a finite number' M "train input=[@D@/train.tif] model_file=[@D@/new.aemodel.zip] learning_rate=NaN"
row no-improvement-command 1 'never improved on its starting weights' C no-improvement
row learning_rate-NaN-command 1 'learning_rate=NaN must be a positive number' C learning-rate-nan
row 64-bit-tiff 1 '64-bit samples.*save it as 32-bit' M "denoise input=[@D@/double.tif] model_file=[@D@/model.aemodel.zip] output=[@D@/out.tif]"
row folder-as-model 1 'is a folder, not a model file' M "denoise input=[@D@/in/a.tif] model_file=[@D@/a-folder] output=[@D@/out.tif]"
row empty-image-command 1 'is empty \(0 x 0 pixels' C empty-image
row label-image-without-0-command 1 'no pixel is 0.*needs 0 for background' C label-no-zero
row unwritable-model-path 1 'model_file .*cannot write in the folder' M "train input=[@D@/train.tif] model_file=[/proc/bench.aemodel.zip] epochs=50"
row long-denoise-progress 0 'denoise: [0-9]+% \([0-9]+ of [0-9]+ tiles.*per s, about .* left' M "denoise input=[$T/big/big.tif] model_file=[@D@/model.aemodel.zip] output=[@D@/big-denoised.tif] tile_size=128 average_orientations=true"
# -- files lost or overwritten (branch filesafety): UNCLEAR here until it is merged
row output-is-input-via-dotdot 1 'input' M "denoise input=[@D@/in/a.tif] model_file=[@D@/model.aemodel.zip] output=[@D@/in/../in/a.tif]"
row model_file-is-the-training-image 1 'image' M "train input=[@D@/train.tif] model_file=[@D@/train.tif] epochs=1 patches_per_epoch=32 patch_size=32"
row denoise-output-is-a-model 1 'model' M "denoise input=[@D@/in/a.tif] model_file=[@D@/model.aemodel.zip] output=[@D@/model.aemodel.zip]"
row train-over-existing-model 1 'overwrite' M "train input=[@D@/train.tif] model_file=[@D@/model.aemodel.zip] epochs=1 patches_per_epoch=32 patch_size=32"

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
CLEAR=$(grep -c '| CLEAR |' "$ROWS")
{
	echo "# Bad inputs (issue 15), through plain ImageJ -batch and SciJava headless"
	echo
	echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') by \`bash bench/run-bad-inputs.sh\` on branch $(git rev-parse --abbrev-ref HEAD) at $(git rev-parse --short HEAD);"
	echo "$(nproc) CPUs, load average $LOAD_START at the start and $LOAD_END at the end (other jobs shared the machine)."
	echo "Via: M = \`call(\"fiji.plugin.autoencoder.MacroCalls.<entry>\", ...)\` in \`ImageJ -batch bench/bad-input-call.ijm\`, S = \`macros/train_and_denoise_folder.ijm\`, C = the SciJava command in a headless Context (no plain-ImageJ entry point trains a segmenter or takes an empty image)."
	echo "CLEAR = the expected exit code, the plugin's message names the problem (the pattern in bench/run-bad-inputs.sh), no Gson hint, and every input file byte-identical afterwards (sha256)."
	echo
	echo "$CLEAR of $n rows CLEAR."
	echo
	echo "| case | exit | first log line | verdict | inputs unchanged | via |"
	echo "|---|---|---|---|---|---|"
	cat "$ROWS"
} > bench/results/bad-inputs.md
echo "$CLEAR of $n rows CLEAR; table in bench/results/bad-inputs.md; logs in $T"
