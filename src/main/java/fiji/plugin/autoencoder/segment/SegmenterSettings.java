package fiji.plugin.autoencoder.segment;

import java.util.Locale;

import fiji.plugin.autoencoder.model.ModelSpec;

/**
 * The settings of a supervised segmenter training (Train Segmenter), each
 * with its one default: the command's fields start from these constants and
 * {@link SegmenterTrainer} reads an instance.
 *
 * <pre>{@code
 * SegmenterSettings s = new SegmenterSettings();
 * s.scale = 4;            // train and predict at 1/4 resolution
 * s.classes = 2;          // masks hold 0, 1 and 2
 * }</pre>
 */
public final class SegmenterSettings
{
	public static final String LOSS = "Dice + BCE";

	public static final String[] LOSSES = { "Dice + BCE", "BCE", "Dice" };

	public static final int CLASSES = 0, SCALE = 0, EPOCHS = 150, PATCHES_PER_EPOCH = 512, PATCH_SIZE = 64,
			BATCH_SIZE = 16, PATIENCE = 15, REDUCE_AFTER = 0;

	public static final double MINUTES = 0, SMOOTHING = 0;

	public static final double LEARNING_RATE = 1e-3, VALIDATION_FRACTION = 0.15, FOREGROUND_FRACTION = 0.5,
			INTENSITY_AUGMENTATION = 0.4;

	public static final long SEED = 42;

	public static final boolean BATCH_NORM = false;

	public static final String ORIENTATIONS = PatchOrientations.AUTOMATIC;

	public static final String LEARNING_RATE_SCHEDULE = ModelSpec.CONSTANT;

	/** Model selection: by the held-out images' Dice ({@link HeldOutDice}), or by the validation patches' loss. */
	public static final String DICE = "Held-out Dice", VALIDATION_LOSS = "Validation loss";

	public static final String[] SELECTIONS = { DICE, VALIDATION_LOSS };

	public static final String SELECTION = VALIDATION_LOSS;

	public static final double WEIGHT_AVERAGING = 0, SPECKLE = 0;

	/** "Dice + BCE", "BCE" or "Dice" (with several classes BCE is the categorical cross-entropy). */
	public String loss = LOSS;

	/** Foreground classes in the masks; 0 reads them from the masks (one foreground value: binary; values 1..K: K classes). */
	public int classes = CLASSES;

	/** Train and predict at 1/scale resolution; 0 picks it from the masks' object sizes ({@link SegmentScale#auto}). */
	public int scale = SCALE;

	/**
	 * The epochs are an upper bound: early stopping ({@link #patience}) ends most trainings before them. 150 rather than 60: on the
	 * ultrasound images the validation loss still fell at epoch 60 and early stopping ended the training at epoch 98 (kept 83),
	 * Dice on held-out training images 0.373 / 0.632 against 0.342 / 0.620 at 60; nuclei stop at epoch 40 either way
	 * (bench/results/real-quality-segment.md).
	 */
	public int epochs = EPOCHS, patchesPerEpoch = PATCHES_PER_EPOCH, patchSize = PATCH_SIZE, batchSize = BATCH_SIZE;

	/** Stop when the validation loss has not improved for this many epochs (0: never); the best epoch is kept in any case. */
	public int patience = PATIENCE;

	/**
	 * Weight of the past in the moving average of the validation loss that picks the kept epoch and drives early stopping
	 * ({@link fiji.plugin.autoencoder.train.TrainingConfig#smoothing}; 0: the raw loss).
	 */
	public double smoothing = SMOOTHING;

	/**
	 * Halve the learning rate when the (smoothed) validation loss has not improved for this many epochs
	 * ({@link fiji.plugin.autoencoder.train.TrainingConfig#reduceAfter}; 0: never). Both this and {@link #smoothing} are
	 * off: on the ultrasound images neither raised held-out Dice (bench/results/real-quality-segment.md).
	 */
	public int reduceAfter = REDUCE_AFTER;

