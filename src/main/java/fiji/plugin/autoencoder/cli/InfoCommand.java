package fiji.plugin.autoencoder.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.tensorflow.TensorFlow;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Devices;
import fiji.plugin.autoencoder.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Prints the TensorFlow version and, for a model file, its spec and parameters. */
@Command( name = "info", mixinStandardHelpOptions = true,
		description = "Show the TensorFlow version, or a model file's spec and parameters." )
public class InfoCommand implements Callable< Integer >
{
	@Parameters( arity = "0..1", description = "A model file (.aemodel.zip)." )
	Path model;

	@Override
	public Integer call() throws Exception
	{
		System.out.println( "TensorFlow " + TensorFlow.version() + " (TF Java 1.1.0), Java "
				+ System.getProperty( "java.version" ) + ", " + Runtime.getRuntime().availableProcessors() + " cores" );
		final java.util.List< Devices.Device > devices = Devices.list(); // one native session, not one per use
		for ( final Devices.Device d : devices )
			System.out.println( "  device: " + d );
		System.out.println( Devices.summary( devices ) );
		if ( model == null )
			return 0;
		try ( ModelFile.Loaded loaded = ModelFile.load( model, 1 ) )
		{
			final Model m = loaded.model();
			System.out.println( m.spec().toJson() );
			for ( final Map.Entry< String, long[] > e : m.parameterShapes().entrySet() )
				System.out
						.println( String.format( "%-28s %s", e.getKey(), java.util.Arrays.toString( e.getValue() ) ) );
			System.out.println( "parameters: " + m.parameterCount() + ", optimiser steps: " + m.step() );
		}
		return 0;
	}
}
