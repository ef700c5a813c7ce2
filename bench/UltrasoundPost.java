import java.io.DataOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.SegmenterPrediction;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;

/**
 * Post-processing screens of a trained ultrasound model (not a test): {@code dump <model> <dir>} writes Segment Image's
 * full-size flip-averaged probabilities of the 31 held-out training images (validation, as UltrasoundBench) as raw
 * little-endian float32 (channel, row, column) with their masks (uint8) and sizes (width height), for bench/ultrasound_post.py.
 */
public class UltrasoundPost
{
	public static void main( final String[] args ) throws IOException
	{
		try
		{
			dump( Paths.get( args[ 1 ] ), Paths.get( args[ 2 ] ) );
		}
		finally
		{
			System.exit( 0 );
		}
	}

	static void dump( final Path model, final Path dir ) throws IOException
	{
		Files.createDirectories( dir );
		final List< ImagePlus >[] val = UltrasoundBench.validationSplit( UltrasoundBench.load( "images", "masks", 1000 ) );
		try ( ModelFile.Loaded m = ModelFile.load( model, 0 ) )
		{
			for ( int i = 0; i < val[ 0 ].size(); i++ )
			{
				final ImagePlus p = SegmenterPrediction.probability( m, val[ 0 ].get( i ), true, new ImageRunner.Options(), Progress.none() );
				try ( DataOutputStream out = new DataOutputStream( new BufferedOutputStream( Files.newOutputStream( dir.resolve( String.format( "val%02d.f32", i ) ) ) ) ) )
				{
					for ( int c = 1; c <= p.getStackSize(); c++ )
						for ( final float v : ( float[] ) p.getStack().getProcessor( c ).convertToFloat().getPixels() )
							out.writeInt( Integer.reverseBytes( Float.floatToIntBits( v ) ) );
				}
				final byte[] mask = ( byte[] ) val[ 1 ].get( i ).getProcessor().convertToByte( false ).getPixels();
				Files.write( dir.resolve( String.format( "val%02d.u8", i ) ), mask );
				Files.write( dir.resolve( String.format( "val%02d.size", i ) ), ( p.getWidth() + " " + p.getHeight() + "\n" ).getBytes( java.nio.charset.StandardCharsets.US_ASCII ) );
				System.out.println( val[ 0 ].get( i ).getTitle() + " " + p.getWidth() + "x" + p.getHeight() + "x" + p.getStackSize() );
			}
		}
	}
}
