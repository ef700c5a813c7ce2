package fiji.plugin.autoencoder.train;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** A cached subset of Fashion-MNIST for tests (skips the test when the Debian package is missing). */
public final class FashionMnistSubset
{
	private static float[] cached;

	private FashionMnistSubset()
	{}

	/** The first {@code n} training images scaled to [0, 1], 28 x 28 x 1. */
	public static synchronized float[] images( final int n )
	{
		assumeTrue( Files.isDirectory( IdxReader.FASHION_MNIST ),
				"Fashion-MNIST missing: apt-get install dataset-fashion-mnist" );
		if ( cached == null || cached.length < n * 784 )
		{
			try
			{
				cached = IdxReader.readImages( IdxReader.fashionMnist( "train-images-idx3-ubyte.gz" ) )
						.toFloats( Math.max( n, 12000 ) );
			}
			catch ( final IOException e )
			{
				throw new UncheckedIOException( e );
			}
		}
		final float[] out = new float[ n * 784 ];
		System.arraycopy( cached, 0, out, 0, out.length );
		return out;
	}
}
