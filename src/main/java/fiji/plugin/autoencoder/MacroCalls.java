package fiji.plugin.autoencoder;

import fiji.plugin.autoencoder.macro.ImageEntries;
import fiji.plugin.autoencoder.macro.ImageJThreads;
import fiji.plugin.autoencoder.macro.MacroFailure;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.macro.TrainEntry;

/**
 * Entry points for ImageJ macros in plain ImageJ (no Fiji, no SciJava), e.g. on
 * a cluster node with {@code java -cp ij.jar:... ij.ImageJ -batch macro.ijm}:
 *
 * <pre>
 * open("/data/noisy.tif");
 * call("fiji.plugin.autoencoder.MacroCalls.train", "mode=[Denoise (self-supervised)] model_file=/data/n2v.aemodel.zip epochs=10");
 * call("fiji.plugin.autoencoder.MacroCalls.denoise", "model_file=/data/n2v.aemodel.zip output=/data/denoised.tif");
 * call("fiji.plugin.autoencoder.MacroCalls.denoiseFolder", "input_folder=/data/in output_folder=/data/out model_file=/data/n2v.aemodel.zip");
 * call("fiji.plugin.autoencoder.MacroCalls.segment", "input=/data/part.tif model_file=/data/defects.aemodel.zip threshold_method=Value threshold_value=0.5 output_folder=/data/seg");
 * call("fiji.plugin.autoencoder.MacroCalls.segmentFolder", "input_folder=/data/parts output_folder=/data/seg model_file=/data/defects.aemodel.zip threshold_method=Value threshold_value=0.5");
 * </pre>
 *
 * Keys are those of the Fiji commands (snake_case), plus {@code threads=N}
 * (TensorFlow threads; default {@code -Dautoencoder.threads}, else all cores);
 * an unknown or repeated key, or a value of the wrong kind, is refused before
 * any work ({@link MacroOptions}). The image is the current one unless
 * {@code input=path} names a file. Progress goes to the Log window (stdout in
 * batch mode, a line about every 10 s without an ImageJ window). An error
 * aborts the macro with a one-line message; in a command-line {@code -batch}
 * run ImageJ then exits with status 1 (it would exit with 0), so a cluster job
 * or SLURM array task shows as failed.
 * <p>
 * A thin facade, kept under this name because users' macros call it: the
 * work is done in the {@code macro} package.
 */
public final class MacroCalls
{
	private MacroCalls()
	{}

	static
	{
		ImageJThreads.useDaemonThreads(); // NB: else ImageJ's filter pool keeps a plain Java program alive after a segmentation
	}

	/** Trains on the current image (or input=path); see Plugins > Autoencoder > Train Autoencoder for the keys. */
	public static String train( final String options )
	{
		return TrainEntry.train( options );
	}

	/** Denoises the current image (or input=path); shows the result, or saves it to output=path (TIFF, atomically). */
	public static String denoise( final String options )
	{
		return ImageEntries.denoise( options );
	}

	/** Denoises every image of input_folder into output_folder (keys: suffix, shard_index, shard_count, output_type, tile_size, average_orientations). */
	public static String denoiseFolder( final String options )
	{
		return ImageEntries.denoiseFolder( options );
	}

	/** Segment by Reconstruction on the current image (or input=path); see {@link ImageEntries#segment}. Returns the number of objects. */
	public static String segment( final String options )
	{
		return ImageEntries.segment( options );
	}

	/** Segment by Reconstruction over a folder; see {@link ImageEntries#segmentFolder}. Returns the summary line. */
	public static String segmentFolder( final String options )
	{
		return ImageEntries.segmentFolder( options );
	}

	/** Stops the macro with this message as a failing entry point does (in a command-line -batch run ImageJ exits with status 1); for checks in macros. */
	public static String error( final String message )
	{
		return MacroFailure.error( message );
	}
}
