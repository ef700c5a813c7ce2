package fiji.plugin.autoencoder.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.io.TiffCheck;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;

/**
 * The images a training (Train Autoencoder, Train Segmenter) learns from: the
 * chosen image (with its target or mask), every open image whose title
 * matches {@code title_pattern}, or every image of {@code input_folder} with
 * the file of the same name in a second folder ({@code target_folder},
 * {@code mask_folder}); with a folder, the pattern selects its files by name.
 * Images may differ in size; their channel counts must agree (the error names
 * the file that differs), and every image of a folder needs its pair (the
 * error names the image without one).
 *
 * <pre>{@code
 * TrainingInputs t = TrainingInputs.of( null, null, Paths.get( "in" ), Paths.get( "masks" ), "mask_folder", "" );
 * SegmenterTrainer.train( s, t.images, t.pairs, null, null, file, trainer, listener );
 * }</pre>
 */
public final class TrainingInputs
{
	/** The training images, in name order for a folder. */
	public final List< ImagePlus > images;

	/** Their targets or masks, or null when there are none. */
	public final List< ImagePlus > pairs;

	/** What each image is called in messages: its file name or title. */
	public final List< String > names;

	private TrainingInputs( final List< ImagePlus > images, final List< ImagePlus > pairs, final List< String > names )
	{
		this.images = Collections.unmodifiableList( images );
		this.pairs = pairs == null ? null : Collections.unmodifiableList( pairs );
		this.names = Collections.unmodifiableList( names );
	}

	/**
	 * The training set from the settings.
	 *
	 * @param image        the chosen image (used when no folder and no pattern is given)
	 * @param pair         its target or mask, or null
	 * @param folder       input_folder, or null
	 * @param pairFolder   the folder of targets or masks matched by file name, or null
	 * @param pairKey      the key of {@code pairFolder} for messages ({@code target_folder}, {@code mask_folder})
	 * @param titlePattern a glob ({@code noisy*}, {@code *.tif}) over open image titles, or over the folder's file names; empty: none
	 */
	public static TrainingInputs of( final ImagePlus image, final ImagePlus pair, final Path folder,
			final Path pairFolder, final String pairKey, final String titlePattern )
			throws IOException
	{
		return load( image, pair, folder, "input_folder", pairFolder, pairKey, titlePattern );
	}

	/**
	 * Separate validation images ({@code validation_image} with its pair, or every image of {@code validation_folder} with
	 * the file of the same name in {@code pairFolder}), or null when neither is given. Their channels must be the
	 * training images' and they need pairs when the training images have them.
	 */
	public static TrainingInputs validation( final ImagePlus image, final ImagePlus pair, final Path folder,
			final Path pairFolder, final String pairKey,
			final TrainingInputs training ) throws IOException
	{
		if ( image == null && folder == null )
		{
			if ( pair != null || pairFolder != null )
				throw new IllegalArgumentException( pairKey
						+ " is given without validation images: give validation_image or validation_folder too, or neither" );
			return null;
		}
		final TrainingInputs v = load( folder == null ? image : null, folder == null ? pair : null, folder,
				"validation_folder", pairFolder, pairKey, "" );
		if ( ( training.pairs == null ) != ( v.pairs == null ) )
			throw new IllegalArgumentException( training.pairs == null
					? "The validation images have targets or masks but the training images have none: leave " + pairKey
							+ " out"
					: "The validation images need their " + ( pairKey.contains( "mask" ) ? "masks" : "targets" )
							+ " as the training images have them: give " + pairKey );
		final int c = ImageTrainingJob.channels( training.images.get( 0 ) );
		for ( int i = 0; i < v.images.size(); i++ )
			if ( ImageTrainingJob.channels( v.images.get( i ) ) != c )
				throw new IllegalArgumentException( "The validation image '" + v.names.get( i ) + "' has "
						+ ImageTrainingJob.channels( v.images.get( i ) ) + " channel(s) but the training image '"
						+ training.names.get( 0 ) + "' has " + c
						+ ": validate on images with the training images' channels" );
		return v;
	}

	/** The same images without their pairs. */
	static TrainingInputs withoutPairs( final TrainingInputs t )
	{
		return new TrainingInputs( t.images, null, t.names );
	}

