package fiji.plugin.autoencoder.denoise;

/**
 * Image quality against a clean reference: MSE, PSNR and SSIM on row-major float
 * images (x fastest), computed in double precision.
 * <p>
 * SSIM follows Wang et al. 2004 exactly as scikit-image's
 * {@code structural_similarity(..., gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=R)} does: Gaussian window sigma 1.5
 * truncated at 3.5 sigma (11x11), K1 = 0.01, K2 = 0.03, 'reflect' borders, and the
 * mean taken over the image without a 5-pixel border.
 *
 * <pre>{@code
 * double psnr = Metrics.psnr( clean, denoised, 1.0 );
 * double ssim = Metrics.ssim( clean, denoised, width, height, 1.0 );
 * }</pre>
 */
public final class Metrics
{
	/** Standard deviation of the SSIM window. */
	public static final double SSIM_SIGMA = 1.5;

	/** The window is truncated at this many standard deviations (radius 5 for sigma 1.5). */
	public static final double SSIM_TRUNCATE = 3.5;

	public static final double SSIM_K1 = 0.01;

	public static final double SSIM_K2 = 0.03;

	private Metrics()
	{}

	/** Mean squared error between two images of equal length. */
	public static double mse( final float[] reference, final float[] test )
	{
		checkSameLength( reference, test );
		double sum = 0;
		for ( int i = 0; i < reference.length; i++ )
		{
			final double d = ( double ) reference[ i ] - test[ i ];
			sum += d * d;
		}
		return sum / reference.length;
	}

	/**
	 * Peak signal-to-noise ratio {@code 10 log10(dataRange^2 / MSE)} in dB;
	 * {@code +Infinity} for identical images.
	 *
	 * @param dataRange the range of possible values, e.g. 1 for [0,1] images or 255 for 8-bit
	 */
	public static double psnr( final float[] reference, final float[] test, final double dataRange )
	{
		checkRange( dataRange );
		return 10 * Math.log10( dataRange * dataRange / mse( reference, test ) );
	}

	/** Max minus min of {@code image}: a data range to use when the type does not say it. */
	public static double dataRange( final float[] image )
	{
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for ( final float v : image )
		{
			min = Math.min( min, v );
			max = Math.max( max, v );
		}
		return max - min;
	}

	/** Mean structural similarity (see the class description); 1 for identical images. */
	public static double ssim( final float[] reference, final float[] test, final int width, final int height,
			final double dataRange )
	{
		final double[] map = ssimMapDouble( reference, test, width, height, dataRange );
		final int pad = ssimRadius();
		double sum = 0;
		for ( int y = pad; y < height - pad; y++ )
			for ( int x = pad; x < width - pad; x++ )
				sum += map[ y * width + x ];
		return sum / ( ( double ) ( width - 2 * pad ) * ( height - 2 * pad ) );
	}

	/** Radius of the SSIM window: {@code (int) (3.5 * 1.5 + 0.5) = 5}, as scipy.ndimage computes it. */
	public static int ssimRadius()
	{
		return ( int ) ( SSIM_TRUNCATE * SSIM_SIGMA + 0.5 );
	}

