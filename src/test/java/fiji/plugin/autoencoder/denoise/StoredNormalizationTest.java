package fiji.plugin.autoencoder.denoise;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.features.ModelFileNotes;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.ChannelMode;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * Normalisation stored at training and applied unchanged, and channels denoised
 * each alone: one brief self-supervised training on a 3-channel image made of
 * three real micrographs, then the same pixels alone and inside a larger image
 * with brighter content, and one channel changed.
 */
class StoredNormalizationTest
{
	@TempDir
	static Path dir;

	static Path model;

	static ImagePlus image;

	/** Three 128 x 128 real crops as channels, 32-bit, with different ranges. */
	static ImagePlus threeChannels( final int w, final int h, final double... scales )
	{
		final String[] names = { "cell_256.tif", "hubble_deep_field_256.tif", "ihc_256.tif" };
		final ImageStack s = new ImageStack( w, h );
		for ( int c = 0; c < 3; c++ )
		{
			final ImageProcessor ip = DenoiserTrainingTest.testImage( names[ c ] ).getProcessor().convertToFloat();
			ip.setRoi( 0, 0, w, h );
			final ImageProcessor crop = ip.crop();
			crop.multiply( scales[ c ] );
			s.addSlice( crop );
		}
		final ImagePlus imp = new ImagePlus( "three", s );
		imp.setDimensions( 3, 1, 1 );
		return imp;
	}

	@BeforeAll
	static void train() throws Exception
	{
		image = threeChannels( 128, 128, 1, 10, 100 );
		model = dir.resolve( "n2v3.aemodel.zip" );
		final ImageTrainingJob job = TrainingMode.DENOISE_SELF_SUPERVISED.job( Collections.singletonList( image ),
				model, null, 3 );
		job.patchSize = 32;
		job.patchesPerEpoch = 64;
		job.config.epochs( 1 ).batchSize( 16 );
		job.run( Collections.singletonList( image ), null, TrainingListener.none() );
	}

	private static ImagePlus denoise( final ModelFile.Loaded m, final ImagePlus imp, final boolean refit )
	{
		final ImageRunner.Options o = new ImageRunner.Options();
		o.refitNormalization = refit;
		return ModelFileRunner.apply( m, imp, OutputType.FLOAT_32, "denoised", o, Progress.none() );
	}

	/** The image at the left of a wider one whose right half is other content, 20 times brighter. */
	private static ImagePlus embedded( final ImagePlus imp )
	{
		final int w = imp.getWidth(), h = imp.getHeight();
		final ImagePlus other = threeChannels( 256, 256, 1, 10, 100 );
		final ImageStack s = new ImageStack( 2 * w, h );
		for ( int c = 1; c <= 3; c++ )
		{
			final FloatProcessor big = new FloatProcessor( 2 * w, h );
			big.insert( imp.getStack().getProcessor( c ), 0, 0 );
			final ImageProcessor o = other.getStack().getProcessor( c ).duplicate();
			o.multiply( 20 );
			o.setRoi( 128, 128, w, h );
			big.insert( o.crop(), w, 0 );
			s.addSlice( big );
		}
		final ImagePlus e = new ImagePlus( "embedded", s );
		e.setDimensions( 3, 1, 1 );
		return e;
	}

	/** Largest difference over channels and the columns [0, columns) of two 3-channel results. */
	private static double maxDifference( final ImagePlus a, final ImagePlus b, final int columns, final int channel )
	{
		double max = 0;
		final float[] pa = ( float[] ) a.getStack().getProcessor( channel ).getPixels(),
				pb = ( float[] ) b.getStack().getProcessor( channel ).getPixels();
		for ( int y = 0; y < a.getHeight(); y++ )
			for ( int x = 0; x < columns; x++ )
				max = Math.max( max, Math.abs( pa[ y * a.getWidth() + x ] - pb[ y * b.getWidth() + x ] ) );
		return max;
	}

