package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import fiji.plugin.autoencoder.convert.ImageAxes;
import fiji.plugin.autoencoder.convert.ImagePlusImages;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.Duplicator;

/**
 * Applies a loaded bioimage.io package to an ImageJ image, and checks a
 * package against its own test tensors.
 * <p>
 * Apply: the preprocessing's statistics are measured on the image (all planes
 * together when the ops' {@code axes} include {@code batch} or are absent,
 * else plane by plane), the resulting per-channel affine map runs inside the
 * tiler ({@link ImageRunner}, with the package's halo and step, mirror
 * extension at the borders, so any image size works), and the postprocessing
 * runs on the 32-bit result. The input is never changed.
 * <p>
 * Check: the test input is run in one piece, as bioimage.io's own test does,
 * and compared with the test output.
 */
public final class BioimageioRunner
{
	private BioimageioRunner()
	{}

	/** The result of {@link #check}. */
	public static final class Check
	{
		public final double maxAbsDiff, tolerance;

		public final long[] shape;

		Check( final double maxAbsDiff, final double tolerance, final long[] shape )
		{
			this.maxAbsDiff = maxAbsDiff;
			this.tolerance = tolerance;
			this.shape = shape;
		}

		public boolean passed()
		{
			return maxAbsDiff <= tolerance;
		}

		@Override
		public String toString()
		{
			return ( passed() ? "test output reproduced" : "test output NOT reproduced" ) + ": max |difference| "
					+ String.format( "%.3g", maxAbsDiff )
					+ " (tolerance " + tolerance + ") on a test tensor of shape " + Arrays.toString( shape );
		}
	}

	/** Applies the package to the image; a new 32-bit image titled with the suffix. */
	public static ImagePlus apply( final BioimageioModel model, final ImagePlus input, final String suffix,
			final ImageRunner.Options options, final Progress progress )
	{
		if ( input == null )
			throw new IllegalArgumentException( "No image: open an image first" );
		final BioimageioPackage.Tensor in = model.description().input(), out = model.description().output();
		final int planes = input.getNSlices() * input.getNFrames();
		if ( planes > 1 && perSample( in.processing ) )
			return planeByPlane( model, input, suffix, options, progress );
		final int channels = input.getType() == ImagePlus.COLOR_RGB ? 3 * input.getNChannels() : input.getNChannels();
		final double[][] p = Processing.affine( in.processing, stats( input ), channels );
		final ImagePlus result = ImageRunner.run( model, Normalization.fixed( p[ 0 ], p[ 1 ] ), input,
				OutputType.FLOAT_32, suffix, false, options, progress );
		final ImageStack stack = result.getStack();
		for ( int i = 1; i <= stack.getSize(); i++ )
			Processing.post( out.processing, ( float[] ) stack.getPixels( i ), 0, 1,
					result.convertIndexToPosition( i )[ 0 ] - 1 );
		result.resetDisplayRange();
		return result;
	}

	/** True if a statistics op of the preprocessing normalises each sample on its own (its axes leave out batch). */
	static boolean perSample( final List< Map< String, Object > > ops )
	{
		for ( final Map< String, Object > op : ops )
		{
			final Map< String, Object > k = Processing.kwargs( op );
			final String id = String.valueOf( op.get( "id" ) );
			if ( ( id.equals( "scale_range" ) || id.equals( "zero_mean_unit_variance" ) ) && k.get( "axes" ) != null
					&& !Processing.axes( k ).contains( "batch" ) )
				return true;
		}
		return false;
	}

	private static ImagePlus planeByPlane( final BioimageioModel model, final ImagePlus input, final String suffix,
			final ImageRunner.Options options, final Progress progress )
	{
		final ImageStack stack = new ImageStack( input.getWidth(), input.getHeight() );
		int channels = 1;
		for ( int t = 1; t <= input.getNFrames(); t++ )
			for ( int z = 1; z <= input.getNSlices(); z++ )
			{
				final ImagePlus plane = new Duplicator().run( input, 1, input.getNChannels(), z, z, t, t );
				final ImagePlus o = apply( model, plane, suffix, options, progress );
				channels = o.getNChannels();
				for ( int c = 1; c <= o.getStackSize(); c++ )
					stack.addSlice( o.getStack().getProcessor( c ) );
			}
		final ImagePlus result = new ImagePlus( ImagePlusImages.derivedTitle( input.getTitle(), suffix ), stack );
		result.setDimensions( channels, input.getNSlices(), input.getNFrames() );
		result.setCalibration( input.getCalibration() );
		if ( channels > 1 || input.getNSlices() > 1 && input.getNFrames() > 1 )
			result.setOpenAsHyperStack( true );
		result.resetDisplayRange();
		return result;
	}

	/** The statistics of an image, measured once per kind of request. */
	static Processing.Stats stats( final ImagePlus imp )
	{
		return new Processing.Stats()
		{
			@Override
			public double percentile( final int channel, final double p )
			{
				final double[][] v = Normalizer.percentiles( ImagePlusImages.wrap( imp ), ImageAxes.C, channel >= 0,
						p );
				return v[ Math.max( channel, 0 ) ][ 0 ];
			}

			@Override
			public double[] meanStd( final int channel )
			{
				final Normalization n = Normalizer.fit( Normalization.meanStd( channel >= 0 ), imp );
				final int i = Math.max( channel, 0 );
				return new double[] { n.offsets()[ i ], 1 / n.scales()[ i ] };
			}
		};
	}

