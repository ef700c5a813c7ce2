package fiji.plugin.autoencoder.workflow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.segment.AnomalySegmenter;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;

/**
 * The settings of "Train Autoencoder" (the same keys in the Fiji command, in
 * ImageJ 1 macros and on the command line), turned into an
 * {@link ImageTrainingJob}: one place that checks them and maps them.
 */
public final class TrainingSettings
{
	public String mode = TrainingMode.DENOISE_SELF_SUPERVISED.label;

	public String noise = "poisson-gaussian:peak=30,sigma=2";

	public boolean resume = false;

	/** Replace the model file if it holds a model already (key {@code overwrite}); without it or resume, a training into an existing model stops before it starts. */
	public boolean overwrite = false;

	public int epochs = 20, patchesPerEpoch = 1024, patchSize = 64, batchSize = 16, patience = 5;

	public double validationFraction = 0.1, learningRate = 1e-3;

	/** The learning rate over the training: {@code ModelSpec.CONSTANT} or {@code COSINE} (to 0 over the epochs or the time budget). A resumed training keeps the file's. */
	public String learningRateSchedule = ModelSpec.CONSTANT;

	/** L2 weight decay of the trained network, 0: none; in the anomaly segmenter mode, of its second stage only. A resumed training keeps the file's. */
	public double l2 = 0;

	public long seed = 42;

	/** TensorFlow threads; 0: the system property autoencoder.threads, else all cores. */
	public int threads = 0;

	/** float32 or bfloat16 mixed-precision training steps (key {@code training_precision}, {@code model.Precision}). */
	public String trainingPrecision = fiji.plugin.autoencoder.model.Precision.FLOAT32.key;

	/** Train for at most this many minutes (0: no limit; the epochs are then an upper bound). */
	public double minutes = 0;

	/** Denoisers: {@code train.ChannelMode.EACH_ALONE} (default) or {@code TOGETHER}. */
	public String channels = fiji.plugin.autoencoder.train.ChannelMode.EACH_ALONE;

	public static final String DIMENSIONS_2D = Dimensions.D2, DIMENSIONS_3D = Dimensions.D3,
			DIMENSIONS_AUTO = Dimensions.AUTO;

	public static final String[] DIMENSION_CHOICES = Dimensions.CHOICES;

	public static final int PATCH_DEPTH = 16;

	/** 2D, 3D (a volume network, Denoise modes) or Automatic (default; {@link Dimensions}: 3D for z-stacks at least {@link #patchDepth} slices deep whose neighbouring slices correlate) (key {@code dimensions}). */
	public String dimensions = DIMENSIONS_AUTO;

	/** What {@link #is3D} chose and how to force the other, for the log; null for 2D images. */
	public String dimensionsNote;

	/** z-slices of a 3D training patch (key {@code patch_depth}). */
	public int patchDepth = PATCH_DEPTH;

	/** Train on every image of this folder instead of one image (key {@code input_folder}), or null. */
	public Path inputFolder;

	/** Paired modes with {@link #inputFolder}: the targets, matched by file name (key {@code target_folder}), or null. */
	public Path targetFolder;

	/** Train on every open image whose title matches this glob, or with {@link #inputFolder} on its files whose names match (key {@code title_pattern}); empty: none. */
	public String titlePattern = "";

	/** Validate on every image of this folder (key {@code validation_folder}; paired modes: targets in {@link #validationTargetFolder}), or null. */
	public Path validationFolder, validationTargetFolder;

	/** After {@link #run} of a denoiser: its PSNR gain over the best Gaussian blur ({@code denoise.DenoiseQuality}), else null. */
	public fiji.plugin.autoencoder.denoise.GainEstimate.Result quality;

	/**
	 * The anomaly segmenter's second stage sees this many times the patches
	 * per epoch of the first: its network is about 3.5 times cheaper per patch,
	 * and telling weak anomalies from texture takes many painted examples.
	 */
	public static final int SECOND_STAGE_PATCHES = 4;

