// Trains an anomaly segmenter on one defect-free image, then segments every image of a folder by reconstruction.
// Plain ImageJ, headless (e.g. a cluster node; no display needed):
//   java -cp "ij.jar:fiji-autoencoder_-0.1.0.jar:lib/*" ij.ImageJ -batch macros/train_and_segment_folder.ijm \
//     "normal_image=/data/normal.tif input_folder=/data/parts output_folder=/data/defects model_file=/data/defects.aemodel.zip epochs=40"
// Per image it writes <name>-anomaly.tif (the probability of an anomaly), -mask.tif, -labels.tif and -objects.csv.
// Give check_image=<a second defect-free image, not the training one> to keep only objects that reach the value 1e-4
// of its pixels exceed (seed_false_positive_rate); without it the seed is the fixed seed_threshold (0.99).
// In a SLURM array, train once beforehand, then run each task with train=false shard_index=$SLURM_ARRAY_TASK_ID shard_count=$SLURM_ARRAY_TASK_COUNT:
// train=true (the default) with shard_count > 1 stops the macro (exit status 1) before anything is trained.
// An existing model_file is replaced only with overwrite=true (a rerun that should reuse it: train=false).
// NB: "var" makes args visible inside functions; function results are assigned before comparing them
var args = getArgument();
function arg(key, def) { return call("ij.Macro.getValue", args, key, def); }

model = arg("model_file", "");
if (model == "") exit("Missing model_file=<path>");
train = arg("train", "true");
// one model file for all tasks: an array whose tasks all trained would train into one file at once (the file's lock stops all but one)
shards = arg("shard_count", "1");
if (train == "true" && shards != "1")
	call("fiji.plugin.autoencoder.MacroCalls.error", "train=true with shard_count=" + shards + " > 1: every array task would train into " + model
		+ ". Train once before the array (without shard_count), then run the tasks with train=false");
if (train == "true") {
	call("fiji.plugin.autoencoder.MacroCalls.train", "input=[" + arg("normal_image", "") + "] mode=[Anomaly segmenter (normal images)] model_file=[" + model + "] overwrite=" + arg("overwrite", "false")
		+ " epochs=" + arg("epochs", "40") + " patches_per_epoch=" + arg("patches_per_epoch", "1024") + " patch_size=" + arg("patch_size", "64")
		+ " patience=0 seed=" + arg("seed", "42"));
}
dir = arg("input_folder", "");
if (dir == "") exit("Missing input_folder=<path>");
check = arg("check_image", "");
if (check == "")
	seed = " seed_threshold=" + arg("seed_threshold", "0.99");
else
	seed = " normal_image=[" + check + "] seed_false_positive_rate=" + arg("seed_false_positive_rate", "0.0001");
// probability above 0.5; objects kept if they reach the seed value (hysteresis), averaged over 8 orientations;
// images whose -labels.tif exists are skipped, so a rerun resumes; shard_index/shard_count split the folder
summary = call("fiji.plugin.autoencoder.MacroCalls.segmentFolder", "input_folder=[" + dir + "] output_folder=[" + arg("output_folder", "") + "] model_file=[" + model + "]"
	+ " threshold_method=Value threshold_value=" + arg("threshold", "0.5") + seed + " smoothing_sigma=0"
	+ " min_size=" + arg("min_size", "10") + " average_orientations=" + arg("average_orientations", "true")
	+ " shard_index=" + arg("shard_index", "0") + " shard_count=" + arg("shard_count", "1"));
print(summary);
print("done");
