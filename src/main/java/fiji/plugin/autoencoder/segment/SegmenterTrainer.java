package fiji.plugin.autoencoder.segment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.io.ModelOutput;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.TimeBudget;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.ForwardingListener;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.process.FloatProcessor;

/**
 * Trains a supervised segmenter (Train Segmenter) on image/mask pairs: binary
 * masks give one sigmoid foreground probability, class masks (0..K) a softmax
 * with one probability per class; at 1/scale resolution (automatic from the
 * objects' sizes unless set); class-balanced, augmented patches
 * ({@link SegmentPatches}); validation on held-out images (or, for one image,
 * the bottom rows) or on separate validation images, drawn like the training
 * patches; early stopping, and the best epoch saved with the scale and class
 * count ({@link SegmenterInfo}).
 *
 * <pre>{@code
 * SegmenterTrainer.Result r = SegmenterTrainer.train( new SegmenterSettings(), images, masks, null, null, file, new Trainer(), listener );
 * }</pre>
 */
public final class SegmenterTrainer
{
	private SegmenterTrainer()
	{}

	/** The outcome. */
	public static final class Result
	{
		public final Trainer.Result training;

		public final History history;

		public final SegmenterInfo info;

		public final Path modelFile;

		/** The orientations the patches were drawn in, and why. */
		public final PatchOrientations orientations;

		Result( final Trainer.Result training, final History history, final SegmenterInfo info, final Path modelFile,
				final PatchOrientations orientations )
		{
			this.training = training;
			this.history = history;
			this.info = info;
			this.modelFile = modelFile;
			this.orientations = orientations;
		}

		/** One line for a log: what was trained and kept. */
		public String message()
		{
			return String.format( Locale.ROOT, "%s %s at scale 1/%d, patches in %s. Saved %s", training.message,
					info.classes == 1 ? "Binary segmenter" : info.classes + " classes (softmax)",
					info.scale, orientations, modelFile );
		}
	}