	/**
	 * A job training on {@code input} (and {@code target} for paired modes), saving to {@code modelFile}.
	 *
	 * @throws IllegalArgumentException naming the setting that is wrong and the fix
	 */
	public ImageTrainingJob job( final ImagePlus input, final ImagePlus target, final Path modelFile )
	{
		return job( Collections.singletonList( input ), target == null ? null : Collections.singletonList( target ),
				modelFile );
	}

	/**
	 * The training images of these settings: {@code input} (and {@code target}), or those of {@link #inputFolder}
	 * (and {@link #targetFolder}) or {@link #titlePattern} ({@link TrainingInputs}); paired modes need targets for all.
	 */
	public TrainingInputs inputs( final ImagePlus input, final ImagePlus target ) throws IOException
	{
		final boolean paired = TrainingMode.of( mode ).needsTargets();
		if ( ( inputFolder != null || titlePattern != null && !titlePattern.trim().isEmpty() ) && paired
				&& targetFolder == null )
			throw new IllegalArgumentException(
					"Mode '" + mode + "' with " + ( inputFolder != null ? "input_folder" : "title_pattern" )
							+ " needs target_folder (the clean images, matched by file name)" );
		final boolean one = inputFolder == null && ( titlePattern == null || titlePattern.trim().isEmpty() );
		return TrainingInputs.of( input, paired && one ? target : null, inputFolder, paired ? targetFolder : null,
				"target_folder", titlePattern );
	}

	/**
	 * Gives {@code job} separate validation images: {@code image} (and {@code target}) or those of {@link #validationFolder};
	 * nothing when neither is given. Refused when their channels differ from the training images' ({@link TrainingInputs#validation}).
	 */
	public void validation( final ImageTrainingJob job, final ImagePlus image, final ImagePlus target,
			final TrainingInputs training ) throws IOException
	{
		final boolean paired = TrainingMode.of( mode ).needsTargets();
		final TrainingInputs v = TrainingInputs.validation( image, paired ? target : null, validationFolder,
				paired ? validationTargetFolder : null,
				validationFolder != null ? "validation_target_folder" : "validation_target",
				paired ? training : TrainingInputs.withoutPairs( training ) );
		if ( v != null )
		{
			job.validationInputs = v.images;
			job.validationTargets = v.pairs;
		}
	}

	/** {@link #job(ImagePlus, ImagePlus, Path)} on several images (sizes may differ, channel counts not), with one target each in paired modes. */
	public ImageTrainingJob job( final List< ImagePlus > inputs, final List< ImagePlus > targetList,
			final Path modelFile )
	{
		final TrainingMode m = TrainingMode.of( mode );
		final ImagePlus target = targetList == null || targetList.isEmpty() ? null : targetList.get( 0 );
		check( epochs, learningRate );
		if ( threads < 0 )
			throw new IllegalArgumentException( "threads=" + threads + " must be 0 (all cores) or positive" );
		if ( m == TrainingMode.ANOMALY_SEGMENTER && resume )
			throw new IllegalArgumentException( "Mode '" + m.label
					+ "' cannot resume a training (it trains two networks in turn): train anew, or resume an 'Anomaly detector (normal images)'" );
		if ( m.needsTargets() && target == null )
			throw new IllegalArgumentException( "Mode '" + m.label
					+ "' needs a clean target image: open it and choose it as target, or use 'Denoise (self-supervised)'" );
		final ImageTrainingJob job = m.job( inputs, modelFile, m.needsNoiseModel() ? NoiseModel.parse( noise ) : null,
				seed );
		if ( resume )
			job.resumeFrom = modelFile;
		job.overwrite = overwrite;
		job.spec.learningRate = learningRate;
		job.spec.learningRateSchedule = learningRateSchedule;
		if ( !( l2 >= 0 ) || Double.isInfinite( l2 ) )
			throw new IllegalArgumentException(
					"l2 (weight decay) must be 0 (none) or positive, e.g. 0.0001, got " + l2 );
		if ( m != TrainingMode.ANOMALY_SEGMENTER ) // its detector trains as in mode Anomaly detector; the decay goes to the second stage
			job.spec.l2 = l2;
		if ( m != TrainingMode.DENSE_AUTOENCODER ) // dense models take their fixed 28 x 28 patches
			job.patchSize = patchSize;
		job.patchesPerEpoch = patchesPerEpoch;
		job.threads = threads;
		job.config.epochs( epochs ).batchSize( batchSize ).validationFraction( validationFraction )
				.patience( patience ).precision( fiji.plugin.autoencoder.model.Precision.of( trainingPrecision ) );
		if ( !( minutes >= 0 ) || Double.isInfinite( minutes ) )
			throw new IllegalArgumentException(
					"minutes (time budget) must be 0 (none) or positive, e.g. 5, got " + minutes );
		job.minutes = minutes;
		if ( job.channelwise ) // denoisers
			job.channelwise = fiji.plugin.autoencoder.train.ChannelMode.parse( channels );
		if ( !resume && is3D( m, inputs ) )
		{
			final ModelSpec s = fiji.plugin.autoencoder.model.Presets.denoiser3d( job.spec.channels );
			s.name = job.spec.name;
			s.weightedLoss = job.spec.weightedLoss;
			s.skipConnections = true; // a 3D U-Net, as the 2D denoiser
			s.learningRate = job.spec.learningRate;
			s.learningRateSchedule = job.spec.learningRateSchedule;
			s.l2 = job.spec.l2;
			final double aspect = Dimensions.voxelAspect( inputs );
			s.poolZ = fiji.plugin.autoencoder.model.Presets.poolZ( s.layers.length, patchDepth, aspect );
			dimensionsNote += Dimensions.poolingNote( s.poolZ, s.layers.length, aspect );
			job.spec = s.validate();
			job.patchDepth = patchDepth;
		}
		return job;
	}

