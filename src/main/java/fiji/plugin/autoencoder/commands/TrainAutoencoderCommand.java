package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import fiji.plugin.autoencoder.ui.TrainingMonitor;
import fiji.plugin.autoencoder.workflow.Settings;
import fiji.plugin.autoencoder.workflow.TrainingInputs;
import fiji.plugin.autoencoder.workflow.TrainingPictures;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import ij.ImagePlus;

/**
 * Plugins > Autoencoder > Train Autoencoder: trains a denoiser or an
 * autoencoder on the open image(s) and saves it; the best model is saved
 * whenever the validation loss improves and at the end, also when stopped.
 */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Train Autoencoder" )
public class TrainAutoencoderCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Training image (all slices are used)", required = false )
	private ImagePlus input;

	@Parameter( label = "Clean target image (paired training only)", required = false )
	private ImagePlus target;

	@Parameter( label = "Input folder (optional: train on all its images)", style = "directory", required = false,
			persist = false,
			description = "Every image of this folder (sizes may differ, channel counts not); patches are drawn from each in proportion to its size" )
	private File input_folder;

	@Parameter( label = "Target folder (paired modes, with the input folder)", style = "directory", required = false,
			persist = false,
			description = "The clean image of each input_folder image: the file of the same name" )
	private File target_folder;

	@Parameter( label = "Validation image (optional)", required = false, persist = false )
	private ImagePlus validation_image;

	@Parameter( label = "Validation target (paired modes)", required = false, persist = false )
	private ImagePlus validation_target;

	@Parameter( label = "Validation folder (optional)", style = "directory", required = false, persist = false,
			description = "Validate on every image of this folder instead of holding out part of the training images (channels as the training images')" )
	private File validation_folder;

	@Parameter( label = "Validation target folder (paired modes)", style = "directory", required = false,
			persist = false,
			description = "The clean image of each validation_folder image: the file of the same name" )
	private File validation_target_folder;

	@Parameter( label = "Train on open images whose title matches (e.g. noisy*; empty: the chosen image)",
			required = false, persist = false,
			description = "Every open image whose title matches this pattern (* any text, ? one character); with input_folder, its files whose names match" )
	private String title_pattern = Settings.of( Settings.TRAIN, "title_pattern" ).defaultValue;

	@Parameter( label = "Mode", choices = { "Denoise (self-supervised)", "Denoise (paired)",
			"Denoise (synthetic noise)", "Denoise (noisy image + noise model)", "Anomaly detector (normal images)",
			"Anomaly segmenter (normal images)", "Conv autoencoder", "Strided conv autoencoder", "Dense autoencoder" } )
	private String mode = Settings.of( Settings.TRAIN, "mode" ).defaultValue;

	@Parameter( label = "Synthetic noise",
			description = "e.g. gaussian:sigma=10 (grey values), poisson:peak=30 (30 photons at the brightest pixel: the image's largest value over all "
					+ "channels becomes 30 photons, so a pixel at a tenth of it gets 3), poisson-gaussian:peak=30,sigma=2 (plus camera read noise of sigma 2 grey values); see the README for camera gain and offset" )
	private String noise = Settings.of( Settings.TRAIN, "noise" ).defaultValue;

	@Parameter( label = "Dimensions", choices = { "2D", "3D", "Automatic" }, persist = false,
			description = "2D: one network on every slice; 3D: a volume network on z-stacks (Denoise modes, Train Segmenter; each stack needs at least patch_depth slices); Automatic: 3D for z-stacks that deep whose neighbouring slices correlate, else 2D (the log says which)" )
	private String dimensions = Settings.of( Settings.TRAIN, "dimensions" ).defaultValue;

	@Parameter( label = "Patch depth (3D, slices)", min = "4", persist = false,
			description = "z-slices of a 3D training patch (a multiple of 4)" )
	private int patch_depth = Settings.of( Settings.TRAIN, "patch_depth" ).defaultInt();

	@Parameter( label = "Model file", style = "save" )
	private File model_file;

	@Parameter( label = "Continue training the model file", persist = false ) // not remembered: a later training into a new file must not fail for it
	private boolean resume = Settings.of( Settings.TRAIN, "resume" ).defaultFlag();

	@Parameter( label = "Replace the model file if it exists", persist = false ) // not remembered: replacing a model is asked for each time
	private boolean overwrite = Settings.of( Settings.TRAIN, "overwrite" ).defaultFlag();

	@Parameter( label = "Epochs", min = "1" )
	private int epochs = Settings.of( Settings.TRAIN, "epochs" ).defaultInt();

	@Parameter( label = "Patches per epoch", min = "1" )
	private int patches_per_epoch = Settings.of( Settings.TRAIN, "patches_per_epoch" ).defaultInt();

	@Parameter( label = "Patch size", min = "8" )
	private int patch_size = Settings.of( Settings.TRAIN, "patch_size" ).defaultInt();

	@Parameter( label = "Batch size", min = "1" )
	private int batch_size = Settings.of( Settings.TRAIN, "batch_size" ).defaultInt();

	@Parameter( label = "Validation fraction (rows held out)" )
	private double validation_fraction = Settings.of( Settings.TRAIN, "validation_fraction" ).defaultNumber();

	@Parameter( label = "Early-stopping patience (epochs, 0 = off)", min = "0" )
	private int patience = Settings.of( Settings.TRAIN, "patience" ).defaultInt();

	@Parameter( label = "Learning rate" )
	private double learning_rate = Settings.of( Settings.TRAIN, "learning_rate" ).defaultNumber();

	@Parameter( label = "Learning-rate schedule", choices = { "constant", "cosine" }, persist = false,
			description = "constant, or cosine: from the learning rate down to 0 over the epochs (or the time budget, when set); a resumed training goes on with the model file's" )
	private String learning_rate_schedule = Settings.of( Settings.TRAIN, "learning_rate_schedule" ).defaultValue;

	@Parameter( label = "L2 weight decay (0 = none)", min = "0", persist = false,
			description = "Penalty on the squared weights against overfitting, e.g. 0.0001: try it when the validation loss rises while the training loss falls. Mode 'Anomaly segmenter': applies to its second stage" )
	private double l2 = Settings.of( Settings.TRAIN, "l2" ).defaultNumber();

	@Parameter( label = "Time budget (minutes, 0 = none)", min = "0", persist = false,
			description = "Stop after this many minutes (the epochs are then an upper bound); the best model is kept" )
	private double minutes = Settings.of( Settings.TRAIN, "minutes" ).defaultNumber();

	@Parameter( label = "Channels (denoisers)",
			choices = { "Each channel alone (no mixing)", "All channels together (may mix them)" }, persist = false,
			description = "Each alone: one network trained on every channel and applied to each channel on its own, so a channel's result never depends on another channel (default). "
					+ "All together: the channels are the network's inputs, so each result may use the others: on an RGB stain whose colours share structure "
					+ "(scikit-image's ihc) it denoised 0.8 to 2.2 dB better than each alone (bench/results/real-quality.md)" )
	private String channels = Settings.of( Settings.TRAIN, "channels" ).defaultValue;

	@Parameter( label = "Seed" )
	private long seed = Settings.of( Settings.TRAIN, "seed" ).defaultInt();

	@Parameter( label = "Show live loss plot (needs a display)" )
	private boolean show_plot = true;

	@Parameter( label = "Training precision", choices = { "float32", "bfloat16" }, required = false, persist = false,
			description = "float32 (default), or bfloat16 mixed precision: the convolutions forward and backward in bfloat16, weights, loss and optimiser in float32 (faster on CPUs with AVX-512 BF16 or AMX)" )
	private String training_precision = Settings.of( Settings.TRAIN, "training_precision" ).defaultValue;

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = Settings.of( Settings.TRAIN, "threads" ).defaultInt();

	@Parameter( type = ItemIO.OUTPUT )
	private String result;

	@Override
	public void run()
	{
		final StatusProgress progress = new StatusProgress( status, this ); // the one cancel: this command's, an interrupt of this thread, the monitor's Stop
		try
		{
			final TrainingSettings settings = new TrainingSettings();
			settings.mode = mode;
			settings.noise = noise;
			settings.resume = resume;
			settings.overwrite = overwrite;
			settings.epochs = epochs;
			settings.patchesPerEpoch = patches_per_epoch;
			settings.patchSize = patch_size;
			settings.batchSize = batch_size;
			settings.validationFraction = validation_fraction;
			settings.patience = patience;
			settings.learningRate = learning_rate;
			settings.learningRateSchedule = learning_rate_schedule;
			settings.l2 = l2;
			settings.seed = seed;
			settings.threads = threads;
			settings.trainingPrecision = training_precision;
			settings.minutes = minutes;
			settings.channels = channels;
			settings.dimensions = dimensions;
			settings.patchDepth = patch_depth;
			settings.inputFolder = input_folder == null ? null
					: Commands.existingFolder( input_folder, "input_folder" );
			settings.targetFolder = target_folder == null ? null
					: Commands.existingFolder( target_folder, "target_folder" );
			settings.titlePattern = title_pattern == null ? "" : title_pattern;
			final TrainingInputs images = settings
					.inputs( input_folder == null && ( title_pattern == null || title_pattern.trim().isEmpty() )
							? Commands.image( input ) : null, target );
			settings.validationFolder = validation_folder == null ? null
					: Commands.existingFolder( validation_folder, "validation_folder" );
			settings.validationTargetFolder = validation_target_folder == null ? null
					: Commands.existingFolder( validation_target_folder, "validation_target_folder" );
			final ImageTrainingJob job = settings.job( images.images, images.pairs,
					resume ? Commands.existingFile( model_file, "model_file" )
							: Commands.writableTarget( model_file, "model_file" ) );
			settings.validation( job, validation_image, validation_target, images );
			if ( settings.dimensionsNote != null )
				log.info( "Train Autoencoder: " + settings.dimensionsNote );
			final boolean gui = show_plot && !java.awt.GraphicsEnvironment.isHeadless()
					&& !ij.macro.Interpreter.isBatchMode();
			final TrainingListener logLines = new LogListener( log::info, status );
			try ( TrainingMonitor monitor = gui ? new TrainingMonitor( progress::stop, mode ) : null )
			{
				final ImageTrainingJob.Result r = settings.run( job, images.images, images.pairs,
						monitor != null ? both( monitor, logLines ) : logLines, progress );
				result = r.training.message + " Saved " + r.modelFile;
				if ( monitor == null && TrainingPictures.headless() )
					log.info( "Train Autoencoder: " + TrainingPictures.lossCurvesNote( r.history, r.modelFile, mode ) );
				final String drawn = images.patchesDrawn( r.patchesPerImage );
				if ( !drawn.isEmpty() )
				{
					log.info( "Train Autoencoder: " + images.images.size() + " images. " + drawn );
					result += " " + drawn;
				}
				log.info( "Train Autoencoder: " + result );
				if ( r.training.bestEpoch == 0 && !resume
						&& r.training.reason != fiji.plugin.autoencoder.train.Trainer.StopReason.CANCELLED )
				{
					final String untrained = "the training never improved on its starting weights: " + r.modelFile
							+ " holds an untrained model; check the image, lower the learning rate or train longer";
					if ( java.awt.GraphicsEnvironment.isHeadless() )
						throw new IllegalStateException( untrained ); // NB: a headless (batch) run fails, as MacroCalls.train does
					log.warn( "Train Autoencoder: " + untrained );
				}
				if ( settings.quality != null )
				{
					if ( settings.quality.classicAsGood() )
						log.warn( "Train Autoencoder: " + settings.quality.message() );
					else
						log.info( "Train Autoencoder: " + settings.quality.message() );
					result += " " + settings.quality.message();
				}
				final String hint = r.history.overfittingHint();
				if ( hint != null )
				{
					log.warn( "Train Autoencoder: " + settings.networkName() + hint );
					result += " Note: " + settings.networkName() + hint;
				}
			}
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Train Autoencoder", e );
		}
	}

	private static TrainingListener both( final TrainingListener a, final TrainingListener b )
	{
		return new TrainingListener()
		{
			@Override
			public void stepEnded( final String phase, final int epoch, final int step, final int steps,
					final double loss )
			{
				a.stepEnded( phase, epoch, step, steps, loss );
			}

			@Override
			public void epochEnded( final fiji.plugin.autoencoder.train.History.Epoch e,
					final fiji.plugin.autoencoder.train.History h )
			{
				a.epochEnded( e, h );
				b.epochEnded( e, h );
			}
		};
	}
}
