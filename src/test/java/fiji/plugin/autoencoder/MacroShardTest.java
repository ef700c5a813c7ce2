package fiji.plugin.autoencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;

/**
 * The sample macros in a real ImageJ -batch: an array task that would train
 * (train=true, the default, with shard_count &gt; 1) stops before training with
 * exit status 1, so a SLURM array cannot train N times into one model file.
 */
class MacroShardTest
{
	@TempDir
	Path dir;

	@Test
	void bothSampleMacrosRefuseTrainingInAShardedRun() throws Exception
	{
		final Path image = dir.resolve( "train.tif" ), in = Files.createDirectories( dir.resolve( "in" ) ),
				out = dir.resolve( "out" );
		MacroBatchTest.saveNoisy( IJ.openImage( "test-images/cell_256.tif" ), 1, image );
		MacroBatchTest.saveNoisy( IJ.openImage( "test-images/cell_256.tif" ), 2, in.resolve( "a.tif" ) );
		for ( final String macro : new String[] { "train_and_denoise_folder.ijm", "train_and_segment_folder.ijm" } )
		{
			final Path model = dir.resolve( macro + ".aemodel.zip" );
			final int[] exit = new int[ 1 ];
			final String log = MacroBatchTest.runBatch( Paths.get( "macros", macro ),
					"train_image=[" + image + "] normal_image=[" + image + "] input_folder=[" + in + "] output_folder=["
							+ out
							+ "] model_file=[" + model + "] epochs=1 shard_index=1 shard_count=4",
					exit );
			assertEquals( 1, exit[ 0 ], macro + ": " + log );
			assertTrue( log.contains(
					"Autoencoder macro failed: train=true with shard_count=4 > 1: every array task would train into "
							+ model )
					&& log.contains( "train=false" ), macro + ": " + log );
			assertFalse( log.contains( "done" ) || log.contains( "epoch 1" ), "stopped before training: " + log );
			assertFalse( Files.exists( model ), "no model written" );
			assertFalse( Files.exists( out ), "nothing written" );
		}
	}
}