	/**
	 * Trains and saves.
	 *
	 * @param validationImages separate validation images (with their masks), or null to hold out a share of the training data
	 */
	public static Result train( final SegmenterSettings settings, final List< ImagePlus > images,
			final List< ImagePlus > masks, final List< ImagePlus > validationImages,
			final List< ImagePlus > validationMasks, final Path modelFile, final Trainer trainer,
			final TrainingListener listener ) throws IOException
	{
		settings.validate();
		if ( modelFile == null )
			throw new IllegalArgumentException( "No model file given: choose where to save the model" );
		checkPairs( images, masks, "training" );
		for ( final ImagePlus image : images )
			fiji.plugin.autoencoder.train.TrainingImageCheck.check( image, "training image", true );
		final boolean separate = validationImages != null && !validationImages.isEmpty();
		if ( separate )
			checkPairs( validationImages, validationMasks, "validation" );
		final List< ImagePlus > allMasks = new ArrayList<>( masks );
		if ( separate )
			allMasks.addAll( validationMasks );
		final int classes = MultiClassMasks.classes( allMasks, settings.classes );
		final int scale = settings.scale > 0 ? settings.scale : SegmentScale.auto( masks, settings.patchSize );
		final int channels = Planes.channels( images.get( 0 ) );
		final int tc = MultiClassMasks.targetChannels( classes );
		final List< SegmentPatches.Plane > train = new ArrayList<>(), val = new ArrayList<>();
		for ( int i = 0; i < images.size(); i++ )
			volumes( planes( images.get( i ), masks.get( i ), classes, scale, settings.patchSize, channels ),
					images.get( i ), settings.depth, train );
		if ( separate )
			for ( int i = 0; i < validationImages.size(); i++ )
				volumes( planes( validationImages.get( i ), validationMasks.get( i ), classes, scale,
						settings.patchSize, channels ), validationImages.get( i ), settings.depth, val );
		final PatchOrientations orientations = PatchOrientations.choose( settings.orientations, train,
				images.size() );
		if ( !separate && settings.validationFraction > 0 )
			holdOut( train, val, settings.validationFraction, settings.patchSize, tc, channels );

		final ModelSpec spec = Presets.segmenter( channels );
		spec.height = settings.patchSize;
		spec.width = settings.patchSize;
		spec.outputChannels = tc;
		if ( settings.layers != null )
			spec.layers = settings.layers.clone();
		spec.convsPerLevel = settings.convsPerLevel;
		spec.batchNorm = settings.batchNorm;
		spec.outputActivation = classes == 1 ? ModelSpec.Activation.SIGMOID : ModelSpec.Activation.SOFTMAX;
		spec.loss = SegmenterSettings.loss( settings.loss );
		spec.learningRate = settings.learningRate;
		spec.learningRateSchedule = settings.learningRateSchedule;
		if ( settings.depth > 0 ) // a 3D U-Net, as Train Autoencoder's 3D denoiser
		{
			spec.depth = settings.depth;
			spec.layers = Presets.denoiser3d( channels ).layers;
			spec.convsPerLevel = 1;
			spec.poolZ = Presets.poolZ( spec.layers.length, settings.depth, settings.zOverXy );
		}
		spec.validate();
		final SegmentPatches data = new SegmentPatches( train, settings.patchSize, settings.depth, channels, tc,
				settings.patchesPerEpoch, settings.foregroundFraction,
				settings.intensityAugmentation, settings.seed, orientations.leftRightOnly ).speckle( settings.speckle );
		final SegmentPatches validation = val.isEmpty() ? null : data.validation( val,
				Math.max( settings.batchSize, ( int ) Math.round( settings.patchesPerEpoch * 0.25 ) ) );
		final TrainingConfig config = new TrainingConfig().epochs( settings.epochs ).batchSize( settings.batchSize )
				.validationFraction( 0 ).patience( settings.patience ).smoothing( settings.smoothing )
				.reduceAfter( settings.reduceAfter ).scheduleMinutes( settings.minutes )
				.weightAveraging( settings.weightAveraging ).seed( settings.seed )
				.validationScore( SegmenterSettings.DICE.equals( settings.selection ) && settings.depth == 0
						&& !val.isEmpty() ? new HeldOutDice( val, channels ) : null )
				.precision( fiji.plugin.autoencoder.model.Precision.of( settings.trainingPrecision ) )
				.validate();
		final SegmenterInfo info = new SegmenterInfo( classes, scale, ObjectPrior.of( masks, classes ),
				orientations.leftRightOnly );
		final Map< String, String > extras = new HashMap<>();
		extras.put( ModelFile.NORMALIZATION, Normalization.percentileDefault().toJson() );
		extras.put( SegmenterInfo.ENTRY, info.toJson() );
		final History history = new History();
		try ( ModelOutput output = ModelOutput.open( modelFile, null, settings.overwrite,
				ModelOutput.OVERWRITE_KEY + "=true", null );
				Model model = Model.create( spec, settings.seed, settings.threads ) )
		{
			final TimeBudget budget = new TimeBudget( settings.minutes, trainer );
			final Trainer.Result r = budget.explain( trainer.train( model, data, validation, config, history,
					budget.wrap( new ForwardingListener( listener )
					{
						@Override
						public void bestImproved( final Model m, final History h )
						{
							save( m, h, extras, output );
							super.bestImproved( m, h );
						}
					} ) ) );
			save( model, history, extras, output );
			output.finish();
			return new Result( r, history, info, modelFile, orientations );
		}
	}

