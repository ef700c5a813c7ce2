package fiji.plugin.autoencoder.denoise;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How much a denoiser beats the best Gaussian blur, in dB of PSNR, measured
 * on noisy pixels alone, with no clean image (after Noise2Self's J-invariance,
 * Batson and Royer 2019, and Stein's unbiased risk estimate).
 * <p>
 * With independent zero-mean noise n and a denoiser f, the squared error is
 * {@code MSE = mean (f(x) - x)^2 - var + 2 cov(f_i(x), n_i)}, and the covariance is
 * {@code a var} with a = df_i/dx_i, the prediction's sensitivity to its own pixel. a is
 * measured the Noise2Self way: pixels on a grid of stride 4 are replaced by the
 * mean of their 8 neighbours (4 phases, a quarter of the pixels), and the change
 * of each prediction is regressed on the change of its pixel. For a Gaussian blur
 * this gives its centre weight exactly. The mean noise variance var comes from
 * neighbouring pixels ({@link #noiseVariance}); it assumes the signal the
 * denoiser loses is smooth, and is the estimate's main error (0.05 to 0.5 dB on
 * real images in GainEstimateTest). Every Gaussian of a sweep of sigmas is
 * scored the same way, and the gain is {@code 10 log10( MSE_gauss / MSE_f )}.
 * <p>
 * With a clean reference (synthetic noise, paired training), {@link #measured}
 * gives the true gain instead.
 */
public final class GainEstimate
{
	/** Grid stride of the masked pixels. */
	static final int STRIDE = 4;

	/** The outcome. */
	public static final class Result
	{
		/** Mean squared error of the denoiser and of the best Gaussian (estimated, or measured with a reference). */
		public final double denoiserMse, gaussianMse;

		/** The best Gaussian's sigma in pixels. */
		public final double gaussianSigma;

		/** Estimated mean noise variance (0 when measured against a clean reference). */
		public final double noiseVariance;

		/** True when measured against a clean reference, false for the Noise2Self estimate. */
		public final boolean withReference;

		public Result( final double denoiserMse, final double gaussianMse, final double gaussianSigma,
				final double noiseVariance, final boolean withReference )
		{
			this.denoiserMse = denoiserMse;
			this.gaussianMse = gaussianMse;
			this.gaussianSigma = gaussianSigma;
			this.noiseVariance = noiseVariance;
			this.withReference = withReference;
		}

		/** PSNR gain of the denoiser over the best Gaussian, dB (positive: the denoiser is better). */
		public double gainDb()
		{
			return 10 * Math.log10( Math.max( gaussianMse, 1e-30 ) / Math.max( denoiserMse, 1e-30 ) );
		}

		/** A classic filter does as well when the gain is below this many dB. */
		public static final double AS_GOOD_DB = 0.2;

		/** True when the best Gaussian blur does about as well as the denoiser (gain below {@link #AS_GOOD_DB}). */
		public boolean classicAsGood()
		{
			return gainDb() < AS_GOOD_DB;
		}

		/** One line for the log. */
		public String message()
		{
			final String how = withReference ? "measured against the clean reference on held-out pixels"
					: "estimated from the noisy pixels alone (Noise2Self, held-out masked pixels)";
			final String s = String.format( Locale.ROOT,
					"PSNR gain over the best Gaussian blur (sigma %.2f): %+.2f dB, %s", gaussianSigma, gainDb(), how );
			return classicAsGood() ? s + String.format( Locale.ROOT,
					". Warning: a Gaussian blur (Process > Filters > Gaussian Blur, sigma %.2f) does as well as this network on these data",
					gaussianSigma ) : s;
		}

		/** JSON for the model file. */
		public String toJson()
		{
			return String.format( Locale.ROOT,
					"{%n  \"gainOverBestGaussianDb\": %.4f,%n  \"bestGaussianSigma\": %.4f,%n  \"denoiserMse\": %.6g,%n  \"gaussianMse\": %.6g,%n"
							+ "  \"noiseVariance\": %.6g,%n  \"method\": \"%s\",%n  \"classicAsGood\": %b%n}",
					gainDb(), gaussianSigma, denoiserMse, gaussianMse, noiseVariance,
					withReference ? "clean reference, held-out pixels" : "noise2self masked pixels", classicAsGood() );
		}
	}

	private GainEstimate()
	{}

	/** Gaussian sigmas of the sweep: 0.5 to 4 in steps of 0.25. */
	static double[] sigmas()
	{
		return ClassicBaselines.defaultSigmas();
	}

	/**
	 * The Noise2Self estimate on one noisy plane.
	 *
	 * @param denoiser the denoiser, plane to plane (width x height, row-major)
	 */
	public static Result estimate( final float[] noisy, final int width, final int height,
			final UnaryOperator< float[] > denoiser )
	{
		return estimate( noisy, width, height, denoiser, Double.NaN );
	}

	/** As {@link #estimate(float[], int, int, UnaryOperator)} with the mean noise variance given (NaN: estimated, {@link #noiseVariance}). */
	public static Result estimate( final float[] noisy, final int width, final int height,
			final UnaryOperator< float[] > denoiser, final double noiseVariance )
	{
		if ( width < 3 * STRIDE || height < 3 * STRIDE )
			throw new IllegalArgumentException( "The region for the gain estimate is " + width + " x " + height
					+ " pixels: give at least " + 3 * STRIDE + " x " + 3 * STRIDE );
		final double[] sig = sigmas();
		final float[] d = denoiser.apply( noisy.clone() );
		final float[][] g = new float[ sig.length ][];
		for ( int s = 0; s < sig.length; s++ )
			g[ s ] = ClassicBaselines.gaussian( noisy, width, height, sig[ s ] );
		// self-sensitivity a = d f_i / d x_i, from the change of each prediction when its own pixel is masked
		double netCross = 0, den = 0;
		final double[] gaussCross = new double[ sig.length ];
		for ( int phase = 0; phase < 4; phase++ )
		{
			final int py = 2 * ( phase / 2 ), px = 2 * ( phase % 2 );
			final float[] masked = masked( noisy, width, height, px, py );
			final float[] dm = denoiser.apply( masked.clone() );
			final float[][] gm = new float[ sig.length ][];
			for ( int s = 0; s < sig.length; s++ )
				gm[ s ] = ClassicBaselines.gaussian( masked, width, height, sig[ s ] );
			for ( int y = py; y < height; y += STRIDE )
				for ( int x = px; x < width; x += STRIDE )
				{
					final int i = y * width + x;
					final double change = noisy[ i ] - masked[ i ];
					den += change * change;
					netCross += ( d[ i ] - dm[ i ] ) * change;
					for ( int s = 0; s < sig.length; s++ )
						gaussCross[ s ] += ( g[ s ][ i ] - gm[ s ][ i ] ) * change;
				}
		}
		final double var = Double.isNaN( noiseVariance ) ? noiseVariance( noisy, d, width, height ) : noiseVariance;
		final double floor = 1e-3 * var;
		final double net = Math.max( floor, sure( noisy, d, var, netCross / den ) );
		double best = Double.POSITIVE_INFINITY, bestSigma = sig[ 0 ];
		for ( int s = 0; s < sig.length; s++ )
		{
			final double m = Math.max( floor, sure( noisy, g[ s ], var, gaussCross[ s ] / den ) );
			if ( m < best )
			{
				best = m;
				bestSigma = sig[ s ];
			}
		}
		return new Result( net, best, bestSigma, var, false );
	}

	/** Stein-type risk: mean (f - x)^2 - var + 2 a var, with a the self-sensitivity of f. */
	private static double sure( final float[] x, final float[] f, final double var, final double a )
	{
		double u = 0;
		for ( int i = 0; i < x.length; i++ )
			u += sq( f[ i ] - x[ i ] );
		return u / x.length - var + 2 * a * var;
	}

	/** The true gain on one plane with its clean reference (the denoiser sees {@code noisy} unmasked). */
	public static Result measured( final float[] noisy, final float[] clean, final int width, final int height,
			final UnaryOperator< float[] > denoiser )
	{
		final double net = fiji.plugin.autoencoder.denoise.Metrics.mse( clean, denoiser.apply( noisy.clone() ) );
		final double[] sig = sigmas();
		double best = Double.POSITIVE_INFINITY, bestSigma = sig[ 0 ];
		for ( final double s : sig )
		{
			final double m = Metrics.mse( clean, ClassicBaselines.gaussian( noisy, width, height, s ) );
			if ( m < best )
			{
				best = m;
				bestSigma = s;
			}
		}
		return new Result( net, best, bestSigma, 0, true );
	}

	/** Several planes pooled (e.g. the channels of one image): mean squared errors averaged, the most frequent best sigma. */
	public static Result pool( final Result... parts )
	{
		double net = 0, gauss = 0, var = 0, sigma = 0;
		for ( final Result r : parts )
		{
			net += r.denoiserMse / parts.length;
			gauss += r.gaussianMse / parts.length;
			var += r.noiseVariance / parts.length;
			sigma += r.gaussianSigma / parts.length;
		}
		return new Result( net, gauss, sigma, var, parts[ 0 ].withReference );
	}

	/** Grid pixels (stride {@link #STRIDE}, offset px, py) replaced by the mean of their 8 neighbours (mirrored at the border). */
	static float[] masked( final float[] img, final int w, final int h, final int px, final int py )
	{
		final float[] m = img.clone();
		for ( int y = py; y < h; y += STRIDE )
			for ( int x = px; x < w; x += STRIDE )
			{
				double sum = 0;
				for ( int dy = -1; dy <= 1; dy++ )
					for ( int dx = -1; dx <= 1; dx++ )
						if ( dx != 0 || dy != 0 )
							sum += img[ mirror( y + dy, h ) * w + mirror( x + dx, w ) ];
				m[ y * w + x ] = ( float ) ( sum / 8 );
			}
		return m;
	}

	/**
	 * Mean noise variance: with E_k the mean of (x_i - x_j)^2 - (d_i - d_j)^2 over horizontal and vertical
	 * pairs at distance k, {@code (4 E_1 - E_2) / 6}: each E_k is twice the noise variance plus the signal
	 * differences the denoiser lost, which grow about as k^2 where that signal is smooth.
	 */
	static double noiseVariance( final float[] x, final float[] d, final int w, final int h )
	{
		return Math.max( 0, ( 4 * pairs( x, d, w, h, 1 ) - pairs( x, d, w, h, 2 ) ) / 6 );
	}

	/** Mean of (x_i - x_j)^2 - (d_i - d_j)^2 over horizontal and vertical pairs at distance k (d null: 0). */
	private static double pairs( final float[] x, final float[] d, final int w, final int h, final int k )
	{
		double sum = 0;
		long n = 0;
		for ( int y = 0; y < h; y++ )
			for ( int xx = 0; xx < w; xx++ )
			{
				final int i = y * w + xx;
				if ( xx + k < w )
				{
					sum += sq( x[ i ] - x[ i + k ] ) - ( d == null ? 0 : sq( d[ i ] - d[ i + k ] ) );
					n++;
				}
				if ( y + k < h )
				{
					sum += sq( x[ i ] - x[ i + k * w ] ) - ( d == null ? 0 : sq( d[ i ] - d[ i + k * w ] ) );
					n++;
				}
			}
		return sum / n;
	}

	private static int mirror( final int i, final int n )
	{
		return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
	}

	private static double sq( final double v )
	{
		return v * v;
	}
}
