import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import fiji.plugin.autoencoder.bioimageio.InferenceSavedModel;
import fiji.plugin.autoencoder.model.Model;

/**
 * Writes the inference SavedModel (as the bioimage.io export writes it: frozen, serving_default, input "input", NHWC)
 * of the U-Net denoiser and of Train Segmenter's U-Net (bench/InferenceBench.spec, seeded, untrained: speed does not
 * depend on the weights) into OUT/denoiser and OUT/segmenter, for bench/run-alternatives.sh.
 * <pre>
 * java SavedModelExport OUT
 * </pre>
 */
public class SavedModelExport
{
	public static void main( final String[] a ) throws Exception
	{
		for ( final String net : new String[] { "denoiser", "segmenter" } )
			try ( Model m = Model.create( InferenceBench.spec( net ), 42, 2 ) )
			{
				final Path dir = Files.createDirectories( Paths.get( a[ 0 ], net ) );
				System.out.println( net + ": " + InferenceSavedModel.write( m, dir ) + " variables frozen into " + dir );
			}
		System.exit( 0 );
	}
}
