package fiji.plugin.autoencoder.ui;

import fiji.plugin.autoencoder.MacroCalls;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

/**
 * The ImageJ 1 menu entries (plugins.config) for plain ImageJ without Fiji:
 * a GenericDialog whose field labels are the snake_case macro keys, so the
 * ImageJ 1 recorder writes the same keys as the Fiji commands; the work is
 * done by {@link MacroCalls}.
 */
public class IJ1Plugin implements PlugIn
{
	@Override
	public void run( final String arg )
	{
		final GenericDialog gd = new GenericDialog( "Autoencoder: " + arg );
		if ( "train".equals( arg ) )
		{
			gd.addChoice( "mode", TrainingMode.labels(), TrainingMode.DENOISE_SELF_SUPERVISED.label );
			gd.addStringField( "noise", "poisson-gaussian:peak=30,sigma=2", 30 );
			gd.addFileField( "model_file", IJ.getDirectory( "home" ) + "model.aemodel.zip" );
			gd.addNumericField( "epochs", 20, 0 );
			gd.addNumericField( "patches_per_epoch", 1024, 0 );
			gd.addNumericField( "patch_size", 64, 0 );
			gd.addNumericField( "batch_size", 16, 0 );
			gd.addCheckbox( "overwrite", false );
			gd.showDialog();
			if ( gd.wasCanceled() )
				return;
			MacroCalls.train( "mode=[" + gd.getNextChoice() + "] noise=[" + gd.getNextString() + "] model_file=[" + gd.getNextString() + "] epochs=" + ( int ) gd.getNextNumber()
					+ " patches_per_epoch=" + ( int ) gd.getNextNumber() + " patch_size=" + ( int ) gd.getNextNumber() + " batch_size=" + ( int ) gd.getNextNumber() + " overwrite=" + gd.getNextBoolean() );
		}
		else if ( "denoise".equals( arg ) )
		{
			gd.addFileField( "model_file", "" );
			gd.addChoice( "output_type", new String[] { "Same as input", "32-bit" }, "Same as input" );
			gd.addNumericField( "tile_size", 0, 0 );
			gd.addCheckbox( "average_orientations", fiji.plugin.autoencoder.denoise.Denoiser.AVERAGE_ORIENTATIONS );
			gd.showDialog();
			if ( gd.wasCanceled() )
				return;
			MacroCalls.denoise( "model_file=[" + gd.getNextString() + "] output_type=[" + gd.getNextChoice() + "] tile_size=" + ( int ) gd.getNextNumber()
					+ " average_orientations=" + gd.getNextBoolean() );
		}
		else if ( "folder".equals( arg ) )
		{
			gd.addDirectoryField( "input_folder", "" );
			gd.addDirectoryField( "output_folder", "" );
			gd.addFileField( "model_file", "" );
			gd.addNumericField( "shard_index", 0, 0 );
			gd.addNumericField( "shard_count", 1, 0 );
			gd.showDialog();
			if ( gd.wasCanceled() )
				return;
			MacroCalls.denoiseFolder( "input_folder=[" + gd.getNextString() + "] output_folder=[" + gd.getNextString() + "] model_file=[" + gd.getNextString()
					+ "] shard_index=" + ( int ) gd.getNextNumber() + " shard_count=" + ( int ) gd.getNextNumber() );
		}
		else if ( "segment".equals( arg ) )
		{
			gd.addFileField( "model_file", "" );
			gd.addChoice( "threshold_method", new String[] { "Otsu", "Percentile", "Value", "Calibrated" }, "Otsu" );
			gd.addNumericField( "threshold_value", 99, 4 );
			gd.addNumericField( "smoothing_sigma", 1, 2 );
			gd.addNumericField( "min_size", 10, 0 );
			gd.addNumericField( "seed_threshold", 0, 4 );
			gd.addFileField( "normal_image", "" );
			gd.addNumericField( "seed_false_positive_rate", 0, 6 );
			gd.addNumericField( "tile_size", 0, 0 );
			gd.addCheckbox( "average_orientations", false );
			gd.addMessage( "Calibrated: the threshold value is the fraction of the normal image's pixels allowed above the threshold (e.g. 0.001).\n"
					+ "Normal image: a defect-free image the model was not trained on. Anomaly segmenter models: Value 0.5." );
			gd.showDialog();
			if ( gd.wasCanceled() )
				return;
			MacroCalls.segment( "model_file=[" + gd.getNextString() + "] threshold_method=" + gd.getNextChoice() + " threshold_value=" + gd.getNextNumber()
					+ " smoothing_sigma=" + gd.getNextNumber() + " min_size=" + ( int ) gd.getNextNumber() + " seed_threshold=" + gd.getNextNumber()
					+ " normal_image=[" + gd.getNextString() + "] seed_false_positive_rate=" + gd.getNextNumber() + " tile_size=" + ( int ) gd.getNextNumber()
					+ " average_orientations=" + gd.getNextBoolean() );
		}
		else
			IJ.error( "Autoencoder", "Unknown command '" + arg + "'" );
	}
}
