package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class ModelSpecTest
{
	@Test
	void everyPresetSurvivesJson()
	{
		for ( final Map.Entry< String, Supplier< ModelSpec > > e : Presets.all().entrySet() )
		{
			final ModelSpec s = e.getValue().get();
			final ModelSpec again = ModelSpec.fromJson( s.toJson() );
			assertEquals( s.toJson(), again.toJson(), e.getKey() );
			assertTrue( s.toJson().contains( "\"code_size\"" ), "snake_case keys" );
		}
		assertTrue( Presets.byName( "conv_pool_zero_fill" ).toJson().contains( "\"zero_fill\"" ) );
	}

	private static String error( final Runnable r )
	{
		return assertThrows( IllegalArgumentException.class, r::run ).getMessage();
	}

	@Test
	void invalidSpecsNameTheFieldAndTheFix()
	{
		final ModelSpec s = Presets.convPool( ModelSpec.Unpooling.NEAREST );
		s.layers = new int[] { 16, 0 };
		assertTrue( error( s::validate ).contains( "layers[1] = 0" ) );

		final ModelSpec neg = Presets.dense( false );
		neg.height = -28;
		assertTrue( error( neg::validate ).contains( "must be positive" ) );

		final ModelSpec big = Presets.dense( false );
		big.codeSize = 1000;
		final String m = error( big::validate );
		assertTrue( m.contains( "code_size 1000" ) && m.contains( "784" ), m );

		final ModelSpec pool = Presets.convPool( ModelSpec.Unpooling.NEAREST );
		pool.layers = new int[] { 16, 8, 8 };
		final String p = error( pool::validate );
		assertTrue( p.contains( "not divisible by 2^3 = 8" ) && p.contains( "use 2 level(s)" ), p );

		final ModelSpec bce = Presets.convStrided();
		bce.loss = ModelSpec.Loss.BCE;
		assertTrue( error( bce::validate ).contains( "needs output_activation sigmoid" ) );

		final String json = Presets.dense( false ).toJson().replace( "\"activation\": \"relu\"",
				"\"activation\": \"relux\"" );
		final String a = error( () -> ModelSpec.fromJson( json ) );
		assertTrue( a.contains( "Unknown activation 'relux'" ) && a.contains( "leaky_relu" ), a );

		assertTrue( error( () -> ModelSpec.fromJson( "{\"kind\": \"dense\", \"code\": 3}" ) )
				.contains( "Unknown model spec key 'code'" ) );
		assertTrue( error( () -> ModelSpec.fromJson( "{\"kind\": " ) ).contains( "not valid JSON" ) );
		assertTrue( error( () -> Presets.byName( "vae" ) ).contains( "conv_strided" ) );
	}

	@Test
	void sameSeedSameWeights()
	{
		try ( Model a = Model.create( Presets.convStrided(), 7, 1 );
				Model b = Model.create( Presets.convStrided(), 7, 1 );
				Model c = Model.create( Presets.convStrided(), 8, 1 ) )
		{
			final Map< String, float[] > pa = a.readParameters(), pb = b.readParameters(), pc = c.readParameters();
			for ( final String k : pa.keySet() )
				assertArrayEquals( pa.get( k ), pb.get( k ), k );
			assertTrue( pa.get( "params/enc0_w" )[ 0 ] != pc.get( "params/enc0_w" )[ 0 ] );
		}
	}

	/**
	 * The halo must cover the true receptive field: perturb one input pixel and
	 * check that no output pixel farther than the halo changes.
	 */
	@Test
	void haloCoversTheReceptiveField()
	{
		for ( final String name : new String[] { "conv_pool", "conv_pool_zero_fill", "conv_strided", "denoiser",
				"segmenter" } )
		{
			final ModelSpec spec = Presets.byName( name );
			final int size = 64 + 2 * spec.halo();
			final int n = size - size % spec.sizeMultiple();
			try ( Model m = Model.create( spec, 3, 1 ) )
			{
				final java.util.Random r = new java.util.Random( 1 );
				final float[] in = new float[ n * n * spec.channels ];
				for ( int i = 0; i < in.length; i++ )
					in[ i ] = r.nextFloat();
				final float[] a = new float[ n * n * spec.outChannels() ], b = a.clone();
				m.predict( in, a, 1, new int[] { n, n } );
				final int cy = n / 2 + 1, cx = n / 2 - 1;
				for ( int c = 0; c < spec.channels; c++ )
					in[ ( cy * n + cx ) * spec.channels + c ] += 5f;
				m.predict( in, b, 1, new int[] { n, n } );
				int reach = 0;
				for ( int y = 0; y < n; y++ )
					for ( int x = 0; x < n; x++ )
						for ( int c = 0; c < spec.outChannels(); c++ )
						{
							final int i = ( y * n + x ) * spec.outChannels() + c;
							if ( a[ i ] != b[ i ] )
								reach = Math.max( reach, Math.max( Math.abs( y - cy ), Math.abs( x - cx ) ) );
						}
				assertTrue( reach > 0, name + ": the perturbation changed nothing" );
				assertTrue( reach <= spec.halo(),
						name + ": receptive field reaches " + reach + " > halo " + spec.halo() );
			}
		}
	}

	@Test
	void diceLossIsTheSoftDiceOfTheOutput()
	{
		final ModelSpec spec = Presets.segmenter( 1 );
		spec.loss = ModelSpec.Loss.DICE;
		spec.height = 16;
		spec.width = 16;
		final int n = 2, hw = 16 * 16;
		final java.util.Random r = new java.util.Random( 5 );
		final float[] in = new float[ n * hw ], mask = new float[ n * hw ];
		for ( int i = 0; i < in.length; i++ )
		{
			in[ i ] = r.nextFloat();
			mask[ i ] = ( i % hw ) % 16 < 6 ? 1 : 0; // 6 foreground columns per sample
		}
		try ( Model m = Model.create( spec, 11, 1 );
				org.tensorflow.types.TFloat32 x = Model.tensor( in, org.tensorflow.ndarray.Shape.of( n, 16, 16, 1 ) );
				org.tensorflow.types.TFloat32 t = Model.tensor( mask,
						org.tensorflow.ndarray.Shape.of( n, 16, 16, 1 ) ) )
		{
			final float[] p = new float[ n * hw ];
			m.predict( in, p, n, new int[] { 16, 16 } );
			double expected = 0;
			for ( int b = 0; b < n; b++ )
			{
				double inter = 0, sp = 0, st = 0;
				for ( int i = b * hw; i < ( b + 1 ) * hw; i++ )
				{
					inter += p[ i ] * mask[ i ];
					sp += p[ i ];
					st += mask[ i ];
				}
				expected += ( 1 - ( 2 * inter + 1 ) / ( sp + st + 1 ) ) / n;
			}
			assertEquals( expected, m.loss( Endpoints.LOSS, x, t, null ), 1e-5 );
			assertTrue( expected > 0.2, "an untrained net is far from the mask: " + expected );
			// it trains: skip connections and Dice have gradients
			float last = 0;
			for ( int step = 0; step < 60; step++ )
				last = m.trainStep( Endpoints.TRAIN, Endpoints.LOSS, x, t, null );
			assertTrue( last < 0.5 * expected, "Dice loss after 60 steps " + last + " vs " + expected );
		}
	}

	@Test
	void skipConnectionsConcatenateEncoderMaps()
	{
		final ModelSpec spec = Presets.segmenter( 2 );
		try ( Model m = Model.create( spec, 1, 1 ) )
		{
			// decoder convs see the upsampled map next to the encoder's map of the same level
			assertArrayEquals( new long[] { 3, 3, 64, 64 }, m.parameterShapes().get( "params/dec2_w" ) );
			assertArrayEquals( new long[] { 3, 3, 128, 32 }, m.parameterShapes().get( "params/dec1_w" ) );
			assertArrayEquals( new long[] { 3, 3, 64, 16 }, m.parameterShapes().get( "params/dec0_w" ) );
			assertArrayEquals( new long[] { 3, 3, 32, 1 }, m.parameterShapes().get( "params/out_w" ) );
			assertTrue( !m.has( Endpoints.CODE_INPUT ), "a U-Net cannot decode a code on its own" );
		}
		final ModelSpec noTop = Presets.segmenter( 2 );
		noTop.topSkip = false; // N2V2: the full-resolution level has no skip
		try ( Model m = Model.create( noTop, 1, 1 ) )
		{
			assertArrayEquals( new long[] { 3, 3, 128, 32 }, m.parameterShapes().get( "params/dec1_w" ) );
			assertArrayEquals( new long[] { 3, 3, 64, 16 }, m.parameterShapes().get( "params/dec0_w" ) );
			assertArrayEquals( new long[] { 3, 3, 16, 1 }, m.parameterShapes().get( "params/out_w" ), "no top skip" );
			assertEquals( 64 * 64, m.reconstruct( new float[ 64 * 64 * 2 ], 1 ).length );
		}
		assertTrue( ModelSpec.fromJson( "{\"kind\": \"conv_pool\", \"height\": 8, \"width\": 8}" ).topSkip,
				"old model files keep their top skip" );
		final ModelSpec strided = Presets.convStrided();
		strided.skipConnections = true;
		assertTrue( error( strided::validate ).contains( "skip_connections needs kind conv_pool" ) );
		final ModelSpec dense = Presets.convPool( ModelSpec.Unpooling.NEAREST );
		dense.skipConnections = true;
		dense.codeSize = 20;
		assertTrue( error( dense::validate ).contains( "skip_connections needs code_size 0" ) );
		final ModelSpec linear = Presets.segmenter( 1 );
		linear.loss = ModelSpec.Loss.DICE;
		linear.outputActivation = ModelSpec.Activation.LINEAR;
		final String d = error( linear::validate );
		assertTrue( d.contains( "loss dice needs output_activation sigmoid" ), d );
		assertTrue( ModelSpec.fromJson( Presets.segmenter( 1 ).toJson() ).skipConnections );
		linear.outputActivation = ModelSpec.Activation.SIGMOID;
		assertTrue(
				linear.toJson().contains( "\"skip_connections\": true" ) && linear.toJson().contains( "\"dice\"" ) );
		assertEquals( "dice", ModelSpec.fromJson( linear.toJson() ).loss.name().toLowerCase() );
	}

	@Test
	void residualOutputAddsTheInputToTheNetworksCorrection()
	{
		final ModelSpec plain = Presets.denoiser( 1 );
		plain.residual = false;
		final ModelSpec residual = Presets.denoiser( 1 );
		residual.residual = true;
		final int n = 2, size = 64 * 64;
		final float[] input = new float[ n * size ];
		final java.util.Random r = new java.util.Random( 5 );
		for ( int i = 0; i < input.length; i++ )
			input[ i ] = ( float ) r.nextGaussian();
		// same seed, same parameters (residual adds none): the outputs differ by exactly the input
		try ( Model a = Model.create( plain, 13, 1 ); Model b = Model.create( residual, 13, 1 ) )
		{
			assertEquals( a.parameterCount(), b.parameterCount() );
			final float[] pa = a.reconstruct( input, n ), pb = b.reconstruct( input, n );
			double maxDiff = 0, maxCorrection = 0;
			for ( int i = 0; i < input.length; i++ )
			{
				maxDiff = Math.max( maxDiff, Math.abs( pb[ i ] - input[ i ] - pa[ i ] ) );
				maxCorrection = Math.max( maxCorrection, Math.abs( pa[ i ] ) );
			}
			assertTrue( maxDiff < 1e-5, "residual output - input vs plain output: max abs diff " + maxDiff );
			assertTrue( maxCorrection > 1e-3, "the plain output is not trivially zero: " + maxCorrection );
			assertTrue( !b.has( Endpoints.CODE_INPUT ), "a residual net cannot decode a code on its own" );
		}
		final ModelSpec sigmoid = Presets.denoiser( 1 );
		sigmoid.residual = true;
		sigmoid.outputActivation = ModelSpec.Activation.SIGMOID;
		sigmoid.loss = ModelSpec.Loss.BCE;
		assertTrue( error( sigmoid::validate ).contains( "residual needs output_activation linear" ) );
		final ModelSpec toMask = Presets.denoiser( 2 );
		toMask.residual = true;
		toMask.outputChannels = 1;
		assertTrue( error( toMask::validate ).contains( "must equal channels" ) );
		final ModelSpec dense = Presets.dense( false );
		dense.residual = true;
		assertTrue( error( dense::validate ).contains( "residual needs a convolutional kind" ) );
		assertTrue( ModelSpec.fromJson( residual.toJson() ).residual );
	}

	@Test
	void twoConvolutionsPerLevelAddEncoderAndMergeConvolutions()
	{
		final ModelSpec spec = Presets.denoiser( 1 );
		spec.convsPerLevel = 2;
		try ( Model m = Model.create( spec, 3, 1 ) )
		{
			final Map< String, long[] > p = m.parameterShapes();
			assertArrayEquals( new long[] { 3, 3, 1, 32 }, p.get( "params/enc0_w" ) );
			assertArrayEquals( new long[] { 3, 3, 32, 32 }, p.get( "params/enc0_1_w" ) );
			assertArrayEquals( new long[] { 3, 3, 64, 64 }, p.get( "params/enc1_1_w" ) );
			assertArrayEquals( new long[] { 3, 3, 128, 64 }, p.get( "params/merge1_1_w" ),
					"after concatenating 64 upsampled + 64 encoder channels" );
			assertArrayEquals( new long[] { 3, 3, 64, 32 }, p.get( "params/dec0_w" ),
					"reads the merged 64 channels of level 1" );
			assertArrayEquals( new long[] { 3, 3, 64, 32 }, p.get( "params/merge0_1_w" ) );
			assertArrayEquals( new long[] { 3, 3, 32, 1 }, p.get( "params/out_w" ) );
			// the summary accounts for every variable of the graph with its shape
			final fiji.plugin.autoencoder.features.ModelSummary summary = fiji.plugin.autoencoder.features.ModelSummary
					.of( m );
			assertEquals( m.parameterCount(), summary.total() );
			final float[] out = m.reconstruct( new float[ 2 * 64 * 64 ], 2 );
			assertEquals( 2 * 64 * 64, out.length );
		}
		assertTrue( ModelSpec.fromJson( spec.toJson() ).convsPerLevel == 2
				&& spec.toJson().contains( "\"convs_per_level\": 2" ) );
		final ModelSpec strided = Presets.convStrided();
		strided.convsPerLevel = 2;
		assertTrue( error( strided::validate )
				.contains( "convs_per_level 2 needs a fully convolutional 2D conv_pool model" ) );
		final ModelSpec zero = Presets.denoiser( 1 );
		zero.convsPerLevel = 0;
		assertTrue( error( zero::validate ).contains( "convs_per_level must be 1 or more" ) );
	}
}
