package fiji.plugin.autoencoder.segment;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import ij.ImagePlus;
import ij.plugin.filter.GaussianBlur;
import ij.process.FloatProcessor;

/**
 * Per-pixel reconstruction error of an autoencoder trained on normal
 * tissue or background: where the model cannot reproduce the image, something
 * it has not seen is there. The reconstruction is computed tile by tile
 * through {@link ModelFileRunner} (so images of any size work, with results equal to
 * an untiled run) and is in the input's intensity units; the error is
 * {@code |x - x'|} or {@code (x - x')^2}, optionally Gaussian-smoothed (the
 * magnitude, or the signed difference before the magnitude: see
 * {@link Options#smoothSigned}), per channel or averaged over the channels (an
 * RGB image has 3), optionally as a z-score against the map of normal images
 * ({@link #statistics}, {@link Options#normalizeBy}; pair it with
 * {@link Thresholds#calibrated}).
 *
 * <pre>{@code
 * try ( ModelFile.Loaded model = ModelFile.load( path, 0 ) ) {
 *     ImagePlus map = AnomalyMap.compute( model, imp, new AnomalyMap.Options().sigma( 2 ), Progress.none() );
 *     // z-score against defect-free images, threshold at 1e-4 false positives on them
 *     AnomalyMap.Options o = new AnomalyMap.Options().sigma( 3 ).smoothSigned( true );
 *     double[] ms = AnomalyMap.statistics( AnomalyMap.compute( model, normalImp, o, Progress.none() ) );
 *     o.normalizeBy( ms[ 0 ], ms[ 1 ] );
 *     double t = Thresholds.calibrated( AnomalyMap.compute( model, normalImp, o, Progress.none() ), 1e-4 );
 *     ImagePlus mask = Thresholds.mask( AnomalyMap.compute( model, imp, o, Progress.none() ), t );
 * }
 * }</pre>
 *
 * Stateless and thread-safe; the input image is never changed.
 */
public final class AnomalyMap
{
	private AnomalyMap()
	{}

	/** How a pixel's error is measured. */
	public enum Error
	{
		/** |x - x'| */
		ABSOLUTE,
		/** (x - x')^2 */
		SQUARED
	}

	/** Settings, with fluent setters. */
	public static final class Options
	{
		public Error error = Error.ABSOLUTE;

		/** Gaussian smoothing sigma in pixels (0: none), applied per plane after the error. */
		public double sigma = 0;

		/** One map per channel (true) or the mean over the channels (false). */
		public boolean perChannel = false;

		/**
		 * Smooth the signed difference {@code x - x'} before taking its magnitude
		 * (true), instead of smoothing the magnitude (false). The residue of a
		 * texture the model knows is fine-grained and of both signs, so it
		 * averages out, while a defect's residue has one sign over its area and
		 * stays. Needs a sigma &gt; 0 to have an effect.
		 */
		public boolean smoothSigned = false;

		/**
		 * Mean and standard deviation of the map on normal (defect-free) images
		 * (see {@link #statistics}); when set, the map is the z-score
		 * {@code (e - mean) / std}: how many standard deviations of the normal
		 * error a pixel is above the normal error. Null: the error itself.
		 */
		public double[] normalization = null;

		/** Tiling of the reconstruction. */
		public ImageRunner.Options tiling = new ImageRunner.Options();

		public Options error( final Error e )
		{
			error = e;
			return this;
		}

		public Options sigma( final double s )
		{
			sigma = s;
			return this;
		}

		public Options perChannel( final boolean p )
		{
			perChannel = p;
			return this;
		}

		public Options smoothSigned( final boolean s )
		{
			smoothSigned = s;
			return this;
		}

		/**
		 * Report the map as a z-score against the normal error: {@code (e - mean) / std}.
		 *
		 * @param mean the mean of the same map (same options, without normalization) on normal images
		 * @param std its standard deviation, &gt; 0
		 */
		public Options normalizeBy( final double mean, final double std )
		{
			if ( !Double.isFinite( mean ) || !( std > 0 ) || Double.isInfinite( std ) )
				throw new IllegalArgumentException(
						"Normalize by the mean and a positive standard deviation of the map on normal images (see AnomalyMap.statistics), got mean "
								+ mean + ", std " + std );
			normalization = new double[] { mean, std };
			return this;
		}

		/** Copy, for computing the map of normal images with the same options. */
		public Options copy()
		{
			final Options o = new Options();
			o.error = error;
			o.sigma = sigma;
			o.perChannel = perChannel;
			o.smoothSigned = smoothSigned;
			o.normalization = normalization == null ? null : normalization.clone();
			o.tiling = tiling;
			return o;
		}

		public Options tiling( final ImageRunner.Options t )
		{
			tiling = t;
			return this;
		}
	}

	/**
	 * The model's reconstruction of {@code input} (32-bit, input units), then
	 * {@link #fromReconstruction}. For an {@link AnomalySegmenter} model file the
	 * map is its anomaly probability instead (0..1, one channel), smoothed and
	 * normalised as the options say (the error kind and per-channel options do
	 * not apply).
	 */
	public static ImagePlus compute( final ModelFile.Loaded model, final ImagePlus input, final Options options,
			final Progress progress )
	{
		if ( input == null )
			throw new IllegalArgumentException( "No image: open the image to segment first" );
		if ( AnomalySegmenter.isAnomalySegmenter( model ) )
		{
			if ( !( options.sigma >= 0 ) || Double.isInfinite( options.sigma ) )
				throw new IllegalArgumentException(
						"The smoothing sigma must be 0 (none) or positive, got " + options.sigma );
			final ImagePlus p = AnomalySegmenter.probability( model, input, options.tiling, progress );
			final float[][] planes = new float[ p.getStackSize() ][];
			for ( int i = 0; i < planes.length; i++ )
				planes[ i ] = normalize( smooth( ( float[] ) p.getStack().getPixels( i + 1 ), input, options.sigma ),
						options.normalization ); // p is ours: in place
			return Planes.floatImage( Planes.title( input, "anomaly" ), input, 1, planes );
		}
		final ImagePlus reconstruction = ModelFileRunner.apply( model, input, OutputType.FLOAT_32, "reconstruction",
				options.tiling, progress );
		return fromReconstruction( input, reconstruction, options );
	}

