package fiji.plugin.autoencoder.workflow;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import fiji.plugin.autoencoder.convert.StoredNormalization;
import fiji.plugin.autoencoder.denoise.Denoiser;
import fiji.plugin.autoencoder.model.Precision;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.segment.PatchOrientations;
import fiji.plugin.autoencoder.segment.SegmenterPrediction;
import fiji.plugin.autoencoder.segment.SegmenterSettings;
import fiji.plugin.autoencoder.segment.Thresholds;
import fiji.plugin.autoencoder.train.ChannelMode;

/**
 * Every user-facing setting of the main operations, defined once (see
 * {@link Setting}), and the settings of each operation: {@link #TRAIN},
 * {@link #DENOISE}, {@link #DENOISE_FOLDER}, {@link #SEGMENT} and
 * {@link #SEGMENT_FOLDER}. A key means the same everywhere; only a few
 * defaults differ between operations (a folder of images is segmented with
 * one fixed threshold, {@code Value} 0.5, one image by Otsu's method).
 */
public final class Settings
{
	private Settings()
	{}

	private static final TrainingSettings TRAINING = new TrainingSettings();

	// -- shared --

	public static final Setting MODEL_FILE = Setting.file( "model_file", "Model file",
			"A .aemodel.zip written by Train Autoencoder" );

	public static final Setting INPUT_FOLDER = Setting.folder( "input_folder", "Input folder",
			"Every image of this folder (TIFF and what ImageJ opens)" );

	public static final Setting OUTPUT_FOLDER = Setting.folder( "output_folder", "Output folder",
			"Where the results go (never over an input)" );

	public static final Setting SHARD_INDEX = Setting.integer( "shard_index", "Shard index (0-based)", 0, 0,
			"This task's share of the files (by name order), for cluster arrays" );

	public static final Setting SHARD_COUNT = Setting.integer( "shard_count", "Shard count", 1, 1,
			"How many tasks share the folder" );

	public static final Setting TILE_SIZE = Setting.integer( "tile_size", "Tile size (0 = automatic)", 0, 0,
			"Tile edge in pixels; 0 chooses it from the free memory" );

	public static final Setting AVERAGE_ORIENTATIONS = Setting.flag( "average_orientations",
			"Average 8 orientations (8x slower)", false,
			"Run on the flipped and transposed copies too and average the results back (test-time augmentation)" );

	public static final Setting THREADS = Setting.integer( "threads", "TensorFlow threads (0 = all cores)", 0, 0,
			"Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" );

	public static final Setting PRECISION = Setting.choice( "precision", "Precision", Precision.FLOAT32.key,
			new String[] { Precision.FLOAT32.key, Precision.BFLOAT16.key },
			"float32 (default), or bfloat16: the convolutions in bfloat16 (faster on CPUs with AVX-512 BF16 or AMX; PSNR within 0.05 dB, masks within Dice 0.99 of float32 in the tests)" );

	public static final Setting TRAINING_PRECISION = Setting.choice( "training_precision", "Training precision",
			Precision.FLOAT32.key, new String[] { Precision.FLOAT32.key, Precision.BFLOAT16.key },
			"float32 (default), or bfloat16 mixed precision: the convolutions forward and backward in bfloat16, weights, loss and optimiser in float32 (1.5-1.8x the samples per CPU second on a CPU with AVX-512 BF16; the saved model is float32)" );

	// -- denoising --

	public static final Setting OUTPUT_TYPE = Setting.choice( "output_type", "Output", "Same as input",
			new String[] { "Same as input", "32-bit" }, "The result's pixel type" );

	public static final Setting SUFFIX = Setting.text( "suffix", "Suffix", "denoised",
			"Added to the title (and file name) of the result" );

	public static final Setting NORMALIZATION = Setting.choice( "normalization", "Normalization",
			StoredNormalization.STORED, new String[] { StoredNormalization.STORED, StoredNormalization.REFIT },
			"Stored: the intensity scaling fitted on the training images (default); Refit: fitted anew on each image" );

	// -- segmentation by reconstruction --

