package fiji.plugin.autoencoder.macro;

import java.io.File;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.StoredNormalization;
import fiji.plugin.autoencoder.workflow.Setting;
import fiji.plugin.autoencoder.workflow.Settings;
import fiji.plugin.autoencoder.io.TiffCheck;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.model.Precision;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;

/**
 * The keys each {@code MacroCalls} entry point knows, and the settings read
 * from them: one place, so that the entry points check their options the same
 * way and an unknown key is refused everywhere.
 */
public final class MacroSettings
{
	private MacroSettings()
	{}

	public static final List< String > TRAIN_KEYS = keys( Settings.TRAIN, "input", "target", "validation_image",
			"validation_target" );

	public static final List< String > DENOISE_KEYS = keys( Settings.DENOISE, "input", "output" );

	public static final List< String > FOLDER_DENOISE_KEYS = keys( Settings.DENOISE_FOLDER );

	public static final List< String > SEGMENT_KEYS = keys( Settings.SEGMENT, "input", "output_folder" );

	public static final List< String > FOLDER_SEGMENT_KEYS = keys( Settings.SEGMENT_FOLDER );

	public static final List< String > TRAIN_SEGMENTER_KEYS = keys( Settings.TRAIN_SEGMENTER, "input", "mask",
			"validation_image", "validation_mask" );

	public static final List< String > SEGMENT_IMAGE_KEYS = keys( Settings.SEGMENT_IMAGE, "input", "output_folder" );

	public static final List< String > RECONSTRUCT_KEYS = keys( Settings.RECONSTRUCT, "input", "output" );

	public static final List< String > INSPECT_KEYS = keys( Settings.INSPECT );

	public static final List< String > ENCODE_KEYS = keys( Settings.ENCODE_TO_TABLE, "input" );

	public static final List< String > PCA_KEYS = keys( Settings.PCA_PLOT, "input" );

	public static final List< String > MONTAGE_KEYS = keys( Settings.RECONSTRUCTION_MONTAGE, "input" );

	/** The keys of an operation's settings, and keys only the macro entry has (images by path or title, where to write). */
	private static List< String > keys( final List< Setting > operation, final String... more )
	{
		final List< String > all = new ArrayList<>();
		for ( final Setting s : operation )
			all.add( s.key );
		all.addAll( Arrays.asList( more ) );
		return Collections.unmodifiableList( all );
	}

	/** An integer setting with the operation's default and minimum. */
	static int integer( final MacroOptions o, final List< Setting > operation, final String key )
	{
		final Setting s = Settings.of( operation, key );
		return o.integer( key, s.defaultInt(), s.min.intValue() );
	}

	/** A number setting with the operation's default and minimum. */
	static double number( final MacroOptions o, final List< Setting > operation, final String key,
			final String example )
	{
		final Setting s = Settings.of( operation, key );
		return o.number( key, s.defaultNumber(), s.min == null ? -Double.MAX_VALUE : s.min, example );
	}

	/** The folder run of input_folder into output_folder, shard shard_index of shard_count. */
	public static FolderProcessor folder( final MacroOptions o, final String suffix )
	{
		return new FolderProcessor( o.path( "input_folder" ), o.path( "output_folder" ), suffix ).shard(
				integer( o, Settings.DENOISE_FOLDER, "shard_index" ),
				integer( o, Settings.DENOISE_FOLDER, "shard_count" ) );
	}

