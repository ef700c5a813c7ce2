package fiji.plugin.autoencoder.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.proto.NodeDef;

import fiji.plugin.autoencoder.model.GraphBuilder;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;

class OpAllowlistTest
{
	/** Every op the builder creates, for every preset and option, is allowed; nothing else needs to be. */
	@Test
	void everyPresetGraphIsAllowed()
	{
		final TreeSet< String > used = new TreeSet<>();
		for ( final Map.Entry< String, Supplier< ModelSpec > > e : Presets.all().entrySet() )
			for ( int variant = 0; variant < 2; variant++ )
			{
				final ModelSpec s = e.getValue().get();
				if ( variant == 1 )
				{
					s.l2 = 1e-4;
					s.weightedLoss = true;
					s.optimizer = ModelSpec.Optimizer.ADADELTA;
					s.activation = ModelSpec.Activation.LEAKY_RELU;
					s.codeActivation = ModelSpec.Activation.TANH;
				}
				try ( Graph g = GraphBuilder.build( s, 1 ) )
				{
					for ( final NodeDef n : g.toGraphDef().getNodeList() )
					{
						used.add( n.getOp() );
						assertTrue( OpAllowlist.COMPUTE.contains( n.getOp() ), e.getKey() + " variant " + variant + " uses " + n.getOp() + " (" + n.getName() + ")" );
					}
				}
			}
		System.out.println( "ops used by the presets: " + used );
	}
}
