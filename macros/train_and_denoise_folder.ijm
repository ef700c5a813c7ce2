// Trains a self-supervised denoiser on one noisy image, then denoises every image of a folder.
// Plain ImageJ, headless (e.g. a cluster node; no display needed):
//   java -cp "ij.jar:fiji-autoencoder_-0.1.0.jar:lib/*" ij.ImageJ -batch macros/train_and_denoise_folder.ijm \
//     "train_image=/data/noisy.tif input_folder=/data/in output_folder=/data/out model_file=/data/n2v.aemodel.zip epochs=10"
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
	// NB: input=<path> instead of open(): plain ImageJ's open() needs a display in -batch mode
	call("fiji.plugin.autoencoder.MacroCalls.train", "input=[" + arg("train_image", "") + "] mode=[" + arg("mode", "Denoise (self-supervised)") + "] model_file=[" + model + "] overwrite=" + arg("overwrite", "false")
		+ " epochs=" + arg("epochs", "10") + " patches_per_epoch=" + arg("patches_per_epoch", "512") + " patch_size=" + arg("patch_size", "64")
		+ " batch_size=" + arg("batch_size", "16") + " seed=" + arg("seed", "42"));
}
call("fiji.plugin.autoencoder.MacroCalls.denoiseFolder", "input_folder=[" + arg("input_folder", "") + "] output_folder=[" + arg("output_folder", "") + "] model_file=[" + model + "]"
	+ " shard_index=" + arg("shard_index", "0") + " shard_count=" + arg("shard_count", "1"));
print("done");
