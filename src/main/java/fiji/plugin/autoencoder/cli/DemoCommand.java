package fiji.plugin.autoencoder.cli;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.denoise.ClassicBaselines;
import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.io.Opener;
import ij.process.FloatProcessor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The default demo: noise is added to a real micrograph shipped in the jar, then
 * it is denoised by the best classic filters and by two denoisers trained here
 * on the CPU: a self-supervised (blind-spot) one that sees only the noisy image,
 * and a supervised one trained with synthetic noise on another real image.
 */
@Command( name = "demo", mixinStandardHelpOptions = true,
		description = "Denoise a noisy real micrograph: classic filters versus denoisers trained here (about a minute on 2 cores)." )
public class DemoCommand implements Callable< Integer >
{
	@Option( names = "--output", defaultValue = "demo-output",
			description = "Folder for the TIFFs and models (default ${DEFAULT-VALUE})." )
	Path output;

	@Option( names = "--noise", defaultValue = "poisson-gaussian:peak=20,sigma=5",
			description = "Noise model (default ${DEFAULT-VALUE})." )
	String noise;

	@Option( names = "--image", defaultValue = "hubble",
			description = "Demo image: hubble (Hubble deep field, public domain), cell (phase micrograph, CC0) or retina (fundus, green channel, CC0); default ${DEFAULT-VALUE}." )
	String image;

	@Option( names = "--epochs", defaultValue = "12" )
	int epochs;

	@Option( names = "--seed", defaultValue = "42" )
	long seed;

	static ImagePlus embedded( final String name ) throws IOException
	{
		try ( InputStream in = DemoCommand.class.getResourceAsStream( "/fiji/plugin/autoencoder/demo/" + name ) )
		{
			if ( in == null )
				throw new IOException( "demo image " + name + " missing from the jar" );
			final ImagePlus imp = new Opener().openTiff( in, name );
			imp.setTitle( name.replace( ".tif", "" ) );
			return imp;
		}
	}

	@Override
	public Integer call() throws Exception
	{
		Files.createDirectories( output );
		final NoiseModel noiseModel = NoiseModel.parse( noise );
		final String[] names = { "hubble", "cell", "retina" };
		final String[] files = { "hubble_deep_field_256.tif", "cell_256.tif", "retina_green_256.tif" };
		final int k = java.util.Arrays.asList( names ).indexOf( image );
		if ( k < 0 )
			throw new IllegalArgumentException( "Unknown demo image '" + image + "': use hubble, cell or retina" );
		// the supervised denoiser learns from clean images of the same kind: another region of the Hubble field
		// (for cell and retina the demo has no second image of their kind and uses another crop)
		final ImagePlus clean = embedded( files[ k ] ),
				other = embedded( k == 0 ? "hubble_deep_field_train_256.tif" : files[ ( k + 1 ) % 3 ] );
		final int w = clean.getWidth(), h = clean.getHeight();
		final float[] ref = ( float[] ) clean.getProcessor().convertToFloat().getPixels();
		final ImagePlus noisy = new ImagePlus( image + "-noisy",
				new FloatProcessor( w, h, noiseModel.apply( ref, 255, new SplittableRandom( seed ) ) ) );
		System.out.println( "Image: " + files[ k ]
				+ " (a 256 x 256 crop of scikit-image sample data, see test-images/README.md), noise "
				+ noiseModel.describe() );
		save( noisy, "noisy.tif" );

		final float[] noisyPx = ( float[] ) noisy.getProcessor().getPixels();
		final ClassicBaselines.Result gauss = ClassicBaselines.bestGaussian( noisyPx, ref, w, h, 255,
				ClassicBaselines.defaultSigmas() );
		final ClassicBaselines.Result median = ClassicBaselines.bestMedian( noisyPx, ref, w, h, 255,
				ClassicBaselines.defaultRadii() );
		save( new ImagePlus( "gaussian", new FloatProcessor( w, h, gauss.image() ) ), "best-gaussian.tif" );

		final long t0 = System.nanoTime();
		final ImagePlus[] blind = train( TrainingMode.DENOISE_SELF_SUPERVISED, noisy, null, "blind-spot", noisy );
		final double tBlind = ( System.nanoTime() - t0 ) / 1e9;
		final long t1 = System.nanoTime();
		final ImagePlus[] supervised = train( TrainingMode.DENOISE_SYNTHETIC, other, noiseModel, "supervised", noisy );
		final double tSup = ( System.nanoTime() - t1 ) / 1e9;

		System.out.println();
		System.out.println( String.format( Locale.ROOT, "%-58s %8s %8s", "method", "PSNR dB", "SSIM" ) );
		row( "noisy input", noisyPx, ref, w, h );
		System.out.println( String.format( Locale.ROOT, "%-58s %8.2f %8.4f",
				"best Gaussian blur (sigma " + gauss.parameter() + ", oracle)", gauss.psnr(), gauss.ssim() ) );
		System.out.println( String.format( Locale.ROOT, "%-58s %8.2f %8.4f",
				"best median (radius " + median.parameter() + ", oracle)", median.psnr(), median.ssim() ) );
		row( String.format( Locale.ROOT, "ours, self-supervised, noisy image only (%.0f s)", tBlind ),
				pixels( blind[ 0 ] ), ref, w, h );
		row( "  the same, 8 orientations averaged", pixels( blind[ 1 ] ), ref, w, h );
		row( String.format( Locale.ROOT, "ours, supervised on %s (%.0f s)", other.getTitle(), tSup ),
				pixels( supervised[ 0 ] ), ref, w, h );
		row( "  the same, 8 orientations averaged", pixels( supervised[ 1 ] ), ref, w, h );
		System.out.println();
		System.out.println(
				"Wrote noisy.tif, best-gaussian.tif, denoised-blind-spot.tif, denoised-supervised.tif and the two models to "
						+ output.toAbsolutePath() );
		return 0;
	}