	public static final Setting THRESHOLD_METHOD = Setting.choice( "threshold_method", "Threshold method", "Otsu",
			Thresholds.Method.labels(),
			"Otsu and Percentile are found per image; Value and Calibrated are the same for every image" );

	public static final Setting THRESHOLD_VALUE = Setting.number( "threshold_value",
			"Threshold value (percentile, error or false-positive rate)", 99, -Double.MAX_VALUE,
			"Percentile: e.g. 99; Value: the reconstruction error itself (anomaly segmenter: the probability, e.g. 0.5); Calibrated: the fraction of the normal image's pixels allowed above it, e.g. 0.001" );

	public static final Setting SMOOTHING_SIGMA = Setting.number( "smoothing_sigma",
			"Smoothing sigma (pixels, 0 = none)", 1, 0.0, "Gaussian smoothing of the error map" );

	public static final Setting SMOOTH_SIGNED = Setting.flag( "smooth_signed", "Smooth the signed difference", false,
			"Smooth image - reconstruction before taking its magnitude" );

	public static final Setting MIN_SIZE = Setting.integer( "min_size", "Minimum object size (pixels)", 10, 0,
			"Smaller objects are dropped" );

	public static final Setting SEED_THRESHOLD = Setting.number( "seed_threshold",
			"Seed threshold (hysteresis, 0 = off)", 0, 0.0,
			"Keep only objects whose largest error reaches this value" );

	public static final Setting NORMAL_IMAGE = Setting.file( "normal_image", "Normal image for calibration (optional)",
			"A defect-free image the model was not trained on" );

	public static final Setting SEED_FALSE_POSITIVE_RATE = Setting.number( "seed_false_positive_rate",
			"Seed false-positive rate (hysteresis on the normal image, 0 = off)", 0, 0.0,
			"Keep only objects that reach the value this fraction of the normal image's pixels exceed, e.g. 0.0001" );

	// -- training (defaults: TrainingSettings') --

	public static final Setting TARGET_FOLDER = Setting.folder( "target_folder",
			"Target folder (paired modes, with the input folder)",
			"The clean image of each input_folder image: the file of the same name" );

	public static final Setting MASK_FOLDER = Setting.folder( "mask_folder", "Mask folder (with the input folder)",
			"The mask of each input_folder image: the file of the same name" );

	public static final Setting VALIDATION_FOLDER = Setting.folder( "validation_folder", "Validation folder (optional)",
			"Validate on every image of this folder instead of holding out part of the training images (channels as the training images')" );

	public static final Setting VALIDATION_TARGET_FOLDER = Setting.folder( "validation_target_folder",
			"Validation target folder (paired modes)",
			"The clean image of each validation_folder image: the file of the same name" );

	public static final Setting VALIDATION_MASK_FOLDER = Setting.folder( "validation_mask_folder",
			"Validation mask folder", "The mask of each validation_folder image: the file of the same name" );

	public static final Setting DIMENSIONS = Setting.choice( "dimensions", "Dimensions",
			TrainingSettings.DIMENSIONS_AUTO,
			TrainingSettings.DIMENSION_CHOICES,
			"2D: one network on every slice; 3D: a volume network on z-stacks (Denoise modes, Train Segmenter; each stack needs at least patch_depth slices); Automatic: 3D for z-stacks that deep whose neighbouring slices correlate, else 2D (the log says which)" );

	public static final Setting PATCH_DEPTH = Setting.integer( "patch_depth", "Patch depth (3D, slices)",
			TrainingSettings.PATCH_DEPTH, 4, "z-slices of a 3D training patch (a multiple of 4)" );

	public static final Setting TITLE_PATTERN = Setting.text( "title_pattern",
			"Train on open images whose title matches (e.g. noisy*; empty: the chosen image)", "",
			"Every open image whose title matches this pattern (* any text, ? one character); with input_folder, its files whose names match" );

	public static final Setting MODE = Setting.choice( "mode", "Mode", TRAINING.mode, TrainingMode.labels(),
			"What to train" );

	public static final Setting NOISE = Setting.text( "noise", "Synthetic noise", TRAINING.noise,
			"e.g. gaussian:sigma=10, poisson:peak=30, poisson-gaussian:peak=30,sigma=2" );

