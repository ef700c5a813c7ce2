package fiji.plugin.autoencoder.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import fiji.plugin.autoencoder.io.AtomicFiles;
import fiji.plugin.autoencoder.io.OutputPaths;
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
	public static Path png( final ImagePlus imp, final Path folder, final String name, final Path... inputs )
			throws IOException
	{
		// NB: saving changes the image's title; save a duplicate so the caller's image keeps its own
		final ImagePlus copy = new ImagePlus( imp.getTitle(), imp.getProcessor().duplicate() );
		copy.setDisplayRange( imp.getDisplayRangeMin(), imp.getDisplayRangeMax() );
		return AtomicFiles.write( target( folder, name, ".png", inputs ), tmp -> {
			// NB: not IJ.saveAs, which initialises ImageJ's menus and throws a HeadlessException without a display
			if ( !new FileSaver( copy ).saveAsPng( tmp.toString() ) || Files.size( tmp ) == 0 )
				throw new IOException(
						"ImageJ could not write " + tmp + ": check that the folder is writable and has space." );
		} );
	}

	/** Saves {@code table} as {@code folder/name.csv}; returns the file. */
	public static Path csv( final ResultsTable table, final Path folder, final String name, final Path... inputs )
			throws IOException
	{
		return AtomicFiles.write( target( folder, name, ".csv", inputs ), tmp -> table.saveAs( tmp.toString() ) );
	}

	/** Saves {@code text} as {@code folder/name} (UTF-8). */
	public static Path text( final String text, final Path folder, final String name, final Path... inputs )
			throws IOException
	{
		return AtomicFiles.write( target( folder, name, "", inputs ),
				tmp -> Files.write( tmp, text.getBytes( java.nio.charset.StandardCharsets.UTF_8 ) ) );
	}

	private static Path target( final Path folder, final String name, final String extension, final Path... inputs )
			throws IOException
	{
		if ( folder == null )
			throw new IllegalArgumentException( "No output folder given: choose a folder to save into." );
		Files.createDirectories( folder );
		if ( !name.matches( "[A-Za-z0-9._-]+" ) || name.startsWith( "." ) )
			throw new IllegalArgumentException( "Output name '" + name
					+ "' may only have letters, digits, '.', '_' and '-' and must not start with '.'." );
		final Path target = folder.resolve( name + extension ).toAbsolutePath().normalize();
		OutputPaths.refuseInput( target, inputs );
		OutputPaths.checkImageTarget( target );
		return target;
	}

}
