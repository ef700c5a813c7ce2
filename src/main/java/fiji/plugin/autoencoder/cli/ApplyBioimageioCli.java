package fiji.plugin.autoencoder.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.bioimageio.BioimageioTasks;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.IJ;
import ij.ImagePlus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code autoencoder apply-bioimageio}: a bioimage.io package (TensorFlow SavedModel weights) applied to images. */
@Command( name = "apply-bioimageio", mixinStandardHelpOptions = true,
		description = "Apply a bioimage.io model package (tensorflow_saved_model_bundle weights) to an image, tiled; or only --check it." )
public class ApplyBioimageioCli implements Callable< Integer >
{
	@Option( names = "--package", required = true, description = "The package zip or folder." )
	Path pkg;

	@Option( names = "--input", description = "The image to process (TIFF)." )
	Path input;

	@Option( names = "--output", description = "Where to write the 32-bit result (TIFF, written atomically)." )
	Path output;

	@Option( names = "--check", description = "Verify the package reproduces its own test output first." )
	boolean check;

	@Option( names = "--tile-size", description = "Tile size in pixels (0: automatic)." )
	int tileSize;

	@Override
	public Integer call() throws Exception
	{
		if ( input == null )
		{
			if ( !check )
				throw new IllegalArgumentException( "Give --input and --output, or --check alone to test the package" );
			try ( var lease = fiji.plugin.autoencoder.bioimageio.BioimageioTasks.packages().get( pkg ) )
			{
				final var c = fiji.plugin.autoencoder.bioimageio.BioimageioRunner.check( lease.model() );
				System.out.println( c );
				return c.passed() ? 0 : 1;
			}
		}
		if ( output == null )
			throw new IllegalArgumentException( "Give --output for the result" );
		if ( Files.exists( output ) && Files.isSameFile( output, input ) )
			throw new IllegalArgumentException(
					"--output is the input file: choose another name (inputs are never overwritten)" );
		final ImagePlus imp = IJ.openImage( input.toString() );
		if ( imp == null )
			throw new IllegalArgumentException( "Cannot open " + input );
		final ImageRunner.Options o = new ImageRunner.Options();
		if ( tileSize > 0 )
			o.tileSize = new int[] { tileSize, tileSize };
		final BioimageioTasks.Result r = BioimageioTasks.apply( pkg, imp, check, "bioimageio", o,
				Progress.console( "apply" ) );
		if ( r.check != null )
			System.out.println( r.check );
		FolderProcessor.saveTiffAtomically( r.image, output );
		System.out.println( "wrote " + output );
		return 0;
	}
}