	/**
	 * Whether these settings train a 3D network on {@code inputs} ({@link Dimensions#choose}: 3D refused with the fix
	 * for modes other than Denoise (self-supervised) and (paired), a 2D image or a stack thinner than the patch depth);
	 * sets {@link #dimensionsNote}.
	 */
	public boolean is3D( final TrainingMode m, final List< ImagePlus > inputs )
	{
		final Dimensions.Choice c = Dimensions.choose( dimensions, patchDepth,
				m == TrainingMode.DENOISE_SELF_SUPERVISED || m == TrainingMode.DENOISE_PAIRED, m.label, inputs );
		dimensionsNote = c.note;
		return c.is3D;
	}

	/**
	 * Refuses settings that would save an untrained model or fail late: fewer
	 * than 1 epoch, a learning rate that is not a positive finite number.
	 */
	public static void check( final int epochs, final double learningRate )
	{
		if ( epochs < 1 )
			throw new IllegalArgumentException(
					"epochs=" + epochs + " would save an untrained model: train at least 1 epoch, e.g. epochs=20" );
		if ( !( learningRate > 0 ) || Double.isInfinite( learningRate ) )
			throw new IllegalArgumentException(
					"learning_rate=" + learningRate + " must be a positive number, e.g. 0.001" );
	}

	/**
	 * Runs {@code job} (from {@link #job}) on {@code input}; for the anomaly
	 * segmenter then trains its second stage ({@code segment.AnomalySegmenter},
	 * the same epochs, patch size, batch size, validation, patience, learning
	 * rate and seed, {@link #SECOND_STAGE_PATCHES} times the patches per epoch)
	 * into the same file, unless the first stage was cancelled or diverged (its
	 * best detector is then in the file, usable on its own). {@code progress}
	 * reports the preparation of the second stage; cancelling it stops every
	 * stage ({@link Trainer#cancelledBy} on the job's trainer, which both
	 * stages share) and keeps the best model.
	 */
	public ImageTrainingJob.Result run( final ImageTrainingJob job, final ImagePlus input, final ImagePlus target,
			final TrainingListener listener, final Progress progress ) throws IOException
	{
		return run( job, Collections.singletonList( input ),
				TrainingMode.of( mode ).needsTargets() ? Collections.singletonList( target ) : null, listener,
				progress );
	}

