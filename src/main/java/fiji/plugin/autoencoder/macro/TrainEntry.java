package fiji.plugin.autoencoder.macro;

import static fiji.plugin.autoencoder.macro.MacroFailure.fail;
import static fiji.plugin.autoencoder.macro.MacroSettings.*;

import fiji.plugin.autoencoder.io.ModelOutput;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import fiji.plugin.autoencoder.workflow.TrainingInputs;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import ij.IJ;
import ij.ImagePlus;

/** The plain-macro entry {@code MacroCalls.train}: Train Autoencoder's keys, read into {@link TrainingSettings}. */
public final class TrainEntry
{
	private TrainEntry()
	{}

	/** The menu name of the supervised segmenter training, which a user may pass as a mode. */
	static final String SEGMENTER_MODE = "Train Segmenter";

	/** Trains on the current image (or input=path); see Plugins > Autoencoder > Train Autoencoder for the keys. */
	public static String train( final String options )
	{
		return train( options, null );
	}

	/**
	 * {@link #train(String)} that also stops, keeping the best model, once {@code stopRequested} says so (besides Esc
	 * and an interrupt of this thread: {@link MacroStop}).
	 */
	public static String train( final String options, final java.util.function.BooleanSupplier stopRequested )
	{
		final MacroStop stop = new MacroStop( stopRequested );
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "train", TRAIN_KEYS );
			if ( o.string( "mode", "" ).replaceAll( "\\s+", " " ).trim().equalsIgnoreCase( SEGMENTER_MODE ) )
				throw new IllegalArgumentException( "mode=[" + SEGMENTER_MODE
						+ "] is its own entry with an image and its mask: call(\"fiji.plugin.autoencoder.MacroCalls.trainSegmenter\", "
						+ "\"input=<image> mask=<mask> model_file=<file>\") (keys of Plugins > Autoencoder > Train Segmenter)" );
			final TrainingSettings settings = new TrainingSettings();
			settings.mode = o.string( "mode", settings.mode );
			settings.noise = o.string( "noise", settings.noise );
			settings.resume = o.bool( "resume", false );
			settings.overwrite = o.bool( ModelOutput.OVERWRITE_KEY, false );
			settings.seed = o.wholeNumber( "seed", settings.seed, Long.MIN_VALUE );
			settings.learningRate = o.number( "learning_rate", settings.learningRate, 0, "0.001" );
			settings.validationFraction = o.number( "validation_fraction", settings.validationFraction, 0, "0.1" );
			settings.learningRateSchedule = o.choice( "learning_rate_schedule", settings.learningRateSchedule,
					ModelSpec.CONSTANT, ModelSpec.COSINE );
			settings.l2 = o.number( "l2", 0, 0, "0.0001" );
			settings.patchSize = o.integer( "patch_size", settings.patchSize, 1 );
			settings.patchesPerEpoch = o.integer( "patches_per_epoch", settings.patchesPerEpoch, 1 );
			settings.epochs = o.integer( "epochs", settings.epochs, 1 );
			settings.batchSize = o.integer( "batch_size", settings.batchSize, 1 );
			settings.patience = o.integer( "patience", settings.patience, 0 );
			settings.threads = threads( o );
			settings.trainingPrecision = trainingPrecision( o );
			settings.minutes = o.number( "minutes", 0, 0, "5" );
			settings.channels = o.string( "channels", settings.channels );
			settings.dimensions = o.choice( "dimensions", settings.dimensions, TrainingSettings.DIMENSION_CHOICES );
			settings.patchDepth = o.integer( "patch_depth", settings.patchDepth, 4 );
			settings.inputFolder = o.has( "input_folder" ) ? o.path( "input_folder" ) : null;
			settings.targetFolder = o.has( "target_folder" ) ? o.path( "target_folder" ) : null;
			settings.titlePattern = o.string( "title_pattern", "" );
			final boolean one = settings.inputFolder == null && settings.titlePattern.trim().isEmpty();
			final ImagePlus input = one ? image( o, "input" ) : null;
			final ImagePlus target = o.string( "target", "" ).isEmpty() ? null : image( o, "target" );
			final TrainingInputs images = settings.inputs( input, target );
			final ImageTrainingJob job = settings.job( images.images, images.pairs, o.path( "model_file" ) );
			if ( settings.dimensionsNote != null )
				IJ.log( "Autoencoder: " + settings.dimensionsNote );
			settings.validationFolder = o.has( "validation_folder" ) ? o.path( "validation_folder" ) : null;
			settings.validationTargetFolder = o.has( "validation_target_folder" ) ? o.path( "validation_target_folder" )
					: null;
			settings.validation( job, o.has( "validation_image" ) ? image( o, "validation_image" ) : null,
					o.has( "validation_target" ) ? image( o, "validation_target" ) : null, images );
			final ImageTrainingJob.Result r = settings.run( job, images.images, images.pairs, new TrainingListener()
			{
				@Override
				public void epochEnded( final History.Epoch e, final History h )
				{
					IJ.log( "Autoencoder: " + e );
				}
			}, stop );
			final String drawn = images.patchesDrawn( r.patchesPerImage );
			final String msg = r.training.message + " Saved " + r.modelFile + ( drawn.isEmpty() ? "" : " " + drawn );
			IJ.log( "Autoencoder: " + msg );
			IJ.log( "Autoencoder: " + fiji.plugin.autoencoder.workflow.TrainingPictures.lossCurvesNote( r.history,
					r.modelFile, settings.mode ) );
			if ( r.training.bestEpoch == 0 && !settings.resume && r.training.reason != Trainer.StopReason.CANCELLED )
				throw new IllegalStateException( "the training never improved on its starting weights, so "
						+ r.modelFile + " holds an untrained model: "
						+ "check the image (is there structure to learn?), lower learning_rate, or train more epochs or patches_per_epoch" );
			final String hint = r.history.overfittingHint();
			if ( hint != null )
				IJ.log( "Autoencoder: note: " + settings.networkName() + hint );
			if ( settings.quality != null )
				IJ.log( "Autoencoder: " + settings.quality.message() );
			return msg;
		}
		catch ( final Exception e )
		{
			return fail( "train", e );
		}
	}
}
