package fiji.plugin.autoencoder.denoise;

import java.util.List;

import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * The Gaussian sigma a residual denoiser's correction is added to
 * ({@code ModelSpec.residualBlur}): the best Gaussian blur for the training
 * data's noise, chosen on the training images only. With clean images and a
 * noise model (synthetic noise) against the clean image; from a noisy image
 * alone with the Noise2Self estimate of {@link GainEstimate}. The mean over the
 * channels (up to {@value #PLANES} planes, each its central {@value #CROP} x
 * {@value #CROP} pixels at most).
 */
public final class BlurBase
{
	static final int PLANES = 4, CROP = 256;

	private BlurBase()
	{}

	/** Best sigma for clean training images with synthetic {@code noise} (photon scale {@code signalMax}). */
	public static double fromClean( final List< ImagePlus > clean, final NoiseModel noise, final double signalMax,
			final long seed )
	{
		final java.util.SplittableRandom r = new java.util.SplittableRandom( seed ^ 0x5eedL );
		double sum = 0;
		int n = 0;
		for ( final ImageProcessor ip : planes( clean ) )
		{
			final float[] c = ( float[] ) ip.getPixels();
			final float[] x = noise.apply( c.clone(), signalMax, r );
			sum += ClassicBaselines.bestGaussian( x, c, ip.getWidth(), ip.getHeight(), signalMax > 0 ? signalMax : 1,
					ClassicBaselines.defaultSigmas() ).parameter();
			n++;
		}
		return sum / n;
	}

	/** Best sigma for noisy images, estimated without a clean reference (Noise2Self). */
	public static double fromNoisy( final List< ImagePlus > noisy )
	{
		double sum = 0;
		int n = 0;
		for ( final ImageProcessor ip : planes( noisy ) )
		{
			final int w = ip.getWidth(), h = ip.getHeight();
			// the reference denoiser (a sigma-1 blur) only sets the noise variance estimate; the sweep picks the sigma
			sum += GainEstimate.estimate( ( float[] ) ip.getPixels(), w, h,
					x -> ClassicBaselines.gaussian( x, w, h, 1 ) ).gaussianSigma;
			n++;
		}
		return sum / n;
	}

	/** Float planes: the first z-slice of each channel (RGB as 3), central crop. */
	static List< ImageProcessor > planes( final List< ImagePlus > images )
	{
		final List< ImageProcessor > out = new java.util.ArrayList<>();
		for ( final ImagePlus imp : images )
			for ( final ImagePlus ch : ij.plugin.ChannelSplitter.split( imp ) )
			{
				if ( out.size() == PLANES )
					return out;
				final ImageProcessor ip = ch.getStack().getProcessor( 1 ).convertToFloat();
				final int w = Math.min( CROP, ip.getWidth() ), h = Math.min( CROP, ip.getHeight() );
				ip.setRoi( ( ip.getWidth() - w ) / 2, ( ip.getHeight() - h ) / 2, w, h );
				out.add( ip.crop() );
			}
		return out;
	}
}
