package fiji.plugin.autoencoder.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import fiji.plugin.autoencoder.convert.ImageTensors;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.io.ModelOutput;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import ij.ImagePlus;

/**
 * Trains a model on ImageJ images end to end: random patches (streamed, with
 * augmentation and a held-out validation strip), normalisation fitted per
 * image, checkpoints written to the model file whenever the validation loss
 * improves, and the best model saved at the end, also when training was
 * stopped or diverged. Resumes from an existing model file when asked.
 * <p>
 * 3D specs ({@link ModelSpec#is3D()}) train on {@code patchDepth x patchSize x patchSize}
 * volume patches from z-stacks (each time point on its own); every training
 * image must then have at least that many z-slices.
 *
 * <pre>{@code
 * ImageTrainingJob job = new ImageTrainingJob( Presets.denoiser( 1 ), modelFile );
 * job.config.epochs( 20 );
 * ImageTrainingJob.Result r = job.run( List.of( noisy ), List.of( clean ), listener );
 * }</pre>
 */
public final class ImageTrainingJob
{
	/** The architecture; height and width are set to the patch size, channels to the images'. */
	public ModelSpec spec;

	/** Where the model is saved (checkpoints and final). */
	public Path modelFile;

	/** Continue training this model file instead of building {@link #spec} anew. */
	public Path resumeFrom;

	/** Replace {@link #modelFile} if it holds a model already (without it, or resuming that file, the training stops before it starts). */
	public boolean overwrite = false;

	/** How the user allows overwriting and resuming, for the message when the model file exists (null: this training cannot resume). */
	public String overwriteOption = ModelOutput.OVERWRITE_KEY + "=true", resumeOption = "resume=true";

	public TrainingConfig config = new TrainingConfig().epochs( 20 ).batchSize( 16 ).validationFraction( 0.1 )
			.patience( 5 );

	/** The normalisation method, fitted on every image (stored with the model unfitted, so inference fits it the same way), or once on all when {@link #storeNormalization}. */
	public Normalization normalization = Normalization.percentileDefault();

	/** Fit the normalisation once on all training images and store its values, which inference then applies unchanged (see {@code convert.StoredNormalization}). */
	public boolean storeNormalization = false;

	/**
	 * Train one single-channel network on every channel of the images (each channel a sample of its own, with its own
	 * normalisation), applied to each channel alone at inference ({@code denoise.ChannelHandling}): channels cannot mix.
	 */
	public boolean channelwise = false;

	/** Patch size (a multiple of the model's size multiple); ignored for fixed-size models. */
	public int patchSize = 64;

	/** 3D models: patch depth in z (a multiple of the model's size multiple); 0 keeps the spec's depth. */
	public int patchDepth = 0;

	public int patchesPerEpoch = 1024;

	/** Validation on patch-sized blocks held out at random from everywhere in the images instead of a strip at the bottom ({@link PatchSampler#validationBlocks}). */
	public boolean validationBlocks = false;

	/**
	 * Separate validation images (and their targets when the training has targets), or null to hold out part of the training images:
	 * then no training image is held out and validation draws {@code max(batch, validation fraction (at least 0.1) x patches per epoch)} patches from anywhere in them.
	 */
	public List< ImagePlus > validationInputs, validationTargets;

	/** Normalise targets like their inputs (images), or leave them as they are (masks). */
	public boolean normalizeTargets = true;

	/** Optional transforms of the patches (synthetic noise, blind-spot masking). */
	public PatchSampler.PatchTransform rawTransform, normalizedTransform;

	public int threads = 0;

	/** Time budget in minutes (0: none): no epoch starts once it would end after it ({@link TimeBudget}); a cosine learning-rate schedule spans it. */
	public double minutes = 0;

	/** The image each input's normalisation is fitted on (default: the input itself; e.g. a noisy copy for synthetic noise). */
	public java.util.function.UnaryOperator< ImagePlus > normalizationImage = imp -> imp;

	/** Stops the training from another thread (several jobs may share one, e.g. the stages of one training). */
	public Trainer trainer = new Trainer();

	/** More JSON entries saved with the model, by entry name (e.g. a denoiser's test-time recorruption). */
	public Map< String, String > extras = new HashMap<>();

	/** Model files saved inside the model file, by entry name (see {@link ModelFile#save(Model, Path, Map, Map)}). */
	public Map< String, Path > embeddedModels = new HashMap<>();

	/** The outcome. */
	public static final class Result
	{
		public final Trainer.Result training;

		public final History history;

		public final Path modelFile;

		/** Training patches drawn from each input image (all its channels together), in the order of the inputs. */
		public final long[] patchesPerImage;

		Result( final Trainer.Result training, final History history, final Path modelFile,
				final long[] patchesPerImage )
		{
			this.training = training;
			this.history = history;
			this.modelFile = modelFile;
			this.patchesPerImage = patchesPerImage;
		}
	}

