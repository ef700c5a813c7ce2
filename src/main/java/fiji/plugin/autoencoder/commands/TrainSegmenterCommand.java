package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.segment.SegmenterSettings;
import fiji.plugin.autoencoder.segment.SegmenterTrainer;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.workflow.Dimensions;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import fiji.plugin.autoencoder.workflow.Settings;
import fiji.plugin.autoencoder.workflow.TrainingInputs;
import ij.ImagePlus;

/**
 * Plugins > Autoencoder > Train Segmenter: a small U-Net trained on an image and its mask (binary, or classes 0..K),
 * at a scale that suits the objects; the best model on the validation patches is saved.
 */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Train Segmenter" )
public class TrainSegmenterCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Training image (all slices are used)", required = false )
	private ImagePlus input;

	@Parameter( label = "Mask (0 = background; one foreground value, or classes 1..K)", required = false )
	private ImagePlus mask;

	@Parameter( label = "Input folder (optional: train on all its images)", style = "directory", required = false,
			persist = false,
			description = "Every image of this folder (sizes may differ, channel counts not), each with its mask in the mask folder" )
	private File input_folder;

	@Parameter( label = "Train on open images whose title matches (e.g. noisy*; empty: the chosen image)",
			required = false, persist = false,
			description = "Every open image whose title matches this pattern (* any text, ? one character), with the mask of its title in mask_folder; with input_folder, its files whose names match" )
	private String title_pattern = Settings.of( Settings.TRAIN_SEGMENTER, "title_pattern" ).defaultValue;

	@Parameter( label = "Mask folder (with the input folder)", style = "directory", required = false, persist = false,
			description = "The mask of each input_folder image: the file of the same name" )
	private File mask_folder;

	@Parameter( label = "Dimensions", choices = { "2D", "3D", "Automatic" }, persist = false,
			description = "3D: a volume network on z-stacks (Denoise modes, Train Segmenter; each stack needs at least patch_depth slices); Automatic: 3D for z-stacks that deep whose neighbouring slices correlate, else 2D (the log says which)" )
	private String dimensions = Settings.of( Settings.TRAIN_SEGMENTER, "dimensions" ).defaultValue;

	@Parameter( label = "Patch depth (3D, slices)", min = "4", persist = false,
			description = "z-slices of a 3D training patch (a multiple of 4)" )
	private int patch_depth = Settings.of( Settings.TRAIN_SEGMENTER, "patch_depth" ).defaultInt();

	@Parameter( label = "Model file", style = "save" )
	private File model_file;

	@Parameter( label = "Replace the model file if it exists", persist = false ) // not remembered: replacing a model is asked for each time
	private boolean overwrite = Settings.of( Settings.TRAIN_SEGMENTER, "overwrite" ).defaultFlag();

	@Parameter( label = "Loss", choices = { "Dice + BCE", "BCE", "Dice" } )
	private String loss = Settings.of( Settings.TRAIN_SEGMENTER, "loss" ).defaultValue;

	@Parameter( label = "Classes (0 = from the mask)", min = "0" )
	private int classes = Settings.of( Settings.TRAIN_SEGMENTER, "classes" ).defaultInt();

	@Parameter( label = "Scale: work at 1/scale resolution (0 = from the objects' sizes)", min = "0" )
	private int scale = Settings.of( Settings.TRAIN_SEGMENTER, "scale" ).defaultInt();

	@Parameter( label = "Patch orientations", choices = { "Automatic", "All 8", "Left-right flips only" },
			description = "Automatic: left-right flips only when the training images have a fixed up (as in ultrasound), all 8 otherwise" )
	private String orientations = Settings.of( Settings.TRAIN_SEGMENTER, "orientations" ).defaultValue;

	@Parameter( label = "Epochs", min = "1" )
	private int epochs = Settings.of( Settings.TRAIN_SEGMENTER, "epochs" ).defaultInt();

	@Parameter( label = "Time budget (minutes, 0 = none)", min = "0", required = false,
			description = "No epoch starts once it would end after this many minutes; the best epoch is kept" )
	private double minutes = Settings.of( Settings.TRAIN_SEGMENTER, "minutes" ).defaultNumber();

	@Parameter( label = "Patches per epoch", min = "1" )
	private int patches_per_epoch = Settings.of( Settings.TRAIN_SEGMENTER, "patches_per_epoch" ).defaultInt();

	@Parameter( label = "Patch size (multiple of 8)", min = "8" )
	private int patch_size = Settings.of( Settings.TRAIN_SEGMENTER, "patch_size" ).defaultInt();

	@Parameter( label = "Batch size", min = "1" )
	private int batch_size = Settings.of( Settings.TRAIN_SEGMENTER, "batch_size" ).defaultInt();

	@Parameter( label = "Learning rate" )
	private double learning_rate = Settings.of( Settings.TRAIN_SEGMENTER, "learning_rate" ).defaultNumber();

	@Parameter( label = "Validation fraction (0 with validation images)", min = "0", max = "0.9" )
	private double validation_fraction = Settings.of( Settings.TRAIN_SEGMENTER, "validation_fraction" ).defaultNumber();

	@Parameter( label = "Validation image (optional)", required = false )
	private ImagePlus validation_image;

	@Parameter( label = "Validation mask (optional)", required = false )
	private ImagePlus validation_mask;

	@Parameter( label = "Validation folder (optional)", style = "directory", required = false, persist = false,
			description = "Validate on every image of this folder instead of holding out part of the training images (channels as the training images')" )
	private File validation_folder;

	@Parameter( label = "Validation mask folder", style = "directory", required = false, persist = false,
			description = "The mask of each validation_folder image: the file of the same name" )
	private File validation_mask_folder;

	@Parameter( label = "Early stopping patience (epochs, 0 = off)", min = "0" )
	private int patience = Settings.of( Settings.TRAIN_SEGMENTER, "patience" ).defaultInt();

	@Parameter( label = "Seed" )
	private long seed = Settings.of( Settings.TRAIN_SEGMENTER, "seed" ).defaultInt();

	@Parameter( label = "Training precision", choices = { "float32", "bfloat16" }, required = false, persist = false,
			description = "float32 (default), or bfloat16 mixed precision: the convolutions forward and backward in bfloat16, weights, loss and optimiser in float32 (faster on CPUs with AVX-512 BF16 or AMX)" )
	private String training_precision = Settings.of( Settings.TRAIN_SEGMENTER, "training_precision" ).defaultValue;

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = Settings.of( Settings.TRAIN_SEGMENTER, "threads" ).defaultInt();

	@Parameter( type = ItemIO.OUTPUT )
	private String result;

	@Override
	public void run()
	{
		final StatusProgress progress = new StatusProgress( status, this ); // cancelled by this command's cancel or an interrupt of this thread
		try
		{
			final SegmenterSettings s = new SegmenterSettings();
			s.loss = loss;
			s.classes = classes;
			s.scale = scale;
			s.orientations = orientations;
			s.epochs = epochs;
			s.minutes = minutes;
			s.patchesPerEpoch = patches_per_epoch;
			s.patchSize = patch_size;
			s.batchSize = batch_size;
			s.learningRate = learning_rate;
			s.validationFraction = validation_fraction;
			s.patience = patience;
			s.seed = seed;
			s.overwrite = overwrite;
			s.threads = Commands.threads( threads );
			s.trainingPrecision = training_precision;
			TrainingSettings.check( epochs, learning_rate );
			final boolean pattern = title_pattern != null && !title_pattern.trim().isEmpty();
			final TrainingInputs images = TrainingInputs.segmenter(
					input_folder == null && !pattern ? Commands.image( input ) : null, mask,
					input_folder == null ? null : Commands.existingFolder( input_folder, "input_folder" ),
					mask_folder == null ? null : Commands.existingFolder( mask_folder, "mask_folder" ),
					title_pattern );
			s.depth = Dimensions.segmenterDepth( dimensions, patch_depth, images.images, log::info );
			s.zOverXy = Dimensions.voxelAspect( images.images );
			final TrainingInputs v = TrainingInputs.validation( validation_image, validation_mask,
					validation_folder == null ? null
							: Commands.existingFolder( validation_folder, "validation_folder" ),
					validation_mask_folder == null ? null
							: Commands.existingFolder( validation_mask_folder, "validation_mask_folder" ),
					validation_folder != null ? "validation_mask_folder" : "validation_mask", images );
			final SegmenterTrainer.Result r = SegmenterTrainer.train( s, images.images, images.pairs,
					v == null ? null : v.images, v == null ? null : v.pairs,
					Commands.writableTarget( model_file, "model_file" ), new Trainer().cancelledBy( progress ),
					new LogListener( log::info, status ) );
			log.info( "Train Segmenter: " + ( result = r.message() ) );
			if ( fiji.plugin.autoencoder.workflow.TrainingPictures.headless() )
				log.info( "Train Segmenter: " + fiji.plugin.autoencoder.workflow.TrainingPictures
						.lossCurvesNote( r.history, r.modelFile, "segmenter" ) );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Train Segmenter", e );
		}
	}
}
