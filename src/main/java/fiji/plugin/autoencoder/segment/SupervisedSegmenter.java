package fiji.plugin.autoencoder.segment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

/**
 * Supervised segmentation: an image-to-mask encoder-decoder (by default
 * {@link Presets#segmenter(int)}, a small U-Net with BCE or the Dice loss) trained on
 * image/mask pairs through {@link ImageTrainingJob} (random patches,
 * augmentation, a held-out validation strip, the best model saved), then
 * applied tile by tile: foreground probability, mask (probability above a
 * threshold, 0.5 by default), labels, measurements and ROIs.
 * <p>
 * Masks are binary: 0 for background and one other value (1, 255, ...) for
 * foreground, with the size of their image.
 *
 * <pre>{@code
 * ImageTrainingJob job = SupervisedSegmenter.job( Presets.segmenter( 1 ), modelFile );
 * job.config.epochs( 30 );
 * SupervisedSegmenter.train( job, List.of( image ), List.of( mask ), TrainingListener.none() );
 * try ( ModelFile.Loaded model = ModelFile.load( modelFile, 0 ) ) {
 *     Segmentation s = SupervisedSegmenter.segment( model, other, 0.5, 10, new ImageRunner.Options(), Progress.none() );
 * }
 * }</pre>
 */
public final class SupervisedSegmenter
{
	private SupervisedSegmenter()
	{}

	/** A training job for image-to-mask training: targets are kept as 0/1 (not normalised). */
	public static ImageTrainingJob job( final ModelSpec spec, final Path modelFile )
	{
		final ImageTrainingJob job = new ImageTrainingJob( spec == null ? Presets.segmenter( 1 ) : spec, modelFile );
		job.normalizeTargets = false;
		job.resumeOption = null; // Train Segmenter has no resume
		return job;
	}

	/**
	 * A job for {@link Presets#segmenter(int)} with the loss by name ({@code dice}, {@code bce} or {@code dice + bce}) and a learning rate.
	 */
	public static ImageTrainingJob job( final int channels, final String loss, final double learningRate,
			final Path modelFile )
	{
		final ModelSpec spec = Presets.segmenter( channels );
		spec.loss = SegmenterSettings.loss( loss );
		spec.learningRate = learningRate;
		return job( spec.validate(), modelFile );
	}

	/**
	 * Checks the pairs (clear errors for empty sets, size mismatches and
	 * non-binary masks), turns masks into 0/1 targets and trains.
	 */
	public static ImageTrainingJob.Result train( final ImageTrainingJob job, final List< ImagePlus > images,
			final List< ImagePlus > masks,
			final TrainingListener listener ) throws IOException
	{
		final List< ImagePlus > targets = targets( images, masks );
		if ( job.resumeFrom == null )
		{
			final ModelSpec s = job.spec;
			if ( s == null || s.outChannels() != 1 && s.outputChannels != 0
					|| s.outputActivation != ModelSpec.Activation.SIGMOID )
				throw new IllegalArgumentException(
						"A segmenter outputs one sigmoid channel (the foreground probability): use Presets.segmenter(channels) or set output_channels 1 and output_activation sigmoid" );
			s.outputChannels = 1;
		}
		job.normalizeTargets = false;
		return job.run( images, targets, listener );
	}

	/** The masks as 32-bit 0/1 images, after checking that each is binary and the size of its image. */
	public static List< ImagePlus > targets( final List< ImagePlus > images, final List< ImagePlus > masks )
	{
		if ( images == null || images.isEmpty() )
			throw new IllegalArgumentException( "The training set is empty: give at least one image with its mask" );
		if ( masks == null || masks.size() != images.size() )
			throw new IllegalArgumentException( "Got " + images.size() + " image(s) but "
					+ ( masks == null ? 0 : masks.size() ) + " mask(s): give one mask per image" );
		final List< ImagePlus > targets = new ArrayList<>();
		boolean anyForeground = false;
		for ( int i = 0; i < images.size(); i++ )
		{
			final ImagePlus t = binaryTarget( images.get( i ), masks.get( i ) );
			anyForeground |= hasForeground( t );
			targets.add( t );
		}
		if ( !anyForeground )
			throw new IllegalArgumentException(
					"Every mask is empty (all 0): mark the objects with a non-zero value (e.g. 255) so there is something to learn" );
		return targets;
	}