	public ImageTrainingJob( final ModelSpec spec, final Path modelFile )
	{
		this.spec = spec;
		this.modelFile = modelFile;
	}

	/** Where {@link #run} saves, while it runs. */
	private ModelOutput output;

	/** Loads the model file to resume (NB: package-private to let tests see what was loaded and closed). */
	interface Loader
	{
		ModelFile.Loaded load( Path file, int threads ) throws IOException;
	}

	Loader loader = ModelFile::load;

	/**
	 * Trains and saves. Before training, the model file is checked (never a
	 * file that is not a model; an existing model only with {@link #overwrite}
	 * or when resuming it) and locked until the end ({@link ModelOutput}).
	 *
	 * @param targets paired targets (same sizes as the inputs), or null to reconstruct the inputs
	 * @throws IOException if the model could not be saved to the model file (it is then in a fallback file that the message names)
	 */
	public Result run( final List< ImagePlus > inputs, final List< ImagePlus > targets,
			final TrainingListener listener ) throws IOException
	{
		try ( ModelOutput out = ModelOutput.open( modelFile, resumeFrom, overwrite, overwriteOption, resumeOption ) )
		{
			output = out;
			final Result r = train( inputs, targets, listener );
			out.finish();
			return r;
		}
		finally
		{
			output = null;
		}
	}

	private Result train( final List< ImagePlus > inputs, final List< ImagePlus > targets,
			final TrainingListener listener ) throws IOException
	{
		if ( inputs == null || inputs.isEmpty() )
			throw new IllegalArgumentException( "The training set is empty: give at least one image" );
		if ( targets != null && targets.size() != inputs.size() )
			throw new IllegalArgumentException( "Got " + inputs.size() + " input image(s) but " + targets.size()
					+ " target(s): give one target per input" );
		if ( modelFile == null )
			throw new IllegalArgumentException( "No model file given: choose where to save the model" );
		fiji.plugin.autoencoder.io.OutputCheck.requireWritable( modelFile, "model_file" );
		for ( int i = 0; i < inputs.size(); i++ )
		{
			TrainingImageCheck.check( inputs.get( i ), "training image", true );
			if ( targets != null )
				TrainingImageCheck.check( targets.get( i ), "target image", false );
		}
		final int imageChannels = channels( inputs.get( 0 ) );
		History history = new History();
		final Model model;
		final Runnable closeModel; // on resume the whole loaded file, its embedded models too
		if ( resumeFrom != null )
		{
			final ModelFile.Loaded loaded = loader.load( resumeFrom, threads );
			closeModel = loaded::close;
			model = loaded.model();
			try
			{
				final String h = loaded.extras().get( ModelFile.HISTORY );
				if ( h != null )
					history = History.fromJson( h );
				final String n = loaded.extras().get( ModelFile.NORMALIZATION );
				if ( n != null )
					normalization = Normalization.fromJson( n );
				channelwise = ChannelMode.isChannelwise( loaded.extras() );
				spec = model.spec();
				if ( spec.channels != ( channelwise && imageChannels > 1 ? 1 : imageChannels ) )
					throw new IllegalArgumentException( "The model to continue takes " + spec.channels
							+ " channel(s) but the images have " + imageChannels + ( channelwise && imageChannels > 1
									? " (it runs on each channel alone: 1 expected)" : "" ) );
			}
			catch ( final RuntimeException e )
			{
				loaded.close();
				throw e;
			}
		}
		else
		{
			final int channels = channelwise && imageChannels > 1 ? 1 : imageChannels;
			final ModelSpec s = spec.copy();
			s.channels = channels;
			if ( !s.hasFixedInputSize() )
			{
				s.height = patchSize;
				s.width = patchSize;
			}
			if ( s.is3D() && patchDepth > 0 )
				s.depth = patchDepth;
			if ( targets != null && s.outputChannels == 0 && !channelwise )
				s.outputChannels = channels( targets.get( 0 ) ) == channels ? 0 : channels( targets.get( 0 ) );
			s.validate();
			spec = s;
			model = Model.create( s, config.seed, threads );
			closeModel = model::close;
		}
		try
		{
			final boolean separate = validationInputs != null && !validationInputs.isEmpty();
			final PatchSampler sampler = new PatchSampler( spec.is3D() ? spec.depth : 0, spec.height, spec.width,
					patchesPerEpoch, separate ? 0 : config.validationFraction, config.seed )
					.validationBlocks( validationBlocks && !separate );
			for ( final ImagePlus in : inputs )
			{
				if ( spec.is3D() && in.getNSlices() < spec.depth )
					throw new IllegalArgumentException( "The model is 3D and trains on " + spec.depth
							+ "-slice patches, but '" + in.getTitle() + "' has " + in.getNSlices() + " z-slice(s)"
							+ ( in.getNSlices() == 1 && in.getNFrames() > 1 ? " (its " + in.getNFrames()
									+ " planes are time points: if they are z-slices, swap them in Image > Properties)"
									: "" )
							+ ": give z-stacks with at least " + spec.depth
							+ " slices, a smaller patch depth (a multiple of " + spec.sizeMultiple()
							+ "), or a 2D model" );
				if ( channels( in ) != imageChannels )
					throw new IllegalArgumentException( "All training images need the same number of channels: '"
							+ in.getTitle() + "' has " + channels( in ) + ", the first has " + imageChannels );
			}
			final TrainingImages images = TrainingImages.prepare( inputs, targets, normalization, normalizationImage,
					storeNormalization, channelwise );
			for ( int i = 0; i < images.inputs.size(); i++ )
			{
				final Normalization norm = images.norms.get( i );
				final ImagePlus target = images.targets == null ? null : images.targets.get( i );
				// without a target image the target is the input itself (before any raw transform): normalise it the same way
				final Normalization targetNorm = target == null || normalizeTargets ? norm : null;
				sampler.add( ImageTensors.reader( images.inputs.get( i ) ),
						target == null ? null : ImageTensors.reader( target ), norm, targetNorm );
			}
			sampler.rawTransform( rawTransform ).normalizedTransform( normalizedTransform );
			final TrainingData validation = separate ? validationSampler( images, imageChannels )
					: sampler.validation();
			final Map< String, String > extras = new HashMap<>( this.extras );
			extras.put( ModelFile.NORMALIZATION, images.stored.toJson() );
			if ( channelwise && imageChannels > 1 )
				extras.put( ChannelMode.ENTRY, ChannelMode.json( imageChannels ) );
			final History hist = history;
			final TrainingListener checkpointing = new ForwardingListener( listener )
			{
				@Override
				public void bestImproved( final Model m, final History h )
				{
					save( m, h, extras );
					super.bestImproved( m, h );
				}
			};
			final TrainingConfig c = config.copy().validationFraction( 0 ).scheduleMinutes( minutes ).validate(); // the sampler holds out its own validation strip or blocks
			final TimeBudget budget = new TimeBudget( minutes, trainer );
			final Trainer.Result r = budget
					.explain( trainer.train( model, sampler, validation, c, hist, budget.wrap( checkpointing ) ) );
			if ( r.reason == Trainer.StopReason.COMPLETED ) // also by the time budget: the schedule ran to its end
				hist.scheduleDone = 1;
			save( model, hist, extras );
			final long[] drawn = sampler.drawnPerImage(), perInput = new long[ inputs.size() ];
			for ( int i = 0; i < drawn.length; i++ ) // channel by channel training: each input's channels follow each other
				perInput[ i / ( drawn.length / inputs.size() ) ] += drawn[ i ];
			return new Result( r, hist, modelFile, perInput );
		}
		finally
		{
			closeModel.run();
		}
	}

