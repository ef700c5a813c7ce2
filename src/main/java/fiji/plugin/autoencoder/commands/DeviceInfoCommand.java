package fiji.plugin.autoencoder.commands;

import java.util.List;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.model.Devices;
import ij.measure.ResultsTable;

/** Plugins > Autoencoder > Device Info: the devices TensorFlow really sees (a GPU is listed only if it can be used). */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Device Info" )
public class DeviceInfoCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( type = ItemIO.OUTPUT )
	private ResultsTable devices;

	@Parameter( type = ItemIO.OUTPUT )
	private String summary;

	@Override
	public void run()
	{
		try
		{
			final List< Devices.Device > list = Devices.list();
			devices = new ResultsTable();
			for ( final Devices.Device d : list )
			{
				devices.incrementCounter();
				devices.addValue( "type", d.type );
				devices.addValue( "name", d.name );
				devices.addValue( "memory_MiB", d.memoryBytes >> 20 );
			}
			summary = Devices.summary( list );
			log.info( summary );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Device Info", e );
		}
	}
}
