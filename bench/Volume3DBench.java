import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Locale;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;

/**
 * 3D autoencoder on a real confocal z-stack (Arabidopsis embryo, 106 x 112 x 109,
 * see /work/shared/data/confocal3d_arabidopsis/PROVENANCE.md; read in place,
 * never copied): trains the conv3d preset (stride-2 3D convs 16-32, 32^3
 * patches) and prints the loss per epoch and samples/s, then times the tiled
 * prediction of the whole volume. Writes bench/results/volume3d.md.
 * <p>
 * Usage: {@code Volume3DBench [stack.tif] [epochs]}
 */
public class Volume3DBench
{
	public static void main( final String[] args ) throws IOException
	{
		final String path = args.length > 0 ? args[ 0 ] : "/work/shared/data/confocal3d_arabidopsis/arabidopsis-embryo.tif";
		final int epochs = args.length > 1 ? Integer.parseInt( args[ 1 ] ) : 8;
		final ImagePlus stack = IJ.openImage( path );
		if ( stack == null )
		{
			System.err.println( "Cannot open " + path );
			System.exit( 1 );
		}
		// ImageJ may read the pages as frames: they are z-slices
		if ( stack.getNSlices() == 1 && stack.getNFrames() > 1 )
			stack.setDimensions( 1, stack.getNFrames(), 1 );
		final StringBuilder md = new StringBuilder();
		final String head = String.format( Locale.ROOT, "stack %s: %d x %d x %d (X x Y x Z), %d-bit; %d cores",
				Paths.get( path ).getFileName(), stack.getWidth(), stack.getHeight(), stack.getNSlices(), stack.getBitDepth(), Runtime.getRuntime().availableProcessors() );
		System.out.println( head );

		final Path dir = Files.createTempDirectory( "volume3d-bench" );
		final Path modelFile = dir.resolve( "conv3d.aemodel.zip" );
		final ModelSpec spec = Presets.conv3d();
		final ImageTrainingJob job = new ImageTrainingJob( spec, modelFile );
		job.patchSize = 32;
		job.patchDepth = 32;
		job.patchesPerEpoch = 128;
		job.threads = 2;
		job.config.epochs( epochs ).batchSize( 8 ).validationFraction( 0.2 ).patience( 0 ).seed( 1 );
		final long t0 = System.nanoTime();
		final ImageTrainingJob.Result r = job.run( Collections.singletonList( stack ), null, new TrainingListener()
		{
			@Override
			public void epochEnded( final History.Epoch e, final History h )
			{
				System.out.printf( Locale.ROOT, "epoch %d: train loss %.5f, validation loss %.5f, %.1f samples/s (%.1f s)%n", e.epoch, e.trainLoss, e.validationLoss,
						e.samplesPerSecond, e.seconds );
			}
		} );
		final double trainSeconds = ( System.nanoTime() - t0 ) / 1e9;
		md.append( "# 3D autoencoder on a confocal z-stack\n\n" );
		md.append( "`bench/run-3d-bench.sh` (Volume3DBench). " ).append( head ).append( ".\n\n" );
		md.append( "Model: preset `conv3d` (stride-2 3x3x3 Conv3D 16-32, stride-2 transposed Conv3D back, linear output, MSE), " )
				.append( "32 x 32 x 32 patches with flips, batch 8, 128 patches per epoch, 20 % of the rows held out for validation, " )
				.append( "percentile normalisation 1 / 99.8, Adam 1e-3, 2 TensorFlow threads.\n\n" );
		md.append( String.format( Locale.ROOT, "Untrained validation loss: %.5f\n\n", r.history.initialValidationLoss ) );
		md.append( "| epoch | train loss | validation loss | samples/s | seconds |\n|---|---|---|---|---|\n" );
		double sps = 0;
		int n = 0;
		for ( final History.Epoch e : r.history.epochs )
		{
			md.append( String.format( Locale.ROOT, "| %d | %.5f | %.5f | %.1f | %.1f |\n", e.epoch, e.trainLoss, e.validationLoss, e.samplesPerSecond, e.seconds ) );
			sps += e.samplesPerSecond;
			n++;
		}
		md.append( String.format( Locale.ROOT, "\n%s Training took %.1f s in all (mean %.1f samples/s of 32^3 voxels, %.2f Mvoxel/s).\n\n", r.training.message,
				trainSeconds, sps / n, sps / n * 32 * 32 * 32 / 1e6 ) );
		System.out.println( r.training );

		try ( ModelFile.Loaded loaded = ModelFile.load( modelFile, 2 ) )
		{
			final Model model = loaded.model();
			final Normalization norm = Normalization.fromJson( loaded.extras().get( ModelFile.NORMALIZATION ) );
			md.append( "Tiled prediction of the whole volume (normalised, predicted, mapped back; 32-bit output), median of 3:\n\n| tiles | seconds | Mvoxel/s |\n|---|---|---|\n" );
			for ( final int[] tile : new int[][] { null, { 64, 64, 64 } } )
			{
				final ImageRunner.Options o = new ImageRunner.Options();
				o.tileSize = tile;
				o.threads = 1;
				final double[] times = new double[ 3 ];
				ImagePlus out = null;
				for ( int k = 0; k < times.length; k++ )
				{
					final long p0 = System.nanoTime();
					out = ImageRunner.run( model, norm, stack, OutputType.FLOAT_32, "ae3d", true, o, Progress.none() );
					times[ k ] = ( System.nanoTime() - p0 ) / 1e9;
				}
				java.util.Arrays.sort( times );
				final double voxels = ( double ) stack.getWidth() * stack.getHeight() * stack.getNSlices();
				final String what = tile == null ? "automatic (memory budget 64 MB)" : tile[ 0 ] + "^3 windows (halo " + model.halo() + ")";
				System.out.printf( Locale.ROOT, "tiled prediction, %s: %.2f s (%.2f Mvoxel/s), output %d slices%n", what, times[ 1 ], voxels / times[ 1 ] / 1e6, out.getNSlices() );
				md.append( String.format( Locale.ROOT, "| %s | %.2f | %.2f |\n", what, times[ 1 ], voxels / times[ 1 ] / 1e6 ) );
			}
		}
		Files.createDirectories( Paths.get( "bench/results" ) );
		Files.write( Paths.get( "bench/results/volume3d.md" ), md.toString().getBytes( java.nio.charset.StandardCharsets.UTF_8 ) );
		System.out.println( "wrote bench/results/volume3d.md" );
		System.exit( 0 );
	}
}