	public static final Setting RESUME = Setting.flag( "resume", "Continue training the model file", TRAINING.resume,
			"Go on from the model file's weights and history" );

	public static final Setting OVERWRITE = Setting.flag( "overwrite", "Replace the model file if it exists",
			TRAINING.overwrite, "Without it, a training into an existing model stops before it starts" );

	public static final Setting EPOCHS = Setting.integer( "epochs", "Epochs", TRAINING.epochs, 1,
			"Passes over patches_per_epoch patches" );

	public static final Setting PATCHES_PER_EPOCH = Setting.integer( "patches_per_epoch", "Patches per epoch",
			TRAINING.patchesPerEpoch, 1, "Random patches per epoch" );

	public static final Setting PATCH_SIZE = Setting.integer( "patch_size", "Patch size", TRAINING.patchSize, 8,
			"Training patch edge in pixels" );

	public static final Setting BATCH_SIZE = Setting.integer( "batch_size", "Batch size", TRAINING.batchSize, 1,
			"Patches per optimiser step" );

	public static final Setting VALIDATION_FRACTION = Setting.number( "validation_fraction",
			"Validation fraction (rows held out)", TRAINING.validationFraction, 0.0,
			"The bottom rows of each image held out for validation" );

	public static final Setting PATIENCE = Setting.integer( "patience", "Early-stopping patience (epochs, 0 = off)",
			TRAINING.patience, 0, "Stop after this many epochs without improvement" );

	public static final Setting LEARNING_RATE = Setting.number( "learning_rate", "Learning rate", TRAINING.learningRate,
			0.0, "Adam's step size" );

	public static final Setting LEARNING_RATE_SCHEDULE = Setting.choice( "learning_rate_schedule",
			"Learning-rate schedule", TRAINING.learningRateSchedule,
			new String[] { ModelSpec.CONSTANT, ModelSpec.COSINE },
			"constant, or cosine: from the learning rate down to 0 over the epochs (or the time budget, when set); a resumed training goes on with the model file's" );

	public static final Setting L2 = Setting.number( "l2", "L2 weight decay (0 = none)", TRAINING.l2, 0.0,
			"Penalty on the squared weights against overfitting, e.g. 0.0001" );

	public static final Setting MINUTES = Setting.number( "minutes", "Time budget (minutes, 0 = none)",
			TRAINING.minutes, 0.0, "Stop after this many minutes; the best model is kept" );

	public static final Setting CHANNELS = Setting.choice( "channels", "Channels (denoisers)", TRAINING.channels,
			new String[] { ChannelMode.EACH_ALONE, ChannelMode.TOGETHER },
			"Each alone: one network applied to each channel on its own, so a channel's result never depends on another. "
					+ "All together: the channels are the network's inputs, so each result may use the others: far better where they share structure (RGB stains)" );

	public static final Setting SEED = Setting.integer( "seed", "Seed", ( int ) TRAINING.seed, Integer.MIN_VALUE,
			"Seed of the initial weights and the patch order" );

	// -- supervised segmenter (defaults: SegmenterSettings') --

	public static final Setting LOSS = Setting.choice( "loss", "Loss", SegmenterSettings.LOSS, SegmenterSettings.LOSSES,
			"Dice + BCE, BCE or Dice (several classes: categorical cross-entropy)" );

	public static final Setting CLASSES = Setting.integer( "classes", "Classes (0 = from the mask)",
			SegmenterSettings.CLASSES, 0, "Foreground classes; 0 reads them from the masks" );

	public static final Setting SCALE = Setting.integer( "scale",
			"Scale: work at 1/scale resolution (0 = from the objects' sizes)", SegmenterSettings.SCALE, 0,
			"Train and predict at 1/scale resolution; 0 picks it from the masks' object sizes" );

	public static final Setting ORIENTATIONS = Setting.choice( "orientations", "Patch orientations",
			SegmenterSettings.ORIENTATIONS, PatchOrientations.CHOICES,
			"Flips and rotations of the training patches, also averaged by Segment Image's flip averaging. Automatic: "
					+ "left-right flips only when the training images have a fixed up (their mean is much more up-down "
					+ "than left-right asymmetric, as in ultrasound), all 8 otherwise" );

