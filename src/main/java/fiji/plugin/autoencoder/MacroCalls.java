package fiji.plugin.autoencoder;

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
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.SegmentationFiles;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
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
 * Keys are those of the Fiji commands (snake_case). The image is the current
 * one unless {@code input=path} names a file. Progress goes to the Log window
 * (stdout in batch mode). An error aborts the macro with a one-line message;
 * in a command-line {@code -batch} run ImageJ then exits with status 1 (it
 * would exit with 0), so a cluster job or SLURM array task shows as failed.
 */
public final class MacroCalls
{
	private MacroCalls()
	{}

	/** Trains on the current image (or input=path); see Plugins > Autoencoder > Train Autoencoder for the keys. */
	public static String train( final String options )
	{
		try
		{
			final ImagePlus input = image( options, "input" );
			final TrainingSettings settings = new TrainingSettings();
			settings.mode = value( options, "mode", settings.mode );
			settings.noise = value( options, "noise", settings.noise );
			settings.resume = Boolean.parseBoolean( value( options, "resume", "false" ) );
			settings.seed = Long.parseLong( value( options, "seed", "42" ) );
			settings.learningRate = Double.parseDouble( value( options, "learning_rate", "0.001" ) );
			settings.validationFraction = Double.parseDouble( value( options, "validation_fraction", "0.1" ) );
			settings.l2 = number( options, "l2", 0 );
			settings.patchSize = integer( options, "patch_size", settings.patchSize );
			settings.patchesPerEpoch = integer( options, "patches_per_epoch", settings.patchesPerEpoch );
			settings.epochs = integer( options, "epochs", settings.epochs );
			settings.batchSize = integer( options, "batch_size", settings.batchSize );
			settings.patience = integer( options, "patience", settings.patience );
			settings.minutes = number( options, "minutes", 0 );
			settings.channels = value( options, "channels", settings.channels );
			final ImagePlus target = value( options, "target", "" ).isEmpty() ? null : image( options, "target" );
			final ImageTrainingJob job = settings.job( input, target, path( options, "model_file" ) );
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
		try ( ModelFile.Loaded model = ModelFile.load( path( options, "model_file" ), 0 ) )
		{
			final ImagePlus input = image( options, "input" );
			final ImageRunner.Options tiles = tiles( options );
			logNote( Denoiser.normalizationNote( model, tiles ) );
			final ImagePlus out = Denoiser.apply( model, input, outputType( options ), value( options, "suffix", "denoised" ), tiles, Progress.none() );
			final String output = value( options, "output", "" );
			if ( output.isEmpty() )
			{
				out.show();
				return out.getTitle();
			}
			final Path target = Paths.get( output ).toAbsolutePath();
			if ( input.getOriginalFileInfo() != null && new File( input.getOriginalFileInfo().getFilePath() ).toPath().toAbsolutePath().equals( target ) )
				throw new IllegalArgumentException( "output " + target + " is the input file: choose another name (inputs are never overwritten)" );
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
		try ( ModelFile.Loaded model = ModelFile.load( path( options, "model_file" ), 0 ) )
		{
			final String suffix = value( options, "suffix", "denoised" );
			final OutputType type = outputType( options );
			final ImageRunner.Options tiles = tiles( options );
			logNote( Denoiser.normalizationNote( model, tiles ) );
			return finished( "denoise folder", folder( options, suffix ).run( imp -> Denoiser.apply( model, imp, type, suffix, tiles, Progress.none() ), MacroCalls::log, Progress.none() ) );
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
		try ( ModelFile.Loaded model = ModelFile.load( path( options, "model_file" ), 0 ) )
		{
			final ImagePlus input = image( options, "input" );
			final ReconstructionSegmenter.Settings s = segmentSettings( options );
			final Segmentation seg = ReconstructionSegmenter.segment( model, input, s, Progress.none() );
			final String folder = value( options, "output_folder", "" );
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
		try ( ModelFile.Loaded model = ModelFile.load( path( options, "model_file" ), 0 ) )
		{
			return finished( "segment folder", ReconstructionSegmenter.segmentFolder( model, folder( options, SegmentationFiles.LABELS ), segmentSettings( options ), MacroCalls::log, Progress.none() ) );
		}
		catch ( final Exception e )
		{
			return fail( "segment folder", e );
		}
	}

	/** The folder run of input_folder into output_folder, shard shard_index of shard_count. */
	static FolderProcessor folder( final String options, final String suffix )
	{
		return new FolderProcessor( path( options, "input_folder" ), path( options, "output_folder" ), suffix ).shard( integer( options, "shard_index", 0 ), integer( options, "shard_count", 1 ) );
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

	/** The settings of Segment by Reconstruction from its macro keys. */
	static ReconstructionSegmenter.Settings segmentSettings( final String options )
	{
		final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( value( options, "threshold_method", "Otsu" ),
				number( options, "threshold_value", 99 ), number( options, "smoothing_sigma", 1 ), integer( options, "min_size", 10 ) );
		s.map.tiling( tiles( options ) ).smoothSigned( Boolean.parseBoolean( value( options, "smooth_signed", "false" ) ) );
		final double seed = number( options, "seed_threshold", 0 ), seedRate = number( options, "seed_false_positive_rate", 0 );
		if ( seed > 0 )
			s.seedThreshold = seed;
		if ( seedRate > 0 )
			s.seedFalsePositiveRate = seedRate;
		if ( s.needsNormalImage() && !value( options, "normal_image", "" ).isEmpty() )
			s.normalImage = image( options, "normal_image" );
		return s;
	}

	static String value( final String options, final String key, final String def )
	{
		final String v = Macro.getValue( options == null ? "" : options, key, def );
		return v == null ? def : v.trim();
	}

	static double number( final String options, final String key, final double def )
	{
		final String v = value( options, key, Double.toString( def ) );
		try
		{
			return Double.parseDouble( v );
		}
		catch ( final NumberFormatException e )
		{
			throw new IllegalArgumentException( key + "=" + v + " is not a number" );
		}
	}

	static int integer( final String options, final String key, final int def )
	{
		final String v = value( options, key, Integer.toString( def ) );
		try
		{
			return Integer.parseInt( v );
		}
		catch ( final NumberFormatException e )
		{
			throw new IllegalArgumentException( key + "=" + v + " is not a whole number" );
		}
	}

	static Path path( final String options, final String key )
	{
		final String v = value( options, key, "" );
		if ( v.isEmpty() )
			throw new IllegalArgumentException( "Missing " + key + "=<path>" );
		return Paths.get( v );
	}

	static OutputType outputType( final String options )
	{
		return "32-bit".equals( value( options, "output_type", "Same as input" ) ) ? OutputType.FLOAT_32 : OutputType.SAME_AS_INPUT;
	}

	static ImageRunner.Options tiles( final String options )
	{
		final ImageRunner.Options o = new ImageRunner.Options();
		final int t = integer( options, "tile_size", 0 );
		if ( t > 0 )
			o.tileSize = new int[] { t, t };
		o.averageOrientations = Boolean.parseBoolean( value( options, "average_orientations", "false" ) );
		o.refitNormalization = fiji.plugin.autoencoder.convert.StoredNormalization.refit( value( options, "normalization", "" ) );
		return o;
	}

	private static void logNote( final String note )
	{
		if ( note != null )
			IJ.log( "Autoencoder: note: " + note );
	}

	/** input=path opens a file, input=title picks an open image, no key takes the current image. */
	static ImagePlus image( final String options, final String key )
	{
		final String v = value( options, key, "" );
		if ( !v.isEmpty() )
		{
			if ( new File( v ).isFile() )
			{
				final ImagePlus imp = IJ.openImage( v );
				if ( imp == null )
					throw new IllegalArgumentException( key + "=" + v + ": ImageJ cannot open this file" );
				return imp;
			}
			final ImagePlus byTitle = WindowManager.getImage( v );
			if ( byTitle == null )
				throw new IllegalArgumentException( key + "=" + v + " is neither a file nor the title of an open image" );
			return byTitle;
		}
		final ImagePlus current = WindowManager.getCurrentImage();
		if ( current == null )
			throw new IllegalArgumentException( "No image is open (" + key + "): open an image first or give " + key + "=<path>" );
		return current;
	}

	private static String fail( final String what, final Exception e )
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
