package fiji.plugin.autoencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.commands.EncodeToTableCommand;
import fiji.plugin.autoencoder.commands.PcaPlotCommand;
import fiji.plugin.autoencoder.commands.ReconstructionMontageCommand;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.TestImages;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ImageProcessor;

/**
 * The plain-macro entries of the remaining Inspect commands (encodeToTable,
 * pcaPlot, reconstructionMontage) in real ImageJ {@code -batch}: their files
 * equal those the SciJava commands write into {@code output_folder} (the
 * unified key), and the codes equal the model's own encoding of the pixels.
 */
class InspectMacroEntriesTest
{
	@TempDir
	Path dir;

	@Test
	@org.junit.jupiter.api.Tag( "slow" ) // another JVM (ImageJ -batch): excluded from the fast tier
	void inspectEntriesWriteWhatTheCommandsWrite() throws Exception
	{
		final ImageProcessor camera = TestImages.open( "camera.png" ).getProcessor();
		final ImageStack s = new ImageStack( 28, 28 );
		final int n = 12;
		final float[] pixels = new float[ n * 28 * 28 ];
		for ( int i = 0; i < n; i++ )
		{
			camera.setRoi( 30 * i, 200 + 7 * i, 28, 28 );
			final ImageProcessor tile = camera.crop();
			for ( int j = 0; j < 28 * 28; j++ )
				pixels[ i * 784 + j ] = tile.get( j ) / 255f;
			s.addSlice( ( i % 2 == 0 ? "even" : "odd" ) + "/tile_" + i, tile );
		}
		final Path items = dir.resolve( "tiles.tif" ), model = dir.resolve( "ae.aemodel.zip" ),
				macroOut = dir.resolve( "macro out" ), commandOut = dir.resolve( "command" );
		assertTrue( new FileSaver( new ImagePlus( "tiles", s ) ).saveAsTiffStack( items.toString() ) );
		try ( Model m = Model.create( Presets.convPool( ModelSpec.Unpooling.NEAREST ), 3, 1 ) )
		{
			ModelFile.save( m, model, Map.of( ModelFile.NORMALIZATION, Normalization.eightBit().toJson() ) );
		}
		final String call = "call(\"fiji.plugin.autoencoder.MacroCalls.",
				keys = "input=[" + items + "] model_file=[" + model + "] output_folder=[" + macroOut + "]";
		final String macro = "print(\"codes: \" + " + call + "encodeToTable\", \"" + keys + " batch_size=5\"));\n"
				+ "print(\"pca: \" + " + call + "pcaPlot\", \"" + keys + "\"));\n"
				+ "print(\"montage: \" + " + call + "reconstructionMontage\", \"" + keys + " count=6 gap=2\"));\n"
				+ "print(\"done\");\n";
		final Path file = dir.resolve( "inspect.ijm" );
		Files.write( file, macro.getBytes( StandardCharsets.UTF_8 ) );
		final int[] exit = new int[ 1 ];
		final String log = MacroBatchTest.runBatch( file, "", exit );
		System.out.println( log );
		assertEquals( 0, exit[ 0 ], log );
		assertTrue( log.contains( "codes: " + n ) && log.contains( "pca: " + n ) && log.contains( "done" ), log );

		final ImagePlus stack = IJ.openImage( items.toString() );
		try ( Context context = new Context() )
		{
			final CommandService cs = context.service( CommandService.class );
			for ( final CommandModule m : new CommandModule[] {
					cs.run( EncodeToTableCommand.class, true, "model_file", model.toFile(), "input", stack,
							"batch_size", 5, "output_folder", commandOut.toFile() ).get(),
					cs.run( PcaPlotCommand.class, true, "model_file", model.toFile(), "input", stack, "output_folder",
							commandOut.toFile() ).get(),
					cs.run( ReconstructionMontageCommand.class, true, "model_file", model.toFile(), "input", stack,
							"count", 6, "gap", 2, "output_folder", commandOut.toFile() ).get() } )
				assertFalse( m.isCanceled(), m.getCancelReason() );
		}
		for ( final String csv : new String[] { "codes.csv", "pca-coordinates.csv", "pca-variance.csv" } )
			assertEquals( Files.readAllLines( commandOut.resolve( csv ) ),
					Files.readAllLines( macroOut.resolve( csv ) ), csv + ": the macro's equals the command's" );
		for ( final String png : new String[] { "montage.png", "pca-2d.png", "pca-3d.png" } )
		{
			final ImagePlus a = IJ.openImage( commandOut.resolve( png ).toString() ),
					b = IJ.openImage( macroOut.resolve( png ).toString() );
			assertEquals( a.getWidth() + " x " + a.getHeight(), b.getWidth() + " x " + b.getHeight(), png );
			assertArrayEquals( ( int[] ) a.getProcessor().convertToRGB().getPixels(),
					( int[] ) b.getProcessor().convertToRGB().getPixels(), png + ": the same pixels" );
		}
		// by value: one row per tile with its class, and the codes are the model's encoding of the pixels / 255
		final List< String > codes = Files.readAllLines( macroOut.resolve( "codes.csv" ) );
		assertEquals( n + 1, codes.size() );
		final List< String > header = java.util.Arrays.asList( codes.get( 0 ).split( "," ) );
		try ( ModelFile.Loaded loaded = ModelFile.load( model, 1 ) )
		{
			final float[] direct = loaded.model().encode( pixels, n, new int[] { 28, 28 } ).data;
			final int size = direct.length / n,
					first = header.indexOf( "c0" ) >= 0 ? header.indexOf( "c0" ) : header.size() - size;
			double worst = 0;
			for ( int i = 0; i < n; i++ )
			{
				final String[] row = codes.get( i + 1 ).split( "," );
				assertTrue( codes.get( i + 1 ).contains( i % 2 == 0 ? "even" : "odd" ), codes.get( i + 1 ) );
				for ( int j = 0; j < size; j++ )
					worst = Math.max( worst,
							Math.abs( Double.parseDouble( row[ first + j ] ) - direct[ i * size + j ] ) );
			}
			assertTrue( worst < 1e-4, "codes.csv against the model's encoding: " + worst );
		}
		final ImagePlus montage = IJ.openImage( macroOut.resolve( "montage.png" ).toString() );
		assertEquals( 6 * 28 + 5 * 2, montage.getWidth(), "6 tiles with 2-pixel gaps" );
	}
}
