import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.commands.DenoiseImageCommand;
import fiji.plugin.autoencoder.commands.TrainAutoencoderCommand;
import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.io.ModelFile;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.GaussianBlur3D;

/**
 * 3D from the menu: Train Autoencoder (Denoise (paired), dimensions=3D, a
 * 5-minute budget) on the upper z-slices of the confocal Arabidopsis stack with
 * Poisson noise, Denoise Image on the lower slices it never saw, against the
 * best isotropic 3D Gaussian blur (sigma picked with the clean test slices: an
 * oracle). Usage: Menu3DBench [stack.tif] [minutes] [out.md]
 */
public class Menu3DBench
{
	public static void main( final String[] args ) throws Exception
	{
		final String path = args.length > 0 ? args[ 0 ] : "/work/shared/data/confocal3d_arabidopsis/arabidopsis-embryo.tif";
		final double minutes = args.length > 1 ? Double.parseDouble( args[ 1 ] ) : 5;
		final Path md = Paths.get( args.length > 2 ? args[ 2 ] : "bench/results/menu3d.md" );
		final String load0 = uptime();
		final ImagePlus stack = IJ.openImage( path );
		final int nz = stack.getStackSize(), split = ( int ) Math.round( nz * 0.66 );
		final NoiseModel noise = NoiseModel.parse( "poisson:peak=30" );
		final ImagePlus clean = float32( stack, 1, nz ), noisy = TrainingMode.noisyCopy( clean, noise, 7, 255 );
		noisy.setDimensions( 1, nz, 1 );
		final ImagePlus trainNoisy = float32( noisy, 1, split ), trainClean = float32( clean, 1, split ), testNoisy = float32( noisy, split + 1, nz ),
				testClean = float32( clean, split + 1, nz );
		final Path dir = Files.createTempDirectory( "menu3d" ), model = dir.resolve( "confocal3d.aemodel.zip" );
		final long t0 = System.nanoTime();
		String trainResult;
		try ( Context context = new Context() )
		{
			final CommandService cs = context.service( CommandService.class );
			final CommandModule m = cs.run( TrainAutoencoderCommand.class, true, "input", trainNoisy, "target", trainClean, "mode", "Denoise (paired)", "dimensions", "3D",
					"patch_depth", 16, "patch_size", 32, "batch_size", 4, "patches_per_epoch", 128, "epochs", 500, "patience", 0, "minutes", minutes, "model_file", model.toFile(),
					"show_plot", false ).get();
			if ( m.isCanceled() )
				throw new IllegalStateException( m.getCancelReason() );
			trainResult = ( String ) m.getOutput( "result" );
			final double trainSeconds = ( System.nanoTime() - t0 ) / 1e9;
			final CommandModule d = cs.run( DenoiseImageCommand.class, true, "input", testNoisy, "model_file", model.toFile(), "average_orientations", false, "output_type", "32-bit" ).get();
			if ( d.isCanceled() )
				throw new IllegalStateException( d.getCancelReason() );
			final float[] ref = voxels( testClean ), den = voxels( ( ImagePlus ) d.getOutput( "output" ) ), raw = voxels( testNoisy );
			final double net = Metrics.psnr( ref, den, 255 ), input = Metrics.psnr( ref, raw, 255 );
			double best = -1, bestSigma = 0;
			final StringBuilder gauss = new StringBuilder();
			for ( final double s : new double[] { 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3 } )
			{
				final ImagePlus g = testNoisy.duplicate();
				GaussianBlur3D.blur( g, s, s, s );
				final double p = Metrics.psnr( ref, voxels( g ), 255 );
				gauss.append( String.format( Locale.ROOT, " %.2f: %.2f dB;", s, p ) );
				if ( p > best )
				{
					best = p;
					bestSigma = s;
				}
			}
			final String spec;
			try ( ModelFile.Loaded l = ModelFile.load( model, 1 ) )
			{
				spec = l.model().spec().toString();
			}
			final String table = String.format( Locale.ROOT, "| method | PSNR dB (test slices %d-%d) |%n|---|---|%n| noisy input (Poisson, peak 30) | %.2f |%n| best 3D Gaussian (sigma %.2f, oracle) | %.2f |%n"
					+ "| ours: Train Autoencoder, Denoise (paired), dimensions=3D, %.1f min budget (%.0f s with setup) | %.2f |%n| gain over the oracle Gaussian | %+.2f dB |%n",
					split + 1, nz, input, bestSigma, best, minutes, trainSeconds, net, net - best );
			final String text = "# 3D denoising from the menu (Train Autoencoder, dimensions=3D)\n\n`bench/run-menu3d-bench.sh` (Menu3DBench): " + path + " (" + stack.getWidth() + " x "
					+ stack.getHeight() + " x " + nz + ", 8-bit), Poisson noise with 30 photons at 255 (seed 7). The model trains through the SciJava command on z-slices 1-" + split
					+ " (noisy input, clean target; its own 10 % validation rows), with fixed settings chosen before the run (3D U-Net `denoiser3d` with skips, 16 x 32 x 32 patches, batch 4, "
					+ "128 patches per epoch, learning rate 1e-3, no early stop, time budget " + minutes + " min); Denoise Image (one orientation) runs on slices " + ( split + 1 ) + "-" + nz
					+ ", which training never saw. The Gaussian's sigma is picked with the clean test slices (oracle);" + gauss + "\n\n" + table + "\nModel: " + spec + "\n\nTraining: "
					+ trainResult + "\n\nLoad average before: " + load0 + "; after: " + uptime() + " (2 cores, shared with other engineers' jobs).\n";
			Files.createDirectories( md.toAbsolutePath().getParent() );
			Files.write( md, text.getBytes( java.nio.charset.StandardCharsets.UTF_8 ) );
			System.out.println( text );
		}
		System.exit( 0 );
	}

	private static ImagePlus float32( final ImagePlus imp, final int from, final int to )
	{
		final ImageStack s = new ImageStack( imp.getWidth(), imp.getHeight() );
		for ( int z = from; z <= to; z++ )
			s.addSlice( imp.getStack().getProcessor( z ).convertToFloat() );
		final ImagePlus out = new ImagePlus( imp.getShortTitle() + "-" + from + "-" + to, s );
		out.setDimensions( 1, to - from + 1, 1 );
		return out;
	}

	private static float[] voxels( final ImagePlus imp )
	{
		final int n = imp.getWidth() * imp.getHeight();
		final float[] v = new float[ n * imp.getStackSize() ];
		for ( int z = 1; z <= imp.getStackSize(); z++ )
			System.arraycopy( ( float[] ) imp.getStack().getProcessor( z ).convertToFloat().getPixels(), 0, v, ( z - 1 ) * n, n );
		return v;
	}

	private static String uptime() throws Exception
	{
		return new String( Files.readAllBytes( Paths.get( "/proc/loadavg" ) ) ).trim();
	}
}
