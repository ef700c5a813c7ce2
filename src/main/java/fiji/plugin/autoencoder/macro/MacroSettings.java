package fiji.plugin.autoencoder.macro;

import java.io.File;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.denoise.FolderProcessor;
import fiji.plugin.autoencoder.io.TiffCheck;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
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

	private static final List< String > TILES = Arrays.asList( "tile_size", "average_orientations", "threads" );

	public static final List< String > TRAIN_KEYS = Arrays.asList( "input", "target", "mode", "noise", "resume", "overwrite", "seed", "learning_rate", "validation_fraction", "l2",
			"patch_size", "patches_per_epoch", "epochs", "batch_size", "patience", "model_file", "threads", "minutes", "channels" );

	public static final List< String > DENOISE_KEYS = keys( TILES, "input", "model_file", "output", "output_type", "suffix", "normalization" );

	public static final List< String > FOLDER_DENOISE_KEYS = keys( TILES, "input_folder", "output_folder", "model_file", "suffix", "shard_index", "shard_count", "output_type", "normalization" );

	private static final List< String > SEGMENTATION = keys( TILES, "model_file", "threshold_method", "threshold_value", "smoothing_sigma", "smooth_signed", "min_size",
			"seed_threshold", "normal_image", "seed_false_positive_rate" );

	public static final List< String > SEGMENT_KEYS = keys( SEGMENTATION, "input", "output_folder" );

	public static final List< String > FOLDER_SEGMENT_KEYS = keys( SEGMENTATION, "input_folder", "output_folder", "shard_index", "shard_count" );

	private static List< String > keys( final List< String > common, final String... more )
	{
		final List< String > all = new ArrayList<>( Arrays.asList( more ) );
		all.addAll( common );
		return all;
	}

	/** The folder run of input_folder into output_folder, shard shard_index of shard_count. */
	public static FolderProcessor folder( final MacroOptions o, final String suffix )
	{
		return new FolderProcessor( o.path( "input_folder" ), o.path( "output_folder" ), suffix ).shard( o.integer( "shard_index", 0, 0 ), o.integer( "shard_count", 1, 1 ) );
	}

	/** The settings of Segment by Reconstruction from its macro keys. */
	public static ReconstructionSegmenter.Settings segmentSettings( final MacroOptions o )
	{
		final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( o.string( "threshold_method", "Otsu" ),
				o.number( "threshold_value", 99, -Double.MAX_VALUE, "99" ), o.number( "smoothing_sigma", 1, 0, "1" ), o.integer( "min_size", 10, 0 ) );
		s.map.tiling( tiles( o ) ).smoothSigned( o.bool( "smooth_signed", false ) );
		final double seed = o.number( "seed_threshold", 0, 0, "0.9" ), seedRate = o.number( "seed_false_positive_rate", 0, 0, "0.0001" );
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
		return "32-bit".equals( o.choice( "output_type", "Same as input", "Same as input", "32-bit" ) ) ? OutputType.FLOAT_32 : OutputType.SAME_AS_INPUT;
	}

	/** tile_size (0: automatic; negative refused) and average_orientations. */
	public static ImageRunner.Options tiles( final MacroOptions o )
	{
		return tiles( o, false );
	}

	/** {@link #tiles(MacroOptions)} for denoising: average_orientations defaults to {@code denoise.Denoiser.AVERAGE_ORIENTATIONS}. */
	public static ImageRunner.Options denoiseTiles( final MacroOptions o )
	{
		return tiles( o, fiji.plugin.autoencoder.denoise.Denoiser.AVERAGE_ORIENTATIONS );
	}

	private static ImageRunner.Options tiles( final MacroOptions o, final boolean averageByDefault )
	{
		final ImageRunner.Options t = new ImageRunner.Options();
		final int size = o.integer( "tile_size", 0, 0 );
		if ( size > 0 )
			t.tileSize = new int[] { size, size };
		t.averageOrientations = o.bool( "average_orientations", averageByDefault );
		t.refitNormalization = fiji.plugin.autoencoder.convert.StoredNormalization.refit( o.string( "normalization", "" ) );
		return t;
	}

	/** threads=N (0 or absent: the system property autoencoder.threads, else all cores). */
	public static int threads( final MacroOptions o )
	{
		return o.integer( "threads", 0, 0 );
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
				throw new IllegalArgumentException( key + "=" + v + " is neither a file nor the title of an open image" );
			return byTitle;
		}
		final ImagePlus current = WindowManager.getCurrentImage();
		if ( current == null )
			throw new IllegalArgumentException( "No image is open (" + key + "): open an image first or give " + key + "=<path>" );
		return current;
	}
}