	/** The settings of Segment by Reconstruction from its macro keys, with the defaults of the operation ({@link Settings#SEGMENT} or {@link Settings#SEGMENT_FOLDER}). */
	public static ReconstructionSegmenter.Settings segmentSettings( final MacroOptions o,
			final List< Setting > operation )
	{
		final Setting method = Settings.of( operation, "threshold_method" );
		final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of(
				o.string( method.key, method.defaultValue ),
				number( o, operation, "threshold_value", "0.5" ), number( o, operation, "smoothing_sigma", "1" ),
				integer( o, operation, "min_size" ) );
		s.map.tiling( tiles( o ) )
				.smoothSigned( o.bool( "smooth_signed", Settings.of( operation, "smooth_signed" ).defaultFlag() ) );
		final double seed = number( o, operation, "seed_threshold", "0.9" ),
				seedRate = number( o, operation, "seed_false_positive_rate", "0.0001" );
		if ( seed > 0 )
			s.seedThreshold = seed;
		if ( seedRate > 0 )
			s.seedFalsePositiveRate = seedRate;
		if ( s.needsNormalImage() && !o.string( "normal_image", "" ).isEmpty() )
			s.normalImage = image( o, "normal_image" );
		return s;
	}

	/** output_type: "Same as input" (default) or "32-bit"; another value is refused. */
	public static OutputType outputType( final MacroOptions o )
	{
		final Setting t = Settings.OUTPUT_TYPE;
		return "32-bit".equals( o.choice( t.key, t.defaultValue, t.choices.toArray( new String[ 0 ] ) ) )
				? OutputType.FLOAT_32 : OutputType.SAME_AS_INPUT;
	}

	/** tile_size (0: automatic; negative refused), average_orientations, normalization and precision. */
	public static ImageRunner.Options tiles( final MacroOptions o )
	{
		return tiles( o, Settings.AVERAGE_ORIENTATIONS.defaultFlag() );
	}

	/** {@link #tiles(MacroOptions)} for denoising: average_orientations takes the denoise default ({@code Settings.DENOISE}). */
	public static ImageRunner.Options denoiseTiles( final MacroOptions o )
	{
		return tiles( o, Settings.of( Settings.DENOISE, "average_orientations" ).defaultFlag() );
	}

	private static ImageRunner.Options tiles( final MacroOptions o, final boolean averageByDefault )
	{
		final ImageRunner.Options t = new ImageRunner.Options();
		final int size = integer( o, Settings.DENOISE, "tile_size" );
		if ( size > 0 )
			t.tileSize = new int[] { size, size };
		t.averageOrientations = o.bool( "average_orientations", averageByDefault );
		t.refitNormalization = StoredNormalization.refit( o.string( "normalization", "" ) );
		final Setting p = Settings.PRECISION;
		t.precision = Precision.of( o.choice( p.key, p.defaultValue, p.choices.toArray( new String[ 0 ] ) ) );
		return t;
	}

	/** threads=N (0 or absent: the system property autoencoder.threads, else all cores). */
	/** training_precision: float32 or bfloat16. */
	public static String trainingPrecision( final MacroOptions o )
	{
		final Setting p = Settings.TRAINING_PRECISION;
		return o.choice( p.key, p.defaultValue, p.choices.toArray( new String[ 0 ] ) );
	}

	public static int threads( final MacroOptions o )
	{
		return integer( o, Settings.DENOISE, "threads" );
	}

	/** input=path opens a file, input=title picks an open image, no key takes the current image. */
	public static ImagePlus image( final MacroOptions o, final String key )
	{
		final String v = o.string( key, "" );
		if ( !v.isEmpty() )
		{
			if ( new File( v ).isFile() )
			{
				TiffCheck.check( Paths.get( v ) );
				final ImagePlus imp = IJ.openImage( v );
				if ( imp == null )
					throw new IllegalArgumentException( key + "=" + v + ": ImageJ cannot open this file" );
				return imp;
			}
			final ImagePlus byTitle = WindowManager.getImage( v );
			if ( byTitle == null )
				throw new IllegalArgumentException(
						key + "=" + v + " is neither a file nor the title of an open image" );
			return byTitle;
		}
		final ImagePlus current = WindowManager.getCurrentImage();
		if ( current == null )
			throw new IllegalArgumentException(
					"No image is open (" + key + "): open an image first or give " + key + "=<path>" );
		return current;
	}
}
