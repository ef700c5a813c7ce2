package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleService;

import ij.IJ;
import ij.ImagePlus;

/** A headless SciJava run that omits a key gets the documented default, not the value an earlier run left in the preferences. */
class HeadlessDefaultsTest
{
	@TempDir
	Path dir;

	@Test
	void aTrainingThatOmitsEpochsTrainsTheDefault20NotThePreviousRunsOne() throws Exception
	{
		final ImagePlus image = IJ.openImage( "test-images/cell_256.tif" );
		try ( Context context = new Context() )
		{
			final CommandService commands = context.service( CommandService.class );
			final Object[] tiny = { "input", image, "mode", "Denoise (self-supervised)", "patches_per_epoch", 16,
					"patch_size", 16, "batch_size", 16, "patience", 0, "show_plot", false };
			final CommandModule first = commands.run( TrainAutoencoderCommand.class, true,
					with( tiny, "model_file", dir.resolve( "a.aemodel.zip" ).toFile(), "epochs", 1 ) ).get();
			assertTrue( ( ( String ) first.getOutput( "result" ) ).startsWith( "Trained 1 epochs" ),
					( String ) first.getOutput( "result" ) );
			// the first run's value was remembered, as SciJava does for every run ...
			final CommandInfo info = commands.getCommand( TrainAutoencoderCommand.class );
			assertEquals( 1, context.service( ModuleService.class ).load( info.getInput( "epochs" ) ),
					"SciJava remembered epochs=1" );
			// ... but a headless run that omits epochs gets the default
			final CommandModule second = commands.run( TrainAutoencoderCommand.class, true,
					with( tiny, "model_file", dir.resolve( "b.aemodel.zip" ).toFile() ) ).get();
			final String result = ( String ) second.getOutput( "result" );
			assertTrue( result.startsWith( "Trained 20 epochs" ),
					"the documented default, not the remembered 1: " + result );
		}
	}

	/** An image input is remembered as text too (its title and size); headless, an omitted one must stay empty, not become an empty image. */
	@Test
	void anOmittedTargetImageIsNotFilledFromTheRememberedOne() throws Exception
	{
		final ImagePlus image = IJ.openImage( "test-images/cell_256.tif" );
		try ( Context context = new Context() )
		{
			final CommandService commands = context.service( CommandService.class );
			final CommandInfo info = commands.getCommand( TrainAutoencoderCommand.class );
			final ModuleService modules = context.service( ModuleService.class );
			@SuppressWarnings( "unchecked" )
			final org.scijava.module.ModuleItem< ImagePlus > target = ( org.scijava.module.ModuleItem< ImagePlus > ) info
					.getInput( "target" );
			modules.save( target, image );
			assertTrue( modules.load( info.getInput( "target" ) ) != null, "SciJava remembered the target" );
			final CommandModule run = commands.run( TrainAutoencoderCommand.class, true, "input", image, "mode",
					"Denoise (paired)", "model_file", dir.resolve( "p.aemodel.zip" ).toFile(), "show_plot", false )
					.get();
			assertTrue( run.isCanceled(), "a paired training without a target must not run" );
			assertTrue( run.getCancelReason().contains( "needs a clean target image" ), run.getCancelReason() );
		}
	}

	static Object[] with( final Object[] a, final Object... more )
	{
		final Object[] all = java.util.Arrays.copyOf( a, a.length + more.length );
		System.arraycopy( more, 0, all, a.length, more.length );
		return all;
	}
}