	private static double[] ssimMapDouble( final float[] reference, final float[] test, final int width,
			final int height, final double dataRange )
	{
		checkSameLength( reference, test );
		checkRange( dataRange );
		if ( width <= 0 || height <= 0 || ( long ) width * height != reference.length )
			throw new IllegalArgumentException( "Image size " + width + "x" + height + " does not match "
					+ reference.length + " pixels: pass the width and height of the images." );
		final int r = ssimRadius();
		final int win = 2 * r + 1;
		if ( width < win || height < win )
			throw new IllegalArgumentException( "SSIM needs images of at least " + win + "x" + win
					+ " pixels (its Gaussian window), got " + width + "x" + height + ": use a larger image." );
		final double[] kernel = gaussianKernel( SSIM_SIGMA, r );
		final int n = reference.length;
		final double[] x = new double[ n ], y = new double[ n ], xx = new double[ n ], yy = new double[ n ],
				xy = new double[ n ];
		for ( int i = 0; i < n; i++ )
		{
			final double a = reference[ i ], b = test[ i ];
			x[ i ] = a;
			y[ i ] = b;
			xx[ i ] = a * a;
			yy[ i ] = b * b;
			xy[ i ] = a * b;
		}
		final double[] tmp = new double[ n ];
		final double[] ux = blur( x, tmp, width, height, kernel );
		final double[] uy = blur( y, tmp, width, height, kernel );
		final double[] uxx = blur( xx, tmp, width, height, kernel );
		final double[] uyy = blur( yy, tmp, width, height, kernel );
		final double[] uxy = blur( xy, tmp, width, height, kernel );
		final double c1 = ( SSIM_K1 * dataRange ) * ( SSIM_K1 * dataRange );
		final double c2 = ( SSIM_K2 * dataRange ) * ( SSIM_K2 * dataRange );
		final double[] s = new double[ n ];
		for ( int i = 0; i < n; i++ )
		{
			final double mx = ux[ i ], my = uy[ i ];
			final double vx = uxx[ i ] - mx * mx;
			final double vy = uyy[ i ] - my * my;
			final double vxy = uxy[ i ] - mx * my;
			final double a1 = 2 * mx * my + c1, a2 = 2 * vxy + c2;
			final double b1 = mx * mx + my * my + c1, b2 = vx + vy + c2;
			s[ i ] = ( a1 * a2 ) / ( b1 * b2 );
		}
		return s;
	}

	/** Normalised samples of exp(-x^2 / (2 sigma^2)) for x = -r..r, as scipy.ndimage builds them. */
	static double[] gaussianKernel( final double sigma, final int r )
	{
		final double[] k = new double[ 2 * r + 1 ];
		double sum = 0;
		for ( int i = -r; i <= r; i++ )
		{
			k[ i + r ] = Math.exp( -0.5 * i * i / ( sigma * sigma ) );
			sum += k[ i + r ];
		}
		for ( int i = 0; i < k.length; i++ )
			k[ i ] /= sum;
		return k;
	}

	/** Separable correlation with 'reflect' borders (d c b a | a b c d); overwrites and returns {@code data}. */
	private static double[] blur( final double[] data, final double[] tmp, final int w, final int h, final double[] k )
	{
		final int r = k.length / 2;
		for ( int y = 0; y < h; y++ )
		{
			final int row = y * w;
			for ( int x = 0; x < w; x++ )
			{
				double sum = 0;
				for ( int j = -r; j <= r; j++ )
					sum += k[ j + r ] * data[ row + reflect( x + j, w ) ];
				tmp[ row + x ] = sum;
			}
		}
		for ( int y = 0; y < h; y++ )
		{
			for ( int x = 0; x < w; x++ )
			{
				double sum = 0;
				for ( int j = -r; j <= r; j++ )
					sum += k[ j + r ] * tmp[ reflect( y + j, h ) * w + x ];
				data[ y * w + x ] = sum;
			}
		}
		return data;
	}

	/** scipy.ndimage 'reflect': the edge pixel is repeated (d c b a | a b c d | d c b a). */
	static int reflect( int i, final int n )
	{
		final int period = 2 * n;
		i %= period;
		if ( i < 0 )
			i += period;
		return i < n ? i : period - 1 - i;
	}

	private static void checkSameLength( final float[] a, final float[] b )
	{
		if ( a.length != b.length )
			throw new IllegalArgumentException( "Reference has " + a.length + " pixels but the test image has "
					+ b.length + ": compare images of the same size." );
		if ( a.length == 0 )
			throw new IllegalArgumentException( "Empty images: give images with at least one pixel." );
	}

	private static void checkRange( final double dataRange )
	{
		if ( !( dataRange > 0 ) || Double.isInfinite( dataRange ) )
			throw new IllegalArgumentException( "Data range " + dataRange
					+ " must be a positive number: use e.g. 1 for [0,1] images, 255 for 8-bit, or Metrics.dataRange(reference)." );
	}
}
