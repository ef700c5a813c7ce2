package fiji.plugin.autoencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;

import fiji.plugin.autoencoder.cli.Main;
import fiji.plugin.autoencoder.commands.DenoiseFolderCommand;
import fiji.plugin.autoencoder.commands.DenoiseImageCommand;
import fiji.plugin.autoencoder.commands.SegmentByReconstructionCommand;
import fiji.plugin.autoencoder.commands.ReconstructImageCommand;
import fiji.plugin.autoencoder.commands.SegmentFolderCommand;
import fiji.plugin.autoencoder.commands.SegmentImageCommand;
import fiji.plugin.autoencoder.commands.TrainSegmenterCommand;
import fiji.plugin.autoencoder.commands.TrainAutoencoderCommand;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.macro.MacroSettings;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.SegmentationFiles;
import fiji.plugin.autoencoder.ui.IJ1Plugin;
import fiji.plugin.autoencoder.workflow.Setting;
import fiji.plugin.autoencoder.workflow.Settings;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Each setting is defined once ({@link Settings}): every SciJava command's
 * inputs, the plain-macro keys ({@link MacroSettings}), the ImageJ 1 dialogs
 * and the command-line options agree with the definitions in keys, defaults
 * and choices (and minimum, where the command gives one).
 */
class SettingsTest
{
	@TempDir
	Path dir;

	/** The operations of the main commands. */
	private static final Map< Class< ? >, List< Setting > > OPERATIONS = new LinkedHashMap<>();

	static
	{
		OPERATIONS.put( TrainAutoencoderCommand.class, Settings.TRAIN );
		OPERATIONS.put( DenoiseImageCommand.class, Settings.DENOISE );
		OPERATIONS.put( DenoiseFolderCommand.class, Settings.DENOISE_FOLDER );
		OPERATIONS.put( SegmentByReconstructionCommand.class, Settings.SEGMENT );
		OPERATIONS.put( SegmentFolderCommand.class, Settings.SEGMENT_FOLDER );
		OPERATIONS.put( TrainSegmenterCommand.class, Settings.TRAIN_SEGMENTER );
		OPERATIONS.put( SegmentImageCommand.class, Settings.SEGMENT_IMAGE );
		OPERATIONS.put( ReconstructImageCommand.class, Settings.RECONSTRUCT );
		OPERATIONS.put( fiji.plugin.autoencoder.commands.EncodeToTableCommand.class, Settings.ENCODE_TO_TABLE );
		OPERATIONS.put( fiji.plugin.autoencoder.commands.PcaPlotCommand.class, Settings.PCA_PLOT );
		OPERATIONS.put( fiji.plugin.autoencoder.commands.ReconstructionMontageCommand.class,
				Settings.RECONSTRUCTION_MONTAGE );
	}

	/** Settings whose default means the same in every operation: any command or CLI option with the key must have it. */
	private static final List< Setting > SHARED = Arrays.asList( Settings.TILE_SIZE, Settings.THREADS,
			Settings.SHARD_INDEX, Settings.SHARD_COUNT, Settings.AVERAGE_ORIENTATIONS,
			Settings.NORMALIZATION, Settings.SEED );

	/** Inputs a command has that are not settings: images passed by SciJava, and the live plot. */
	private static final List< String > NOT_SETTINGS = Arrays.asList( "input", "target", "mask", "validation_image",
			"validation_mask", "validation_target", "show_plot",
			"save_folder" /* the Inspect commands' old key of output_folder, still accepted */ );

	private static Setting shared( final String key )
	{
		for ( final Setting s : SHARED )
			if ( s.key.equals( key ) )
				return s;
		return null;
	}

	/** A value as the definitions write it: numbers as doubles, the rest as text. */
	private static String normalized( final Setting s, final Object value )
	{
		if ( value == null )
			return "";
		if ( s.type == Setting.Type.NUMBER || s.type == Setting.Type.INTEGER )
			return Double.toString( ( ( Number ) value ).doubleValue() );
		return value.toString();
	}

	private static String normalized( final Setting s, final String value )
	{
		return s.type == Setting.Type.NUMBER || s.type == Setting.Type.INTEGER
				? Double.toString( Double.parseDouble( value ) ) : value;
	}

