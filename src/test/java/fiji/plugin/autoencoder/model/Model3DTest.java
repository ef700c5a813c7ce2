package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec.Kind;

/** 3D (volumetric) models: spec rules, shapes, receptive field, multi-step training and save/reload. */
class Model3DTest
{
	private static String error( final Runnable r )
	{
		return assertThrows( IllegalArgumentException.class, r::run ).getMessage();
	}

	/** A small 3D spec: 2 levels of 4 and 8 filters, 8^3 training patches. */
	static ModelSpec small( final Kind kind )
	{
		final ModelSpec s = kind == Kind.CONV_POOL ? Presets.denoiser3d( 1 ) : Presets.conv3d();
		s.depth = 8;
		s.height = 8;
		s.width = 8;
		s.layers = new int[] { 4, 8 };
		return s.validate();
	}

	@Test
	void specRules()
	{
		final ModelSpec s = Presets.conv3d();
		assertEquals( 3, s.spatialDims() );
		assertTrue( s.toJson().contains( "\"depth\": 32" ) );
		assertEquals( 32, ModelSpec.fromJson( s.toJson() ).depth );
		assertEquals( 0, ModelSpec.fromJson( "{\"kind\": \"conv_strided\"}" ).depth, "old specs without depth are 2D" );

		final ModelSpec odd = Presets.conv3d();
		odd.depth = 10;
		final String e = error( odd::validate );
		assertTrue( e.contains( "10 x 32 x 32 is not divisible by 2^2 = 4" ) && e.contains( "use 1 level(s)" ), e );

		final ModelSpec dense = Presets.dense( false );
		dense.depth = 8;
		assertTrue( error( dense::validate ).contains( "needs kind conv_strided or conv_pool: set depth to 0" ) );

		final ModelSpec coded = Presets.conv3d();
		coded.codeSize = 16;
		assertTrue( error( coded::validate ).contains( "fully convolutional only: set code_size to 0" ) );

		final ModelSpec negative = Presets.conv3d();
		negative.depth = -1;
		assertTrue( error( negative::validate ).contains( "depth must be 0 (a 2D model)" ) );

		final ModelSpec zeroFill = Presets.denoiser3d( 1 );
		zeroFill.unpooling = ModelSpec.Unpooling.ZERO_FILL;
		assertTrue( error( zeroFill::validate ).contains( "set unpooling to nearest" ) );
	}

	@Test
	void shapesAndClearErrors()
	{
		for ( final Kind kind : new Kind[] { Kind.CONV_STRIDED, Kind.CONV_POOL } )
			try ( Model m = Model.create( small( kind ), 1, 2 ) )
			{
				assertEquals( 3, m.spatialDims() );
				assertEquals( null, m.fixedSpatialShape() );
				final int d = 4, h = 12, w = 8;
				final float[] in = new float[ 2 * d * h * w ], out = new float[ in.length ];
				for ( int i = 0; i < in.length; i++ )
					in[ i ] = ( i * 37 % 101 ) / 101f;
				m.predict( in, out, 2, new int[] { d, h, w } );
				assertTrue( Math.abs( out[ 5 ] ) + Math.abs( out[ out.length - 1 ] ) > 0, kind + ": some output" );
				assertArrayEquals( new long[] { 2, 1, 3, 2, 8 }, m.encode( in, 2, new int[] { d, h, w } ).shape,
						kind + ": code shape" );
				assertTrue( error( () -> m.predict( in, out, 1, new int[] { 16, 16 } ) ).contains(
						"This model is 3D: give {depth, height, width}, got 2 spatial sizes (a 2D image)" ) );
				assertTrue( error( () -> m.predict( in, out, 1, new int[] { 6, 8, 8 } ) )
						.contains( "6 x 8 x 8 (depth x height x width) is not a multiple of 4" ) );
			}
		try ( Model m2 = Model.create( Presets.convStrided(), 1, 1 ) )
		{
			final float[] v = new float[ 4 * 28 * 28 ];
			assertTrue( error( () -> m2.predict( v, v, 1, new int[] { 4, 28, 28 } ) ).contains( "This model is 2D" ) );
		}
	}

