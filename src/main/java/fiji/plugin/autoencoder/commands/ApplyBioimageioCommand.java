package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.bioimageio.BioimageioTasks;
import ij.ImagePlus;

/** Plugins > Autoencoder > Apply bioimage.io Model: a bioimage.io package with TensorFlow SavedModel weights, tiled over the image (cached across calls). */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Apply bioimage.io Model" )
public class ApplyBioimageioCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Image" )
	private ImagePlus input;

	@Parameter( label = "Package", style = "open",
			description = "A bioimage.io model zip, or its folder with rdf.yaml" )
	private File package_file;

	@Parameter( label = "Check against the package's test tensors first", persist = false )
	private boolean check = false;

	@Parameter( label = "Tile size (0 = automatic)", min = "0", persist = false )
	private int tile_size = 0;

	@Parameter( label = "Suffix", persist = false )
	private String suffix = "bioimageio";

	@Parameter( type = ItemIO.OUTPUT )
	private ImagePlus output;

	@Override
	public void run()
	{
		try
		{
			final BioimageioTasks.Result r = BioimageioTasks.apply( package_file == null ? null : package_file.toPath(),
					Commands.image( input ), check, suffix,
					Commands.tiles( tile_size ), new StatusProgress( status, this ) );
			if ( r.check != null )
				log.info( "Apply bioimage.io Model: " + r.check );
			output = r.image;
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Apply bioimage.io Model", e );
		}
	}
}
