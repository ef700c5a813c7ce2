package fiji.plugin.autoencoder.ui;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import fiji.plugin.autoencoder.macro.ImageEntries;
import fiji.plugin.autoencoder.macro.TrainEntry;
import fiji.plugin.autoencoder.workflow.Setting;
import fiji.plugin.autoencoder.workflow.Settings;
import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

/**
 * The ImageJ 1 menu entries (plugins.config) for plain ImageJ without Fiji:
 * a GenericDialog built from the {@link Settings} definitions (field labels
 * are the snake_case macro keys, so the ImageJ 1 recorder writes the same keys
 * as the Fiji commands; defaults and choices are the commands'); the work is
 * done by the plain-macro entries of {@code macro} ({@code MacroCalls}).
 */
public class IJ1Plugin implements PlugIn
{
	/** The fields of each dialog, by the argument in plugins.config: settings of the operation the entry runs. */
	public static final Map< String, List< Setting > > DIALOGS;

	static
	{
		final Map< String, List< Setting > > d = new LinkedHashMap<>();
		d.put( "train", fields( Settings.TRAIN, "mode", "noise", "model_file", "epochs", "patches_per_epoch",
				"patch_size", "batch_size", "overwrite" ) );
		d.put( "denoise",
				fields( Settings.DENOISE, "model_file", "output_type", "tile_size", "average_orientations" ) );
		d.put( "folder", fields( Settings.DENOISE_FOLDER, "input_folder", "output_folder", "model_file", "shard_index",
				"shard_count" ) );
		d.put( "segment",
				fields( Settings.SEGMENT, "model_file", "threshold_method", "threshold_value", "smoothing_sigma",
						"min_size", "seed_threshold", "normal_image",
						"seed_false_positive_rate", "tile_size", "average_orientations" ) );
		DIALOGS = Collections.unmodifiableMap( d );
	}

	/** The entry that each dialog's options go to. */
	private static final Map< String, Function< String, String > > ENTRIES = new LinkedHashMap<>();

	static
	{
		ENTRIES.put( "train", TrainEntry::train );
		ENTRIES.put( "denoise", ImageEntries::denoise );
		ENTRIES.put( "folder", ImageEntries::denoiseFolder );
		ENTRIES.put( "segment", ImageEntries::segment );
	}

	private static List< Setting > fields( final List< Setting > operation, final String... keys )
	{
		final Setting[] s = new Setting[ keys.length ];
		for ( int i = 0; i < keys.length; i++ )
			s[ i ] = Settings.of( operation, keys[ i ] );
		return Collections.unmodifiableList( Arrays.asList( s ) );
	}

	@Override
	public void run( final String arg )
	{
		final List< Setting > fields = DIALOGS.get( arg );
		if ( fields == null )
		{
			IJ.error( "Autoencoder", "Unknown command '" + arg + "'" );
			return;
		}
		final GenericDialog gd = new GenericDialog( "Autoencoder: " + arg );
		for ( final Setting s : fields )
			add( gd, s, "train".equals( arg ) );
		if ( "segment".equals( arg ) )
			gd.addMessage(
					"Calibrated: the threshold value is the fraction of the normal image's pixels allowed above the threshold (e.g. 0.001).\n"
							+ "Normal image: a defect-free image the model was not trained on. Anomaly segmenter models: Value 0.5." );
		gd.showDialog();
		if ( gd.wasCanceled() )
			return;
		final StringBuilder options = new StringBuilder();
		for ( final Setting s : fields )
			options.append( options.length() == 0 ? "" : " " ).append( s.key ).append( '=' ).append( next( gd, s ) );
		ENTRIES.get( arg ).apply( options.toString() );
	}

	private static void add( final GenericDialog gd, final Setting s, final boolean newModel )
	{
		switch ( s.type )
		{
		case CHOICE:
			gd.addChoice( s.key, s.choices.toArray( new String[ 0 ] ), s.defaultValue );
			break;
		case FLAG:
			gd.addCheckbox( s.key, s.defaultFlag() );
			break;
		case INTEGER:
			gd.addNumericField( s.key, s.defaultInt(), 0 );
			break;
		case NUMBER:
			gd.addNumericField( s.key, s.defaultNumber(), 4 );
			break;
		case FILE:
			gd.addFileField( s.key, newModel && s == Settings.MODEL_FILE
					? IJ.getDirectory( "home" ) + "model.aemodel.zip" : s.defaultValue );
			break;
		case FOLDER:
			gd.addDirectoryField( s.key, s.defaultValue );
			break;
		default:
			gd.addStringField( s.key, s.defaultValue, 30 );
		}
	}

	/** The field's value as the macro entries read it (text in brackets). */
	private static String next( final GenericDialog gd, final Setting s )
	{
		switch ( s.type )
		{
		case CHOICE:
			return "[" + gd.getNextChoice() + "]";
		case FLAG:
			return Boolean.toString( gd.getNextBoolean() );
		case INTEGER:
			return Integer.toString( ( int ) gd.getNextNumber() );
		case NUMBER:
			return Double.toString( gd.getNextNumber() );
		default:
			return "[" + gd.getNextString() + "]";
		}
	}
}
