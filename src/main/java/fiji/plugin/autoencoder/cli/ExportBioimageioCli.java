package fiji.plugin.autoencoder.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import fiji.plugin.autoencoder.bioimageio.BioimageioExporter;
import fiji.plugin.autoencoder.bioimageio.ExportSettings;
import ij.IJ;
import ij.ImagePlus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code autoencoder export-bioimageio}: a model file as a bioimage.io package zip. */
@Command( name = "export-bioimageio", mixinStandardHelpOptions = true,
		description = "Write a model file as a bioimage.io 0.5 model package (zip) for deepImageJ and bioimageio.core." )
public class ExportBioimageioCli implements Callable< Integer >
{
	@Option( names = "--model", required = true, description = "The model file (.aemodel.zip)." )
	Path model;

	@Option( names = "--sample", required = true,
			description = "A sample image (TIFF): test tensors and cover; a denoiser's normalisation is measured on it." )
	Path sample;

	@Option( names = "--output", required = true, description = "The package zip to write." )
	Path output;

	@Option( names = "--name", description = "Model name (default: the preset's)." )
	String name;

	@Option( names = "--description" )
	String description;

	@Option( names = "--authors", description = "Comma-separated author names." )
	String authors = new ExportSettings().authors;

	@Option( names = "--license", description = "SPDX license id (default ${DEFAULT-VALUE})." )
	String license = new ExportSettings().license;

	@Option( names = "--tags" )
	String tags = "";

	@Option( names = "--kind", description = "auto, denoiser or segmenter (default ${DEFAULT-VALUE})." )
	String kind = "auto";

	@Option( names = "--overwrite", description = "Replace an existing package file." )
	boolean overwrite;

	@Override
	public Integer call() throws Exception
	{
		final ImagePlus imp = IJ.openImage( sample.toString() );
		if ( imp == null )
			throw new IllegalArgumentException( "Cannot open the sample image " + sample );
		final ExportSettings s = new ExportSettings();
		s.name = name;
		s.description = description;
		s.authors = authors;
		s.license = license;
		s.tags = tags;
		s.kind = ExportSettings.Kind.of( kind );
		s.overwrite = overwrite;
		System.out.println( output + ": " + BioimageioExporter.export( model, imp, output, s ) );
		return 0;
	}
}