	/** Statistics of a channels-last array (numpy's percentile with linear interpolation, population std). */
	static Processing.Stats stats( final float[] hwc, final int channels )
	{
		return new Processing.Stats()
		{
			private double[] values( final int channel )
			{
				final int n = channel < 0 ? hwc.length : hwc.length / channels;
				final double[] v = new double[ n ];
				for ( int i = 0; i < n; i++ )
					v[ i ] = channel < 0 ? hwc[ i ] : hwc[ i * channels + channel ];
				return v;
			}

			@Override
			public double percentile( final int channel, final double p )
			{
				final double[] v = values( channel );
				Arrays.sort( v );
				final double pos = p / 100 * ( v.length - 1 );
				final int lo = ( int ) Math.floor( pos );
				final int hi = Math.min( lo + 1, v.length - 1 );
				return v[ lo ] + ( pos - lo ) * ( v[ hi ] - v[ lo ] );
			}

			@Override
			public double[] meanStd( final int channel )
			{
				final double[] v = values( channel );
				double s = 0, q = 0;
				for ( final double x : v )
					s += x;
				final double m = s / v.length;
				for ( final double x : v )
					q += ( x - m ) * ( x - m );
				return new double[] { m, Math.sqrt( q / v.length ) };
			}
		};
	}

	/**
	 * Runs the package's test input in one piece and compares with its test
	 * output; tolerance {@code atol + rtol * |expected|} with both 1e-4 unless
	 * the rdf's {@code config.bioimageio.reproducibility_tolerance} says otherwise.
	 */
	public static Check check( final BioimageioModel model ) throws IOException
	{
		final BioimageioPackage pkg = model.description();
		final BioimageioPackage.Tensor in = pkg.input(), out = pkg.output();
		if ( in.test == null || out.test == null )
			throw new IllegalArgumentException( pkg.source() + " has no test tensors: nothing to check against" );
		final Npy.Array x = Npy.read( Files.readAllBytes( in.test ) ), e = Npy.read( Files.readAllBytes( out.test ) );
		if ( x.shape.length != in.axes.size() || e.shape.length != out.axes.size() )
			throw new IllegalArgumentException( pkg.source() + ": the test tensors have " + x.shape.length + " and "
					+ e.shape.length + " dimensions, the axes " + in.axes + " and " + out.axes );
		final List< String > nhwc = List.of( "batch", "y", "x", "channel" );
		final long[] sizes = new long[] { 1, 1, 1, 1 };
		for ( int i = 0; i < in.axes.size(); i++ )
			sizes[ nhwc.indexOf( in.axes.get( i ) ) ] = x.shape[ i ];
		final float[] data = BioimageioModel.permute( x.data, x.shape, in.axes, nhwc );
		final int channels = ( int ) sizes[ 3 ];
		final double[][] p = Processing.affine( in.processing, stats( data, channels ), channels );
		for ( int i = 0; i < data.length; i++ )
		{
			final int c = i % channels;
			data[ i ] = ( float ) ( ( data[ i ] - ( float ) p[ 0 ][ c ] ) * ( float ) p[ 1 ][ c ] );
		}
		final int n = ( int ) sizes[ 0 ], h = ( int ) sizes[ 1 ], w = ( int ) sizes[ 2 ];
		final float[] y = new float[ n * h * w * out.channels ];
		model.predict( data, y, n, new int[] { h, w } );
		Processing.post( out.processing, y, out.channels );
		final float[] expected = BioimageioModel.permute( e.data, e.shape, out.axes, nhwc );
		if ( expected.length != y.length )
			throw new IllegalArgumentException(
					pkg.source() + ": the test output has " + expected.length + " values, the model gave " + y.length );
		final double atol = tolerance( pkg.rdf(), "absolute_tolerance" ),
				rtol = tolerance( pkg.rdf(), "relative_tolerance" );
		double worst = 0, excess = 0;
		for ( int i = 0; i < y.length; i++ )
		{
			final double d = Math.abs( y[ i ] - expected[ i ] );
			worst = Math.max( worst, d );
			excess = Math.max( excess, d - rtol * Math.abs( expected[ i ] ) );
		}
		return new Check( worst, atol + ( worst - excess ), e.shape );
	}

	@SuppressWarnings( "unchecked" )
	private static double tolerance( final Map< String, Object > rdf, final String key )
	{
		try
		{
			final Object t = ( ( Map< String, Object > ) ( ( Map< String, Object > ) rdf.get( "config" ) )
					.get( "bioimageio" ) ).get( "reproducibility_tolerance" );
			final Object v = t instanceof List ? ( ( Map< String, Object > ) ( ( List< ? > ) t ).get( 0 ) ).get( key )
					: null;
			return v instanceof Number ? ( ( Number ) v ).doubleValue() : 1e-4;
		}
		catch ( final RuntimeException e )
		{
			return 1e-4;
		}
	}
}
