package fiji.plugin.autoencoder.segment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.io.AtomicFiles;
import fiji.plugin.autoencoder.io.OutputPaths;

/**
 * The files of one segmentation, for batch runs: {@code <base>-anomaly.tif}
 * (the score map), {@code <base>-mask.tif}, {@code <base>-objects.csv} (one row
 * per object; the header alone when there is none, so scripts read every file
 * alike) and, last, {@code <base>-labels.tif}, whose existence marks the image
 * as done ({@link FolderProcessor} skips it). Each file is written to a
 * temporary file and renamed; none may be the input.
 *
 * <pre>{@code
 * List< Path > written = SegmentationFiles.write( seg, outFolder, "part-07", inputFile );
 * }</pre>
 */
public final class SegmentationFiles
{
	private SegmentationFiles()
	{}

	/** The suffix of the label image, the file written last. */
	public static final String LABELS = "labels";

	/** The four files of {@code base} in {@code dir}, in the order they are written (the label image last). */
	public static List< Path > files( final Path dir, final String base )
	{
		return files( dir, base, "anomaly" );
	}

	/** The four files with the score image named {@code <base>-<score>.tif} ("probability" for a supervised segmenter). */
	public static List< Path > files( final Path dir, final String base, final String score )
	{
		return Arrays.asList( dir.resolve( base + "-" + score + ".tif" ), dir.resolve( base + "-mask.tif" ),
				dir.resolve( base + "-objects.csv" ), dir.resolve( base + "-" + LABELS + ".tif" ) );
	}

	/**
	 * Writes the files of {@code seg} into {@code dir} (created if needed).
	 *
	 * @param input the image's own file, or null; refused as an output
	 * @return the files written, the label image last
	 */
	public static List< Path > write( final Segmentation seg, final Path dir, final String base, final Path input )
			throws IOException
	{
		return write( seg, dir, base, input, "anomaly" );
	}

	/** {@link #write(Segmentation, Path, String, Path)} with the score image named {@code <base>-<score>.tif}. */
	public static List< Path > write( final Segmentation seg, final Path dir, final String base, final Path input,
			final String score ) throws IOException
	{
		Files.createDirectories( dir );
		final List< Path > outs = files( dir.toAbsolutePath(), base == null || base.isEmpty() ? "image" : base, score );
		for ( final Path o : outs )
		{
			OutputPaths.refuseInput( o, input );
			OutputPaths.checkImageTarget( o );
		}
		FolderProcessor.saveTiffAtomically( seg.score, outs.get( 0 ) );
		FolderProcessor.saveTiffAtomically( seg.mask, outs.get( 1 ) );
		AtomicFiles.write( outs.get( 2 ), tmp -> {
			if ( seg.table.size() > 0 )
				seg.table.saveAs( tmp.toString() );
			else
				Files.write( tmp, ( String.join( ",", Labeling.columns( seg.labels, true ) ) + "\n" )
						.getBytes( StandardCharsets.UTF_8 ) );
		} );
		FolderProcessor.saveTiffAtomically( seg.labels, outs.get( 3 ) );
		return outs;
	}
}