	@Test
	void everyCommandInputAgreesWithItsDefinition() throws Exception
	{
		final List< String > problems = new ArrayList<>();
		int checked = 0;
		try ( Context context = new Context( CommandService.class ) )
		{
			final List< CommandInfo > commands = new ArrayList<>();
			for ( final CommandInfo info : context.service( CommandService.class ).getCommands() )
				if ( info.getClassName().startsWith( "fiji.plugin.autoencoder.commands." ) && info.getMenuPath() != null
						&& !info.getMenuPath().isEmpty() )
					commands.add( info );
			assertTrue( commands.size() >= 15, "the plugin's commands: " + commands );
			for ( final CommandInfo info : commands )
			{
				final Module module = info.createModule();
				final List< Setting > operation = OPERATIONS.keySet().stream()
						.filter( c -> c.getName().equals( info.getClassName() ) ).map( OPERATIONS::get ).findFirst()
						.orElse( null );
				final TreeSet< String > keys = new TreeSet<>();
				for ( final ModuleItem< ? > item : info.inputs() )
				{
					if ( Service.class.isAssignableFrom( item.getType() )
							|| Context.class.isAssignableFrom( item.getType() ) || item.getIOType() == ItemIO.OUTPUT
							|| item.getVisibility() == ItemVisibility.MESSAGE )
						continue;
					final String key = item.getName();
					keys.add( key );
					final Setting s = operation != null && !NOT_SETTINGS.contains( key ) ? find( operation, key )
							: shared( key );
					final String where = info.getTitle() + " / " + key;
					if ( s == null )
					{
						if ( operation != null && !NOT_SETTINGS.contains( key ) )
							problems.add( where + ": not defined in the operation's Settings" );
						continue;
					}
					checked++;
					if ( s.type != Setting.Type.FILE && s.type != Setting.Type.FOLDER
							&& !normalized( s, s.defaultValue ).equals( normalized( s, item.getValue( module ) ) ) )
						problems.add( where + ": default " + item.getValue( module ) + ", the definition says "
								+ s.defaultValue );
					final List< String > choices = new ArrayList<>();
					if ( item.getChoices() != null )
						for ( final Object c : item.getChoices() )
							choices.add( c.toString() );
					if ( !choices.equals( s.choices ) )
						problems.add( where + ": choices " + choices + ", the definition says " + s.choices );
					if ( item.getMinimumValue() != null
							&& ( s.min == null || ( ( Number ) item.getMinimumValue() ).doubleValue() != s.min ) )
						problems.add(
								where + ": minimum " + item.getMinimumValue() + ", the definition says " + s.min );
				}
				if ( operation != null )
					for ( final Setting s : operation )
						if ( !keys.contains( s.key ) )
							problems.add(
									info.getTitle() + ": has no input " + s.key + " of its operation's Settings" );
			}
		}
		assertEquals( new ArrayList<>(), problems );
		assertTrue( checked >= 70, checked + " inputs checked" );
	}

	private static Setting find( final List< Setting > operation, final String key )
	{
		for ( final Setting s : operation )
			if ( s.key.equals( key ) )
				return s;
		return null;
	}

