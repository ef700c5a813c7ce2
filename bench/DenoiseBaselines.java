import java.io.File;
import java.util.Locale;

import fiji.plugin.autoencoder.denoise.ClassicBaselines;
import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import ij.IJ;
import ij.process.FloatProcessor;

/**
 * Classic baselines (best Gaussian, best median) for a few noise models on real
 * images: the numbers a denoising network has to beat. Not part of the test suite.
 *
 * <pre>
 * mvn -q compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp target/classes:$(cat cp.txt) bench/DenoiseBaselines.java [image ...]
 * </pre>
 * Images are scaled to [0,1] by 255 (8-bit); default: skimage camera.png and test-images/*.tif.
 */
public class DenoiseBaselines
{
	public static void main( final String[] args )
	{
		final String[] images = args.length > 0 ? args : new String[] { "/usr/lib/python3/dist-packages/skimage/data/camera.png", "test-images/hubble_deep_field_256.tif", "test-images/retina_green_256.tif", "test-images/cell_256.tif" };
		final String[] noises = { "gaussian:sigma=0.1", "poisson:peak=30", "poisson-gaussian:peak=30,sigma=0.02", "salt-and-pepper:fraction=0.1,low=0,high=1", "speckle:sigma=0.3" };
		System.out.println( "image\tnoise\tnoisy PSNR/SSIM\tbest Gaussian\tbest median" );
		for ( final String path : images )
		{
			if ( !new File( path ).isFile() )
			{
				System.out.println( path + ": absent, skipped" );
				continue;
			}
			final FloatProcessor fp = IJ.openImage( path ).getProcessor().convertToFloatProcessor();
			fp.multiply( 1 / 255.0 );
			final float[] clean = ( float[] ) fp.getPixels();
			final int w = fp.getWidth(), h = fp.getHeight();
			for ( final String spec : noises )
			{
				final float[] noisy = NoiseModel.parse( spec ).apply( clean, 2026L );
				final ClassicBaselines.Result g = ClassicBaselines.bestGaussian( noisy, clean, w, h, 1, ClassicBaselines.defaultSigmas() );
				final ClassicBaselines.Result m = ClassicBaselines.bestMedian( noisy, clean, w, h, 1, ClassicBaselines.defaultRadii() );
				System.out.println( String.format( Locale.ROOT, "%s\t%s\t%.2f dB / %.4f\t%s\t%s", new File( path ).getName(), spec, Metrics.psnr( clean, noisy, 1 ), Metrics.ssim( clean, noisy, w, h, 1 ), g, m ) );
			}
		}
		// ImageJ's filters run on ThreadUtil's pool, whose core threads are not daemons:
		// without this the JVM would not exit after main returns.
		ij.util.ThreadUtil.threadPoolExecutor.shutdown();
	}
}
