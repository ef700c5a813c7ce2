package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.bioimageio.BioimageioExporter;
import fiji.plugin.autoencoder.bioimageio.ExportSettings;
import ij.ImagePlus;

/** Plugins > Autoencoder > Export to bioimage.io: a model file as a bioimage.io 0.5 package zip (deepImageJ, bioimageio.core). */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Export to bioimage.io" )
public class ExportBioimageioCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( label = "Sample image",
			description = "Test tensors and the cover are cut from it; a denoiser's normalisation values are measured on it" )
	private ImagePlus input;

	@Parameter( label = "Model file", style = "open",
			description = "A .aemodel.zip written by Train Autoencoder or Train Segmenter" )
	private File model_file;

	@Parameter( label = "Package file", style = "save",
			description = "The bioimage.io zip to write, e.g. nuclei.bioimageio.zip" )
	private File package_file;

	@Parameter( label = "Name", required = false, persist = false )
	private String name = "";

	@Parameter( label = "Description", required = false, persist = false )
	private String description = "";

	@Parameter( label = "Authors (comma-separated)", persist = false )
	private String authors = new ExportSettings().authors;

	@Parameter( label = "License (SPDX id)", persist = false )
	private String license = new ExportSettings().license;

	@Parameter( label = "Tags (comma-separated)", required = false, persist = false )
	private String tags = "";

	@Parameter( label = "Training data (a sentence for the README)", required = false, persist = false )
	private String training_data = "";

	@Parameter( label = "Kind", choices = { "auto", "denoiser", "segmenter" }, persist = false )
	private String kind = "auto";

	@Parameter( label = "Overwrite an existing package", persist = false )
	private boolean overwrite = false;

	@Override
	public void run()
	{
		try
		{
			final ExportSettings s = new ExportSettings();
			s.name = name;
			s.description = description;
			s.authors = authors;
			s.license = license;
			s.tags = tags == null ? "" : tags;
			s.trainingData = training_data;
			s.kind = ExportSettings.Kind.of( kind );
			s.overwrite = overwrite;
			log.info( "Export to bioimage.io: " + package_file + ", "
					+ BioimageioExporter.export( Commands.existingFile( model_file, "model_file" ),
							Commands.image( input ),
							package_file == null ? null : package_file.toPath(), s ) );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Export to bioimage.io", e );
		}
	}
}
