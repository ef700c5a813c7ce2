package fiji.plugin.autoencoder.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.AtomicFiles;
import fiji.plugin.autoencoder.io.OutputPaths;
import fiji.plugin.autoencoder.io.TiffCheck;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

/**
 * Processes every image of a folder into another folder, for batch runs and
 * cluster arrays: files are taken in name order, shard {@code i} of {@code n}
 * takes every n-th file (so SLURM array tasks split a folder without
 * coordination), existing outputs are skipped, each output is written to a
 * temporary file and renamed (a cancelled or failed run leaves no partial
 * file), inputs are never overwritten, and a failing file is reported without
 * stopping the others.
 *
 * <pre>{@code
 * FolderProcessor.Report r = new FolderProcessor( in, out, "denoised" ).shard( 0, 4 ).run( imp -> denoise( imp ), log::info, progress );
 * }</pre>
 */
public final class FolderProcessor
{
	/** What a run did. */
	public static final class Report
	{
		public final List< Path > written = new ArrayList<>();

		public final List< Path > skipped = new ArrayList<>();

		public final List< String > failed = new ArrayList<>();

		@Override
		public String toString()
		{
			return String.format( Locale.ROOT, "%d written, %d skipped (output exists), %d failed", written.size(),
					skipped.size(), failed.size() );
		}
	}

	static final List< String > EXTENSIONS = Arrays.asList( ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif", ".bmp",
			".pgm" );

	private final Path input, output;

	private final String suffix;

	private int shard = 0, shards = 1;

	private boolean overwrite = false;

	private final boolean sameFolder;

	public FolderProcessor( final Path inputFolder, final Path outputFolder, final String suffix )
	{
		if ( inputFolder == null || !Files.isDirectory( inputFolder ) )
			throw new IllegalArgumentException(
					"Input folder " + inputFolder + " does not exist: choose a folder of images" );
		if ( outputFolder == null )
			throw new IllegalArgumentException( "No output folder given" );
		this.input = inputFolder.toAbsolutePath().normalize();
		this.output = outputFolder.toAbsolutePath().normalize();
		this.suffix = suffix == null ? "" : suffix;
		this.sameFolder = OutputPaths.same( input, output ); // NB: real paths: output=in/../in and a link to the input folder are the input folder
		if ( sameFolder && this.suffix.isEmpty() )
			throw new IllegalArgumentException(
					"The output folder is the input folder and no suffix is set: outputs would overwrite the inputs. Choose another output folder or a suffix" );
	}

	/** The input folder (absolute). */
	public Path inputFolder()
	{
		return input;
	}

	/** The output folder (absolute). */
	public Path outputFolder()
	{
		return output;
	}

	/** Process only files {@code index}, {@code index + count}, ... (0-based). */
	public FolderProcessor shard( final int index, final int count )
	{
		if ( count < 1 || index < 0 || index >= count )
			throw new IllegalArgumentException( "Shard " + index + " of " + count
					+ " is invalid: use 0 <= index < count (e.g. SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT)" );
		shard = index;
		shards = count;
		return this;
	}

	/** Replace existing outputs instead of skipping them. */
	public FolderProcessor overwrite( final boolean v )
	{
		overwrite = v;
		return this;
	}

	/** Every image file of a folder (by extension, hidden files left out), in name order; none is an error naming the folder and {@code key}. */
	public static List< Path > imageFiles( final Path folder, final String key ) throws IOException
	{
		if ( folder == null || !Files.isDirectory( folder ) )
			throw new IllegalArgumentException( key + " " + folder + " is not an existing folder: check the path" );
		try ( Stream< Path > s = Files.list( folder ) )
		{
			final List< Path > all = s.filter( Files::isRegularFile )
					.filter( p -> !p.getFileName().toString().startsWith( "." ) )
					.filter( p -> EXTENSIONS.stream()
							.anyMatch( e -> p.getFileName().toString().toLowerCase( Locale.ROOT ).endsWith( e ) ) )
					.sorted().collect( Collectors.toList() );
			if ( all.isEmpty() )
				throw new IllegalArgumentException(
						key + " " + folder + " has no images (looked for " + String.join( ", ", EXTENSIONS )
								+ " files): check the folder, or convert the images to TIFF" );
			return all;
		}
	}

