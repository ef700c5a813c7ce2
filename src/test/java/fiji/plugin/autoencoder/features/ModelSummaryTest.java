package fiji.plugin.autoencoder.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import ij.measure.ResultsTable;

/**
 * For every preset, the summary derived from the spec alone agrees with the
 * TensorFlow graph: per layer (variable names and shapes) and in total.
 */
class ModelSummaryTest
{
	/** Every VariableV2 op under params/ in the graph, by name, with its shape. */
	static Map< String, long[] > graphVariables( final Model model )
	{
		final Map< String, long[] > vars = new HashMap<>();
		final Iterator< GraphOperation > it = model.graph().operations();
		while ( it.hasNext() )
		{
			final GraphOperation op = it.next();
			if ( op.type().equals( "VariableV2" ) && op.name().startsWith( "params/" ) )
				vars.put( op.name(), op.output( 0 ).shape().asArray() );
		}
		return vars;
	}

	@Test
	void everyPresetMatchesItsGraph()
	{
		for ( final Map.Entry< String, Supplier< ModelSpec > > preset : Presets.all().entrySet() )
		{
			final ModelSpec spec = preset.getValue().get();
			final ModelSummary summary = ModelSummary.of( spec );
			try ( Model model = Model.create( spec, 1, 1 ) )
			{
				final Map< String, long[] > vars = graphVariables( model );
				long graphTotal = 0;
				for ( final long[] s : vars.values() )
					graphTotal += ModelSummary.size( s );
				assertEquals( model.parameterCount(), summary.total(),
						preset.getKey() + ": summary total vs Model.parameterCount()" );
				assertEquals( graphTotal, summary.total(),
						preset.getKey() + ": summary total vs the VariableV2 ops under params/" );
				int accounted = 0;
				for ( final ModelSummary.Row row : summary.rows() )
				{
					long rowTotal = 0;
					for ( final Map.Entry< String, long[] > p : row.parameters.entrySet() )
					{
						assertTrue( vars.containsKey( p.getKey() ), preset.getKey() + ": layer " + row.name + " claims "
								+ p.getKey() + ", not in the graph" );
						assertArrayEquals( vars.get( p.getKey() ), p.getValue(),
								preset.getKey() + ": shape of " + p.getKey() );
						rowTotal += ModelSummary.size( vars.get( p.getKey() ) );
						accounted++;
					}
					assertEquals( rowTotal, row.parameterCount(), preset.getKey() + ": layer " + row.name );
				}
				assertEquals( vars.size(), accounted, preset.getKey() + ": every graph variable belongs to one layer" );
				assertEquals( summary.total(), ModelSummary.of( model ).total() );
				final ResultsTable t = summary.table();
				assertEquals( summary.rows().size() + 1, t.size() );
				assertEquals( "total", t.getStringValue( "layer", t.size() - 1 ) );
				assertEquals( summary.total(), ( long ) t.getValue( "parameters", t.size() - 1 ) );
			}
		}
	}

	@Test
	void handCountedPresets()
	{
		// conv_pool: enc0 3*3*1*16+16, enc1 3*3*16*8+8, dec1 3*3*8*8+8, dec0 3*3*8*16+16, out 3*3*16*1+1
		final ModelSummary convPool = ModelSummary.of( Presets.convPool( ModelSpec.Unpooling.NEAREST ) );
		assertEquals( 160 + 1160 + 584 + 1168 + 145, convPool.total() );
		assertTrue( convPool.format().contains( "Total params: 3,217" ), convPool.format() );
		assertTrue( convPool.format().contains( "(None, 7, 7, 8)" ), convPool.format() );
		// dense: 784*32+32 + 32*784+784; tied: the decoder has only its bias
		assertEquals( 784 * 32 * 2 + 32 + 784, ModelSummary.of( Presets.dense( false ) ).total() );
		assertEquals( 784 * 32 + 32 + 784, ModelSummary.of( Presets.dense( true ) ).total() );
		// conv_strided with a dense code of 10: code 7*7*32*10+10, uncode 10*1568+1568
		final ModelSpec strided = Presets.convStrided();
		strided.codeSize = 10;
		final long conv = ( 9 * 16 + 16 ) + ( 9 * 16 * 32 + 32 ) + ( 9 * 32 * 16 + 16 ) + ( 9 * 16 * 1 + 1 );
		assertEquals( conv + 1568 * 10 + 10 + 10 * 1568 + 1568, ModelSummary.of( strided ).total() );
		try ( Model m = Model.create( strided, 1, 1 ) )
		{
			assertEquals( m.parameterCount(), ModelSummary.of( m ).total() );
		}
	}
}