	private static TrainingInputs load( final ImagePlus image, final ImagePlus pair, final Path folder,
			final String folderKey, final Path pairFolder, final String pairKey,
			final String titlePattern ) throws IOException
	{
		final String pattern = titlePattern == null ? "" : titlePattern.trim();
		if ( folder == null && pattern.isEmpty() && pairFolder != null )
			throw new IllegalArgumentException( pairKey + " is given without " + folderKey + ": give " + folderKey
					+ " too (its images are matched with the " + pairKey + "'s by file name)" );
		final List< ImagePlus > images = new ArrayList<>(), pairs = new ArrayList<>();
		final List< String > names = new ArrayList<>();
		if ( folder != null )
		{
			for ( final Path file : FolderProcessor.imageFiles( folder, folderKey ) )
			{
				final String name = file.getFileName().toString();
				if ( !pattern.isEmpty() && !glob( pattern ).matcher( name ).matches() )
					continue;
				images.add( open( file, folderKey ) );
				names.add( name );
				if ( pairFolder != null )
					pairs.add( open( pairOf( file, folderKey, pairFolder, pairKey ), pairKey ) );
			}
			if ( images.isEmpty() )
				throw new IllegalArgumentException( "No file name in " + folderKey + " " + folder
						+ " matches title_pattern=" + pattern + ": check the pattern (e.g. *.tif, noisy*)" );
		}
		else if ( !pattern.isEmpty() )
		{
			final int[] ids = WindowManager.getIDList();
			if ( ids != null )
				for ( final int id : ids )
				{
					final ImagePlus imp = WindowManager.getImage( id );
					if ( imp != null && glob( pattern ).matcher( imp.getTitle() ).matches() )
					{
						images.add( imp );
						names.add( imp.getTitle() );
						if ( pairFolder != null ) // the file of the image's title
							pairs.add( open( pairOf( java.nio.file.Paths.get( imp.getTitle() ),
									"the open images of title_pattern", pairFolder, pairKey ), pairKey ) );
					}
				}
			if ( images.isEmpty() )
				throw new IllegalArgumentException( "No open image's title matches title_pattern=" + pattern
						+ ": open the images, or check the pattern (e.g. noisy*, *.tif)" );
			if ( pair != null )
				throw new IllegalArgumentException(
						"title_pattern picks several open images, but a single target or mask is given: give " + pairKey
								+ " (the file of each image's title) instead" );
		}
		else
		{
			if ( image == null )
				throw new IllegalArgumentException(
						"No training image: open one and choose it, or give input_folder (every image of a folder) or title_pattern (open images by title)" );
			images.add( image );
			names.add( image.getTitle() );
			if ( pair != null )
				pairs.add( pair );
		}
		checkChannels( images, names, folder == null ? "" : " in " + folderKey );
		return new TrainingInputs( images, pairs.isEmpty() ? null : pairs, names );
	}

	/**
	 * Train Segmenter's images and masks: {@code image} and {@code mask}, or every image of {@code folder} (or every open image
	 * whose title matches {@code titlePattern}) with the mask of the same (file) name in {@code maskFolder}.
	 */
	public static TrainingInputs segmenter( final ImagePlus image, final ImagePlus mask, final Path folder,
			final Path maskFolder, final String titlePattern ) throws IOException
	{
		final boolean many = folder != null || titlePattern != null && !titlePattern.trim().isEmpty();
		if ( many && maskFolder == null )
			throw new IllegalArgumentException( ( folder != null ? "input_folder" : "title_pattern" )
					+ " needs mask_folder: the mask of each image, a file of the same name" );
		if ( !many && image != null && mask == null )
			throw new IllegalArgumentException(
					"No mask given: choose the mask of the training image (0 = background; one foreground value, or classes 1..K), or give input_folder and mask_folder" );
		return of( many ? null : image, many ? null : mask, folder, maskFolder, "mask_folder", titlePattern );
	}

	/** The channel counts of the images agree; otherwise an error naming the first image that differs. */
	public static void checkChannels( final List< ImagePlus > images, final List< String > names, final String where )
	{
		final int c0 = ImageTrainingJob.channels( images.get( 0 ) );
		for ( int i = 1; i < images.size(); i++ )
		{
			final int c = ImageTrainingJob.channels( images.get( i ) );
			if ( c != c0 )
				throw new IllegalArgumentException( "'" + names.get( i ) + "'" + where + " has " + c
						+ " channel(s) but '" + names.get( 0 ) + "' has " + c0
						+ ": all training images need the same number of channels (convert '" + names.get( i )
						+ "', or move it out of the folder)" );
		}
	}

	/** The file of {@code image}'s name in {@code pairFolder}, else one of the same name with another image extension, else an error naming the image. */
	static Path pairOf( final Path image, final String folderKey, final Path pairFolder, final String pairKey )
			throws IOException
	{
		final String name = image.getFileName().toString();
		final Path same = pairFolder.resolve( name );
		if ( Files.isRegularFile( same ) )
			return same;
		final String base = base( name );
		for ( final Path p : FolderProcessor.imageFiles( pairFolder, pairKey ) )
			if ( base( p.getFileName().toString() ).equals( base ) )
				return p;
		throw new IllegalArgumentException( "No file for '" + name + "' in " + pairKey + " " + pairFolder
				+ ": give every image of " + folderKey + " a "
				+ ( pairKey.contains( "mask" ) ? "mask" : "target" ) + " of the same file name there (or move '" + name
				+ "' out of " + folderKey + ")" );
	}

	private static String base( final String name )
	{
		final int dot = name.lastIndexOf( '.' );
		return ( dot > 0 ? name.substring( 0, dot ) : name ).toLowerCase( Locale.ROOT );
	}

	private static ImagePlus open( final Path file, final String key )
	{
		TiffCheck.check( file );
		final ImagePlus imp = IJ.openImage( file.toString() );
		if ( imp == null )
			throw new IllegalArgumentException( "'" + file.getFileName() + "' in " + key + " " + file.getParent()
					+ ": ImageJ cannot open this file; save it as TIFF or move it out of the folder" );
		return imp;
	}

	/** A glob ({@code *} any text, {@code ?} one character) as a whole-title pattern. */
	static Pattern glob( final String glob )
	{
		final StringBuilder b = new StringBuilder();
		for ( final char ch : glob.toCharArray() )
			b.append( ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote( String.valueOf( ch ) ) );
		return Pattern.compile( b.toString() );
	}

	/** The images' names with how many training patches were drawn from each ({@link ImageTrainingJob.Result#patchesPerImage}), for the log. */
	public String patchesDrawn( final long[] perImage )
	{
		if ( perImage == null || images.size() < 2 )
			return "";
		final StringBuilder b = new StringBuilder( "Patches drawn per image:" );
		for ( int i = 0; i < perImage.length && i < names.size(); i++ )
			b.append( i == 0 ? " " : ", " ).append( names.get( i ) ).append( ' ' ).append( perImage[ i ] );
		return b.append( '.' ).toString();
	}
}
