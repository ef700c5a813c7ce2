package fiji.plugin.autoencoder.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.Random;

import org.junit.jupiter.api.Test;

import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.model.TestVolumes;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;

/**
 * dimensions=Automatic, the default: 3D for a real z-stack as deep as the patch, 2D for a stack of unrelated 2D
 * images (where the slice count alone would say 3D), for time points and for thin stacks; the note says which and
 * how to force the other.
 */
class DimensionsTest
{
	@Test
	void automaticTrainsThreeDOnlyOnZStacksWhoseNeighbouringSlicesShowOneStructure()
	{
		final ImagePlus volume = TestVolumes.sheared( "cell.png", 0, 0, 96, 96, 20, 1 );
		final ImagePlus noisy = volume.duplicate();
		final Random r = new Random( 1 );
		for ( int z = 1; z <= 20; z++ ) // Poisson-like noise at peak 30 of the 0..255 image
		{
			final ImageProcessor ip = noisy.getStack().getProcessor( z );
			for ( int i = 0; i < ip.getPixelCount(); i++ )
				ip.setf( i, ( float ) ( ip.getf( i ) + Math.sqrt( Math.max( ip.getf( i ), 1 ) * 255 / 30.0 )
						* r.nextGaussian() ) );
		}
		final ImageProcessor src = TestImages.open( "cell.png" ).getProcessor();
		final ImageStack crops = new ImageStack( 96, 96 );
		for ( int z = 0; z < 20; z++ ) // 20 unrelated 96 x 96 fields of one image
		{
			src.setRoi( r.nextInt( 450 ), r.nextInt( 560 ), 96, 96 );
			crops.addSlice( src.crop() );
		}
		final ImagePlus unrelated = new ImagePlus( "fields", crops );
		final double cv = Dimensions.neighbourCorrelation( volume ), cn = Dimensions.neighbourCorrelation( noisy ),
				cu = Dimensions.neighbourCorrelation( unrelated );
		System.out.printf( "neighbour-slice correlation: z-stack %.3f, with noise %.3f, unrelated fields %.3f%n", cv,
				cn, cu );
		final Dimensions.Choice v = choose( volume ), n = choose( noisy ), u = choose( unrelated );
		assertTrue( v.is3D && n.is3D, v.note + " / " + n.note );
		assertTrue(
				n.note.startsWith( "dimensions=Automatic chose 3D" ) && n.note.contains( "dimensions=2D forces 2D" ),
				n.note );
		assertFalse( u.is3D, u.note );
		assertTrue( u.note.contains( "neighbouring z-slices of 'fields' do not show one structure" )
				&& u.note.contains( "dimensions=3D forces a volume network" ), u.note );
		assertTrue( cn > 0.5 && cu < 0.1, "margins around " + Dimensions.CONTINUITY );

		final ImagePlus frames = TestVolumes.sheared( "cell.png", 0, 0, 40, 40, 1, 20 ); // 20 time points
		final Dimensions.Choice t = choose( frames );
		assertFalse( t.is3D, "time points are not z-slices" );
		assertNull( t.note, "a 2D image: nothing to choose" );
		final String e = assertThrows( IllegalArgumentException.class, () -> Dimensions.choose( "3D", 16, true,
				"Denoise (paired)", Collections.singletonList( frames ) ) ).getMessage();
		assertTrue( e.contains( "swap them in Image > Properties" ), e );
		final Dimensions.Choice c = Dimensions.choose( "Automatic", 16, false, "Conv autoencoder",
				Collections.singletonList( volume ) );
		assertFalse( c.is3D );
		assertEquals( "dimensions=Automatic chose 2D (one network on every slice): 'Conv autoencoder' trains 2D only",
				c.note );
	}

	private static Dimensions.Choice choose( final ImagePlus imp )
	{
		return Dimensions.choose( "Automatic", 16, true, "Denoise (paired)", Collections.singletonList( imp ) );
	}
}
