package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.measure.ResultsTable;

class DeviceInfoCommandTest
{
	@Test
	void headlessCommandListsTheDevicesTensorFlowSees() throws Exception
	{
		try ( Context context = new Context( CommandService.class ) )
		{
			final CommandModule m = context.service( CommandService.class ).run( DeviceInfoCommand.class, true ).get();
			assertFalse( m.isCanceled(), m.getCancelReason() );
			final ResultsTable t = ( ResultsTable ) m.getOutput( "devices" );
			assertTrue( t.size() >= 1 );
			assertTrue(
					t.getStringValue( "type", 0 ).equals( "CPU" )
							&& t.getStringValue( "name", 0 ).contains( "device:CPU:0" ),
					t.getStringValue( "name", 0 ) );
			final String s = ( String ) m.getOutput( "summary" );
			assertTrue( s.contains( "TensorFlow 2.18" ) && ( s.contains( "CPU" ) || s.contains( "GPU" ) ), s );
		}
	}
}
