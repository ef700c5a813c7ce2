package fiji.plugin.autoencoder.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.io.ModelOutput;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.IdxReader;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Trains a preset on Fashion-MNIST (or other IDX images) and reports the losses. */
@Command( name = "train-mnist", mixinStandardHelpOptions = true,
		description = "Train a preset autoencoder on Fashion-MNIST IDX images." )
public class TrainMnistCommand implements Callable< Integer >
{
	@Option( names = "--preset", defaultValue = "conv_pool",
			description = "Architecture: dense, dense_tied, conv_pool, conv_pool_zero_fill, conv_strided, deep_dense, deep_stacked (default ${DEFAULT-VALUE})." )
	String preset;

	@Option( names = "--images", description = "IDX image file (default: Debian's Fashion-MNIST training set)." )
	Path images;

	@Option( names = "--samples", defaultValue = "0", description = "Use only the first N images (0: all)." )
	int samples;

	@Option( names = "--epochs", defaultValue = "5" )
	int epochs;

	@Option( names = "--batch-size", defaultValue = "128" )
	int batchSize;

	@Option( names = "--validation", defaultValue = "0.2",
			description = "Fraction held out for validation (default ${DEFAULT-VALUE})." )
	double validation;

	@Option( names = "--patience", defaultValue = "0", description = "Early-stopping patience in epochs (0: off)." )
	int patience;

	@Option( names = "--pretrain-epochs", defaultValue = "0",
			description = "Greedy pretraining epochs per layer (deep_stacked)." )
	int pretrainEpochs;

	@Option( names = "--threads", defaultValue = "0", description = "TensorFlow threads (0: all cores)." )
	int threads;

	@Option( names = "--seed", defaultValue = "42" )
	long seed;

	@Option( names = "--output", description = "Save the trained model to this file (.aemodel.zip)." )
	Path output;

	@Option( names = "--overwrite",
			description = "Replace the --output model file if it exists (without it, an existing model stops the command before training)." )
	boolean overwrite;

	@Override
	public Integer call() throws Exception
	{
		final IdxReader.Images idx = IdxReader
				.readImages( images != null ? images : IdxReader.fashionMnist( "train-images-idx3-ubyte.gz" ) );
		final int n = samples <= 0 ? idx.count : Math.min( samples, idx.count );
		final ModelSpec spec = Presets.byName( preset );
		spec.height = idx.height;
		spec.width = idx.width;
		spec.validate();
		final TrainingConfig config = new TrainingConfig().epochs( epochs ).batchSize( batchSize )
				.validationFraction( validation )
				.patience( patience ).pretrainEpochs( pretrainEpochs ).seed( seed ).stepsPerRun( 8 );
		System.out.println( String.format( Locale.ROOT,
				"Training %s on %d images of %d x %d (%d%% validation), %d epochs, batch %d", spec, n, idx.height,
				idx.width,
				Math.round( validation * 100 ), epochs, batchSize ) );
		// NB: checked and locked before training: never over an existing model without --overwrite, nor over a file that is not a model
		try ( ModelOutput out = output == null ? null
				: ModelOutput.open( output, null, overwrite, "--overwrite", null );
				Model model = Model.create( spec, seed, threads ) )
		{
			final History history = new History();
			final Trainer.Result r = new Trainer().train( model,
					new ArrayTrainingData( idx.toFloats( n ), n, idx.height, idx.width, 1 ), null, config, history,
					new TrainingListener()
					{
						@Override
						public void epochEnded( final History.Epoch e, final History h )
						{
							System.out.println( "  " + e );
						}
					} );
			System.out.println( r.message );
			System.out.println( String.format( Locale.ROOT,
					"%s: %d parameters; validation loss untrained %.4f, best %.4f", spec.name, model.parameterCount(),
					history.initialValidationLoss, r.bestLoss ) );
			if ( output != null )
			{
				final java.util.Map< String, String > extras = new java.util.HashMap<>();
				extras.put( ModelFile.HISTORY, history.toJson() );
				extras.put( ModelFile.NORMALIZATION,
						fiji.plugin.autoencoder.convert.Normalization.eightBit().toJson() ); // IDX bytes were scaled by 1/255
				out.save( model, extras, null );
				out.finish();
				System.out.println( "Saved " + output );
			}
		}
		return 0;
	}
}
