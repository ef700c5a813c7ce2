package fiji.plugin.autoencoder.features;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.measure.ResultsTable;

/**
 * Writes plots (PNG) and tables (CSV) into a folder: each file is written to a
 * temporary file next to it and then renamed, so readers never see half a
 * file, and a target that is one of the inputs is refused. Earlier outputs of
 * the same name are replaced.
 *
 * <pre>{@code
 * Path png = OutputFiles.png( plot.getImagePlus(), folder, "pca-2d", modelFile );
 * Path csv = OutputFiles.csv( table, folder, "codes", modelFile );
 * }</pre>
 */
public final class OutputFiles
{
	private OutputFiles()
	{}

	/** Saves {@code imp} as {@code folder/name.png}; returns the file. */
	public static Path png( final ImagePlus imp, final Path folder, final String name, final Path... inputs ) throws IOException
	{
		final Path target = target( folder, name, ".png", inputs );
		final Path tmp = temporary( folder, name, ".png" );
		try
		{
			// NB: saving changes the image's title; save a duplicate so the caller's image keeps its own
			final ImagePlus copy = new ImagePlus( imp.getTitle(), imp.getProcessor().duplicate() );
			copy.setDisplayRange( imp.getDisplayRangeMin(), imp.getDisplayRangeMax() );
			// NB: not IJ.saveAs, which initialises ImageJ's menus and throws a HeadlessException without a display
			if ( !new FileSaver( copy ).saveAsPng( tmp.toString() ) || Files.size( tmp ) == 0 )
				throw new IOException( "ImageJ could not write " + tmp + ": check that the folder is writable and has space." );
			return move( tmp, target );
		}
		finally
		{
			Files.deleteIfExists( tmp );
		}
	}

	/** Saves {@code table} as {@code folder/name.csv}; returns the file. */
	public static Path csv( final ResultsTable table, final Path folder, final String name, final Path... inputs ) throws IOException
	{
		final Path target = target( folder, name, ".csv", inputs );
		final Path tmp = temporary( folder, name, ".csv" );
		try
		{
			table.saveAs( tmp.toString() );
			return move( tmp, target );
		}
		finally
		{
			Files.deleteIfExists( tmp );
		}
	}

	/** Saves {@code text} as {@code folder/name} (UTF-8). */
	public static Path text( final String text, final Path folder, final String name, final Path... inputs ) throws IOException
	{
		final Path target = target( folder, name, "", inputs );
		final Path tmp = temporary( folder, name, ".tmp" );
		try
		{
			Files.write( tmp, text.getBytes( java.nio.charset.StandardCharsets.UTF_8 ) );
			return move( tmp, target );
		}
		finally
		{
			Files.deleteIfExists( tmp );
		}
	}

	private static Path target( final Path folder, final String name, final String extension, final Path... inputs ) throws IOException
	{
		if ( folder == null )
			throw new IllegalArgumentException( "No output folder given: choose a folder to save into." );
		Files.createDirectories( folder );
		if ( !name.matches( "[A-Za-z0-9._-]+" ) || name.startsWith( "." ) )
			throw new IllegalArgumentException( "Output name '" + name + "' may only have letters, digits, '.', '_' and '-' and must not start with '.'." );
		final Path target = folder.resolve( name + extension ).toAbsolutePath().normalize();
		for ( final Path in : inputs )
			if ( in != null && in.toAbsolutePath().normalize().equals( target ) )
				throw new IllegalArgumentException( "Refusing to overwrite the input " + in + " with an output: choose another save folder." );
		return target;
	}

	/** A new hidden file name next to the target (not Files.createTempFile: its files are private, mode 600). */
	private static Path temporary( final Path folder, final String name, final String extension )
	{
		return folder.resolve( "." + name + "-" + java.util.UUID.randomUUID() + extension );
	}

	private static Path move( final Path tmp, final Path target ) throws IOException
	{
		try
		{
			return Files.move( tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING );
		}
		catch ( final AtomicMoveNotSupportedException e )
		{
			return Files.move( tmp, target, StandardCopyOption.REPLACE_EXISTING );
		}
	}
}