	/** Trains, then denoises {@code noisy} once plainly and once with the 8 orientations averaged. */
	private ImagePlus[] train( final TrainingMode mode, final ImagePlus trainImage, final NoiseModel noiseModel,
			final String name, final ImagePlus noisy ) throws IOException
	{
		final Path model = output.resolve( name + ".aemodel.zip" );
		final ImageTrainingJob job = mode.job( Collections.singletonList( trainImage ), model, noiseModel, seed );
		job.patchSize = 48;
		job.patchesPerEpoch = 1024;
		job.config.epochs( epochs ).batchSize( 16 );
		System.out.println( "Training " + mode.label + " on " + trainImage.getTitle() + " (" + epochs + " epochs of "
				+ job.patchesPerEpoch + " patches)" );
		job.run( Collections.singletonList( trainImage ), null, new TrainingListener()
		{
			@Override
			public void epochEnded( final History.Epoch e, final History h )
			{
				System.out.println( "  " + e );
			}
		} );
		try ( ModelFile.Loaded m = ModelFile.load( model, 0 ) )
		{
			final ImagePlus out = ModelFileRunner.apply( m, noisy, OutputType.FLOAT_32, name, new ImageRunner.Options(),
					Progress.none() );
			save( out, "denoised-" + name + ".tif" );
			final ImageRunner.Options averaged = new ImageRunner.Options();
			averaged.averageOrientations = true;
			return new ImagePlus[] { out,
					ModelFileRunner.apply( m, noisy, OutputType.FLOAT_32, name, averaged, Progress.none() ) };
		}
	}

	private static float[] pixels( final ImagePlus imp )
	{
		return ( float[] ) imp.getProcessor().convertToFloat().getPixels();
	}

	private static void row( final String label, final float[] test, final float[] ref, final int w, final int h )
	{
		System.out.println( String.format( Locale.ROOT, "%-58s %8.2f %8.4f", label, Metrics.psnr( ref, test, 255 ),
				Metrics.ssim( ref, test, w, h, 255 ) ) );
	}

	private void save( final ImagePlus imp, final String name ) throws IOException
	{
		FolderProcessor.saveTiffAtomically( imp, output.resolve( name ) );
	}
}
