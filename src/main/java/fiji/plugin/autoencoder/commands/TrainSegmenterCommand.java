package fiji.plugin.autoencoder.commands;

import java.io.File;
import java.util.Collections;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import fiji.plugin.autoencoder.segment.SupervisedSegmenter;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import ij.ImagePlus;

/** Plugins > Autoencoder > Train Segmenter: a small U-Net trained on an image and its binary mask; the best model is saved. */
@Plugin( type = Command.class, headless = true, menuPath = "Plugins>Autoencoder>Train Segmenter" )
public class TrainSegmenterCommand extends ContextCommand
{
	@Parameter
	private LogService log;

	@Parameter( required = false )
	private StatusService status;

	@Parameter( label = "Training image (all slices are used)" )
	private ImagePlus input;

	@Parameter( label = "Mask (0 = background, one foreground value)" )
	private ImagePlus mask;

	@Parameter( label = "Model file", style = "save" )
	private File model_file;

	@Parameter( label = "Replace the model file if it exists", persist = false ) // not remembered: replacing a model is asked for each time
	private boolean overwrite = false;

	@Parameter( label = "Loss", choices = { "BCE", "Dice" } )
	private String loss = "BCE";

	@Parameter( label = "Epochs", min = "1" )
	private int epochs = 30;

	@Parameter( label = "Patches per epoch", min = "1" )
	private int patches_per_epoch = 512;

	@Parameter( label = "Patch size (multiple of 8)", min = "8" )
	private int patch_size = 64;

	@Parameter( label = "Batch size", min = "1" )
	private int batch_size = 16;

	@Parameter( label = "Learning rate" )
	private double learning_rate = 1e-3;

	@Parameter( label = "Seed" )
	private long seed = 42;

	@Parameter( label = "TensorFlow threads (0 = all cores)", min = "0", required = false, persist = false,
			description = "Caps the CPU threads TensorFlow uses, e.g. on a shared cluster node; 0: the system property autoencoder.threads, else all cores" )
	private int threads = 0;

	@Parameter( type = ItemIO.OUTPUT )
	private String result;

	@Override
	public void run()
	{
		try
		{
			TrainingSettings.check( epochs, learning_rate );
			final ImageTrainingJob job = SupervisedSegmenter.job( ImageTrainingJob.channels( Commands.image( input ) ), loss, learning_rate, Commands.writableTarget( model_file, "model_file" ) );
			job.overwrite = overwrite;
			job.patchSize = patch_size;
			job.threads = Commands.threads( threads );
			job.patchesPerEpoch = patches_per_epoch;
			job.config.epochs( epochs ).batchSize( batch_size ).validationFraction( 0.15 ).patience( 0 ).seed( seed );
			final ImageTrainingJob.Result r = SupervisedSegmenter.train( job, Collections.singletonList( input ), Collections.singletonList( mask ), new LogListener( log::info, status ) );
			log.info( "Train Segmenter: " + ( result = r.training.message + " Saved " + r.modelFile ) );
		}
		catch ( final Exception e )
		{
			Errors.report( this, log, "Train Segmenter", e );
		}
	}
}
