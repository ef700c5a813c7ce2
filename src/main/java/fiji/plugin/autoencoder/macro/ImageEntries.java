package fiji.plugin.autoencoder.macro;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import static fiji.plugin.autoencoder.macro.MacroFailure.fail;
import static fiji.plugin.autoencoder.macro.MacroFailure.finished;
import static fiji.plugin.autoencoder.macro.MacroFailure.logNote;
import static fiji.plugin.autoencoder.macro.MacroSettings.*;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.io.OutputPaths;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.SegmentationFiles;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.workflow.Setting;
import fiji.plugin.autoencoder.workflow.Settings;
import ij.IJ;
import ij.ImagePlus;

/**
 * The plain-macro entries that apply a model file: {@code MacroCalls.denoise},
 * {@code denoiseFolder}, {@code segment}, {@code segmentFolder} and
 * {@code reconstruct}. Every key
 * is checked before the model loads.
 */
public final class ImageEntries
{
	private ImageEntries()
	{}

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
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models().get( o.path( "model_file" ),
				threads( o ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			logNote( ModelFileRunner.normalizationNote( model, tiles ) );
			return applyAndShowOrSave( o, model, type, o.string( "suffix", Settings.SUFFIX.defaultValue ), tiles,
					"denoise" );
		}
		catch ( final Exception e )
		{
			return fail( "denoise", e );
		}
	}

	/** Reconstruct Image: the autoencoder's output of the current image (or input=path), 32-bit unless output_type says otherwise; shows it, or saves it to output=path (TIFF, atomically, never over the input). */
	public static String reconstruct( final String options )
	{
		final MacroOptions o;
		final OutputType type;
		final ImageRunner.Options tiles;
		try
		{
			o = MacroOptions.parse( options, "reconstruct", RECONSTRUCT_KEYS );
			final Setting t = Settings.of( Settings.RECONSTRUCT, "output_type" );
			type = "32-bit".equals( o.choice( t.key, t.defaultValue, t.choices.toArray( new String[ 0 ] ) ) )
					? OutputType.FLOAT_32 : OutputType.SAME_AS_INPUT;
			tiles = tiles( o );
		}
		catch ( final RuntimeException e )
		{
			return fail( "reconstruct", e );
		}
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models().get( o.path( "model_file" ),
				threads( o ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			return applyAndShowOrSave( o, model, type, "reconstruction", tiles, "reconstruct" );
		}
		catch ( final Exception e )
		{
			return fail( "reconstruct", e );
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
			folder = folder( o, suffix = o.string( "suffix", Settings.SUFFIX.defaultValue ) );
		}
		catch ( final RuntimeException e )
		{
			return fail( "denoise folder", e );
		}
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models().get( o.path( "model_file" ),
				threads( o ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			logNote( ModelFileRunner.normalizationNote( model, tiles ) );
			return finished( "denoise folder",
					folder.run(
							imp -> ModelFileRunner.apply( model, imp, type, suffix, tiles,
									BatchProgress.forMacro( "denoise " + imp.getTitle() ) ),
							MacroFailure::log, Progress.none() ) );
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
			s = segmentSettings( o, Settings.SEGMENT );
		}
		catch ( final RuntimeException e )
		{
			return fail( "segment", e );
		}
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models().get( o.path( "model_file" ),
				threads( o ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			final ImagePlus input = image( o, "input" );
			final Segmentation seg = ReconstructionSegmenter.segment( model, input, s,
					BatchProgress.forMacro( "segment" ) );
			showOrWrite( seg, input, o.string( "output_folder", "" ), "anomaly" );
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
			s = segmentSettings( o, Settings.SEGMENT_FOLDER );
		}
		catch ( final RuntimeException e )
		{
			return fail( "segment folder", e );
		}
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models().get( o.path( "model_file" ),
				threads( o ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			return finished( "segment folder",
					ReconstructionSegmenter.segmentFolder( model, folder, s, MacroFailure::log, Progress.none() ) );
		}
		catch ( final Exception e )
		{
			return fail( "segment folder", e );
		}
	}

	/**
	 * The model applied to input=path (or the current image): shown, or saved
	 * to output=path (TIFF, atomically; the target is checked before the work:
	 * never over the input, by real path, or a model file). Returns the title or
	 * the path written.
	 */
	private static String applyAndShowOrSave( final MacroOptions o, final ModelFile.Loaded model, final OutputType type,
			final String suffix, final ImageRunner.Options tiles,
			final String operation ) throws Exception
	{
		final ImagePlus input = image( o, "input" );
		final String output = o.string( "output", "" );
		final Path target = output.isEmpty() ? null : Paths.get( output ).toAbsolutePath();
		if ( target != null )
		{
			OutputPaths.refuseInput( target, input.getOriginalFileInfo() == null ? null
					: new File( input.getOriginalFileInfo().getFilePath() ).toPath(), o.path( "model_file" ) );
			OutputPaths.checkImageTarget( target );
		}
		final ImagePlus out = ModelFileRunner.apply( model, input, type, suffix, tiles,
				BatchProgress.forMacro( operation ) );
		if ( target == null )
		{
			out.show();
			return out.getTitle();
		}
		FolderProcessor.saveTiffAtomically( out, target );
		return target.toString();
	}

	/**
	 * Shows the segmentation's score map, mask, labels and objects table, or
	 * with a non-empty {@code folder} writes them there as
	 * {@code <title>-<scoreName>.tif}, {@code -mask.tif}, {@code -objects.csv}
	 * and {@code -labels.tif} (atomically, never over the input).
	 */
	static void showOrWrite( final Segmentation seg, final ImagePlus input, final String folder,
			final String scoreName ) throws IOException
	{
		if ( folder.isEmpty() )
		{
			seg.score.show();
			seg.mask.show();
			seg.labels.show();
			seg.table.show( "Objects of " + input.getTitle() );
			return;
		}
		final String base = input.getShortTitle() == null || input.getShortTitle().isEmpty() ? "image"
				: input.getShortTitle();
		final Path in = input.getOriginalFileInfo() == null ? null
				: new File( input.getOriginalFileInfo().getFilePath() ).toPath();
		SegmentationFiles.write( seg, Paths.get( folder ), base, in, scoreName );
	}

	/** Shows the overlay, or writes it as {@code <name>-overlay.png} (a TIFF for a stack) into {@code folder}, atomically and never over the input. */
	static void showOrWriteOverlay( final ImagePlus overlay, final ImagePlus input, final String folder )
			throws IOException
	{
		if ( folder.isEmpty() )
		{
			overlay.show();
			return;
		}
		final String base = input.getShortTitle() == null || input.getShortTitle().isEmpty() ? "image"
				: input.getShortTitle();
		final Path in = input.getOriginalFileInfo() == null ? null
				: new File( input.getOriginalFileInfo().getFilePath() ).toPath();
		final Path dir = Paths.get( folder );
		if ( overlay.getStackSize() > 1 )
		{
			final Path tif = dir.resolve( base + "-overlay.tif" );
			Files.createDirectories( dir );
			if ( in != null )
				fiji.plugin.autoencoder.io.OutputPaths.refuseInput( tif, in );
			FolderProcessor.saveTiffAtomically( overlay, tif );
		}
		else
			fiji.plugin.autoencoder.features.OutputFiles.png( overlay, dir,
					base.replaceAll( "[^A-Za-z0-9._-]", "_" ) + "-overlay",
					in == null ? new Path[ 0 ] : new Path[] { in } );
	}
}