	/**
	 * What picks the kept epoch and drives early stopping: {@link #DICE} (the mean per-class Dice of the held-out images,
	 * whole planes at the model's scale, {@link HeldOutDice}; 2D only, a 3D segmenter uses the loss) or
	 * {@link #VALIDATION_LOSS} (the loss of the validation patches). The loss stays the default: on the ultrasound images
	 * held-out Dice with {@link #weightAveraging} 0.99 gave held-out Dice 0.571 / 0.665 against 0.535 / 0.661, inside the
	 * spread between recipes and chosen on those same images (bench/results/real-quality-segment.md).
	 */
	public String selection = SELECTION;

	/**
	 * Decay per step of a moving average of the weights, validated and saved in place of the raw weights
	 * ({@link fiji.plugin.autoencoder.train.TrainingConfig#weightAveraging}; 0: none). Off: see {@link #selection}.
	 */
	public double weightAveraging = WEIGHT_AVERAGING;

	public double learningRate = LEARNING_RATE;

	/** {@link ModelSpec#CONSTANT} or {@link ModelSpec#COSINE} (over the epochs, or the time budget when one is set). */
	public String learningRateSchedule = LEARNING_RATE_SCHEDULE;

	/** Time budget in minutes (0: none): no epoch starts once it would end after it; the epochs stay the upper bound. */
	public double minutes = MINUTES;

	/** Share of the training images (or, for one image, of its rows at the bottom) held out for validation; 0 with separate validation images. */
	public double validationFraction = VALIDATION_FRACTION;

	/** Share of patches centred on a pixel of a class (each class equally often): class-balanced sampling. */
	public double foregroundFraction = FOREGROUND_FRACTION;

	/**
	 * Random intensity gain and offset of the normalised training patches, up to this much (0: none). 0.4 rather than 0.2:
	 * on the ultrasound images it raised held-out Dice from 0.442 / 0.651 to 0.535 / 0.661
	 * (bench/results/real-quality-segment.md).
	 */
	public double intensityAugmentation = INTENSITY_AUGMENTATION;

	/**
	 * Multiplicative (speckle) noise of the training patches, up to this standard deviation ({@link SegmentPatches#speckle};
	 * 0: none). Off: 0.2 lowered held-out ultrasound Dice to 0.447 / 0.656 from 0.535 / 0.661
	 * (bench/results/real-quality-segment.md).
	 */
	public double speckle = SPECKLE;

	public long seed = SEED;

	/** Replace the model file if it holds a model already. */
	public boolean overwrite = false;

	/** TensorFlow threads; 0: the system property autoencoder.threads, else all cores. */
	public int threads = 0;

	/** float32 or bfloat16 mixed-precision training steps (key {@code training_precision}, {@code model.Precision}). */
	public String trainingPrecision = fiji.plugin.autoencoder.model.Precision.FLOAT32.key;

	/**
	 * Filters per U-Net level (its length is the number of levels); null keeps {@link fiji.plugin.autoencoder.model.Presets#segmenter}'s
	 * 16-32-64. The default, 4 levels with 2 convolutions each, sees about 4 times farther (ultrasound test Dice 0.33 / 0.63 against
	 * 0.30 / 0.31 for the preset, bench/results/real-quality-segment.md).
	 */
	public int[] layers = { 16, 32, 64, 128 };

	/** Convolutions per U-Net level (1 or 2). */
	public int convsPerLevel = 2;

	/**
	 * Batch normalisation after every convolution but the last ({@link ModelSpec#batchNorm}). Off by default: on the ultrasound
	 * images it lowered the best validation loss (0.726 vs 0.779) in less time, but the held-out images' mean Dice moved only
	 * 0.516 -> 0.523 (class 2 fell), the Dice of adjacent epochs' predictions (running averages) differs by up to 0.1, and a
	 * short training (80 steps, TrainFromFoldersTest) gave Dice 0.41 on a stack against 0.98 from folders of the same planes
	 * (bench/results/real-quality-segment.md).
	 */
	public boolean batchNorm = BATCH_NORM;

	/**
	 * Orientations of the training patches, also averaged by Segment Image's flip averaging ({@link PatchOrientations}):
	 * Automatic (left-right flips only for images with a fixed "up", such as ultrasound; all 8 otherwise), All 8, or
	 * Left-right flips only. On the ultrasound images left-right only gave held-out Dice 0.442 / 0.651 against 0.305 /
	 * 0.624 for all 8 at an 8-minute budget, test 0.486 / 0.676 against 0.392 / 0.671 with the defaults
	 * (bench/results/real-quality-segment.md).
	 */
	public String orientations = ORIENTATIONS;

