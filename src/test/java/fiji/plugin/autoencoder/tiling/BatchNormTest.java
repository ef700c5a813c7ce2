package fiji.plugin.autoencoder.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.convert.ImagePlusImages;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import ij.ImagePlus;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.view.Views;

/**
 * Batch normalisation ({@code batch_norm}): training moves the running
 * statistics, the prediction graph uses them (tiled == untiled), they are saved
 * and reloaded with the model, and on a small segmentation case the training
 * loss falls faster than without.
 */
@Tag( "slow" ) // trains networks: excluded from the fast tier (mvn test -Pfast)
class BatchNormTest
{
	static final int SIZE = 32, BATCH = 8;

	static ModelSpec spec( final boolean batchNorm )
	{
		final ModelSpec s = Presets.segmenter( 1 );
		s.height = SIZE;
		s.width = SIZE;
		s.layers = new int[] { 8, 16, 32 };
		s.convsPerLevel = 2;
		s.batchNorm = batchNorm;
		return s.validate();
	}

	/** A batch of noisy blobs (intensities around 100, as raw 8-bit data) and their masks. */
	static float[][] batch( final Random r )
	{
		final float[] in = new float[ BATCH * SIZE * SIZE ], t = new float[ in.length ];
		for ( int b = 0; b < BATCH; b++ )
			for ( int k = 0; k < 3; k++ )
			{
				final double cx = r.nextDouble() * SIZE, cy = r.nextDouble() * SIZE, rad = 3 + 4 * r.nextDouble();
				for ( int y = 0; y < SIZE; y++ )
					for ( int x = 0; x < SIZE; x++ )
						if ( ( x - cx ) * ( x - cx ) + ( y - cy ) * ( y - cy ) < rad * rad )
							t[ b * SIZE * SIZE + y * SIZE + x ] = 1;
			}
		for ( int i = 0; i < in.length; i++ )
			in[ i ] = ( float ) ( 100 + 20 * t[ i ] + 10 * r.nextGaussian() );
		return new float[][] { in, t };
	}

	/** Mean training loss of the last 10 of {@code steps} steps. */
	static double train( final Model m, final int steps )
	{
		final Random r = new Random( 3 );
		double last = 0;
		for ( int s = 0; s < steps; s++ )
		{
			final float[][] b = batch( r );
			try ( TFloat32 x = Model.tensor( b[ 0 ], Shape.of( BATCH, SIZE, SIZE, 1 ) );
					TFloat32 y = Model.tensor( b[ 1 ], Shape.of( BATCH, SIZE, SIZE, 1 ) ) )
			{
				final float loss = m.trainStep( Endpoints.TRAIN, Endpoints.LOSS, x, y, null );
				if ( s >= steps - 10 )
					last += loss / 10;
			}
		}
		return last;
	}

	@Test
	void batchNormOutsideAConvPoolNetIsRefused()
	{
		final ModelSpec strided = Presets.convStrided();
		strided.batchNorm = true;
		final String e = assertThrows( IllegalArgumentException.class, strided::validate ).getMessage();
		assertTrue( e.contains( "batch_norm needs a fully convolutional 2D conv_pool model" ), e );
		final ModelSpec dense = Presets.dense( false );
		dense.batchNorm = true;
		assertTrue( assertThrows( IllegalArgumentException.class, dense::validate ).getMessage()
				.contains( "batch_norm needs kind conv_pool" ) );
		assertTrue( ModelSpec.fromJson( spec( true ).toJson() ).batchNorm
				&& spec( true ).toJson().contains( "\"batch_norm\": true" ) );
		try ( Model m = Model.create( spec( true ), 7, 1 ) )
		{
			final String multi = assertThrows( IllegalArgumentException.class, () -> m.prepareMultiStep( 4 ) )
					.getMessage();
			assertTrue( multi.contains( "not supported with batch_norm" ), multi );
			// Model Summary accounts for every variable, the batch-norm ones included
			final fiji.plugin.autoencoder.features.ModelSummary summary = fiji.plugin.autoencoder.features.ModelSummary
					.of( m );
			assertEquals( m.parameterCount(), summary.total() );
			assertTrue( summary.rows().stream().anyMatch(
					r -> r.type.contains( "batch norm" ) && r.parameters.containsKey( "params/enc0_mean" ) ) );
		}
	}

	@Test
	void trainsFasterTilesExactlyAndReloads( @TempDir final Path dir ) throws Exception
	{
		final double plain, normed;
		try ( Model m = Model.create( spec( false ), 7, 2 ) )
		{
			plain = train( m, 80 );
		}
		final Path file = dir.resolve( "bn.aemodel.zip" );
		final ImagePlus cell = TestImages.open( "cell.png" );
		@SuppressWarnings( { "unchecked", "rawtypes" } )
		final RandomAccessibleInterval crop = Views
				.zeroMin( Views.interval( ( RandomAccessibleInterval ) ImagePlusImages.wrap( cell ),
						new long[] { 100, 200, 0, 0, 0 }, new long[] { 227, 300, 0, 0, 0 } ) );
		final Normalization norm = Normalizer.fit( Normalization.percentileDefault(), cell );
		final float[] probe = batch( new Random( 11 ) )[ 0 ];
		final float[] before;
		final Map< String, float[] > trained;
		try ( Model m = Model.create( spec( true ), 7, 2 ) )
		{
			assertEquals( 0f, m.readParameters().get( "params/enc0_mean" )[ 0 ] );
			normed = train( m, 80 );
			trained = m.readParameters();
			assertTrue( Math.abs( trained.get( "params/enc0_mean" )[ 0 ] ) > 1,
					"the running mean moved towards the batch means: " + trained.get( "params/enc0_mean" )[ 0 ] );
			assertTrue( Math.abs( trained.get( "params/enc0_var" )[ 0 ] - 1 ) > 0.1,
					"the running variance moved: " + trained.get( "params/enc0_var" )[ 0 ] );
			final double d = ModelTilingTest.maxDiffTiledVsUntiled( m, crop, norm,
					new int[] { SIZE + 2 * m.halo(), SIZE + 2 * m.halo() + m.sizeMultiple() } );
			System.out.println( "batch norm: tiled vs untiled max abs diff " + d );
			assertTrue( d < 1e-4, "tiled differs from untiled by " + d );
			before = m.reconstruct( probe, BATCH );
			ModelFile.save( m, file, Collections.emptyMap() );
		}
		System.out.println( "mean training loss of steps 71-80: without batch norm " + plain + ", with " + normed );
		assertTrue( normed < 0.7 * plain, "batch norm trains faster: " + normed + " vs " + plain );
		assertTrue( Files.size( file ) > 0 );
		try ( ModelFile.Loaded l = ModelFile.load( file, 2 ) )
		{
			assertTrue( l.model().spec().batchNorm );
			final Map< String, float[] > reloaded = l.model().readParameters();
			assertEquals( trained.keySet(), reloaded.keySet() );
			for ( final String k : trained.keySet() )
				for ( int i = 0; i < trained.get( k ).length; i++ )
					assertEquals( trained.get( k )[ i ], reloaded.get( k )[ i ], k );
			final float[] after = l.model().reconstruct( probe, BATCH );
			double max = 0;
			for ( int i = 0; i < after.length; i++ )
				max = Math.max( max, Math.abs( after[ i ] - before[ i ] ) );
			assertTrue( max < 1e-6, "saved == reloaded prediction, max abs diff " + max );
		}
	}
}