	/** The planes, or for a 3D network ({@code depth > 0}) each time point's z-stack as one volume, into out. */
	private static void volumes( final List< SegmentPatches.Plane > planes, final ImagePlus image, final int depth,
			final List< SegmentPatches.Plane > out )
	{
		if ( depth == 0 )
		{
			out.addAll( planes );
			return;
		}
		final int d = image.getNSlices();
		if ( d < depth )
			throw new IllegalArgumentException( "The stack '" + image.getTitle() + "' has " + d
					+ " z-slices, fewer than the 3D patch depth " + depth
					+ ": use dimensions=2D (trains on every slice)"
					+ ( d >= 4 ? ", or patch_depth=" + ( d / 4 * 4 ) : "" ) );
		for ( int t = 0; t < image.getNFrames(); t++ )
		{
			final SegmentPatches.Plane first = planes.get( t * d );
			final int ni = first.input.length, nt = first.target.length, tc = nt / ( first.w * first.h );
			final float[] in = new float[ d * ni ], target = new float[ d * nt ];
			for ( int z = 0; z < d; z++ )
			{
				System.arraycopy( planes.get( t * d + z ).input, 0, in, z * ni, ni );
				System.arraycopy( planes.get( t * d + z ).target, 0, target, z * nt, nt );
			}
			out.add( new SegmentPatches.Plane( in, target, first.w, first.h, d, tc ) );
		}
	}

	/** {@link #planes(ImagePlus, ImagePlus, int, int, int, int)} added to out. */
	static void planes( final ImagePlus image, final ImagePlus mask, final int classes, final int scale,
			final int patch, final int channels, final List< SegmentPatches.Plane > out )
	{
		out.addAll( planes( image, mask, classes, scale, patch, channels ) );
	}

	/** The planes of one image at 1/scale: normalised input (fitted on the shrunk image) and (soft) one-hot targets. */
	static List< SegmentPatches.Plane > planes( final ImagePlus image, final ImagePlus mask, final int classes,
			final int scale, final int patch, final int channels )
	{
		final List< SegmentPatches.Plane > out = new ArrayList<>();
		if ( Planes.channels( image ) != channels )
			throw new IllegalArgumentException( "All images need the same number of channels: '" + image.getTitle()
					+ "' has " + Planes.channels( image ) + ", the first has " + channels );
		SegmentScale.check( image, scale, patch, "the patch size" );
		final ImagePlus small = SegmentScale.shrink( image, scale );
		final Normalization norm = Normalizer.fit( Normalization.percentileDefault(), small );
		final int w = small.getWidth(), h = small.getHeight(), tc = MultiClassMasks.targetChannels( classes );
		for ( int t = 1; t <= image.getNFrames(); t++ )
			for ( int z = 1; z <= image.getNSlices(); z++ )
			{
				final float[] in = new float[ w * h * channels ];
				for ( int c = 0; c < channels; c++ )
				{
					final float[] v = Planes.values( small, c + 1, z, t );
					for ( int i = 0; i < v.length; i++ )
						in[ i * channels + c ] = v[ i ];
				}
				norm.apply( in, 0, in.length, channels );
				final float[] hot = MultiClassMasks.oneHot( ( float[] ) mask.getStack()
						.getProcessor( ( t - 1 ) * image.getNSlices() + z ).convertToFloat().getPixels(), classes );
				final float[] target = new float[ w * h * tc ];
				for ( int c = 0; c < tc; c++ )
				{
					final float[] full = new float[ mask.getWidth() * mask.getHeight() ];
					for ( int i = 0; i < full.length; i++ )
						full[ i ] = hot[ i * tc + c ];
					final FloatProcessor fp = new FloatProcessor( mask.getWidth(), mask.getHeight(), full );
					fp.setInterpolationMethod( ij.process.ImageProcessor.BILINEAR );
					final float[] s = scale == 1 ? full : ( float[] ) fp.resize( w, h, true ).getPixels();
					for ( int i = 0; i < s.length; i++ )
						target[ i * tc + c ] = s[ i ];
				}
				out.add( new SegmentPatches.Plane( in, target, w, h, tc ) );
			}
		return out;
	}

