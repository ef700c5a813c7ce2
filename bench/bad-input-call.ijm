// One MacroCalls entry point, for bench/run-bad-inputs.sh: the argument is "<entry> <options>", e.g. "denoise model_file=[/m.zip] output=[/o.tif]".
args = getArgument();
i = indexOf(args, " ");
if (i < 0) { entry = args; options = ""; } else { entry = substring(args, 0, i); options = substring(args, i + 1); }
r = call("fiji.plugin.autoencoder.MacroCalls." + entry, options);
print("macro finished: " + r);