	/**
	 * 0: a 2D U-Net on every plane; above 0: a 3D U-Net (3x3x3 convolutions 16-32 with skip connections, as Train
	 * Autoencoder's 3D denoiser) on patches of this many z-slices of each z-stack (a multiple of 4). Chosen by the
	 * command from {@code dimensions} and {@code patch_depth}.
	 */
	public int depth = 0;

	/** 3D: voxel depth over pixel width of the training images; z is pooled only where it allows ({@code Presets.poolZ}). */
	public double zOverXy = 1;

	/** The spec loss for a loss name. */
	public static ModelSpec.Loss loss( final String name )
	{
		final String n = name == null ? "" : name.trim().toLowerCase( Locale.ROOT ).replace( " ", "" );
		switch ( n )
		{
		case "dice+bce":
		case "dice_bce":
			return ModelSpec.Loss.DICE_BCE;
		case "bce":
			return ModelSpec.Loss.BCE;
		case "dice":
			return ModelSpec.Loss.DICE;
		default:
			throw new IllegalArgumentException(
					"Unknown segmentation loss '" + name + "': use Dice + BCE, BCE or Dice" );
		}
	}

	/** Checks the values, naming the first bad one. */
	public SegmenterSettings validate()
	{
		loss( loss );
		check( classes >= 0 && classes < 255, "classes must be 0 (from the masks) to 254, got " + classes );
		check( java.util.Arrays.asList( PatchOrientations.CHOICES ).contains( orientations ),
				"orientations must be one of " + String.join( ", ", PatchOrientations.CHOICES ) + ", got "
						+ orientations );
		check( scale >= 0, "scale must be 0 (automatic) or a factor of 1 or more, got " + scale );
		check( epochs >= 1 && patchesPerEpoch >= 1 && batchSize >= 1,
				"epochs, patches_per_epoch and batch_size must be at least 1" );
		check( patchSize >= 8 && patchSize % 8 == 0,
				"patch_size must be a multiple of 8 (the U-Net's size multiple), got " + patchSize );
		check( depth == 0 || depth >= 4 && depth % 4 == 0,
				"patch_depth must be a multiple of 4 (the 3D network pools twice in z), e.g. 16, got " + depth );
		check( depth == 0 || !batchNorm, "batch_norm is for 2D segmenters: set batch_norm=false for a 3D one" );
		check( reduceAfter >= 0, "reduce_after must be 0 (never) or a number of epochs, got " + reduceAfter );
		check( patience >= 0, "patience must be 0 (never stop early) or more, got " + patience );
		check( minutes >= 0 && !Double.isInfinite( minutes ),
				"minutes must be 0 (no time budget) or a positive number of minutes, got " + minutes );
		check( smoothing >= 0 && smoothing < 1,
				"smoothing must be in [0, 1) (0: the raw validation loss, e.g. 0.5), got " + smoothing );
		check( java.util.Arrays.asList( SELECTIONS ).contains( selection ),
				"selection must be one of " + String.join( ", ", SELECTIONS ) + ", got " + selection );
		check( weightAveraging >= 0 && weightAveraging < 1,
				"weight_averaging must be in [0, 1) (0: none, e.g. 0.99 per step), got " + weightAveraging );
		check( speckle >= 0 && speckle < 1, "speckle must be in [0, 1) (0: none, e.g. 0.2), got " + speckle );
		check( learningRate > 0, "learning_rate must be positive, got " + learningRate );
		check( validationFraction >= 0 && validationFraction < 1,
				"validation_fraction must be in [0, 1), got " + validationFraction );
		check( foregroundFraction >= 0 && foregroundFraction <= 1,
				"foreground_fraction must be in [0, 1], got " + foregroundFraction );
		check( intensityAugmentation >= 0 && intensityAugmentation < 1,
				"intensity_augmentation must be in [0, 1), got " + intensityAugmentation );
		return this;
	}

	private static void check( final boolean ok, final String message )
	{
		if ( !ok )
			throw new IllegalArgumentException( message );
	}
}
