package fiji.plugin.autoencoder.macro;

import static fiji.plugin.autoencoder.macro.MacroFailure.fail;
import static fiji.plugin.autoencoder.macro.MacroSettings.INSPECT_KEYS;

import java.nio.file.Path;

import fiji.plugin.autoencoder.features.LossCurves;
import fiji.plugin.autoencoder.features.ModelSummary;
import fiji.plugin.autoencoder.features.OutputFiles;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.History;
import ij.IJ;

/**
 * The headless Inspect entries of plain macros: {@code MacroCalls.modelSummary}
 * and {@code MacroCalls.lossCurves} read model_file= and write their text, CSV
 * and PNG into output_folder= (atomically; never over the model file).
 */
public final class InspectEntries
{
	private InspectEntries()
	{}

	/** Writes {@code model-summary.txt} and {@code model-summary.csv} (layers, output shapes, parameters); returns the total parameter count. */
	public static String modelSummary( final String options )
	{
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "model summary", INSPECT_KEYS );
			final Path model = o.path( "model_file" ), folder = o.path( "output_folder" );
			try ( ModelFile.Loaded loaded = ModelFile.load( model, 1 ) )
			{
				final ModelSummary s = ModelSummary.of( loaded.model() );
				OutputFiles.text( s.format(), folder, "model-summary.txt", model );
				final Path csv = OutputFiles.csv( s.table(), folder, "model-summary", model );
				IJ.log( "Autoencoder: model summary: " + s.total() + " parameters; saved " + csv + " and its .txt" );
				return Long.toString( s.total() );
			}
		}
		catch ( final Exception e )
		{
			return fail( "model summary", e );
		}
	}

	/** Writes {@code loss-curves.csv} (the training history, one row per epoch) and {@code loss-curves.png}; returns the number of epochs. */
	public static String lossCurves( final String options )
	{
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "loss curves", INSPECT_KEYS );
			final Path model = o.path( "model_file" ), folder = o.path( "output_folder" );
			try ( ModelFile.Loaded loaded = ModelFile.load( model, 1 ) )
			{
				final String json = loaded.extras().get( ModelFile.HISTORY );
				if ( json == null )
					throw new IllegalArgumentException( model + " has no training history (" + ModelFile.HISTORY + "): it was saved without one; train and save it again." );
				final History history = History.fromJson( json );
				OutputFiles.png( LossCurves.plot( history, loaded.model().spec().name ).getImagePlus(), folder, "loss-curves", model );
				final Path csv = OutputFiles.csv( LossCurves.table( history ), folder, "loss-curves", model );
				IJ.log( "Autoencoder: loss curves: " + history.epochs.size() + " epochs; saved " + csv + " and its PNG" );
				return Integer.toString( history.epochs.size() );
			}
		}
		catch ( final Exception e )
		{
			return fail( "loss curves", e );
		}
	}
}
