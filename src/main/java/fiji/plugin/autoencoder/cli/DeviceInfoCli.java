package fiji.plugin.autoencoder.cli;

import java.util.List;
import java.util.concurrent.Callable;

import fiji.plugin.autoencoder.model.Devices;
import picocli.CommandLine.Command;

/** {@code device-info}: the devices TensorFlow really uses, as the Device Info command shows them. */
@Command( name = "device-info", mixinStandardHelpOptions = true,
		description = "List the devices TensorFlow really uses (a GPU only if TensorFlow can run on it).",
		footer = { "", "Example:", "  bin/autoencoder device-info" } )
public class DeviceInfoCli implements Callable< Integer >
{
	@Override
	public Integer call()
	{
		final List< Devices.Device > devices = Devices.list();
		for ( final Devices.Device d : devices )
			System.out.println( d );
		System.out.println( Devices.summary( devices ) );
		return 0;
	}
}
