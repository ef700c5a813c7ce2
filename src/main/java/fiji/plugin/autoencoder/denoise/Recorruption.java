package fiji.plugin.autoencoder.denoise;

import java.util.Random;
import java.util.SplittableRandom;

import fiji.plugin.autoencoder.tiling.InputRecorruption;
import fiji.plugin.autoencoder.train.PatchSampler;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * Supervised-style training pairs from one noisy image when the noise model is
 * known (mode "Denoise (noisy image + noise model)"): each noisy patch x becomes
 * an input and a target whose noises are independent and whose means are the
 * clean signal, so the MSE loss trains the network as if it had clean targets
 * (up to a constant), with no blind spot.
 * <ul>
 * <li>Gaussian noise of sigma s: recorrupted-to-recorrupted (Pang et al. 2021), z ~ N(0, s^2),
 * input x + a z, target x - z / a, a = {@value #ALPHA}.</li>
 * <li>Poisson noise: binomial thinning of the photon counts k = x / g (g the camera gain, grey values
 * per photon), k1 ~ Binomial(k, p): input g k1 / p, target g (k - k1) / (1 - p), p = {@value #KEEP}: two
 * independent Poisson images of the same mean.</li>
 * <li>Poisson-Gaussian noise: recorrupted-to-recorrupted with the per-pixel variance g max(x, 0) + s^2
 * (the generalised form; approximate where the counts are small).</li>
 * </ul>
 * The gain g of the Poisson kinds is measured on the noisy images ({@link #gain}): their mean noise
 * variance over their mean (the noise model's {@code peak} is not used; the log gives the measured
 * photons at the brightest pixel).
 */
public final class Recorruption implements PatchSampler.PatchTransform
{
	/** Recorruption strength a of the Gaussian kinds. */
	public static final double ALPHA = 0.5;

	/**
	 * Share of the photons kept for the input when thinning Poisson counts: 0.85 (input noise variance 1.18 times the
	 * image's, target 6.7 times) denoised 0.04 to 0.11 dB better than 0.75 and 0.5 on ihcval (bench/results/real-quality.md).
	 */
	public static final double KEEP = 0.85;

	private final NoiseModel noise;

	private final double gain, alpha, keep;

	/** @param gain grey values per photon (Poisson kinds; ignored for Gaussian noise) */
	public Recorruption( final NoiseModel noise, final double gain )
	{
		this( noise, gain, ALPHA, KEEP );
	}

	/**
	 * @param alpha the recorruption strength a of the Gaussian kinds
	 * @param keep  the share of the photons kept for the input when thinning Poisson counts
	 */
	public Recorruption( final NoiseModel noise, final double gain, final double alpha, final double keep )
	{
		if ( !( alpha > 0 && alpha <= 10 ) || !( keep > 0 && keep < 1 ) )
			throw new IllegalArgumentException(
					"The recorruption strength must be in (0, 10] and the share of photons kept in (0, 1), got "
							+ alpha + " and " + keep );
		this.alpha = alpha;
		this.keep = keep;
		switch ( noise.kind() )
		{
		case GAUSSIAN:
		case POISSON:
		case POISSON_GAUSSIAN:
			break;
		default:
			throw new IllegalArgumentException(
					"Training from the noisy image with a noise model needs Gaussian, Poisson or Poisson-Gaussian noise, got '"
							+ noise
							+ "': use e.g. poisson:peak=30 or gaussian:sigma=10, or mode 'Denoise (self-supervised)'" );
		}
		if ( noise.kind() != NoiseModel.Kind.GAUSSIAN && !( gain > 0 && Double.isFinite( gain ) ) )
			throw new IllegalArgumentException( "The camera gain (grey values per photon) must be positive, got " + gain
					+ ": is the image empty?" );
		this.noise = noise;
		this.gain = gain;
	}

	/**
	 * The recorruption of the network's input at prediction ({@link InputRecorruption}, saved with the model): the same
	 * distribution as the training inputs, so that each averaged orientation denoises an input like those it learnt on.
	 */
	public InputRecorruption testTime( final long seed )
	{
		if ( noise.kind() == NoiseModel.Kind.POISSON )
			return InputRecorruption.thinning( keep, gain, seed );
		return InputRecorruption.gaussian( alpha, noise.parameter( "sigma" ),
				noise.kind() == NoiseModel.Kind.GAUSSIAN ? 0 : gain, seed );
	}

	/**
	 * The camera gain (grey values per photon) measured on the noisy images: the mean noise variance
	 * ({@link GainEstimate#noiseVariance}, against a Gaussian blur of sigma 1), less the read noise
	 * variance of Poisson-Gaussian noise, over the mean grey value. 1 for Gaussian noise.
	 */
	public static double gain( final java.util.List< ImagePlus > noisyImages, final NoiseModel noise )
	{
		if ( noise.kind() == NoiseModel.Kind.GAUSSIAN )
			return 1;
		final double read = noise.kind() == NoiseModel.Kind.POISSON_GAUSSIAN ? sq( noise.parameter( "sigma" ) ) : 0;
		double var = 0, mean = 0;
		for ( final ImagePlus imp : noisyImages )
			for ( final ImagePlus c : ij.plugin.ChannelSplitter.split( imp ) )
				for ( int i = 1; i <= c.getStackSize(); i++ )
				{
					final ImageProcessor ip = c.getStack().getProcessor( i ).convertToFloat();
					final float[] x = ( float[] ) ip.getPixels();
					final float[] d = ClassicBaselines.gaussian( x, ip.getWidth(), ip.getHeight(), 1 );
					var += GainEstimate.noiseVariance( x, d, ip.getWidth(), ip.getHeight() ) * x.length;
					double m = 0;
					for ( final float v : x )
						m += v;
					mean += m;
				}
		// var and mean are sums over all pixels
		return Math.max( 1e-3 * var / mean, ( var - read * countOf( noisyImages ) ) / mean );
	}

	private static double countOf( final java.util.List< ImagePlus > images )
	{
		double n = 0;
		for ( final ImagePlus imp : images )
			n += ( double ) imp.getWidth() * imp.getHeight() * imp.getStackSize()
					* ( imp.getType() == ImagePlus.COLOR_RGB ? 3 : 1 );
		return n;
	}

	@Override
	public void apply( final float[] input, final float[] target, final float[] weight, final int n, final int h,
			final int w, final int c, final Random random )
	{
		final SplittableRandom r = new SplittableRandom( random.nextLong() );
		final GaussianSampler g = new GaussianSampler( r );
		final int size = n * h * w * c;
		if ( noise.kind() == NoiseModel.Kind.POISSON )
		{
			for ( int i = 0; i < size; i++ )
			{
				final long k = Math.max( 0, Math.round( input[ i ] / gain ) );
				final long k1 = InputRecorruption.binomial( k, keep, r::nextDouble, g::next );
				input[ i ] = ( float ) ( gain * k1 / keep );
				target[ i ] = ( float ) ( gain * ( k - k1 ) / ( 1 - keep ) );
			}
			return;
		}
		final double s2 = sq( noise.parameter( "sigma" ) );
		for ( int i = 0; i < size; i++ )
		{
			final double var = noise.kind() == NoiseModel.Kind.GAUSSIAN ? s2 : gain * Math.max( 0, input[ i ] ) + s2;
			final double z = Math.sqrt( var ) * g.next();
			final float x = input[ i ];
			input[ i ] = ( float ) ( x + alpha * z );
			target[ i ] = ( float ) ( x - z / alpha );
		}
	}

	private static double sq( final double v )
	{
		return v * v;
	}
}