	/** {@link #run(ImageTrainingJob, ImagePlus, ImagePlus, TrainingListener, Progress)} on several images; the quality estimate is made on the first. */
	public ImageTrainingJob.Result run( final ImageTrainingJob job, final List< ImagePlus > inputs,
			final List< ImagePlus > targetList, final TrainingListener listener,
			final Progress progress ) throws IOException
	{
		final TrainingMode m = TrainingMode.of( mode );
		final ImagePlus input = inputs.get( 0 ), target = targetList == null ? null : targetList.get( 0 );
		final List< ImagePlus > targets = m.needsTargets() ? targetList : null;
		job.trainer.cancelledBy( progress );
		if ( m != TrainingMode.ANOMALY_SEGMENTER )
		{
			final ImageTrainingJob.Result only = job.run( inputs, targets, listener );
			if ( only.training.reason != Trainer.StopReason.DIVERGED && !job.spec.is3D() )
				quality = fiji.plugin.autoencoder.denoise.DenoiseQuality.afterTraining( m, job, input, target,
						m.needsNoiseModel() ? NoiseModel.parse( noise ) : null );
			return only;
		}
		fiji.plugin.autoencoder.io.OutputCheck.requireWritable( job.modelFile, "model_file" ); // before the lock file is tried
		try ( fiji.plugin.autoencoder.io.ModelLock lock = fiji.plugin.autoencoder.io.ModelLock
				.acquire( job.modelFile ) ) // both stages, one lock
		{
			final ImageTrainingJob.Result first = job.run( inputs, targets, listener );
			if ( first.training.reason == Trainer.StopReason.CANCELLED
					|| first.training.reason == Trainer.StopReason.DIVERGED )
				return first;
			return AnomalySegmenter.train( job.modelFile, inputs, job.modelFile, secondStage(), job.trainer,
					secondStage( listener ), progress );
		}
	}

	/** The listener of the second stage: its phases read "second stage train", so its epochs do not look like a restart. */
	private static TrainingListener secondStage( final TrainingListener listener )
	{
		return new TrainingListener()
		{
			@Override
			public void stepEnded( final String phase, final int epoch, final int step, final int steps,
					final double loss )
			{
				listener.stepEnded( AnomalySegmenter.SECOND_STAGE + phase, epoch, step, steps, loss );
			}

			@Override
			public void epochEnded( final History.Epoch e, final History h )
			{
				listener.epochEnded( e.withPhase( AnomalySegmenter.SECOND_STAGE + e.phase ), h ); // the history keeps "train": it is the second network's own
			}

			@Override
			public void bestImproved( final Model model, final History h )
			{
				listener.bestImproved( model, h );
			}
		};
	}

	/** How messages about the result of {@link #run} name the network it trained last: "second stage: " in the anomaly segmenter mode, else "". */
	public String networkName()
	{
		return TrainingMode.of( mode ) == TrainingMode.ANOMALY_SEGMENTER ? "second stage: " : "";
	}

	/** The settings of the anomaly segmenter's second stage that {@link #run} uses. */
	public AnomalySegmenter.Settings secondStage()
	{
		final AnomalySegmenter.Settings s = new AnomalySegmenter.Settings();
		s.epochs = epochs;
		s.patchesPerEpoch = SECOND_STAGE_PATCHES * patchesPerEpoch;
		s.patchSize = patchSize;
		s.batchSize = batchSize;
		s.validationFraction = validationFraction;
		s.patience = patience;
		s.learningRate = learningRate;
		s.learningRateSchedule = learningRateSchedule;
		s.l2 = l2;
		s.seed = seed;
		s.threads = threads;
		s.trainingPrecision = fiji.plugin.autoencoder.model.Precision.of( trainingPrecision );
		return s;
	}

	/** The targets to pass to {@link ImageTrainingJob#run} for this mode (null when the input is its own target). */
	public List< ImagePlus > targets( final ImagePlus target )
	{
		return TrainingMode.of( mode ).needsTargets() ? Collections.singletonList( target ) : null;
	}
}