	/** One mask as a 32-bit 0/1 target, checked against its image. */
	public static ImagePlus binaryTarget( final ImagePlus image, final ImagePlus mask )
	{
		if ( image == null || mask == null )
			throw new IllegalArgumentException( "An image or its mask is missing: give one mask per image" );
		if ( mask.getType() == ImagePlus.COLOR_RGB || mask.getNChannels() != 1 )
			throw new IllegalArgumentException( "The mask '" + mask.getTitle() + "' has " + Planes.channels( mask )
					+ " channels" + ( mask.getType() == ImagePlus.COLOR_RGB ? " (RGB)" : "" )
					+ ": a mask has one channel; convert it (Image > Type > 8-bit)" );
		final int planes = image.getNSlices() * image.getNFrames();
		if ( mask.getWidth() != image.getWidth() || mask.getHeight() != image.getHeight()
				|| mask.getStackSize() != planes )
			throw new IllegalArgumentException( "The mask '" + mask.getTitle() + "' is " + mask.getWidth() + " x "
					+ mask.getHeight() + " (" + mask.getStackSize() + " plane(s)) but its image '"
					+ image.getTitle() + "' is " + image.getWidth() + " x " + image.getHeight() + " (" + planes
					+ " plane(s)): give each image a mask of the same size" );
		final TreeSet< Float > values = new TreeSet<>();
		boolean background = false;
		final ImageStack out = new ImageStack( mask.getWidth(), mask.getHeight() );
		for ( int s = 1; s <= mask.getStackSize(); s++ )
		{
			final float[] v = ( float[] ) mask.getStack().getProcessor( s ).toFloat( 0, null ).getPixels();
			final float[] t = new float[ v.length ];
			for ( int i = 0; i < v.length; i++ )
			{
				if ( values.size() <= 6 )
					values.add( v[ i ] );
				background |= v[ i ] == 0;
				t[ i ] = v[ i ] != 0 ? 1 : 0;
			}
			out.addSlice( null, new FloatProcessor( mask.getWidth(), mask.getHeight(), t ) );
		}
		if ( !background )
			throw new IllegalArgumentException( "The mask '" + mask.getTitle()
					+ "' has no background: no pixel is 0 (its values: " + describe( values )
					+ "). A mask needs 0 for background and one value (e.g. 255) for the objects; make one with Image > Adjust > Threshold and Process > Binary > Convert to Mask" );
		values.remove( 0f );
		if ( values.size() > 1 )
			throw new IllegalArgumentException( "The mask '" + mask.getTitle()
					+ "' is not binary: besides 0 it has the values " + describe( values )
					+ ". A mask has 0 for background and one foreground value; for a label image use Image > Adjust > Threshold (1 to max) and Process > Binary > Convert to Mask" );
		final ImagePlus target = new ImagePlus( mask.getTitle() + "-target", out );
		target.setDimensions( 1, image.getNSlices(), image.getNFrames() );
		return target;
	}

	/** The foreground probability (32-bit, 0..1) of every pixel, tiled. */
	public static ImagePlus probability( final ModelFile.Loaded model, final ImagePlus input,
			final ImageRunner.Options options, final Progress progress )
	{
		final ModelSpec spec = model.model().spec();
		if ( spec.outChannels() != 1 || spec.outputActivation != ModelSpec.Activation.SIGMOID )
			throw new IllegalArgumentException( "The model '" + spec.name + "' outputs " + spec.outChannels()
					+ " channel(s) with a " + ModelSpec.name( spec.outputActivation )
					+ " activation, not a foreground probability: use a model trained with Train Segmenter" );
		if ( input == null )
			throw new IllegalArgumentException( "No image: open the image to segment first" );
		final ImagePlus p = ImageRunner.run( model.model(), ModelFileRunner.normalization( model ), input,
				OutputType.FLOAT_32, "probability", false, options, progress );
		p.setDisplayRange( 0, 1 );
		return p;
	}

	/**
	 * Probability, mask (probability above {@code threshold}), labels (8-connected, at least {@code minSize} pixels), table and ROIs;
	 * as {@link SegmenterPrediction#segment} (the model's scale and classes, shape measurements, the threshold hint).
	 */
	public static Segmentation segment( final ModelFile.Loaded model, final ImagePlus input, final double threshold,
			final int minSize,
			final ImageRunner.Options options, final Progress progress )
	{
		return SegmenterPrediction.segment( model, input, threshold, minSize, options, progress );
	}

	private static boolean hasForeground( final ImagePlus target )
	{
		for ( int s = 1; s <= target.getStackSize(); s++ )
			for ( final float f : ( float[] ) target.getStack().getPixels( s ) )
				if ( f != 0 )
					return true;
		return false;
	}

	private static String describe( final TreeSet< Float > values )
	{
		final List< String > s = new ArrayList<>();
		for ( final Float f : values )
			s.add( f == Math.rint( f ) ? String.valueOf( ( long ) ( float ) f ) : String.valueOf( f ) );
		return String.join( ", ", s ) + ( values.size() >= 6 ? ", ..." : "" );
	}
}
