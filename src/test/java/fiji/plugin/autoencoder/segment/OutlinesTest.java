package fiji.plugin.autoencoder.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;

/** The overlay of Segment Image: grey image, object outlines in yellow, pixel by pixel. */
class OutlinesTest
{
	@Test
	void outlinesAreTheObjectPixelsNextToAnotherLabelAndTheRestIsTheImage()
	{
		final ByteProcessor image = new ByteProcessor( 40, 30 );
		for ( int i = 0; i < 40 * 30; i++ )
			image.set( i, ( i * 7 ) % 256 );
		final ShortProcessor labels = new ShortProcessor( 40, 30 );
		for ( int y = 5; y < 15; y++ )
			for ( int x = 5; x < 25; x++ )
				labels.set( x, y, x < 15 ? 1 : 2 ); // two touching objects
		labels.set( 39, 29, 3 ); // a one-pixel object in the corner
		final ColorProcessor o = ( ColorProcessor ) Outlines
				.overlay( new ImagePlus( "img", image ), new ImagePlus( "labels", labels ) ).getProcessor();
		int yellow = 0;
		for ( int y = 0; y < 30; y++ )
			for ( int x = 0; x < 40; x++ )
			{
				final int l = labels.get( x, y );
				final boolean edge = l > 0 && ( x == 0 || y == 0 || x == 39 || y == 29 || labels.get( x - 1, y ) != l
						|| labels.get( x + 1, y ) != l || labels.get( x, y - 1 ) != l
						|| labels.get( x, y + 1 ) != l );
				final int g = image.get( x, y );
				assertEquals( edge ? 0xFFFF00 : ( g << 16 ) | ( g << 8 ) | g, o.get( x, y ) & 0xFFFFFF,
						"pixel " + x + ", " + y );
				yellow += edge ? 1 : 0;
			}
		// each 10 x 10 object: 36 border pixels; the single pixel
		assertEquals( 36 + 36 + 1, yellow );
	}
}
