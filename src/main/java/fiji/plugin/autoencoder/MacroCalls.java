package fiji.plugin.autoencoder;

import static fiji.plugin.autoencoder.macro.MacroSettings.*;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.CancellationException;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.denoise.Denoiser;
import fiji.plugin.autoencoder.denoise.FolderProcessor;
import fiji.plugin.autoencoder.commands.TrainingSettings;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.io.ModelOutput;
import fiji.plugin.autoencoder.io.OutputPaths;
import fiji.plugin.autoencoder.macro.BatchProgress;
import fiji.plugin.autoencoder.macro.ImageJThreads;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.SegmentationFiles;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;
import ij.macro.Interpreter;

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
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "train", TRAIN_KEYS );
			final ImagePlus input = image( o, "input" );
			final TrainingSettings settings = new TrainingSettings();
			settings.mode = o.string( "mode", settings.mode );
			settings.noise = o.string( "noise", settings.noise );
			settings.resume = o.bool( "resume", false );
			settings.overwrite = o.bool( ModelOutput.OVERWRITE_KEY, false );
			settings.seed = o.wholeNumber( "seed", settings.seed, Long.MIN_VALUE );
			settings.learningRate = o.number( "learning_rate", settings.learningRate, 0, "0.001" );
			settings.validationFraction = o.number( "validation_fraction", settings.validationFraction, 0, "0.1" );
			settings.l2 = o.number( "l2", 0, 0, "0.0001" );
			settings.patchSize = o.integer( "patch_size", settings.patchSize, 1 );
			settings.patchesPerEpoch = o.integer( "patches_per_epoch", settings.patchesPerEpoch, 1 );
			settings.epochs = o.integer( "epochs", settings.epochs, 1 );
			settings.batchSize = o.integer( "batch_size", settings.batchSize, 1 );
			settings.patience = o.integer( "patience", settings.patience, 0 );
			settings.threads = threads( o );
			settings.minutes = o.number( "minutes", 0, 0, "5" );
			settings.channels = o.string( "channels", settings.channels );
			final ImagePlus target = o.string( "target", "" ).isEmpty() ? null : image( o, "target" );
			final ImageTrainingJob job = settings.job( input, target, o.path( "model_file" ) );
			final ImageTrainingJob.Result r = settings.run( job, input, target, new TrainingListener()
			{
				@Override
				public void epochEnded( final History.Epoch e, final History h )
				{
					IJ.log( "Autoencoder: " + e );
				}
			}, Progress.none() );
			final String msg = r.training.message + " Saved " + r.modelFile;
			IJ.log( "Autoencoder: " + msg );
			if ( r.training.bestEpoch == 0 && !settings.resume && r.training.reason != Trainer.StopReason.CANCELLED )
				throw new IllegalStateException( "the training never improved on its starting weights, so " + r.modelFile + " holds an untrained model: "
						+ "check the image (is there structure to learn?), lower learning_rate, or train more epochs or patches_per_epoch" );
			final String hint = r.history.overfittingHint();
			if ( hint != null )
				IJ.log( "Autoencoder: note: " + settings.networkName() + hint );
			if ( settings.quality != null )
				IJ.log( "Autoencoder: " + settings.quality.message() );
			return msg;
		}
		catch ( final Exception e )
		{
			return fail( "train", e );
		}
	}

	/** Denoises the current image (or input=path); shows the result, or saves it to output=path (TIFF, atomically). */
	public static String denoise( final String options )
	{
		final MacroOptions o;
		final OutputType type;
		final ImageRunner.Options tiles;
		try // NB: every key is checked before the model loads
		{
			o = MacroOptions.parse( options, "denoise", DENOISE_KEYS );
			type = outputType( o );
			tiles = denoiseTiles( o );
		}
		catch ( final RuntimeException e )
		{
			return fail( "denoise", e );
		}
		try ( ModelFile.Loaded model = ModelFile.load( o.path( "model_file" ), threads( o ) ) )
		{
			final ImagePlus input = image( o, "input" );
			final String output = o.string( "output", "" );
			final Path target = output.isEmpty() ? null : Paths.get( output ).toAbsolutePath();
			if ( target != null ) // before the work: never over the input (real paths) or a model file
			{
				OutputPaths.refuseInput( target, input.getOriginalFileInfo() == null ? null : new File( input.getOriginalFileInfo().getFilePath() ).toPath(), o.path( "model_file" ) );
				OutputPaths.checkImageTarget( target );
			}
			logNote( Denoiser.normalizationNote( model, tiles ) );
			final ImagePlus out = Denoiser.apply( model, input, type, o.string( "suffix", "denoised" ), tiles, BatchProgress.forMacro( "denoise" ) );
			if ( target == null )
			{
				out.show();
				return out.getTitle();
			}
			FolderProcessor.saveTiffAtomically( out, target );
			return target.toString();
		}
		catch ( final Exception e )
		{
			return fail( "denoise", e );
		}
	}

	/** Denoises every image of input_folder into output_folder (keys: suffix, shard_index, shard_count, output_type, tile_size, average_orientations). */
	public static String denoiseFolder( final String options )
	{
		final MacroOptions o;
		final OutputType type;
		final ImageRunner.Options tiles;
		final FolderProcessor folder;
		final String suffix;
		try
		{
			o = MacroOptions.parse( options, "denoise folder", FOLDER_DENOISE_KEYS );
			type = outputType( o );
			tiles = denoiseTiles( o );
			folder = folder( o, suffix = o.string( "suffix", "denoised" ) );
		}
		catch ( final RuntimeException e )
		{
			return fail( "denoise folder", e );
		}
		try ( ModelFile.Loaded model = ModelFile.load( o.path( "model_file" ), threads( o ) ) )
		{
			logNote( Denoiser.normalizationNote( model, tiles ) );
			return finished( "denoise folder", folder.run( imp -> Denoiser.apply( model, imp, type, suffix, tiles, BatchProgress.forMacro( "denoise " + imp.getTitle() ) ), MacroCalls::log, Progress.none() ) );
		}
		catch ( final Exception e )
		{
			return fail( "denoise folder", e );
		}
	}

	/**
	 * Segment by Reconstruction on the current image (or input=path) with an
	 * autoencoder or anomaly segmenter model file; the keys of the Fiji command
	 * (threshold_method, threshold_value, smoothing_sigma, smooth_signed,
	 * min_size, seed_threshold, normal_image, seed_false_positive_rate,
	 * tile_size, average_orientations). Shows map, mask
	 * and labels, or with output_folder=path writes {@code <title>-anomaly.tif},
	 * {@code -mask.tif}, {@code -labels.tif} and {@code -objects.csv} there
	 * (atomically; never over the input). Returns the number of objects.
	 */
	public static String segment( final String options )
	{
		final MacroOptions o;
		final ReconstructionSegmenter.Settings s;
		try
		{
			o = MacroOptions.parse( options, "segment", SEGMENT_KEYS );
			s = segmentSettings( o );
		}
		catch ( final RuntimeException e )
		{
			return fail( "segment", e );
		}
		try ( ModelFile.Loaded model = ModelFile.load( o.path( "model_file" ), threads( o ) ) )
		{
			final ImagePlus input = image( o, "input" );
			final Segmentation seg = ReconstructionSegmenter.segment( model, input, s, BatchProgress.forMacro( "segment" ) );
			final String folder = o.string( "output_folder", "" );
			if ( folder.isEmpty() )
			{
				seg.score.show();
				seg.mask.show();
				seg.labels.show();
				seg.table.show( "Objects of " + input.getTitle() );
			}
			else
			{
				final String base = input.getShortTitle() == null || input.getShortTitle().isEmpty() ? "image" : input.getShortTitle();
				final Path in = input.getOriginalFileInfo() == null ? null : new File( input.getOriginalFileInfo().getFilePath() ).toPath();
				SegmentationFiles.write( seg, Paths.get( folder ), base, in );
			}
			IJ.log( "Autoencoder: segment: " + seg.summary() );
			return Integer.toString( seg.objectCount );
		}
		catch ( final Exception e )
		{
			return fail( "segment", e );
		}
	}

	/**
	 * Segment by Reconstruction over a folder: input_folder, output_folder,
	 * model_file, shard_index, shard_count and the keys of {@link #segment}.
	 * Per image {@code <name>-anomaly.tif}, {@code -mask.tif},
	 * {@code -objects.csv} and {@code -labels.tif} (written last: images whose
	 * label image exists are skipped, so a rerun or a SLURM array task resumes).
	 * A calibrating normal_image is mapped once. Returns the summary line.
	 */
	public static String segmentFolder( final String options )
	{
		final MacroOptions o;
		final FolderProcessor folder;
		final ReconstructionSegmenter.Settings s;
		try
		{
			o = MacroOptions.parse( options, "segment folder", FOLDER_SEGMENT_KEYS );
			folder = folder( o, SegmentationFiles.LABELS );
			s = segmentSettings( o );
		}
		catch ( final RuntimeException e )
		{
			return fail( "segment folder", e );
		}
		try ( ModelFile.Loaded model = ModelFile.load( o.path( "model_file" ), threads( o ) ) )
		{
			return finished( "segment folder", ReconstructionSegmenter.segmentFolder( model, folder, s, MacroCalls::log, Progress.none() ) );
		}
		catch ( final Exception e )
		{
			return fail( "segment folder", e );
		}
	}

	/** Stops the macro with this message as a failing entry point does (in a command-line -batch run ImageJ exits with status 1); for checks in macros. */
	public static String error( final String message )
	{
		return fail( "macro", new IllegalArgumentException( message ) );
	}

	/** Logs a folder run's summary and returns it; failed files end the macro (after the others were done). */
	private static String finished( final String what, final FolderProcessor.Report r )
	{
		log( what + ": " + r );
		if ( !r.failed.isEmpty() )
			throw new IllegalStateException( r.failed.size() + " file(s) failed: " + r.failed );
		return r.toString();
	}

	private static void log( final String line )
	{
		IJ.log( "Autoencoder: " + line );
	}

	private static void logNote( final String note )
	{
		if ( note != null )
			IJ.log( "Autoencoder: note: " + note );
	}

	static String fail( final String what, final Exception e )
	{
		final String msg = "Autoencoder " + what + ( e instanceof CancellationException ? " cancelled: " : " failed: " ) + ( e.getMessage() == null ? e.toString() : e.getMessage() );
		IJ.log( msg );
		final Interpreter interp = Interpreter.getInstance();
		if ( interp != null && commandLineBatchRun() )
		{
			System.out.flush();
			System.exit( 1 ); // NB: ImageJ -batch ends the JVM after the macro anyway, but with status 0
		}
		if ( interp != null )
		{
			if ( java.awt.GraphicsEnvironment.isHeadless() )
				Interpreter.abort(); // NB: abort( message ) opens a dialog, impossible without a display; the message is in the log
			else
				interp.abort( msg );
		}
		return "error: " + msg;
	}

	/** True in {@code ImageJ -batch macro.ijm}: no ImageJ window, and ImageJ will exit when the macro ends. */
	private static boolean commandLineBatchRun()
	{
		final String[] args = ij.ImageJ.getArgs();
		return IJ.getInstance() == null && args != null && Arrays.asList( args ).contains( "-batch" );
	}
}
