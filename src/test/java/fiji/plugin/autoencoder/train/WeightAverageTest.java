package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;

/** The moving average of the weights against a hand-computed weighted average; swapping it in and out. */
class WeightAverageTest
{
	/** Every parameter of the model set to {@code f(name index, element)}. */
	static Map< String, float[] > filled( final Map< String, float[] > shape, final float scale, final float shift )
	{
		final Map< String, float[] > out = new HashMap<>();
		int k = 0;
		for ( final Map.Entry< String, float[] > e : shape.entrySet() )
		{
			final float[] v = new float[ e.getValue().length ];
			for ( int i = 0; i < v.length; i++ )
				v[ i ] = scale * ( ( i % 7 ) - 3 + k ) + shift;
			out.put( e.getKey(), v );
			k++;
		}
		return out;
	}

	@Test
	void theAverageIsTheDecayWeightedMeanOfTheStepsWeights()
	{
		final double d = 0.8;
		try ( Model model = Model.create( Presets.segmenter( 1 ), 1, 1 ) )
		{
			final Map< String, float[] > start = model.readParameters();
			final Map< String, float[] > w1 = filled( start, 0.5f, 1 ), w2 = filled( start, -0.25f, 2 ),
					w3 = filled( start, 0.1f, -1 );
			final WeightAverage a = new WeightAverage( model, d );
			model.writeParameters( w1 );
			a.update( 1 );
			model.writeParameters( w2 );
			a.update( 1 );
			model.writeParameters( w3 );
			a.update( 2 ); // a run of two steps ending at w3: w3 counted twice
			// by hand: weights (1 - d) d^(t - s) for steps s = 1..4 of weights w1, w2, w3, w3; normalised by 1 - d^4
			final double c1 = ( 1 - d ) * d * d * d, c2 = ( 1 - d ) * d * d, c3 = ( 1 - d ) * d + ( 1 - d ),
					norm = 1 - d * d * d * d;
			assertEquals( 1, ( c1 + c2 + c3 ) / norm, 1e-12, "the coefficients sum to 1" );
			final Map< String, float[] > avg = a.average();
			double maxError = 0;
			for ( final String name : start.keySet() )
				for ( int i = 0; i < start.get( name ).length; i++ )
				{
					final double want = ( c1 * w1.get( name )[ i ] + c2 * w2.get( name )[ i ]
							+ c3 * w3.get( name )[ i ] ) / norm;
					maxError = Math.max( maxError, Math.abs( avg.get( name )[ i ] - want ) );
				}
			assertTrue( maxError < 1e-6, "max |average - hand-computed| " + maxError );
			// e.g. the first value of the first parameter: w1 1 - 1.5 = -0.5, w2 2 + 0.75 = 2.75, w3 -1 - 0.3 = -1.3
			final String first = start.keySet().iterator().next();
			final int k0 = new java.util.ArrayList<>( start.keySet() ).indexOf( first );
			assertEquals(
					( c1 * ( 0.5 * ( k0 - 3 ) + 1 ) + c2 * ( -0.25 * ( k0 - 3 ) + 2 ) + c3 * ( 0.1 * ( k0 - 3 ) - 1 ) )
							/ norm,
					avg.get( first )[ 0 ], 1e-6 );

			a.swapIn();
			assertEquals( avg.get( first )[ 3 ], model.readParameters().get( first )[ 3 ], 0,
					"the model holds the average" );
			a.swapOut();
			assertEquals( w3.get( first )[ 3 ], model.readParameters().get( first )[ 3 ], 0,
					"the raw weights are back" );
		}
	}

	@Test
	void aDecayOutsideZeroToOneIsRefused()
	{
		try ( Model model = Model.create( Presets.segmenter( 1 ), 1, 1 ) )
		{
			final String e = assertThrows( IllegalArgumentException.class, () -> new WeightAverage( model, 1 ) )
					.getMessage();
			assertTrue( e.contains( "(0, 1)" ) && e.contains( "got 1" ), e );
		}
		final String e = assertThrows( IllegalArgumentException.class,
				() -> new TrainingConfig().weightAveraging( -0.1 ).validate() ).getMessage();
		assertTrue( e.contains( "weight averaging" ), e );
	}
}
