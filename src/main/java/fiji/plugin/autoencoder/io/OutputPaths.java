package fiji.plugin.autoencoder.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/**
 * The checks every writer of a user-named file makes before writing: an
 * output is never one of the inputs (compared as real paths, after
 * normalisation and with symbolic links, also of folders, resolved), and an
 * existing file is replaced only by an output of the same kind (an image never
 * replaces a model file, a model file never replaces an image or any file that
 * is not a model). Replacing an existing model needs an explicit overwrite or
 * resume. Messages name the paths and the way out.
 *
 * <pre>{@code
 * OutputPaths.refuseInput( output, inputFile );   // output=dir/../dir/in.tif is refused
 * OutputPaths.checkImageTarget( output );         // output= pointing at a model file is refused
 * OutputPaths.checkNewModel( modelFile, overwrite, "overwrite=true", "resume=true" );
 * }</pre>
 *
 * Stateless and thread-safe.
 */
public final class OutputPaths
{
	private OutputPaths()
	{}

	/** The zip local-file-header signature, the first bytes of every model file. */
	private static final byte[] ZIP_MAGIC = { 'P', 'K', 3, 4 };

	/**
	 * The real path of {@code p}: absolute, normalised, symbolic links
	 * resolved; for a file that does not exist yet, its nearest existing
	 * folder's real path plus the rest.
	 */
	public static Path real( final Path p )
	{
		Path absolute = p.toAbsolutePath().normalize();
		Path existing = absolute;
		while ( existing != null && !Files.exists( existing, LinkOption.NOFOLLOW_LINKS ) )
			existing = existing.getParent();
		if ( existing == null )
			return absolute;
		try
		{
			return existing.toRealPath().resolve( existing.relativize( absolute ) ).normalize();
		}
		catch ( final IOException e ) // a dangling link or no permission to read the folder: the normalised path
		{
			return absolute;
		}
	}

	/** True if both name the same file (or would): equal real paths, or the same existing file (e.g. hard links). */
	public static boolean same( final Path a, final Path b )
	{
		if ( a == null || b == null )
			return false;
		if ( real( a ).equals( real( b ) ) )
			return true;
		try
		{
			return Files.exists( a ) && Files.exists( b ) && Files.isSameFile( a, b );
		}
		catch ( final IOException e )
		{
			return false;
		}
	}

	/**
	 * Refuses {@code output} if it is one of {@code inputs} (nulls ignored).
	 *
	 * @throws IllegalArgumentException naming both paths
	 */
	public static void refuseInput( final Path output, final Path... inputs )
	{
		for ( final Path in : inputs )
			if ( same( output, in ) )
				throw new IllegalArgumentException( "The output " + output + " is the input " + in
						+ ( real( output ).equals( output.toAbsolutePath() ) ? ""
								: " (both are " + real( output ) + ")" )
						+ ": choose another output name or folder (inputs are never overwritten)" );
	}

	/** True if {@code file} starts like a zip (every model file does). */
	public static boolean isZip( final Path file )
	{
		if ( !Files.isRegularFile( file ) )
			return false;
		try ( InputStream in = Files.newInputStream( file ) )
		{
			final byte[] head = in.readNBytes( ZIP_MAGIC.length );
			return java.util.Arrays.equals( head, ZIP_MAGIC );
		}
		catch ( final IOException e )
		{
			return false;
		}
	}

	/** True if {@code file} is a zip holding {@link ModelFile#SPEC} at its top: a model file of this plugin. */
	public static boolean isModelFile( final Path file )
	{
		if ( !isZip( file ) )
			return false;
		try ( ZipFile zip = new ZipFile( file.toFile() ) )
		{
			return zip.getEntry( ModelFile.SPEC ) != null;
		}
		catch ( final IOException e )
		{
			return false;
		}
	}

	/**
	 * Refuses to write an image, table or plot to {@code target} if it holds a
	 * model file (a zip) or is a folder.
	 *
	 * @throws IllegalArgumentException naming the file
	 */
	public static void checkImageTarget( final Path target )
	{
		if ( Files.isDirectory( target ) )
			throw new IllegalArgumentException( "The output " + target + " is a folder: give a file name" );
		if ( isZip( target ) )
			throw new IllegalArgumentException( "The output " + target
					+ " holds a model file (a zip), not an image: choose another output name (model files are never replaced by images)" );
	}

	/**
	 * Refuses to save a model to {@code target} if it exists and is not a model
	 * file (an image, a table, any other file, a folder): checked before every
	 * save, also with overwrite.
	 *
	 * @throws IllegalArgumentException naming the file
	 */
	public static void checkModelTarget( final Path target )
	{
		if ( Files.isDirectory( target ) )
			throw new IllegalArgumentException(
					"The model file " + target + " is a folder: give a file name ending in .aemodel.zip" );
		if ( Files.exists( target ) && !isModelFile( target ) )
			throw new IllegalArgumentException( "The model file " + target + " exists and is not a model file ("
					+ ( isZip( target ) ? "a zip without " + ModelFile.SPEC : "e.g. an image" )
					+ "): choose another model file name (only model files are replaced by models)" );
	}

	/**
	 * The check before a training that saves a new model to {@code target}:
	 * {@link #checkModelTarget}, and an existing model is replaced only when
	 * {@code overwrite} is set.
	 *
	 * @param overwriteOption how the user says overwrite (e.g. "overwrite=true")
	 * @param resumeOption    how the user says resume (e.g. "resume=true"), or null where training cannot resume
	 * @throws IllegalArgumentException naming the file and the options
	 */
	public static void checkNewModel( final Path target, final boolean overwrite, final String overwriteOption,
			final String resumeOption )
	{
		checkModelTarget( target );
		if ( Files.exists( target ) && !overwrite )
			throw new IllegalArgumentException(
					"The model file " + target + " already exists: add " + overwriteOption + " to replace it"
							+ ( resumeOption == null ? "" : ", or " + resumeOption + " to continue training it" )
							+ ", or choose another model file name" );
	}
}