	/**
	 * The image files of this shard, in name order. When the output folder is
	 * the input folder, earlier outputs ({@code *-<suffix>.tif}) are not inputs.
	 */
	public List< Path > files() throws IOException
	{
		final List< Path > all;
		final String outputEnding = "-" + suffix + ".tif";
		try ( Stream< Path > s = Files.list( input ) )
		{
			all = s.filter( Files::isRegularFile ).filter( p -> !p.getFileName().toString().startsWith( "." ) ) // hidden: e.g. temporary files of outputs being written
					.filter( p -> EXTENSIONS.stream()
							.anyMatch( e -> p.getFileName().toString().toLowerCase( Locale.ROOT ).endsWith( e ) ) )
					.filter( p -> !( sameFolder && p.getFileName().toString().endsWith( outputEnding ) ) )
					.sorted().collect( Collectors.toList() );
		}
		if ( all.isEmpty() )
			throw new IllegalArgumentException( "Input folder " + input + " has no images (looked for "
					+ String.join( ", ", EXTENSIONS ) + " files)"
					+ ( input.equals( output ) ? " besides earlier outputs" : "" )
					+ ": check the folder, or convert the images to TIFF" );
		final List< Path > mine = new ArrayList<>();
		for ( int i = shard; i < all.size(); i += shards )
			mine.add( all.get( i ) );
		return mine;
	}

	/** The output file of an input: same base name plus the suffix, always TIFF. */
	public Path outputFor( final Path in )
	{
		final String name = in.getFileName().toString();
		final int dot = name.lastIndexOf( '.' );
		final String base = dot > 0 ? name.substring( 0, dot ) : name;
		return output.resolve( base + ( suffix.isEmpty() ? "" : "-" + suffix ) + ".tif" );
	}

	/**
	 * Writes the outputs of one input image; the file {@code output}
	 * ({@link #outputFor}) must be written last, atomically, since its existence
	 * marks the input as done.
	 */
	public interface ImageWriter
	{
		void write( ImagePlus image, Path input, Path output ) throws IOException;
	}

	/**
	 * Runs {@code process} on every image of this shard and saves each result.
	 *
	 * @param log receives one line per file
	 */
	public Report run( final Function< ImagePlus, ImagePlus > process, final Consumer< String > log,
			final Progress progress ) throws IOException
	{
		return run( ( imp, in, out ) -> saveTiffAtomically( process.apply( imp ), out ), log, progress );
	}

	/**
	 * Runs {@code writer} on every image of this shard whose output
	 * ({@link #outputFor}) does not exist yet, for processing that writes
	 * several files per image (the output last).
	 *
	 * @param log receives one line per file
	 */
	public Report run( final ImageWriter writer, final Consumer< String > log, final Progress progress )
			throws IOException
	{
		try
		{
			Files.createDirectories( output );
		}
		catch ( final IOException e )
		{
			throw new IOException( "Cannot create the output folder " + output + " (" + e.getClass().getSimpleName()
					+ "): choose a folder you can write to", e );
		}
		if ( !Files.isWritable( output ) )
			throw new IOException( "Output folder " + output + " is not writable: choose another folder" );
		final List< Path > files = files();
		final Report report = new Report();
		int done = 0;
		for ( final Path in : files )
		{
			if ( progress.isCancelled() )
				throw new CancellationException(
						"Cancelled after " + done + " of " + files.size() + " files; finished files are kept" );
			final Path out = outputFor( in );
			if ( OutputPaths.same( out, in ) )
			{
				report.failed.add( in + ": the output " + out + " would overwrite the input" );
				continue;
			}
			if ( Files.exists( out ) && !overwrite )
			{
				report.skipped.add( out );
				log.accept( "skip " + in.getFileName() + " (" + out.getFileName() + " exists)" );
				progress.report( ++done, files.size(), in.getFileName().toString() );
				continue;
			}
			try
			{
				TiffCheck.check( in );
				final ImagePlus imp = IJ.openImage( in.toString() );
				if ( imp == null )
					throw new IOException( "ImageJ cannot open it" );
				writer.write( imp, in, out );
				report.written.add( out );
				log.accept( "wrote " + out.getFileName() );
			}
			catch ( final CancellationException e )
			{
				throw e;
			}
			catch ( final RuntimeException | IOException e )
			{
				report.failed.add( in.getFileName() + ": " + e.getMessage() );
				log.accept( "FAILED " + in.getFileName() + ": " + e.getMessage() );
			}
			progress.report( ++done, files.size(), in.getFileName().toString() );
		}
		return report;
	}

	/**
	 * Saves a TIFF to a temporary file next to {@code target}, then renames it;
	 * a target that holds a model file is refused ({@link OutputPaths#checkImageTarget}).
	 */
	public static void saveTiffAtomically( final ImagePlus imp, final Path target ) throws IOException
	{
		OutputPaths.checkImageTarget( target );
		AtomicFiles.write( target, tmp -> {
			final boolean ok = imp.getStackSize() > 1 ? new FileSaver( imp ).saveAsTiffStack( tmp.toString() )
					: new FileSaver( imp ).saveAsTiff( tmp.toString() );
			if ( !ok )
				throw new IOException( "Could not write " + target + " (disk full or not writable?)" );
		} );
	}
}
