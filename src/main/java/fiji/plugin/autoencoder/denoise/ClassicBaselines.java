package fiji.plugin.autoencoder.denoise;

import ij.plugin.filter.GaussianBlur;
import ij.plugin.filter.RankFilters;
import ij.process.FloatProcessor;

/**
 * Classic denoising baselines a network has to beat: the best Gaussian blur
 * ({@link GaussianBlur}, sweep over sigma) and the best median filter
 * ({@link RankFilters} MEDIAN, sweep over radius) of a noisy image, chosen by
 * PSNR against the clean reference (an oracle choice: the upper bound of what
 * each filter can do on this image).
 *
 * <pre>{@code
 * ClassicBaselines.Result g = ClassicBaselines.bestGaussian( noisy, clean, w, h, 1.0, ClassicBaselines.defaultSigmas() );
 * System.out.println( g ); // "gaussian sigma=1.25: PSNR 27.31 dB, SSIM 0.8123"
 * }</pre>
 */
public final class ClassicBaselines
{
	private ClassicBaselines()
	{}

	/** The outcome of a sweep: best parameter, its filtered image and scores, and the whole PSNR curve. */
	public static final class Result
	{
		private final String filter;

		private final double parameter;

		private final float[] image;

		private final double psnr;

		private final double ssim;

		private final double[] sweptParameters;

		private final double[] sweptPsnr;

		Result( final String filter, final double parameter, final float[] image, final double psnr, final double ssim,
				final double[] sweptParameters, final double[] sweptPsnr )
		{
			this.filter = filter;
			this.parameter = parameter;
			this.image = image;
			this.psnr = psnr;
			this.ssim = ssim;
			this.sweptParameters = sweptParameters;
			this.sweptPsnr = sweptPsnr;
		}

		/** "gaussian" or "median". */
		public String filter()
		{
			return filter;
		}

		/** The best sigma (Gaussian) or radius (median), in pixels. */
		public double parameter()
		{
			return parameter;
		}

		/** The noisy image filtered with the best parameter (a copy; row-major). */
		public float[] image()
		{
			return image.clone();
		}

		/** PSNR of {@link #image()} against the reference, dB. */
		public double psnr()
		{
			return psnr;
		}

		/** SSIM of {@link #image()} against the reference; NaN for images smaller than the 11x11 SSIM window. */
		public double ssim()
		{
			return ssim;
		}

		/** The parameters tried, in sweep order. */
		public double[] sweptParameters()
		{
			return sweptParameters.clone();
		}

		/** PSNR for each parameter in {@link #sweptParameters()}. */
		public double[] sweptPsnr()
		{
			return sweptPsnr.clone();
		}

		@Override
		public String toString()
		{
			return String.format( java.util.Locale.ROOT, "%s %s=%s: PSNR %.2f dB, SSIM %.4f", filter,
					filter.equals( "gaussian" ) ? "sigma" : "radius", NoiseModel.format( parameter ), psnr, ssim );
		}
	}

	/** Gaussian sigmas 0.5, 0.75, ..., 4. */
	public static double[] defaultSigmas()
	{
		return range( 0.5, 4, 0.25 );
	}

	/** Median radii 0.5, 1, ..., 4 (ImageJ radii: each gives a different circular kernel). */
	public static double[] defaultRadii()
	{
		return range( 0.5, 4, 0.5 );
	}

	/** The Gaussian blur among {@code sigmas} that maximises PSNR against {@code clean}. */
	public static Result bestGaussian( final float[] noisy, final float[] clean, final int width, final int height,
			final double dataRange, final double[] sigmas )
	{
		return sweep( "gaussian", noisy, clean, width, height, dataRange, sigmas );
	}

	/** The median filter among {@code radii} that maximises PSNR against {@code clean}. */
	public static Result bestMedian( final float[] noisy, final float[] clean, final int width, final int height,
			final double dataRange, final double[] radii )
	{
		return sweep( "median", noisy, clean, width, height, dataRange, radii );
	}

	/** {@code noisy} blurred with a Gaussian of {@code sigma} pixels (ImageJ, accuracy 0.0002). */
	public static float[] gaussian( final float[] noisy, final int width, final int height, final double sigma )
	{
		final FloatProcessor fp = processor( noisy, width, height );
		new GaussianBlur().blurGaussian( fp, sigma, sigma, 0.0002 );
		return ( float[] ) fp.getPixels();
	}

	/** {@code noisy} median-filtered with an ImageJ circular kernel of {@code radius} pixels. */
	public static float[] median( final float[] noisy, final int width, final int height, final double radius )
	{
		final FloatProcessor fp = processor( noisy, width, height );
		new RankFilters().rank( fp, radius, RankFilters.MEDIAN );
		return ( float[] ) fp.getPixels();
	}

	private static Result sweep( final String filter, final float[] noisy, final float[] clean, final int width,
			final int height, final double dataRange, final double[] parameters )
	{
		if ( noisy.length != clean.length )
			throw new IllegalArgumentException( "Noisy image has " + noisy.length + " pixels but the clean one has "
					+ clean.length + ": give images of the same size." );
		if ( parameters == null || parameters.length == 0 )
			throw new IllegalArgumentException(
					"No " + filter + " parameters to try: pass e.g. ClassicBaselines.default"
							+ ( filter.equals( "gaussian" ) ? "Sigmas()" : "Radii()" ) + "." );
		final double[] psnrs = new double[ parameters.length ];
		int best = -1;
		float[] bestImage = null;
		for ( int i = 0; i < parameters.length; i++ )
		{
			if ( !( parameters[ i ] > 0 ) || Double.isInfinite( parameters[ i ] ) )
				throw new IllegalArgumentException( "The " + filter + " parameter " + parameters[ i ]
						+ " must be a positive number of pixels: use e.g. 0.5 to 4." );
			final float[] filtered = filter.equals( "gaussian" ) ? gaussian( noisy, width, height, parameters[ i ] )
					: median( noisy, width, height, parameters[ i ] );
			psnrs[ i ] = Metrics.psnr( clean, filtered, dataRange );
			if ( best < 0 || psnrs[ i ] > psnrs[ best ] )
			{
				best = i;
				bestImage = filtered;
			}
		}
		final int window = 2 * Metrics.ssimRadius() + 1;
		final double ssim = width >= window && height >= window
				? Metrics.ssim( clean, bestImage, width, height, dataRange ) : Double.NaN;
		return new Result( filter, parameters[ best ], bestImage, psnrs[ best ], ssim, parameters.clone(), psnrs );
	}

	private static FloatProcessor processor( final float[] pixels, final int width, final int height )
	{
		if ( width <= 0 || height <= 0 || ( long ) width * height != pixels.length )
			throw new IllegalArgumentException( "Image size " + width + "x" + height + " does not match "
					+ pixels.length + " pixels: pass the width and height of the image." );
		return new FloatProcessor( width, height, pixels.clone() );
	}

	private static double[] range( final double from, final double to, final double step )
	{
		final int n = ( int ) Math.round( ( to - from ) / step ) + 1;
		final double[] r = new double[ n ];
		for ( int i = 0; i < n; i++ )
			r[ i ] = from + i * step;
		return r;
	}
}