	public static final Setting THRESHOLD = Setting.number( "threshold", "Probability threshold", 0.5, 0.0,
			"Pixels whose probability reaches it are foreground" );

	public static final Setting OBJECT_PRIOR = Setting.flag( "object_prior", "Object prior from the training masks",
			true,
			"Keep only the most probable object of a class that had one per training mask, drop objects under half the smallest training object, fill holes" );

	public static final Setting OVERLAY = Setting.flag( "overlay", "Overlay: outlines on the image", false,
			"Also make the image with every object's outline in yellow (macros with output_folder: <name>-overlay.png, a TIFF for stacks)" );

	public static final Setting FLIP_AVERAGING = Setting.flag( "flip_averaging", "Average flips (2-4x the time)",
			SegmenterPrediction.FLIP_AVERAGING,
			"Also predict the image flipped (left-right, up-down and both; left-right only for a model trained so) and average the probabilities" );

	// -- Inspect --

	public static final Setting ITEM_COUNT = Setting.integer( "count", "Number of items", 10, 1,
			"Items (slices or files) shown in the montage" );

	public static final Setting GAP = Setting.integer( "gap", "Gap (pixels)", 1, 0,
			"Space between the montage's tiles" );

	public static final Setting NOISE_SIGMA = Setting.number( "noise_sigma", "Noise sigma (0: plain reconstruction)", 0,
			0.0,
			"Add Gaussian noise of this sigma to the items first (a denoising montage)" );

	// -- the operations --

	public static final List< Setting > TRAIN = list( MODE, NOISE,
			INPUT_FOLDER.withLabel( "Input folder (optional: train on all its images)" ), TARGET_FOLDER, TITLE_PATTERN,
			VALIDATION_FOLDER, VALIDATION_TARGET_FOLDER, DIMENSIONS, PATCH_DEPTH, MODEL_FILE, RESUME, OVERWRITE, EPOCHS,
			PATCHES_PER_EPOCH, PATCH_SIZE, BATCH_SIZE, VALIDATION_FRACTION, PATIENCE,
			LEARNING_RATE, LEARNING_RATE_SCHEDULE, L2, MINUTES, CHANNELS, SEED, TRAINING_PRECISION, THREADS );

	public static final List< Setting > DENOISE = list( MODEL_FILE, OUTPUT_TYPE, TILE_SIZE,
			AVERAGE_ORIENTATIONS.withDefault( Denoiser.AVERAGE_ORIENTATIONS ), NORMALIZATION, SUFFIX, PRECISION,
			THREADS );

	public static final List< Setting > DENOISE_FOLDER = list( INPUT_FOLDER, OUTPUT_FOLDER, MODEL_FILE, OUTPUT_TYPE,
			SUFFIX, SHARD_INDEX, SHARD_COUNT, TILE_SIZE,
			AVERAGE_ORIENTATIONS.withDefault( Denoiser.AVERAGE_ORIENTATIONS ), THREADS, NORMALIZATION, PRECISION );

	public static final List< Setting > SEGMENT = list( MODEL_FILE, THRESHOLD_METHOD, THRESHOLD_VALUE, SMOOTHING_SIGMA,
			SMOOTH_SIGNED, MIN_SIZE, SEED_THRESHOLD, NORMAL_IMAGE,
			SEED_FALSE_POSITIVE_RATE, TILE_SIZE, AVERAGE_ORIENTATIONS, PRECISION, THREADS );

	/** Segment by Reconstruction over a folder: one fixed threshold for every image (Value 0.5, no smoothing) instead of one found per image. */
	public static final List< Setting > SEGMENT_FOLDER = list( INPUT_FOLDER, OUTPUT_FOLDER, MODEL_FILE,
			THRESHOLD_METHOD.withDefault( "Value" ), THRESHOLD_VALUE.withDefault( 0.5 ),
			SMOOTHING_SIGMA.withDefault( 0 ), SMOOTH_SIGNED, MIN_SIZE, SEED_THRESHOLD, NORMAL_IMAGE,
			SEED_FALSE_POSITIVE_RATE, SHARD_INDEX, SHARD_COUNT, TILE_SIZE, AVERAGE_ORIENTATIONS, PRECISION, THREADS );