	/**
	 * The error map of an image and its reconstruction (any types, same size;
	 * the reconstruction has as many channels as the input has, counting RGB as 3).
	 *
	 * @return a 32-bit image with 1 channel (mean) or one per input channel, and the input's slices and frames
	 */
	public static ImagePlus fromReconstruction( final ImagePlus input, final ImagePlus reconstruction,
			final Options options )
	{
		final int channels = Planes.channels( input );
		if ( reconstruction.getWidth() != input.getWidth() || reconstruction.getHeight() != input.getHeight()
				|| reconstruction.getNSlices() != input.getNSlices()
				|| reconstruction.getNFrames() != input.getNFrames()
				|| Planes.channels( reconstruction ) != channels )
			throw new IllegalArgumentException(
					"The reconstruction is " + describe( reconstruction ) + " but the image is " + describe( input )
							+ ": compute the reconstruction from this image with a model trained on images with "
							+ channels + " channel(s)" );
		if ( !( options.sigma >= 0 ) || Double.isInfinite( options.sigma ) )
			throw new IllegalArgumentException(
					"The smoothing sigma must be 0 (none) or positive, got " + options.sigma );
		final int outChannels = options.perChannel ? channels : 1;
		final int n = input.getWidth() * input.getHeight();
		final float[][] planes = new float[ outChannels * input.getNSlices() * input.getNFrames() ][];
		int k = 0;
		for ( int t = 1; t <= input.getNFrames(); t++ )
			for ( int z = 1; z <= input.getNSlices(); z++ )
			{
				final float[][] errors = new float[ channels ][];
				for ( int c = 1; c <= channels; c++ )
				{
					final float[] x = Planes.values( input, c, z, t ), r = Planes.values( reconstruction, c, z, t );
					for ( int i = 0; i < n; i++ )
						x[ i ] -= r[ i ];
					if ( options.smoothSigned )
						smooth( x, input, options.sigma );
					for ( int i = 0; i < n; i++ )
						x[ i ] = options.error == Error.SQUARED ? x[ i ] * x[ i ] : Math.abs( x[ i ] );
					errors[ c - 1 ] = x;
				}
				final double sigma = options.smoothSigned ? 0 : options.sigma;
				if ( options.perChannel )
					for ( final float[] e : errors )
						planes[ k++ ] = normalize( smooth( e, input, sigma ), options.normalization );
				else
					planes[ k++ ] = normalize( smooth( mean( errors, n ), input, sigma ), options.normalization );
			}
		return Planes.floatImage( Planes.title( input, "anomaly" ), input, outChannels, planes );
	}

	/**
	 * Mean and standard deviation of all values of a map (all channels, slices,
	 * frames; NaN ignored), e.g. of the map of normal images, for
	 * {@link Options#normalizeBy}.
	 *
	 * @return {mean, std}
	 */
	public static double[] statistics( final ImagePlus map )
	{
		if ( map == null )
			throw new IllegalArgumentException( "No map: compute the anomaly map of normal images first" );
		double sum = 0, sum2 = 0;
		long count = 0;
		final int channels = Planes.channels( map );
		for ( int t = 1; t <= map.getNFrames(); t++ )
			for ( int z = 1; z <= map.getNSlices(); z++ )
				for ( int c = 1; c <= channels; c++ )
					for ( final float f : Planes.values( map, c, z, t ) )
						if ( f == f )
						{
							sum += f;
							sum2 += ( double ) f * f;
							count++;
						}
		if ( count == 0 )
			throw new IllegalArgumentException( "The map has no values (all NaN): compute it from a normal image" );
		final double mean = sum / count;
		return new double[] { mean, Math.sqrt( Math.max( 0, sum2 / count - mean * mean ) ) };
	}

	private static float[] normalize( final float[] plane, final double[] meanStd )
	{
		if ( meanStd == null )
			return plane;
		for ( int i = 0; i < plane.length; i++ )
			plane[ i ] = ( float ) ( ( plane[ i ] - meanStd[ 0 ] ) / meanStd[ 1 ] );
		return plane;
	}

	private static float[] mean( final float[][] planes, final int n )
	{
		if ( planes.length == 1 )
			return planes[ 0 ];
		final float[] m = new float[ n ];
		for ( final float[] p : planes )
			for ( int i = 0; i < n; i++ )
				m[ i ] += p[ i ];
		for ( int i = 0; i < n; i++ )
			m[ i ] /= planes.length;
		return m;
	}

	private static float[] smooth( final float[] plane, final ImagePlus like, final double sigma )
	{
		if ( sigma == 0 )
			return plane;
		final FloatProcessor fp = new FloatProcessor( like.getWidth(), like.getHeight(), plane );
		new GaussianBlur().blurGaussian( fp, sigma, sigma, 0.002 );
		return ( float[] ) fp.getPixels();
	}

	private static String describe( final ImagePlus imp )
	{
		return imp.getWidth() + " x " + imp.getHeight() + " with " + Planes.channels( imp ) + " channel(s), "
				+ imp.getNSlices() + " slice(s), " + imp.getNFrames() + " frame(s)";
	}
}
