package fiji.plugin.autoencoder.commands;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import org.scijava.log.LogService;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;

/** Parameter checks shared by the commands, with messages that name the parameter (= the macro key). */
final class Commands
{
	private Commands()
	{}

	static Path existingFile( final File f, final String key )
	{
		if ( f == null )
			throw new IllegalArgumentException( "No " + key + " given: choose a file" );
		if ( f.isDirectory() )
			throw new IllegalArgumentException( key + " " + f + " is a folder, not a file: choose a file inside it" );
		if ( !f.isFile() )
			throw new IllegalArgumentException( key + " " + f + " does not exist: check the path" );
		return f.toPath();
	}

	static Path existingFolder( final File f, final String key )
	{
		if ( f == null || !f.isDirectory() )
			throw new IllegalArgumentException( key + " " + f + " is not an existing folder: check the path" );
		return f.toPath();
	}

	static Path writableTarget( final File f, final String key )
	{
		if ( f == null )
			throw new IllegalArgumentException( "No " + key + " given: choose where to save" );
		final Path p = f.toPath().toAbsolutePath();
		final Path dir = p.getParent();
		if ( dir == null || !Files.isDirectory( dir ) || !Files.isWritable( dir ) )
			throw new IllegalArgumentException(
					key + " " + f + ": folder " + dir + " does not exist or is not writable; choose another location" );
		return p;
	}

	/** The folder run of the folder commands: input_folder into output_folder, one shard. */
	static FolderProcessor folder( final File input, final File output, final String suffix, final int shardIndex,
			final int shardCount )
	{
		return new FolderProcessor( existingFolder( input, "input_folder" ), output == null ? null : output.toPath(),
				suffix ).shard( shardIndex, shardCount );
	}

	/** Logs a folder run's summary (and its failed files as an error) and returns the summary. */
	static String finished( final LogService log, final String what, final FolderProcessor.Report r )
	{
		final String summary = what + ": " + r;
		log.info( summary );
		if ( !r.failed.isEmpty() )
			log.error( what + ": failed files: " + r.failed );
		return summary;
	}

	/** Opens an existing image file, or says which parameter names a file ImageJ cannot read. */
	static ImagePlus openImage( final File f, final String key )
	{
		fiji.plugin.autoencoder.io.TiffCheck.check( existingFile( f, key ) );
		final ImagePlus imp = ij.IJ.openImage( f.toString() );
		if ( imp == null )
			throw new IllegalArgumentException( key + " " + f + ": ImageJ cannot open this file; save it as TIFF" );
		return imp;
	}

	/** Segment by Reconstruction's settings from its command parameters (both Segment by Reconstruction commands); the normal image is read only when calibrating. */
	static ReconstructionSegmenter.Settings segmentation( final String method, final double value, final double sigma,
			final boolean smoothSigned, final int minSize,
			final double seedThreshold, final File normalImage, final double seedFalsePositiveRate, final int tileSize,
			final boolean averageOrientations )
	{
		final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( method, value, sigma, minSize );
		s.map.tiling( tiles( tileSize, averageOrientations ) ).smoothSigned( smoothSigned );
		if ( seedThreshold > 0 )
			s.seedThreshold = seedThreshold;
		if ( seedFalsePositiveRate > 0 )
			s.seedFalsePositiveRate = seedFalsePositiveRate;
		if ( s.needsNormalImage() && normalImage != null && !normalImage.getPath().isEmpty() ) // a remembered path stays unread unless calibrating
			s.normalImage = openImage( normalImage, "normal_image" );
		return s;
	}

	/** The threads parameter, checked: 0 (default) or positive. */
	static int threads( final int threads )
	{
		if ( threads < 0 )
			throw new IllegalArgumentException(
					"threads must be 0 (all cores, or the system property autoencoder.threads) or positive, got "
							+ threads );
		return threads;
	}

	static ImagePlus image( final ImagePlus imp )
	{
		if ( imp == null )
			throw new IllegalArgumentException( "No image is open (input): open an image first, or give input_folder" );
		return imp;
	}

	static OutputType outputType( final String choice )
	{
		return "32-bit".equals( choice ) ? OutputType.FLOAT_32 : OutputType.SAME_AS_INPUT;
	}

	static ImageRunner.Options tiles( final int tileSize )
	{
		final ImageRunner.Options o = new ImageRunner.Options();
		if ( tileSize < 0 )
			throw new IllegalArgumentException( "tile_size must be 0 (automatic) or positive, got " + tileSize );
		if ( tileSize > 0 )
			o.tileSize = new int[] { tileSize, tileSize };
		return o;
	}

	/** {@code o} with the setting precision (float32 or bfloat16). */
	static ImageRunner.Options precision( final ImageRunner.Options o, final String precision )
	{
		o.precision = fiji.plugin.autoencoder.model.Precision.of( precision );
		return o;
	}

	/** Tiling options that also average the 8 orientations of the image when asked. */
	static ImageRunner.Options tiles( final int tileSize, final boolean averageOrientations )
	{
		final ImageRunner.Options o = tiles( tileSize );
		o.averageOrientations = averageOrientations;
		return o;
	}
}
