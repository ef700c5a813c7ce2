package fiji.plugin.autoencoder.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format; Debian's {@code dataset-fashion-mnist}
 * installs Fashion-MNIST in {@link #FASHION_MNIST}), plain or gzipped.
 *
 * <pre>{@code
 * IdxReader.Images train = IdxReader.readImages( IdxReader.fashionMnist( "train-images-idx3-ubyte.gz" ) );
 * float[] pixels = train.toFloats( 10000 );   // first 10,000 images scaled to [0, 1]
 * }</pre>
 */
public final class IdxReader
{
	/** Where Debian's dataset-fashion-mnist package puts the files. */
	public static final Path FASHION_MNIST = Paths.get( "/usr/share/datasets/fashion-mnist" );

	private IdxReader()
	{}

	/** Unsigned 8-bit images, row-major, image after image. */
	public static final class Images
	{
		public final int count, height, width;

		public final byte[] pixels;

		Images( final int count, final int height, final int width, final byte[] pixels )
		{
			this.count = count;
			this.height = height;
			this.width = width;
			this.pixels = pixels;
		}

		/** The first {@code n} images (all if n is 0 or more than count) scaled to [0, 1]. */
		public float[] toFloats( final int n )
		{
			final int k = n <= 0 || n > count ? count : n;
			final float[] f = new float[ k * height * width ];
			for ( int i = 0; i < f.length; i++ )
				f[ i ] = ( pixels[ i ] & 0xff ) / 255f;
			return f;
		}
	}

	/** A file of the Fashion-MNIST installation, with a message saying how to install it when missing. */
	public static Path fashionMnist( final String file )
	{
		final Path p = FASHION_MNIST.resolve( file );
		if ( !Files.isRegularFile( p ) )
			throw new IllegalArgumentException( "Fashion-MNIST file " + p
					+ " not found: install it with 'apt-get install dataset-fashion-mnist' (Debian/Ubuntu), or give the folder of your own IDX files" );
		return p;
	}

	public static Images readImages( final Path file ) throws IOException
	{
		try ( DataInputStream in = open( file ) )
		{
			final int magic = in.readInt();
			if ( magic != 0x00000803 )
				throw new IOException( file + " is not an IDX image file (magic number " + magic + ", expected 2051)" );
			final int n = in.readInt(), h = in.readInt(), w = in.readInt();
			if ( n < 0 || h <= 0 || w <= 0 || ( long ) n * h * w > Integer.MAX_VALUE - 8 )
				throw new IOException( file + " has an invalid header: " + n + " images of " + h + " x " + w );
			final byte[] px = new byte[ n * h * w ];
			readFully( in, px, file );
			return new Images( n, h, w, px );
		}
	}

	public static int[] readLabels( final Path file ) throws IOException
	{
		try ( DataInputStream in = open( file ) )
		{
			final int magic = in.readInt();
			if ( magic != 0x00000801 )
				throw new IOException( file + " is not an IDX label file (magic number " + magic + ", expected 2049)" );
			final int n = in.readInt();
			if ( n < 0 )
				throw new IOException( file + " has an invalid header: " + n + " labels" );
			final byte[] b = new byte[ n ];
			readFully( in, b, file );
			final int[] labels = new int[ n ];
			for ( int i = 0; i < n; i++ )
				labels[ i ] = b[ i ] & 0xff;
			return labels;
		}
	}

	private static DataInputStream open( final Path file ) throws IOException
	{
		try
		{
			InputStream in = new BufferedInputStream( Files.newInputStream( file ), 1 << 16 );
			if ( file.getFileName().toString().endsWith( ".gz" ) )
				in = new GZIPInputStream( in, 1 << 16 );
			return new DataInputStream( in );
		}
		catch ( final NoSuchFileException e )
		{
			throw new IOException( "IDX file not found: " + file, e );
		}
	}

	private static void readFully( final DataInputStream in, final byte[] dst, final Path file ) throws IOException
	{
		try
		{
			in.readFully( dst );
		}
		catch ( final EOFException e )
		{
			throw new IOException( file + " is truncated: expected " + dst.length + " bytes of data", e );
		}
	}
}