	/** The separate validation images as fixed patches, normalised as the training images (with their stored values, or each fitted on itself). */
	private TrainingData validationSampler( final TrainingImages training, final int imageChannels )
	{
		if ( ( validationTargets == null ) != ( training.targets == null )
				|| validationTargets != null && validationTargets.size() != validationInputs.size() )
			throw new IllegalArgumentException(
					"Give one validation target per validation image when the training has targets, and none otherwise" );
		for ( final ImagePlus v : validationInputs )
			if ( channels( v ) != imageChannels )
				throw new IllegalArgumentException( "The validation image '" + v.getTitle() + "' has " + channels( v )
						+ " channel(s) but the training images have " + imageChannels
						+ ": validate on images with their channels" );
		final TrainingImages val = TrainingImages.prepare( validationInputs, validationTargets,
				storeNormalization ? training.stored : normalization, normalizationImage, storeNormalization,
				channelwise );
		final PatchSampler v = new PatchSampler( spec.is3D() ? spec.depth : 0, spec.height, spec.width, patchesPerEpoch,
				0, config.seed + 1 );
		for ( int i = 0; i < val.inputs.size(); i++ )
		{
			final ImagePlus target = val.targets == null ? null : val.targets.get( i );
			v.add( ImageTensors.reader( val.inputs.get( i ) ), target == null ? null : ImageTensors.reader( target ),
					val.norms.get( i ), target == null || normalizeTargets ? val.norms.get( i ) : null );
		}
		v.rawTransform( rawTransform ).normalizedTransform( normalizedTransform );
		return v.asValidation( Math.max( config.batchSize,
				( int ) Math.round( patchesPerEpoch * Math.max( 0.1, config.validationFraction ) ) ) );
	}

	private void save( final Model m, final History h, final Map< String, String > extras )
	{
		extras.put( ModelFile.HISTORY, h.toJson() );
		output.save( m, extras, embeddedModels );
	}

	/** Channels as the network sees them (RGB counts 3). */
	public static int channels( final ImagePlus imp )
	{
		return imp.getType() == ImagePlus.COLOR_RGB ? 3 * imp.getNChannels() : imp.getNChannels();
	}
}
