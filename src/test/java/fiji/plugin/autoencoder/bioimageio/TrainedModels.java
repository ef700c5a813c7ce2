package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.segment.SupervisedSegmenter;
import fiji.plugin.autoencoder.segment.Thresholds;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.io.Opener;
import ij.plugin.filter.GaussianBlur;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/** A denoiser and a segmenter trained briefly (one short epoch each) on test-images/cell_256.tif, for the export tests. */
public final class TrainedModels
{
	private TrainedModels()
	{}

	/** test-images/cell_256.tif. */
	public static ImagePlus cell()
	{
		final ImagePlus imp = new Opener().openImage( "test-images/cell_256.tif" );
		if ( imp == null )
			throw new IllegalStateException( "test-images/cell_256.tif is missing" );
		return imp;
	}

	/** A w x h crop of an image at (x, y). */
	static ImagePlus crop( final ImagePlus imp, final int x, final int y, final int w, final int h )
	{
		final ImageProcessor ip = imp.getProcessor().duplicate();
		ip.setRoi( x, y, w, h );
		return new ImagePlus( imp.getTitle() + "-crop", ip.crop() );
	}

	/** The image plus Gaussian noise of sigma 12 (seeded). */
	public static ImagePlus noisy( final ImagePlus clean, final long seed )
	{
		final Random r = new Random( seed );
		final FloatProcessor fp = clean.getProcessor().convertToFloatProcessor();
		final float[] px = ( float[] ) fp.getPixels();
		for ( int i = 0; i < px.length; i++ )
			px[ i ] += 12 * r.nextGaussian();
		return new ImagePlus( "noisy", fp );
	}

	/** A paired denoiser (noisy -> clean), one epoch of 64 patches of 32 x 32. */
	static Path denoiser( final Path dir ) throws IOException
	{
		final ImagePlus clean = new ImagePlus( "clean", cell().getProcessor().convertToFloatProcessor() );
		final Path file = dir.resolve( "denoiser.aemodel.zip" );
		final ImageTrainingJob job = new ImageTrainingJob( Presets.denoiser( 1 ), file );
		job.config.epochs( 1 ).batchSize( 8 );
		job.patchSize = 32;
		job.patchesPerEpoch = 64;
		job.threads = 2;
		job.run( List.of( noisy( clean, 1 ) ), List.of( clean ), TrainingListener.none() );
		return file;
	}

	/** A segmenter of the bright cell regions (Otsu on a smoothed copy as the mask). */
	static Path segmenter( final Path dir ) throws IOException
	{
		final ImagePlus img = cell();
		final Path file = dir.resolve( "segmenter.aemodel.zip" );
		final ImageTrainingJob job = SupervisedSegmenter.job( null, file );
		job.config.epochs( 1 ).batchSize( 8 );
		job.patchSize = 32;
		job.patchesPerEpoch = 64;
		job.threads = 2;
		SupervisedSegmenter.train( job, List.of( img ), List.of( brightMask( img ) ), TrainingListener.none() );
		return file;
	}

	/** The bright regions of an image: Otsu's threshold on a copy smoothed with sigma 2 (255 inside, 0 outside). */
	public static ImagePlus brightMask( final ImagePlus img )
	{
		final ImageProcessor smooth = img.getProcessor().convertToFloat();
		new GaussianBlur().blurGaussian( smooth, 2, 2, 0.002 );
		final double t = Thresholds.otsu( ( float[] ) smooth.getPixels() );
		final ByteProcessor mask = new ByteProcessor( img.getWidth(), img.getHeight() );
		for ( int i = 0; i < mask.getPixelCount(); i++ )
			mask.set( i, smooth.getf( i ) > t ? 255 : 0 );
		return new ImagePlus( "mask", mask );
	}
}