	/** Train Segmenter (images: input, mask, validation_image, validation_mask; or input_folder with mask_folder). */
	public static final List< Setting > TRAIN_SEGMENTER = list(
			INPUT_FOLDER.withLabel( "Input folder (optional: train on all its images)" ), MASK_FOLDER, TITLE_PATTERN,
			VALIDATION_FOLDER, VALIDATION_MASK_FOLDER, DIMENSIONS, PATCH_DEPTH, MODEL_FILE, OVERWRITE, LOSS, CLASSES,
			SCALE, ORIENTATIONS,
			EPOCHS.withDefault( SegmenterSettings.EPOCHS ),
			MINUTES.withDefault( SegmenterSettings.MINUTES ),
			PATCHES_PER_EPOCH.withDefault( SegmenterSettings.PATCHES_PER_EPOCH ),
			PATCH_SIZE.withDefault( SegmenterSettings.PATCH_SIZE ),
			BATCH_SIZE.withDefault( SegmenterSettings.BATCH_SIZE ),
			LEARNING_RATE.withDefault( SegmenterSettings.LEARNING_RATE ),
			VALIDATION_FRACTION.withDefault( SegmenterSettings.VALIDATION_FRACTION ),
			PATIENCE.withDefault( SegmenterSettings.PATIENCE ), SEED.withDefault( ( int ) SegmenterSettings.SEED ),
			TRAINING_PRECISION, THREADS );

	/** Segment Image: a model from Train Segmenter on one image. */
	public static final List< Setting > SEGMENT_IMAGE = list( MODEL_FILE, THRESHOLD, MIN_SIZE.withDefault( 0 ),
			OBJECT_PRIOR, FLIP_AVERAGING, OVERLAY, TILE_SIZE, PRECISION, THREADS );

	/** Reconstruct Image: the autoencoder's output, 32-bit by default. */
	public static final List< Setting > RECONSTRUCT = list( MODEL_FILE, OUTPUT_TYPE.withDefault( "32-bit" ), TILE_SIZE,
			PRECISION, THREADS );

	/** The Inspect entries of plain macros (Model Summary, Loss Curves): a model file in, text, CSV and PNG into a folder. */
	public static final List< Setting > INSPECT = list( MODEL_FILE, OUTPUT_FOLDER );

	/** Inspect > Encode to Table: the codes of the items (input image slices or input_folder files) as codes.csv in output_folder (the commands' old key save_folder is still accepted). */
	public static final List< Setting > ENCODE_TO_TABLE = list( MODEL_FILE, INPUT_FOLDER,
			BATCH_SIZE.withDefault( fiji.plugin.autoencoder.features.CodeTable.DEFAULT_BATCH ), OUTPUT_FOLDER,
			THREADS );

	/** Inspect > PCA Plot: pca-2d.png, pca-3d.png, pca-coordinates.csv and pca-variance.csv in output_folder. */
	public static final List< Setting > PCA_PLOT = list( MODEL_FILE, INPUT_FOLDER, OUTPUT_FOLDER, THREADS );

	/** Inspect > Reconstruction Montage: montage.png (denoising-montage.png with noise_sigma) in output_folder. */
	public static final List< Setting > RECONSTRUCTION_MONTAGE = list( MODEL_FILE, INPUT_FOLDER, ITEM_COUNT, GAP,
			NOISE_SIGMA, OUTPUT_FOLDER, THREADS );

	/** The setting {@code key} of an operation. */
	public static Setting of( final List< Setting > operation, final String key )
	{
		for ( final Setting s : operation )
			if ( s.key.equals( key ) )
				return s;
		throw new IllegalArgumentException( "No setting '" + key + "' in " + operation );
	}

	private static List< Setting > list( final Setting... s )
	{
		return Collections.unmodifiableList( Arrays.asList( s ) );
	}
}
