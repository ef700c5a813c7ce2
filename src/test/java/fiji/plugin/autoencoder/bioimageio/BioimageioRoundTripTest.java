package fiji.plugin.autoencoder.bioimageio;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.SupervisedSegmenter;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;

/** Must-show 1: export a trained denoiser and segmenter, apply the package: the plugin's own output within 1e-5, tiled, on sizes that are no multiple of the tile. */
class BioimageioRoundTripTest
{
	@TempDir
	static Path dir;

	static Path denoiser, segmenter;

	@BeforeAll
	static void train() throws Exception
	{
		denoiser = TrainedModels.denoiser( dir );
		segmenter = TrainedModels.segmenter( dir );
	}

	static double maxAbsDiff( final ImagePlus a, final ImagePlus b )
	{
		assertEquals( a.getWidth(), b.getWidth() );
		assertEquals( a.getHeight(), b.getHeight() );
		assertEquals( a.getStackSize(), b.getStackSize() );
		double m = 0;
		for ( int s = 1; s <= a.getStackSize(); s++ )
		{
			final float[] x = ( float[] ) a.getStack().getProcessor( s ).convertToFloat().getPixels(),
					y = ( float[] ) b.getStack().getProcessor( s ).convertToFloat().getPixels();
			for ( int i = 0; i < x.length; i++ )
				m = Math.max( m, Math.abs( x[ i ] - y[ i ] ) );
		}
		return m;
	}

	static ImageRunner.Options tiles( final int size )
	{
		final ImageRunner.Options o = new ImageRunner.Options();
		o.tileSize = new int[] { size, size };
		return o;
	}

	@Test
	void denoiserPackageEqualsThePluginOnAnOddSizedImage() throws Exception
	{
		// 251 x 237: no multiple of the 96-pixel tiles nor of the size multiple; the export's normalisation values are measured on this image
		final ImagePlus image = TrainedModels.crop( TrainedModels.noisy( TrainedModels.cell(), 7 ), 3, 11, 251, 237 );
		final Path pkg = dir.resolve( "denoiser.bioimageio.zip" );
		final BioimageioRunner.Check exportCheck = BioimageioExporter.export( denoiser, image, pkg,
				new ExportSettings() );
		System.out.println( "denoiser export: " + exportCheck );
		try ( ModelFile.Loaded plugin = ModelFile.load( denoiser, 2 );
				BioimageioModel model = BioimageioModel.load( pkg, 2 ) )
		{
			final ImagePlus ours = ModelFileRunner.apply( plugin, image, OutputType.FLOAT_32, "denoised", tiles( 96 ),
					Progress.none() );
			final ImagePlus viaPackage = BioimageioRunner.apply( model, image, "denoised", tiles( 96 ),
					Progress.none() );
			final ImagePlus untiled = BioimageioRunner.apply( model, image, "denoised", new ImageRunner.Options(),
					Progress.none() );
			final double d = maxAbsDiff( ours, viaPackage ), t = maxAbsDiff( untiled, viaPackage );
			System.out.println( "denoiser: package vs plugin max |diff| " + d + " (values up to "
					+ ours.getStatistics().max + "), package tiled vs untiled " + t );
			assertTrue( d <= 1e-5, "package vs plugin " + d );
			// tiles of other shapes sum the convolutions in another order: float round-off, relative to the values
			assertTrue( t <= 1e-6 * ours.getStatistics().max, "tiled vs untiled " + t );
			final BioimageioRunner.Check c = BioimageioRunner.check( model );
			assertTrue( c.passed(), c.toString() );
		}
	}

	@Test
	void segmenterPackageEqualsThePluginOnAnyImage() throws Exception
	{
		final Path pkg = dir.resolve( "segmenter.bioimageio.zip" );
		BioimageioExporter.export( segmenter, TrainedModels.cell(), pkg, new ExportSettings() );
		// per-image scale_range: any other image, here an odd-sized crop, is normalised as the plugin does
		final ImagePlus image = TrainedModels.crop( TrainedModels.cell(), 20, 5, 213, 199 );
		try ( ModelFile.Loaded plugin = ModelFile.load( segmenter, 2 );
				BioimageioModel model = BioimageioModel.load( pkg, 2 ) )
		{
			final ImagePlus ours = SupervisedSegmenter.probability( plugin, image, tiles( 96 ), Progress.none() );
			final ImagePlus viaPackage = BioimageioRunner.apply( model, image, "probability", tiles( 104 ),
					Progress.none() );
			final double d = maxAbsDiff( ours, viaPackage );
			System.out.println( "segmenter: package vs plugin max |diff| " + d );
			assertTrue( d <= 1e-5, "package vs plugin " + d );
			assertTrue( BioimageioRunner.check( model ).passed() );
		}
	}
}
