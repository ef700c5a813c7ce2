package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import fiji.plugin.autoencoder.model.ImagePredictor;

/**
 * A bioimage.io package loaded for prediction: the checked
 * {@link BioimageioPackage} and its SavedModel run by {@link SavedModelRunner}
 * (safety-checked, only the serving subgraph imported). As an
 * {@link ImagePredictor} it takes channels-last tiles and converts them to the
 * package's own axis order (e.g. {@code batch, channel, y, x}) and back; size
 * multiple and halo come from the input's {@code step} and the output's
 * {@code halo}.
 * <p>
 * Thread-safe for prediction; closing it frees TensorFlow and deletes the
 * unpacked files.
 */
public final class BioimageioModel implements ImagePredictor, AutoCloseable
{
	private final BioimageioPackage pkg;

	private final SavedModelRunner runner;

	private final int multiple, halo;

	private BioimageioModel( final BioimageioPackage pkg, final SavedModelRunner runner )
	{
		this.pkg = pkg;
		this.runner = runner;
		final BioimageioPackage.Tensor in = pkg.input();
		this.multiple = Math.max( 1, in.step );
		this.halo = ( pkg.output().halo + multiple - 1 ) / multiple * multiple;
	}

	/** Opens, checks and loads a package (zip or folder). */
	public static BioimageioModel load( final Path path, final int threads ) throws IOException
	{
		final BioimageioPackage pkg = BioimageioPackage.open( path );
		try
		{
			final BioimageioPackage.Tensor in = pkg.input(), out = pkg.output();
			if ( in.step > 0 && in.min % in.step != 0 && in.min > in.step )
				throw new IllegalArgumentException( pkg.source() + ": input sizes " + in.min + " + k * " + in.step
						+ " are not multiples of one step: the tiler cannot honour them" );
			if ( !in.axes.contains( "channel" ) && in.channels != 1
					|| !out.axes.contains( "channel" ) && out.channels != 1 )
				throw new IllegalArgumentException(
						pkg.source() + ": a tensor without a channel axis must have one channel" );
			Path dir = pkg.weights();
			if ( Files.isRegularFile( dir ) )
			{
				final Path unpacked = pkg.root().resolve( ".fiji-autoencoder-weights" );
				Files.createDirectories( unpacked );
				PackageFiles.unzip( dir, unpacked, pkg.source() + " weights" );
				dir = unpacked;
			}
			final Path savedModelDir = savedModelDir( dir, pkg.source() );
			final SavedModelRunner runner = SavedModelRunner.load( savedModelDir, in.id, out.id, threads,
					pkg.source() );
			return new BioimageioModel( pkg, runner );
		}
		catch ( final IOException | RuntimeException e )
		{
			pkg.close();
			throw e;
		}
	}

	private static Path savedModelDir( final Path dir, final String source ) throws IOException
	{
		if ( Files.isRegularFile( dir.resolve( "saved_model.pb" ) ) )
			return dir;
		try ( Stream< Path > s = Files.walk( dir, 3 ) )
		{
			final List< Path > pbs = s.filter( p -> p.getFileName().toString().equals( "saved_model.pb" ) )
					.collect( java.util.stream.Collectors.toList() );
			if ( pbs.size() != 1 )
				throw new IOException( source + ": the " + BioimageioPackage.WEIGHTS + " weights hold " + pbs.size()
						+ " saved_model.pb files; expected one" );
			return pbs.get( 0 ).getParent();
		}
	}

	public BioimageioPackage description()
	{
		return pkg;
	}

	public SavedModelRunner runner()
	{
		return runner;
	}

	// -- ImagePredictor methods --

	@Override
	public int spatialDims()
	{
		return 2;
	}

	@Override
	public int inputChannels()
	{
		return pkg.input().channels;
	}

	@Override
	public int outputChannels()
	{
		return pkg.output().channels;
	}

	@Override
	public int sizeMultiple()
	{
		return multiple;
	}

	@Override
	public int halo()
	{
		return halo;
	}

	@Override
	public int[] fixedSpatialShape()
	{
		return pkg.input().step == 0 ? new int[] { pkg.input().min, pkg.input().min } : null;
	}

	@Override
	public void predict( final float[] input, final float[] output, final int batch, final int[] spatial )
	{
		final List< String > nhwc = List.of( "batch", "y", "x", "channel" );
		final BioimageioPackage.Tensor in = pkg.input(), out = pkg.output();
		final boolean batched = in.axes.contains( "batch" );
		final int h = spatial[ 0 ], w = spatial[ 1 ];
		final int n = batched ? batch : 1;
		final int inSample = h * w * in.channels, outSample = h * w * out.channels;
		for ( int b0 = 0; b0 < batch; b0 += n )
		{
			final long[] sizes = { n, h, w, in.channels };
			final float[] x = permute( Arrays.copyOfRange( input, b0 * inSample, ( b0 + n ) * inSample ), sizes, nhwc,
					in.axes );
			final float[] y = runner.run( x, shape( sizes, nhwc, in.axes ) );
			final long[] outSizes = { n, h, w, out.channels };
			if ( y.length != n * outSample )
				throw new IllegalStateException( pkg.source() + ": the network returned " + y.length + " values (shape "
						+ Arrays.toString( runner.lastOutputShape() )
						+ ") for a " + h + " x " + w + " input; expected " + n * outSample + " (" + out.axes + ")" );
			System.arraycopy( permute( y, shape( outSizes, nhwc, out.axes ), out.axes, nhwc ), 0, output,
					b0 * outSample, n * outSample );
		}
	}

	/** The sizes of {@code order}'s axes, from sizes given in {@code sizesOrder}. */
	static long[] shape( final long[] sizes, final List< String > sizesOrder, final List< String > order )
	{
		final long[] s = new long[ order.size() ];
		for ( int i = 0; i < s.length; i++ )
			s[ i ] = sizes[ sizesOrder.indexOf( order.get( i ) ) ];
		return s;
	}

	/** Reorders a C-order array whose axes are {@code from} (sizes {@code fromSizes}) to the axes {@code to}; axes missing from either side have size 1. */
	static float[] permute( final float[] data, final long[] fromSizes, final List< String > from,
			final List< String > to )
	{
		if ( from.equals( to ) )
			return data;
		final int k = to.size();
		final long[] toSizes = new long[ k ];
		final long[] strideInFrom = new long[ k ];
		for ( int i = 0; i < k; i++ )
		{
			final int j = from.indexOf( to.get( i ) );
			toSizes[ i ] = j < 0 ? 1 : fromSizes[ j ];
			long stride = 1;
			for ( int m = from.size() - 1; m > j && j >= 0; m-- )
				stride *= fromSizes[ m ];
			strideInFrom[ i ] = j < 0 ? 0 : stride;
		}
		final float[] out = new float[ data.length ];
		final long[] idx = new long[ k ];
		for ( int o = 0; o < out.length; o++ )
		{
			long src = 0;
			for ( int i = 0; i < k; i++ )
				src += idx[ i ] * strideInFrom[ i ];
			out[ o ] = data[ ( int ) src ];
			for ( int i = k - 1; i >= 0; i-- )
			{
				if ( ++idx[ i ] < toSizes[ i ] )
					break;
				idx[ i ] = 0;
			}
		}
		return out;
	}

	@Override
	public void close() throws IOException
	{
		runner.close();
		pkg.close();
	}
}
