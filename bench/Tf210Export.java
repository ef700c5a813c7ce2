import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import fiji.plugin.autoencoder.bioimageio.BioimageioExporter;
import fiji.plugin.autoencoder.bioimageio.ExportSettings;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import ij.IJ;

/** Writes a denoiser (seeded, untrained: the weights only need to be the same on both sides) and its bioimage.io package: args out_dir. */
public class Tf210Export
{
	public static void main( final String[] a ) throws Exception
	{
		final Path dir = Paths.get( a[ 0 ] ), model = dir.resolve( "denoiser.aemodel.zip" ), pkg = dir.resolve( "denoiser.bioimageio.zip" );
		try ( Model m = Model.create( Presets.denoiser( 1 ), 42, 2 ) )
		{
			ModelFile.save( m, model, Map.of( ModelFile.NORMALIZATION, Normalization.percentileDefault().toJson() ) );
		}
		final ExportSettings s = new ExportSettings();
		s.overwrite = true;
		System.out.println( "TF 2.18 export: " + BioimageioExporter.export( model, IJ.openImage( "test-images/cell_256.tif" ), pkg, s ) );
	}
}