	@Test
	void anImageAloneAndInsideALargerBrighterImageGivesTheSamePixels() throws Exception
	{
		final ImagePlus big = embedded( image );
		try ( ModelFile.Loaded m = ModelFile.load( model, 2 ) )
		{
			final Normalization n = ModelFileRunner.normalization( m );
			assertTrue( n.isFitted() && n.offsets().length == 3, "stored values per channel: " + n );
			assertEquals( 1, m.model().spec().channels, "one shared single-channel network" );
			assertEquals( 3, ChannelMode.imageChannels( m.extras() ) );
			assertNull( ModelFileRunner.normalizationNote( m, new ImageRunner.Options() ) );
			final String notes = ModelFileNotes.of( m.extras() );
			assertTrue(
					notes.contains( "Normalisation: percentiles 1..99.8 per channel; channel 1: " )
							&& notes.contains( "channel 3: " ) && notes.contains( "each of the 3 channels alone" ),
					notes );
			final ImagePlus alone = denoise( m, image, false ), inside = denoise( m, big, false );
			// columns further than the receptive field from the seam at x = 128 see the same pixels
			for ( int c = 1; c <= 3; c++ )
			{
				final double range = image.getStack().getProcessor( c ).getStatistics().max;
				final double d = maxDifference( alone, inside, 80, c );
				System.out.printf( "channel %d: stored normalisation, alone vs embedded max |diff| %.3g (range %.3g)%n",
						c, d, range );
				assertTrue( d <= 1e-5 * range, "channel " + c + ": " + d );
			}
			// refitting on each image scales the embedded copy differently: the same pixels come out different
			final double refitDiff = maxDifference( denoise( m, image, true ), denoise( m, big, true ), 80, 3 );
			System.out.printf( "refit on each image: alone vs embedded max |diff| %.3g%n", refitDiff );
			assertTrue( refitDiff > 1e-3 * image.getStack().getProcessor( 3 ).getStatistics().max,
					"refit " + refitDiff );
			assertNotNull( ModelFileRunner.normalizationNote( m, refitOptions() ) );
		}
	}

	private static ImageRunner.Options refitOptions()
	{
		final ImageRunner.Options o = new ImageRunner.Options();
		o.refitNormalization = true;
		return o;
	}

	@Test
	void changingOneChannelLeavesTheOtherOutputChannelsUnchanged() throws Exception
	{
		final ImagePlus changed = image.duplicate();
		changed.getStack().getProcessor( 2 ).flipHorizontal(); // other content, same intensities
		changed.getStack().getProcessor( 2 ).sqrt();
		try ( ModelFile.Loaded m = ModelFile.load( model, 2 ) )
		{
			final ImagePlus a = denoise( m, image, false ), b = denoise( m, changed, false );
			assertEquals( 0, maxDifference( a, b, 128, 1 ), 1e-6 );
			assertEquals( 0, maxDifference( a, b, 128, 3 ), 1e-6 );
			assertTrue( maxDifference( a, b, 128, 2 ) > 1, "channel 2 itself changes" );
		}
		// a network on all channels together (the option) does mix them: the check can fail
		final Path joint = dir.resolve( "joint.aemodel.zip" );
		try ( Model net = Model.create( Presets.denoiser( 3 ).validate(), 1, 1 ) )
		{
			final Map< String, String > extras = new HashMap<>();
			extras.put( ModelFile.NORMALIZATION, Normalization.percentileDefault().toJson() );
			ModelFile.save( net, joint, extras );
		}
		try ( ModelFile.Loaded m = ModelFile.load( joint, 2 ) )
		{
			final ImagePlus a = denoise( m, image, false ), b = denoise( m, changed, false );
			assertTrue( maxDifference( a, b, 128, 1 ) > 1e-4, "joint net: channel 1 depends on channel 2" );
			// an old file (method only): refitted on each image, with a note
			assertTrue( ModelFileRunner.normalizationNote( m, new ImageRunner.Options() ).contains( "no values" ) );
		}
	}

	@Test
	void aConstantChannelIsRefusedNamingIt()
	{
		final ImagePlus flat = threeChannels( 64, 64, 1, 1, 1 );
		flat.getStack().getProcessor( 2 ).set( 7 );
		final ImageTrainingJob job = TrainingMode.DENOISE_SELF_SUPERVISED.job( Collections.singletonList( flat ),
				dir.resolve( "flat.aemodel.zip" ), null, 3 );
		job.patchSize = 32;
		final String msg = assertThrows( IllegalArgumentException.class,
				() -> job.run( Collections.singletonList( flat ), null, TrainingListener.none() ) ).getMessage();
		assertTrue( msg.startsWith( "Channel 2 of the training image is constant (value 7 " ), msg );
	}
}
