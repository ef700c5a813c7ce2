// The same with Fiji's SciJava commands (menu Plugins > Autoencoder), e.g. headless:
//   ImageJ-linux64 --headless --console -macro macros/fiji_train_and_denoise_folder.ijm "train_image=/data/noisy.tif input_folder=/data/in output_folder=/data/out model_file=/data/n2v.aemodel.zip"
// It trains on every run, into model_file; an existing model file is replaced only with overwrite=true. For SLURM arrays use
// train_and_denoise_folder.ijm (train once, then train=false in each task).
// NB: "var" makes args visible inside functions; function results are assigned before comparing them
var args = getArgument();
function arg(key, def) { return call("ij.Macro.getValue", args, key, def); }
model = arg("model_file", "");
open(arg("train_image", ""));
run("Train Autoencoder", "input=" + getTitle() + " mode=[Denoise (self-supervised)] model_file=[" + model + "] overwrite=" + arg("overwrite", "false") + " epochs=" + arg("epochs", "10")
	+ " patches_per_epoch=512 patch_size=64 batch_size=16 show_plot=false");
close("*");
run("Denoise Folder", "input_folder=[" + arg("input_folder", "") + "] output_folder=[" + arg("output_folder", "") + "] model_file=[" + model + "] output_type=[Same as input] suffix=denoised shard_index=0 shard_count=1 tile_size=0");
