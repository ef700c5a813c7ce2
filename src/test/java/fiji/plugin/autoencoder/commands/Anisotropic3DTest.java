package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.log.LogService;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import ij.ImagePlus;

/**
 * Anisotropy: a 3D network pools z only while z allows ({@link Presets#poolZ}: the z spacing at most twice the x/y
 * spacing at that level, and at least 4 slices left). Train Autoencoder on a stack whose voxels are 4x as deep as
 * wide saves a 3D spec that pools z at its second level only, and its prediction on an anisotropic stack of odd size
 * tiled in x, y and z equals one untiled run.
 */
@Tag( "slow" ) // trains networks: excluded from the fast tier (mvn test -Pfast)
class Anisotropic3DTest
{
	@TempDir
	Path dir;

	@Test
	void zIsPooledOnlyWhileItsSpacingAndSizeAllow()
	{
		assertNull( Presets.poolZ( 2, 16, 1 ), "isotropic: every level pools z (the spec stays as before)" );
		assertNull( Presets.poolZ( 2, 16, 2 ), "2x deeper: still both" );
		assertArrayEquals( new boolean[] { false, true }, Presets.poolZ( 2, 16, 4 ), "4x deeper: z pooled once" );
		assertArrayEquals( new boolean[] { false, false }, Presets.poolZ( 2, 16, 5 ), "5x deeper: never" );
		assertArrayEquals( new boolean[] { true, false }, Presets.poolZ( 2, 4, 1 ), "4 slices: pooled once, to 2" );
		assertArrayEquals( new boolean[] { false, false, true, true }, Presets.poolZ( 4, 16, 6 ) );
		final ModelSpec bad = Presets.denoiser3d( 1 );
		bad.poolZ = new boolean[] { true };
		assertTrue( assertThrowsMessage( bad ).contains( "pool_z needs kind conv_pool and one entry per level (2)" ) );
		final ModelSpec flat = Presets.denoiser( 1 );
		flat.poolZ = new boolean[ flat.layers.length ];
		assertTrue( assertThrowsMessage( flat ).contains( "pool_z is for 3D models" ) );
	}

	@Test
	void anAnisotropicStackTrainsAThreeDModelThatPoolsZOnceAndTilesExactly() throws Exception
	{
		final ImagePlus volume = Train3DCommandTest.stack( 16, 40, 1 );
		volume.getCalibration().pixelWidth = 0.25;
		volume.getCalibration().pixelHeight = 0.25;
		volume.getCalibration().pixelDepth = 1.0; // voxels 4x as deep as wide
		volume.getCalibration().setUnit( "micron" );
		final Path model = dir.resolve( "aniso.aemodel.zip" );
		final List< String > log = Collections.synchronizedList( new ArrayList<>() );
		try ( Context context = new Context() )
		{
			context.service( LogService.class ).addLogListener( m -> log.add( String.valueOf( m.text() ) ) );
			final CommandModule m = context.service( CommandService.class ).run( TrainAutoencoderCommand.class, true,
					"input", volume, "mode", "Denoise (paired)", "target", volume, "dimensions", "3D",
					"patch_depth", 8, "patch_size", 16, "model_file", model.toFile(), "epochs", 2,
					"patches_per_epoch", 16, "batch_size", 4, "patience", 0, "show_plot", false ).get();
			assertFalse( m.isCanceled(), m.getCancelReason() );
		}
		assertTrue(
				log.stream().anyMatch( l -> l.contains( "voxels 4.00 x as deep as wide: z pooled at 1 of 2 levels" ) ),
				"the log says how z is pooled: " + log );
		try ( ModelFile.Loaded m = ModelFile.load( model, 1 ) )
		{
			final ModelSpec spec = m.model().spec();
			assertTrue( spec.is3D() );
			assertArrayEquals( new boolean[] { false, true }, spec.poolZ, "saved spec: " + spec );
			final ImagePlus odd = Train3DCommandTest.stack( 13, 45, 2 ); // 45 x 45 x 13
			final ImageRunner.Options whole = new ImageRunner.Options(), tiles = new ImageRunner.Options();
			tiles.tileSize = new int[] { 2 * m.model().halo() + 8, 2 * m.model().halo() + 12,
					2 * m.model().halo() + 4 };
			final ImagePlus a = ModelFileRunner.apply( m, odd, OutputType.FLOAT_32, "a", whole, Progress.none() ),
					b = ModelFileRunner.apply( m, odd, OutputType.FLOAT_32, "b", tiles, Progress.none() );
			assertEquals( 13, a.getNSlices() );
			double diff = 0, sd = 0;
			for ( int z = 1; z <= 13; z++ )
			{
				final float[] p = ( float[] ) a.getStack().getProcessor( z ).getPixels(),
						q = ( float[] ) b.getStack().getProcessor( z ).getPixels();
				for ( int i = 0; i < p.length; i++ )
				{
					diff = Math.max( diff, Math.abs( p[ i ] - q[ i ] ) );
					sd += ( p[ i ] - 100 ) * ( p[ i ] - 100 );
				}
			}
			System.out.printf(
					"anisotropic 3D model (pool_z false, true) on 45 x 45 x 13: tiled vs untiled max abs diff %.2e%n",
					diff );
			assertTrue( diff <= 1e-4, "tiled equals untiled: " + diff );
			assertTrue( sd > 0 && Double.isFinite( sd ), "a finite, non-constant output" );
		}
	}

	private static String assertThrowsMessage( final ModelSpec s )
	{
		return org.junit.jupiter.api.Assertions.assertThrows( IllegalArgumentException.class, s::validate )
				.getMessage();
	}
}
