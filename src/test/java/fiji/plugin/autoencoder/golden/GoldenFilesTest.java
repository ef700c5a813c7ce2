package fiji.plugin.autoencoder.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * Golden-file tests, one per command family: the committed input and models
 * of {@link GoldenFiles} run through Denoise, Reconstruct, Segment by
 * Reconstruction, Segment Image, Inspect (Model Summary, Loss Curves) and
 * bioimage.io export + apply (slow tier: 6 s) give the committed outputs: float images within
 * 1e-4 of their value range (TensorFlow's multithreaded sums are not
 * bit-reproducible), masks and labels with at most 0.5 % of pixels that
 * differ (a pixel at the threshold may flip), tables within 1 % and text
 * exactly. A change of the numbers anywhere on these paths (normalisation,
 * tiling, averaging, thresholds, labelling, measurements, model loading) fails
 * here.
 */
public class GoldenFilesTest
{
	@TempDir
	static Path tmp;

	static Path out;

	@BeforeAll
	static void runAll() throws IOException
	{
		if ( "true".equals( System.getProperty( "golden.regenerate" ) ) ) // see GoldenFiles
			GoldenFiles.regenerate( GoldenFiles.DIR );
		out = tmp.resolve( "out" );
		GoldenFiles.run( GoldenFiles.DIR, out );
	}

	@Test
	public void denoise() throws IOException
	{
		compareFloat( "denoised.tif" );
	}

	@Test
	public void reconstruct() throws IOException
	{
		compareFloat( "reconstructed.tif" );
	}

	@Test
	public void segmentByReconstruction() throws IOException
	{
		compareFloat( "anomaly/input-anomaly.tif" );
		compareMask( "anomaly/input-mask.tif" );
		compareMask( "anomaly/input-labels.tif" );
		compareTable( "anomaly/input-objects.csv" );
	}

	@Test
	public void segmentImage() throws IOException
	{
		compareFloat( "segment/input-probability.tif" );
		compareMask( "segment/input-mask.tif" );
		compareMask( "segment/input-labels.tif" );
		compareTable( "segment/input-objects.csv" );
	}

	@Test
	public void inspect() throws IOException
	{
		assertEquals( Files.readString( expected( "inspect/model-summary.txt" ) ),
				Files.readString( out.resolve( "inspect/model-summary.txt" ) ) );
		compareTable( "inspect/loss-curves.csv" );
	}

	@Test
	@Tag( "slow" )
	public void bioimageioExportAndApply() throws IOException
	{
		GoldenFiles.runBioimageio( GoldenFiles.DIR, out );
		compareFloat( "bioimageio.tif" );
	}

	static Path expected( final String name )
	{
		return GoldenFiles.DIR.resolve( "expected" ).resolve( name );
	}

	private static ImageProcessor open( final Path p )
	{
		final ImagePlus imp = IJ.openImage( p.toString() );
		assertTrue( imp != null, "cannot open " + p );
		return imp.getProcessor();
	}

	private static void compareFloat( final String name )
	{
		final ImageProcessor e = open( expected( name ) ), a = open( out.resolve( name ) );
		assertEquals( e.getWidth(), a.getWidth(), name );
		assertEquals( e.getHeight(), a.getHeight(), name );
		assertEquals( e.getBitDepth(), a.getBitDepth(), name );
		double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, diff = 0;
		for ( int i = 0; i < e.getPixelCount(); i++ )
		{
			min = Math.min( min, e.getf( i ) );
			max = Math.max( max, e.getf( i ) );
			diff = Math.max( diff, Math.abs( e.getf( i ) - a.getf( i ) ) );
		}
		assertTrue( max > min, name + " is constant: a golden file that cannot show a change" );
		System.out.println( name + ": max abs difference " + diff + " (range " + ( max - min ) + ")" );
		assertTrue( diff <= 1e-4 * ( max - min ),
				name + ": max abs difference " + diff + " over 1e-4 of the range " + ( max - min ) );
	}

	private static void compareMask( final String name )
	{
		final ImageProcessor e = open( expected( name ) ), a = open( out.resolve( name ) );
		assertEquals( e.getWidth(), a.getWidth(), name );
		assertEquals( e.getHeight(), a.getHeight(), name );
		int differ = 0, foreground = 0;
		for ( int i = 0; i < e.getPixelCount(); i++ )
		{
			differ += ( e.getf( i ) > 0 ) != ( a.getf( i ) > 0 ) ? 1 : 0;
			foreground += e.getf( i ) > 0 ? 1 : 0;
		}
		assertTrue( foreground > 0 && foreground < e.getPixelCount(),
				name + " is empty or full: a golden file that cannot show a change" );
		assertTrue( differ <= e.getPixelCount() / 200, name + ": " + differ + " pixels differ" );
	}

	/** The same header and rows; every number within 1 % (plus 1e-3). */
	private static void compareTable( final String name ) throws IOException
	{
		final List< String > e = Files.readAllLines( expected( name ) ), a = Files.readAllLines( out.resolve( name ) );
		assertTrue( e.size() > 1, name + " has no rows" );
		assertEquals( e.get( 0 ), a.get( 0 ), name + ": header" );
		assertEquals( e.size(), a.size(), name + ": rows" );
		for ( int r = 1; r < e.size(); r++ )
		{
			final String[] ec = e.get( r ).split( ",", -1 ), ac = a.get( r ).split( ",", -1 );
			assertEquals( ec.length, ac.length, name + " row " + r );
			for ( int c = 0; c < ec.length; c++ )
			{
				final double x, y;
				try
				{
					x = Double.parseDouble( ec[ c ] );
				}
				catch ( final NumberFormatException notANumber )
				{
					assertEquals( ec[ c ], ac[ c ], name + " row " + r + " column " + c );
					continue;
				}
				y = Double.parseDouble( ac[ c ] );
				assertTrue( Math.abs( x - y ) <= 1e-3 + 0.01 * Math.abs( x ) || Double.isNaN( x ) && Double.isNaN( y ),
						name + " row " + r + " column " + c + ": " + y + ", expected " + x );
			}
		}
	}
}