	/** Perturb one voxel: no output voxel farther than the halo (in z, y or x) may change. */
	@Test
	void haloCoversTheReceptiveFieldInZToo()
	{
		for ( final Kind kind : new Kind[] { Kind.CONV_STRIDED, Kind.CONV_POOL } )
		{
			final ModelSpec spec = small( kind );
			final int halo = spec.halo();
			final int n = 2 * halo + 8; // a multiple of 4
			try ( Model m = Model.create( spec, 3, 2 ) )
			{
				final Random r = new Random( 1 );
				final float[] in = new float[ n * n * n ];
				for ( int i = 0; i < in.length; i++ )
					in[ i ] = r.nextFloat();
				final float[] a = new float[ in.length ], b = new float[ in.length ];
				m.predict( in, a, 1, new int[] { n, n, n } );
				final int cz = n / 2, cy = n / 2 + 1, cx = n / 2 - 1;
				in[ ( cz * n + cy ) * n + cx ] += 5f;
				m.predict( in, b, 1, new int[] { n, n, n } );
				int reach = 0, reachZ = 0;
				for ( int z = 0; z < n; z++ )
					for ( int y = 0; y < n; y++ )
						for ( int x = 0; x < n; x++ )
							if ( a[ ( z * n + y ) * n + x ] != b[ ( z * n + y ) * n + x ] )
							{
								reach = Math.max( reach, Math.max( Math.abs( z - cz ),
										Math.max( Math.abs( y - cy ), Math.abs( x - cx ) ) ) );
								reachZ = Math.max( reachZ, Math.abs( z - cz ) );
							}
				System.out.println(
						kind + " 3D: receptive field reaches " + reach + " (z: " + reachZ + "), halo " + halo );
				assertTrue( reachZ > 0, kind + ": the perturbation changed nothing in other slices" );
				assertTrue( reach <= halo, kind + ": receptive field reaches " + reach + " > halo " + halo );
			}
		}
	}

	/** Two steps in one run (graph-side gradients of the unrolled 3D graph) equal two single steps. */
	@Test
	void multiStepEqualsSingleSteps()
	{
		final ModelSpec spec = small( Kind.CONV_STRIDED );
		final int n = 4, size = 8 * 8 * 8;
		final float[] data = new float[ n * size ];
		final Random r = new Random( 5 );
		for ( int i = 0; i < data.length; i++ )
			data[ i ] = r.nextFloat();
		final float[] single = new float[ 2 ];
		final float[] multi;
		try ( Model a = Model.create( spec, 11, 1 ); Model b = Model.create( spec, 11, 1 ) )
		{
			for ( int k = 0; k < 2; k++ )
			{
				final float[] half = java.util.Arrays.copyOfRange( data, k * 2 * size, ( k + 1 ) * 2 * size );
				try ( TFloat32 x = Model.tensor( half, Shape.of( 2, 8, 8, 8, 1 ) ) )
				{
					single[ k ] = a.trainStep( Endpoints.TRAIN, Endpoints.LOSS, x, x, null );
				}
			}
			b.prepareMultiStep( 2 );
			try ( TFloat32 x = Model.tensor( data, Shape.of( n, 8, 8, 8, 1 ) ) )
			{
				multi = b.trainSteps( 2, x, x, null );
			}
			System.out.println( "3D single steps " + java.util.Arrays.toString( single ) + ", one run of 2 steps "
					+ java.util.Arrays.toString( multi ) );
			for ( int k = 0; k < 2; k++ )
				assertEquals( single[ k ], multi[ k ], 1e-4 * Math.abs( single[ k ] ), "step " + k );
			assertTrue( single[ 1 ] != single[ 0 ] );
			final float[] wa = a.readParameters().get( "params/enc0_w" ),
					wb = b.readParameters().get( "params/enc0_w" );
			double max = 0;
			for ( int i = 0; i < wa.length; i++ )
				max = Math.max( max, Math.abs( wa[ i ] - wb[ i ] ) );
			assertTrue( max < 1e-5, "weights after two steps differ by " + max );
		}
	}

	/** A trained 3D model written to a file and read back predicts exactly the same. */
	@Test
	void saveAndReloadGiveIdenticalOutput( @TempDir final Path dir ) throws Exception
	{
		final ModelSpec spec = small( Kind.CONV_POOL );
		final int d = 8, h = 16, w = 12;
		final float[] in = new float[ d * h * w ];
		final Random r = new Random( 2 );
		for ( int i = 0; i < in.length; i++ )
			in[ i ] = r.nextFloat();
		final float[] before = new float[ in.length ], after = new float[ in.length ];
		final Path file = dir.resolve( "v.aemodel.zip" );
		try ( Model m = Model.create( spec, 4, 2 ) )
		{
			try ( TFloat32 x = Model.tensor( java.util.Arrays.copyOf( in, 512 ), Shape.of( 1, 8, 8, 8, 1 ) ) )
			{
				for ( int k = 0; k < 3; k++ )
					m.trainStep( Endpoints.TRAIN, Endpoints.LOSS, x, x, null );
			}
			m.predict( in, before, 1, new int[] { d, h, w } );
			ModelFile.save( m, file, Collections.emptyMap() );
		}
		assertTrue( Files.size( file ) > 1000 );
		try ( Model loaded = ModelFile.load( file, 2 ).model() )
		{
			assertEquals( 8, loaded.spec().depth );
			assertEquals( 3, loaded.spatialDims() );
			assertEquals( 3, loaded.step() );
			loaded.predict( in, after, 1, new int[] { d, h, w } );
		}
		double max = 0;
		for ( int i = 0; i < in.length; i++ )
			max = Math.max( max, Math.abs( before[ i ] - after[ i ] ) );
		System.out.println( "3D save/reload: max abs diff " + max );
		assertEquals( 0, max, 1e-7 );
	}
}