	@Test
	void macroKeysAreTheOperationsSettingsPlusImagesAndTargets()
	{
		final Map< List< String >, List< Setting > > macro = new LinkedHashMap<>();
		macro.put( MacroSettings.TRAIN_KEYS, Settings.TRAIN );
		macro.put( MacroSettings.DENOISE_KEYS, Settings.DENOISE );
		macro.put( MacroSettings.FOLDER_DENOISE_KEYS, Settings.DENOISE_FOLDER );
		macro.put( MacroSettings.SEGMENT_KEYS, Settings.SEGMENT );
		macro.put( MacroSettings.FOLDER_SEGMENT_KEYS, Settings.SEGMENT_FOLDER );
		macro.put( MacroSettings.TRAIN_SEGMENTER_KEYS, Settings.TRAIN_SEGMENTER );
		macro.put( MacroSettings.SEGMENT_IMAGE_KEYS, Settings.SEGMENT_IMAGE );
		macro.put( MacroSettings.RECONSTRUCT_KEYS, Settings.RECONSTRUCT );
		macro.put( MacroSettings.INSPECT_KEYS, Settings.INSPECT );
		macro.put( MacroSettings.ENCODE_KEYS, Settings.ENCODE_TO_TABLE );
		macro.put( MacroSettings.PCA_KEYS, Settings.PCA_PLOT );
		macro.put( MacroSettings.MONTAGE_KEYS, Settings.RECONSTRUCTION_MONTAGE );
		for ( final Map.Entry< List< String >, List< Setting > > e : macro.entrySet() )
		{
			final List< String > extra = new ArrayList<>( e.getKey() );
			for ( final Setting s : e.getValue() )
				assertTrue( extra.remove( s.key ), s.key + " is a macro key" );
			assertTrue(
					Arrays.asList( "input", "target", "mask", "validation_image", "validation_mask",
							"validation_target", "output", "output_folder" ).containsAll( extra ),
					"macro-only keys name images and outputs: " + extra );
		}
		// the defaults the macro entries read are the commands': one folder segmentation with no optional key
		final ReconstructionSegmenter.Settings folder = MacroSettings.segmentSettings(
				MacroOptions.parse( "", "segment folder", MacroSettings.FOLDER_SEGMENT_KEYS ),
				Settings.SEGMENT_FOLDER );
		assertEquals( "VALUE 0.5 0.0 10",
				folder.method + " " + folder.thresholdValue + " " + folder.map.sigma + " " + folder.minSize );
		final ReconstructionSegmenter.Settings one = MacroSettings
				.segmentSettings( MacroOptions.parse( "", "segment", MacroSettings.SEGMENT_KEYS ), Settings.SEGMENT );
		assertEquals( "OTSU 99.0 1.0 10",
				one.method + " " + one.thresholdValue + " " + one.map.sigma + " " + one.minSize );
	}

	@Test
	void imageJ1DialogsShowTheirOperationsSettings()
	{
		final Map< String, List< Setting > > operations = new LinkedHashMap<>();
		operations.put( "train", Settings.TRAIN );
		operations.put( "denoise", Settings.DENOISE );
		operations.put( "folder", Settings.DENOISE_FOLDER );
		operations.put( "segment", Settings.SEGMENT );
		assertEquals( operations.keySet(), IJ1Plugin.DIALOGS.keySet() );
		for ( final Map.Entry< String, List< Setting > > e : IJ1Plugin.DIALOGS.entrySet() )
			for ( final Setting s : e.getValue() )
				assertTrue( operations.get( e.getKey() ).contains( s ), e.getKey() + " dialog: " + s
						+ " is its operation's definition (same key, default and choices)" );
	}

	@Test
	void commandLineOptionsOfASettingHaveItsDefault()
	{
		final List< String > problems = new ArrayList<>();
		int checked = 0;
		for ( final CommandLine sub : new CommandLine( new Main() ).getSubcommands().values() )
			for ( final OptionSpec o : sub.getCommandSpec().options() )
			{
				final String key = o.longestName().replaceFirst( "^--", "" ).replace( '-', '_' );
				final Setting s = shared( key );
				if ( s == null )
					continue;
				checked++;
				assertEquals( s.option(), o.longestName() );
				final Object initial = o.defaultValue() != null ? o.defaultValue() : o.initialValue();
				if ( initial == null )
					continue; // no default of its own: an absent option is an absent macro key, so the definition's default applies (CliTest compares outputs)
				final String value = initial.toString();
				if ( !normalized( s, s.defaultValue ).equals( value.isEmpty() ? "" : normalized( s, value ) ) )
					problems.add( sub.getCommandName() + " " + o.longestName() + ": default " + value
							+ ", the definition says " + s.defaultValue );
			}
		assertEquals( new ArrayList<>(), problems );
		assertTrue( checked >= 3, checked + " options checked" );
	}