	/** Moves a share of the planes (evenly spread) to validation; a single plane gives its bottom rows instead. */
	static void holdOut( final List< SegmentPatches.Plane > train, final List< SegmentPatches.Plane > val,
			final double fraction, final int patch, final int tc, final int channels )
	{
		if ( train.size() >= 2 )
		{
			final int n = Math.max( 1, Math.min( train.size() - 1, ( int ) Math.round( train.size() * fraction ) ) );
			final List< SegmentPatches.Plane > keep = new ArrayList<>();
			int next = 0;
			for ( int i = 0; i < train.size(); i++ )
				if ( next < n && i == ( int ) ( ( next + 0.5 ) * train.size() / n ) )
				{
					val.add( train.get( i ) );
					next++;
				}
				else
					keep.add( train.get( i ) );
			train.clear();
			train.addAll( keep );
			return;
		}
		final SegmentPatches.Plane p = train.get( 0 );
		final int rows = Math.max( patch, ( int ) Math.round( p.h * fraction ) );
		if ( p.h - rows < patch )
			throw new IllegalArgumentException( "The image is " + p.h
					+ " rows high (at the training scale): too small for both a " + patch
					+ "-row training patch and a held-out validation strip of "
					+ rows
					+ " rows. Use a smaller patch size, validation_fraction 0 with separate validation images (validation_image, validation_mask), or a larger image" );
		final int cut = p.h - rows;
		train.set( 0, crop( p, 0, cut, tc, channels ) );
		val.add( crop( p, cut, p.h, tc, channels ) );
	}

	/** Rows y0..y1 of every z-slice. */
	private static SegmentPatches.Plane crop( final SegmentPatches.Plane p, final int y0, final int y1, final int tc,
			final int channels )
	{
		final int rows = y1 - y0;
		final float[] in = new float[ p.d * rows * p.w * channels ], t = new float[ p.d * rows * p.w * tc ];
		for ( int z = 0; z < p.d; z++ )
		{
			System.arraycopy( p.input, ( z * p.h + y0 ) * p.w * channels, in, z * rows * p.w * channels,
					rows * p.w * channels );
			System.arraycopy( p.target, ( z * p.h + y0 ) * p.w * tc, t, z * rows * p.w * tc, rows * p.w * tc );
		}
		return new SegmentPatches.Plane( in, t, p.w, rows, p.d, tc );
	}

	private static void checkPairs( final List< ImagePlus > images, final List< ImagePlus > masks, final String what )
	{
		if ( images == null || images.isEmpty() )
			throw new IllegalArgumentException(
					"The " + what + " set is empty: give at least one image with its mask" );
		if ( masks == null || masks.size() != images.size() )
			throw new IllegalArgumentException( "Got " + images.size() + " " + what + " image(s) but "
					+ ( masks == null ? 0 : masks.size() ) + " mask(s): give one mask per image" );
		for ( int i = 0; i < images.size(); i++ )
		{
			final ImagePlus image = images.get( i ), mask = masks.get( i );
			if ( image == null || mask == null )
				throw new IllegalArgumentException( "An image or its mask is missing: give one mask per image" );
			final int planes = image.getNSlices() * image.getNFrames();
			if ( mask.getWidth() != image.getWidth() || mask.getHeight() != image.getHeight()
					|| mask.getStackSize() != planes )
				throw new IllegalArgumentException( "The mask '" + mask.getTitle() + "' is " + mask.getWidth() + " x "
						+ mask.getHeight() + " (" + mask.getStackSize() + " plane(s)) but its image '"
						+ image.getTitle() + "' is " + image.getWidth() + " x " + image.getHeight() + " (" + planes
						+ " plane(s)): give each image a mask of the same size" );
		}
	}

	private static void save( final Model m, final History h, final Map< String, String > extras,
			final ModelOutput output )
	{
		extras.put( ModelFile.HISTORY, h.toJson() );
		output.save( m, extras, null );
	}
}
