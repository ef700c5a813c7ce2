package fiji.plugin.autoencoder.macro;

import static fiji.plugin.autoencoder.macro.MacroFailure.fail;
import static fiji.plugin.autoencoder.macro.MacroSettings.INSPECT_KEYS;

import java.nio.file.Path;

import java.util.List;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.features.CodePca;
import fiji.plugin.autoencoder.features.CodeTable;
import fiji.plugin.autoencoder.features.ItemSet;
import fiji.plugin.autoencoder.features.LossCurves;
import fiji.plugin.autoencoder.features.Montage;
import fiji.plugin.autoencoder.features.ModelSummary;
import fiji.plugin.autoencoder.features.OutputFiles;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.workflow.Setting;
import fiji.plugin.autoencoder.workflow.Settings;
import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * The headless Inspect entries of plain macros: {@code MacroCalls.modelSummary},
 * {@code lossCurves}, {@code encodeToTable}, {@code pcaPlot} and
 * {@code reconstructionMontage} read model_file= (and the items: input= or
 * input_folder=) and write their text, CSV and PNG into output_folder=
 * (atomically; never over the model file), as the Inspect commands do.
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
					throw new IllegalArgumentException( model + " has no training history (" + ModelFile.HISTORY
							+ "): it was saved without one; train and save it again." );
				final History history = History.fromJson( json );
				OutputFiles.png( LossCurves.plot( history, loaded.model().spec().name ).getImagePlus(), folder,
						"loss-curves", model );
				final Path csv = OutputFiles.csv( LossCurves.table( history ), folder, "loss-curves", model );
				IJ.log( "Autoencoder: loss curves: " + history.epochs.size() + " epochs; saved " + csv
						+ " and its PNG" );
				return Integer.toString( history.epochs.size() );
			}
		}
		catch ( final Exception e )
		{
			return fail( "loss curves", e );
		}
	}

	/** Writes {@code codes.csv} (one row per item: the slices of input= or the images of input_folder=) into output_folder; returns the number of items. */
	public static String encodeToTable( final String options )
	{
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "encode to table", MacroSettings.ENCODE_KEYS );
			final Path model = o.path( "model_file" ), folder = o.path( "output_folder" );
			try ( ModelFile.Loaded loaded = ModelFile.load( model, MacroSettings.threads( o ) ) )
			{
				final ResultsTable codes = CodeTable.encode( loaded.model(), items( o, loaded ),
						MacroSettings.integer( o, Settings.ENCODE_TO_TABLE, "batch_size" ),
						BatchProgress.forMacro( "encode to table" ) );
				IJ.log( "Autoencoder: encode to table: " + codes.size() + " items; saved "
						+ OutputFiles.csv( codes, folder, "codes", model ) );
				return Integer.toString( codes.size() );
			}
		}
		catch ( final Exception e )
		{
			return fail( "encode to table", e );
		}
	}

	/** Writes {@code pca-2d.png}, {@code pca-3d.png} (3 or more components), {@code pca-coordinates.csv} and {@code pca-variance.csv}; returns the number of items. */
	public static String pcaPlot( final String options )
	{
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "pca plot", MacroSettings.PCA_KEYS );
			final Path model = o.path( "model_file" ), folder = o.path( "output_folder" );
			try ( ModelFile.Loaded loaded = ModelFile.load( model, MacroSettings.threads( o ) ) )
			{
				final ResultsTable codes = CodeTable.encode( loaded.model(), items( o, loaded ),
						CodeTable.DEFAULT_BATCH, BatchProgress.forMacro( "pca plot" ) );
				CodePca.of( codes, loaded.model().spec().name ).save( folder, model );
				IJ.log( "Autoencoder: pca plot: " + codes.size() + " items; saved the plots and tables to " + folder );
				return Integer.toString( codes.size() );
			}
		}
		catch ( final Exception e )
		{
			return fail( "pca plot", e );
		}
	}

	/** Writes {@code montage.png} (originals above reconstructions; {@code denoising-montage.png} with noise_sigma > 0); returns its path. */
	public static String reconstructionMontage( final String options )
	{
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "reconstruction montage", MacroSettings.MONTAGE_KEYS );
			final Path model = o.path( "model_file" ), folder = o.path( "output_folder" );
			final List< Setting > op = Settings.RECONSTRUCTION_MONTAGE;
			final int count = MacroSettings.integer( o, op, "count" ), gap = MacroSettings.integer( o, op, "gap" );
			final double sigma = MacroSettings.number( o, op, "noise_sigma", "0.1" );
			try ( ModelFile.Loaded loaded = ModelFile.load( model, MacroSettings.threads( o ) ) )
			{
				final ItemSet items = items( o, loaded );
				final ImagePlus montage = sigma > 0 ? Montage.denoising( loaded.model(), items, count, gap, sigma, 42 )
						: Montage.reconstructions( loaded.model(), items, count, gap );
				final Path png = OutputFiles.png( montage, folder, sigma > 0 ? "denoising-montage" : "montage", model );
				IJ.log( "Autoencoder: reconstruction montage: saved " + png );
				return png.toString();
			}
		}
		catch ( final Exception e )
		{
			return fail( "reconstruction montage", e );
		}
	}

	/** The items: the slices of input= (a path or an open image's title), else the images of input_folder=, normalised as the model file says. */
	private static ItemSet items( final MacroOptions o, final ModelFile.Loaded loaded ) throws java.io.IOException
	{
		final String json = loaded.extras().get( ModelFile.NORMALIZATION );
		final Normalization norm = json == null ? null : Normalization.fromJson( json );
		if ( o.has( "input" ) || !o.has( "input_folder" ) )
			return ItemSet.fromImage( MacroSettings.image( o, "input" ), norm );
		return ItemSet.fromFolder( o.path( "input_folder" ), norm );
	}
}
