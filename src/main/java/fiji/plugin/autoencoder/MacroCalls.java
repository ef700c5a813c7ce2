package fiji.plugin.autoencoder;

import fiji.plugin.autoencoder.macro.ImageEntries;
import fiji.plugin.autoencoder.macro.InspectEntries;
import fiji.plugin.autoencoder.macro.ImageJThreads;
import fiji.plugin.autoencoder.macro.MacroFailure;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.macro.SegmenterEntries;
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
 * call("fiji.plugin.autoencoder.MacroCalls.trainSegmenter", "input=/data/nuclei.tif mask=/data/nuclei-mask.tif model_file=/data/nuclei.aemodel.zip epochs=40");
 * call("fiji.plugin.autoencoder.MacroCalls.segmentImage", "input=/data/more.tif model_file=/data/nuclei.aemodel.zip output_folder=/data/seg");
 * call("fiji.plugin.autoencoder.MacroCalls.reconstruct", "input=/data/a.tif model_file=/data/ae.aemodel.zip output=/data/a-reconstruction.tif");
 * call("fiji.plugin.autoencoder.MacroCalls.lossCurves", "model_file=/data/nuclei.aemodel.zip output_folder=/data/inspect");
 * call("fiji.plugin.autoencoder.MacroCalls.pcaPlot", "model_file=/data/ae.aemodel.zip input_folder=/data/items output_folder=/data/inspect");
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

	/** Train Segmenter on input= (or the current image) and mask=; the keys of Plugins > Autoencoder > Train Segmenter. */
	public static String trainSegmenter( final String options )
	{
		return SegmenterEntries.trainSegmenter( options );
	}

	/** Segment Image with a Train Segmenter model; with output_folder writes probability, mask, labels and objects CSV. Returns the number of objects. */
	public static String segmentImage( final String options )
	{
		return SegmenterEntries.segmentImage( options );
	}

	/** Reconstruct Image: shows the reconstruction, or saves it to output=path. */
	public static String reconstruct( final String options )
	{
		return ImageEntries.reconstruct( options );
	}

	/** Inspect > Model Summary: model-summary.txt and .csv into output_folder; returns the parameter count. */
	public static String modelSummary( final String options )
	{
		return InspectEntries.modelSummary( options );
	}

	/** Inspect > Loss Curves: loss-curves.csv and .png into output_folder; returns the number of epochs. */
	public static String lossCurves( final String options )
	{
		return InspectEntries.lossCurves( options );
	}

	/** Inspect > Encode to Table: codes.csv into output_folder (items: input= or input_folder=); returns the number of items. */
	public static String encodeToTable( final String options )
	{
		return InspectEntries.encodeToTable( options );
	}

	/** Inspect > PCA Plot: pca-2d.png, pca-3d.png, pca-coordinates.csv and pca-variance.csv into output_folder; returns the number of items. */
	public static String pcaPlot( final String options )
	{
		return InspectEntries.pcaPlot( options );
	}

	/** Inspect > Reconstruction Montage: montage.png into output_folder; returns its path. */
	public static String reconstructionMontage( final String options )
	{
		return InspectEntries.reconstructionMontage( options );
	}

	/** Stops the macro with this message as a failing entry point does (in a command-line -batch run ImageJ exits with status 1); for checks in macros. */
	public static String error( final String message )
	{
		return MacroFailure.error( message );
	}
}
