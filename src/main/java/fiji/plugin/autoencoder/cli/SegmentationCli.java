package fiji.plugin.autoencoder.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.SegmentationFiles;
import ij.ImagePlus;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The file and folder handling of {@code segment} and
 * {@code segment-by-reconstruction}: per image {@code <name>-anomaly.tif} (the
 * map or probability), {@code -mask.tif}, {@code -objects.csv} and
 * {@code -labels.tif} in the output folder, the label image last, so images
 * whose label image exists are skipped and a rerun resumes.
 */
abstract class SegmentationCli implements Callable< Integer >
{
	@Option( names = "--model", required = true, description = "The model file (.aemodel.zip)." )
	Path model;

	@Option( names = "--input", required = true, description = "An image file or a folder of images." )
	Path input;

	@Option( names = "--output", required = true, description = "The output folder (created if needed)." )
	Path output;

	@Mixin
	CliSupport.Common common;

	/** Segments one image. */
	abstract Segmentation segment( ModelFile.Loaded m, ImagePlus imp ) throws Exception;

	/** Parses the settings (before the model loads) and returns the thread count. */
	abstract int settings( boolean folder );

	abstract String name();

	@Override
	public Integer call() throws Exception
	{
		final int[] shard = common.shard();
		final boolean folder = Files.isDirectory( input );
		if ( !folder && shard[ 1 ] > 1 )
			throw new IllegalArgumentException( "--shard splits a folder; the input " + input + " is one file" );
		final int threads = settings( folder );
		if ( folder )
		{
			final FolderProcessor f = new FolderProcessor( input, output, SegmentationFiles.LABELS ).shard( shard[ 0 ],
					shard[ 1 ] );
			try ( ModelFile.Loaded m = ModelFile.load( model, threads ) )
			{
				final FolderProcessor.Report r = run( m, f );
				System.out.println( name() + ": " + r );
				return r.failed.isEmpty() ? 0 : 1;
			}
		}
		final String base = base( input );
		final Path labels = SegmentationFiles.files( output, base ).get( 3 );
		if ( Files.exists( labels ) )
		{
			System.out.println( name() + ": " + labels + " exists, skipped" );
			return 0;
		}
		final ImagePlus imp = CliSupport.open( input );
		try ( ModelFile.Loaded m = ModelFile.load( model, threads ) )
		{
			final Segmentation seg = segment( m, imp );
			SegmentationFiles.write( seg, output, base, input );
			System.out.println( name() + ": " + input.getFileName() + ": " + seg.summary() );
			return 0;
		}
	}

	/** The folder run; the default segments each image with {@link #segment}. */
	FolderProcessor.Report run( final ModelFile.Loaded m, final FolderProcessor f ) throws Exception
	{
		if ( f.inputFolder().equals( f.outputFolder() ) )
			throw new IllegalArgumentException(
					"The output folder is the input folder " + f.inputFolder() + ": choose another one" );
		return f.run( ( imp, in, out ) -> {
			final Segmentation seg;
			try
			{
				seg = segment( m, imp );
			}
			catch ( final RuntimeException | java.io.IOException e )
			{
				throw e;
			}
			catch ( final Exception e )
			{
				throw new IllegalStateException( e );
			}
			SegmentationFiles.write( seg, out.getParent(), base( in ), in );
			System.out.println( in.getFileName() + ": " + seg.summary() );
		}, System.out::println, CliSupport.progress( name() + " folder" ) );
	}

	static String base( final Path file )
	{
		final String n = file.getFileName().toString();
		final int dot = n.lastIndexOf( '.' );
		return dot > 0 ? n.substring( 0, dot ) : n;
	}
}
