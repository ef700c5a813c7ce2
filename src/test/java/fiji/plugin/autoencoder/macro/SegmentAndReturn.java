package fiji.plugin.autoencoder.macro;

import fiji.plugin.autoencoder.MacroCalls;

/** A plain Java program (not a test) that runs one segmentation and returns from main; the JVM must then exit. See ImageJThreadsTest. */
public final class SegmentAndReturn
{
	private SegmentAndReturn()
	{}

	public static void main( final String[] args )
	{
		System.out.println( "result: " + MacroCalls.segment( args[ 0 ] ) );
	}
}