	/**
	 * Segment Folder by Reconstruction from the menu command and from
	 * {@code MacroCalls.segmentFolder} and the CLI's
	 * {@code segment-by-reconstruction} on a folder, given only the required keys, write
	 * the same maps, masks, labels and tables: the same defaults (before, the
	 * macro entry used Otsu, 99 and sigma 1, which here gives other maps).
	 */
	@Test
	void segmentFolderGivesTheSameResultFromTheCommandTheMacroEntryAndTheCommandLine() throws Exception
	{
		final ImageProcessor brick = TestImages.open( "brick.png" ).getProcessor();
		final Path in = Files.createDirectories( dir.resolve( "parts" ) ), fromCommand = dir.resolve( "command" ),
				fromMacro = dir.resolve( "macro" ), fromCli = dir.resolve( "cli" );
		for ( int k = 0; k < 2; k++ )
		{
			brick.setRoi( 96 * k, 300, 64, 64 );
			final ImageProcessor part = brick.crop().convertToFloat();
			part.multiply( 1 / 255.0 );
			part.setValue( 3 ); // a bright defect: its error is far above the 0.5 threshold
			part.fillOval( 20 + 10 * k, 20, 12, 12 );
			assertTrue( new FileSaver( new ImagePlus( "part" + k, part ) )
					.saveAsTiff( in.resolve( "part" + k + ".tif" ).toString() ) );
		}
		final Path model = dir.resolve( "untrained.aemodel.zip" );
		try ( Model m = Model.create( Presets.convPool( ModelSpec.Unpooling.NEAREST ), 3, 1 ) )
		{
			ModelFile.save( m, model, Collections.emptyMap() );
		}
		try ( Context context = new Context() )
		{
			final CommandModule run = context.service( CommandService.class )
					.run( SegmentFolderCommand.class, true, "input_folder", in.toFile(), "output_folder",
							fromCommand.toFile(),
							"model_file", model.toFile() )
					.get();
			assertFalse( run.isCanceled(), run.getCancelReason() );
		}
		final String macro = MacroCalls.segmentFolder(
				"input_folder=[" + in + "] output_folder=[" + fromMacro + "] model_file=[" + model + "]" );
		assertEquals( "2 written, 0 skipped (output exists), 0 failed", macro );
		assertEquals( 0, fiji.plugin.autoencoder.cli.Main.run( "segment-by-reconstruction", "--model", model.toString(),
				"--input", in.toString(), "--output", fromCli.toString() ) );
		boolean otherDefaultsDiffer = false;
		int objects = 0;
		for ( int k = 0; k < 2; k++ )
		{
			final List< Path > a = SegmentationFiles.files( fromCommand, "part" + k );
			final ImagePlus maskA = IJ.openImage( a.get( 1 ).toString() );
			final float[] mapA = ( float[] ) IJ.openImage( a.get( 0 ).toString() ).getProcessor().getPixels();
			for ( final Path other : Arrays.asList( fromMacro, fromCli ) )
			{
				final List< Path > b = SegmentationFiles.files( other, "part" + k );
				final String what = " of part" + k + " from " + other.getFileName();
				assertArrayEquals( ( byte[] ) maskA.getProcessor().getPixels(),
						( byte[] ) IJ.openImage( b.get( 1 ).toString() ).getProcessor().getPixels(), "mask" + what );
				assertArrayEquals( ( short[] ) IJ.openImage( a.get( 3 ).toString() ).getProcessor().getPixels(),
						( short[] ) IJ.openImage( b.get( 3 ).toString() ).getProcessor().getPixels(),
						"labels" + what );
				assertEquals( Files.readAllLines( a.get( 2 ) ), Files.readAllLines( b.get( 2 ) ),
						"objects table" + what );
				assertArrayEquals( mapA, ( float[] ) IJ.openImage( b.get( 0 ).toString() ).getProcessor().getPixels(),
						"anomaly map" + what );
			}
			objects += Files.readAllLines( a.get( 2 ) ).size() - 1;
			// the sensitivity of this comparison: the macro entry's former defaults segment differently
			try ( ModelFile.Loaded m = ModelFile.load( model, 1 ) )
			{
				final ImagePlus image = IJ.openImage( in.resolve( "part" + k + ".tif" ).toString() );
				final float[] old = ( float[] ) ReconstructionSegmenter.segment( m, image,
						ReconstructionSegmenter.Settings.of( "Otsu", 99, 1, 10 ),
						fiji.plugin.autoencoder.core.Progress.none() ).score.getProcessor().getPixels();
				otherDefaultsDiffer |= !Arrays.equals( old, mapA );
			}
		}
		assertTrue( objects >= 2, objects + " objects: the bright defects are found" );
		assertTrue( otherDefaultsDiffer,
				"Otsu, 99 and sigma 1 give other anomaly maps than the defaults (Value, 0.5, sigma 0)" );
		System.out.println( "segment folder defaults: " + objects
				+ " objects in 2 parts, the same from the command, the macro entry and the CLI" );
	}
}
