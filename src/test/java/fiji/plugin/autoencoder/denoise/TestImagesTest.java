package fiji.plugin.autoencoder.denoise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;

import org.junit.jupiter.api.Test;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/** The committed test-images/ open in ImageJ as documented and are the stated crops of the skimage sources. */
class TestImagesTest
{
	private static final File FOLDER = new File( "test-images" );

	private static ImagePlus open( final String name )
	{
		final File f = new File( FOLDER, name );
		assertTrue( f.isFile(), f.getAbsolutePath() + " is missing (regenerate with test-images/make_test_images.py)" );
		assertTrue( f.length() < 200_000, name + " is " + f.length() + " bytes" );
		final ImagePlus imp = IJ.openImage( f.getPath() );
		assertNotNull( imp, "ImageJ cannot open " + f );
		assertEquals( 256, imp.getWidth() );
		assertEquals( 256, imp.getHeight() );
		assertEquals( ImagePlus.GRAY8, imp.getType() );
		assertEquals( 1, imp.getStackSize() );
		return imp;
	}

	/** Max abs difference between {@code crop} and the region of {@code source} at (x0, y0). */
	private static int maxDiff( final ImageProcessor crop, final ImageProcessor source, final int x0, final int y0 )
	{
		int max = 0;
		for ( int y = 0; y < crop.getHeight(); y++ )
			for ( int x = 0; x < crop.getWidth(); x++ )
				max = Math.max( max, Math.abs( crop.get( x, y ) - source.get( x0 + x, y0 + y ) ) );
		return max;
	}

	@Test
	void cellIsAnExactCropOfTheSkimagePng()
	{
		final ImagePlus crop = open( "cell_256.tif" );
		final File src = new File( TestData.SKIMAGE_DATA, "cell.png" );
		org.junit.jupiter.api.Assumptions.assumeTrue( src.isFile(), src + " is absent" );
		assertEquals( 0, maxDiff( crop.getProcessor(), IJ.openImage( src.getPath() ).getProcessor(), 294, 250 ) );
	}

	@Test
	void retinaIsTheGreenChannelCrop()
	{
		final ImagePlus crop = open( "retina_green_256.tif" );
		final File src = new File( TestData.SKIMAGE_DATA, "retina.jpg" );
		org.junit.jupiter.api.Assumptions.assumeTrue( src.isFile(), src + " is absent" );
		final ImagePlus rgb = IJ.openImage( src.getPath() );
		final ImageProcessor green = ( ( ij.process.ColorProcessor ) rgb.getProcessor() ).getChannel( 2, null );
		// Java's and PIL's JPEG decoders may differ by a few grey levels
		final int d = maxDiff( crop.getProcessor(), green, 150, 520 );
		assertTrue( d <= 3, "max difference to ImageJ's decoding of retina.jpg: " + d );
	}

	@Test
	void hubbleHasStarsOnDarkSky()
	{
		final ImageProcessor ip = open( "hubble_deep_field_256.tif" ).getProcessor();
		final ij.process.ImageStatistics s = ip.getStats();
		assertTrue( s.median < 30 && s.max == 255,
				"dark sky with bright objects: median " + s.median + ", max " + s.max );
	}
}
