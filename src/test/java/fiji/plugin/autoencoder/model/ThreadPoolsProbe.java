package fiji.plugin.autoencoder.model;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;

/**
 * Run in its own JVM by {@link TensorFlowThreadsTest}: takes the model file
 * {@code args[0]} from the JVM's model cache with each thread count of
 * {@code args[1..]} in turn, predicts with it, and prints the JVM's thread
 * count after each and the cache's loads.
 */
public final class ThreadPoolsProbe
{
	public static void main( final String[] args ) throws Exception
	{
		final StringBuilder counts = new StringBuilder();
		for ( int i = 1; i < args.length; i++ )
			try ( ModelCache< ModelFile.Loaded >.Lease l = ModelCache.models().get( Paths.get( args[ 0 ] ),
					Integer.parseInt( args[ i ] ) ) )
			{
				final float[] in = new float[ 64 * 64 ], out = new float[ 64 * 64 ];
				l.model().model().predict( in, out, 1, new int[] { 64, 64 } );
				counts.append( ' ' ).append( threads() );
			}
		System.out.println( "threads:" + counts + " loads: " + ModelCache.models().loads() );
	}

	static int threads() throws Exception
	{
		int n = 0;
		try ( DirectoryStream< Path > ds = Files.newDirectoryStream( Paths.get( "/proc/self/task" ) ) )
		{
			for ( @SuppressWarnings( "unused" )
			final Path p : ds )
				n++;
		}
		return n;
	}
}
