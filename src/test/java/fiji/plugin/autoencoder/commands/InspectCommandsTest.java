package fiji.plugin.autoencoder.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.features.CodeTable;
import fiji.plugin.autoencoder.features.ItemSet;
import fiji.plugin.autoencoder.features.Montage;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.FashionMnistSubset;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.IdxReader;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;

/**
 * Runs every Inspect command through a real SciJava context with its macro
 * keys, on a conv_pool model trained for one epoch on 400 Fashion-MNIST images,
 * and checks the outputs' values.
 */
class InspectCommandsTest
{
	@TempDir
	static Path dir;

	static Path modelFile;

	static History history;

	static Context context;

	static CommandService commands;

	/** 30 Fashion-MNIST test images as an 8-bit stack, slice labels "class/image_i". */
	static ImagePlus stack;

	static float[] pixels;

	@BeforeAll
	static void trainAndSave() throws Exception
	{
		final float[] x = FashionMnistSubset.images( 400 );
		history = new History();
		try ( Model model = Model.create( Presets.convPool( ModelSpec.Unpooling.NEAREST ), 1, 2 ) )
		{
			new Trainer().train( model, new ArrayTrainingData( x, 400, 28, 28, 1 ), null,
					new TrainingConfig().epochs( 2 ).batchSize( 32 ), history,
					TrainingListener.none() );
			modelFile = dir.resolve( "conv_pool.aemodel.zip" );
			ModelFile.save( model, modelFile, Map.of( ModelFile.HISTORY, history.toJson(), ModelFile.NORMALIZATION,
					Normalization.eightBit().toJson() ) ); // as the MNIST CLI
		}
		final IdxReader.Images images = IdxReader.readImages( IdxReader.fashionMnist( "t10k-images-idx3-ubyte.gz" ) );
		final int[] labels = IdxReader.readLabels( IdxReader.fashionMnist( "t10k-labels-idx1-ubyte.gz" ) );
		final ImageStack s = new ImageStack( 28, 28 );
		for ( int i = 0; i < 30; i++ )
			s.addSlice( ItemSet.FASHION_MNIST_CLASSES[ labels[ i ] ] + "/image_" + i,
					new ByteProcessor( 28, 28,
							java.util.Arrays.copyOfRange( images.pixels, i * 784, ( i + 1 ) * 784 ) ) );
		stack = new ImagePlus( "t10k", s );
		pixels = images.toFloats( 30 );
		context = new Context( CommandService.class );
		commands = context.service( CommandService.class );
	}

	@AfterAll
	static void closeContext()
	{
		if ( context != null )
			context.dispose();
	}

	static CommandModule run( final Class< ? extends org.scijava.command.Command > command,
			final Object... keysAndValues ) throws Exception
	{
		return commands.run( command, true, keysAndValues ).get();
	}

	@Test
	void encodeToTable() throws Exception
	{
		final File out = dir.resolve( "encode" ).toFile();
		final CommandModule m = run( EncodeToTableCommand.class, "model_file", modelFile.toFile(), "input", stack,
				"batch_size", 8, "save_folder", out );
		assertFalse( m.isCanceled(), m.getCancelReason() );
		final ResultsTable codes = ( ResultsTable ) m.getOutput( "codes" );
		assertEquals( 30, codes.size() );
		final double[][] c = CodeTable.codes( codes );
		assertEquals( 7 * 7 * 8, c[ 0 ].length );
		assertEquals( stack.getStack().getSliceLabel( 5 ).split( "/" )[ 0 ], codes.getStringValue( "class", 4 ) );
		assertEquals( "image_4", stack.getStack().getSliceLabel( 5 ).split( "/" )[ 1 ] );
		try ( ModelFile.Loaded loaded = ModelFile.load( modelFile, 1 ) )
		{
			final float[] direct = loaded.model().encode( pixels, 30, new int[] { 28, 28 } ).data;
			double worst = 0;
			for ( int i = 0; i < 30; i++ )
				for ( int j = 0; j < 392; j++ )
					worst = Math.max( worst, Math.abs( c[ i ][ j ] - direct[ i * 392 + j ] ) );
			assertTrue( worst < 1e-5, "table vs direct encoding of the pixels / 255: " + worst );
		}
		assertEquals( 31, Files.readAllLines( out.toPath().resolve( "codes.csv" ) ).size() );
	}

	@Test
	void pcaPlot() throws Exception
	{
		final File out = dir.resolve( "pca" ).toFile();
		final CommandModule m = run( PcaPlotCommand.class, "model_file", modelFile.toFile(), "input", stack,
				"save_folder", out );
		assertFalse( m.isCanceled(), m.getCancelReason() );
		final ImagePlus plane = ( ImagePlus ) m.getOutput( "pca_2d" ), pairs = ( ImagePlus ) m.getOutput( "pca_3d" );
		assertEquals( 24, plane.getBitDepth() );
		assertEquals( 3 * plane.getWidth(), pairs.getWidth() );
		final ResultsTable coords = ( ResultsTable ) m.getOutput( "coordinates" ),
				variance = ( ResultsTable ) m.getOutput( "variance" );
		assertEquals( 30, coords.size() );
		assertEquals( codesClass( 7 ), coords.getStringValue( "class", 7 ) );
		double mean = 0;
		for ( int i = 0; i < 30; i++ )
			mean += coords.getValue( "pc1", i ) / 30;
		assertEquals( 0, mean, 1e-4, "projections are centred" );
		final double r1 = variance.getValue( "explained_variance_ratio", 0 ),
				r2 = variance.getValue( "explained_variance_ratio", 1 ),
				r3 = variance.getValue( "explained_variance_ratio", 2 );
		assertTrue( r1 >= r2 && r2 >= r3 && r3 > 0 && r1 + r2 + r3 <= 1 + 1e-9, r1 + " " + r2 + " " + r3 );
		for ( final String f : new String[] { "pca-2d.png", "pca-3d.png", "pca-coordinates.csv", "pca-variance.csv" } )
			assertTrue( Files.size( out.toPath().resolve( f ) ) > 0, f );
	}

	static String codesClass( final int slice )
	{
		return stack.getStack().getSliceLabel( slice + 1 ).split( "/" )[ 0 ];
	}

	@Test
	void reconstructionMontage() throws Exception
	{
		final CommandModule m = run( ReconstructionMontageCommand.class, "model_file", modelFile.toFile(), "input",
				stack, "count", 5, "gap", 1 );
		assertFalse( m.isCanceled(), m.getCancelReason() );
		final ImagePlus montage = ( ImagePlus ) m.getOutput( "montage" );
		assertEquals( 5 * 28 + 4, montage.getWidth() );
		assertEquals( 57, montage.getHeight() );
		try ( ModelFile.Loaded loaded = ModelFile.load( modelFile, 1 ) )
		{
			final float[] rec = loaded.model().reconstruct( java.util.Arrays.copyOf( pixels, 5 * 784 ), 5 );
			for ( int j = 0; j < 5; j++ )
			{
				assertArrayEquals( java.util.Arrays.copyOfRange( pixels, j * 784, ( j + 1 ) * 784 ),
						Montage.cell( montage, 0, j, 28, 28, 1 ) );
				final float[] bottom = Montage.cell( montage, 1, j, 28, 28, 1 );
				for ( int i = 0; i < 784; i++ )
					assertEquals( rec[ j * 784 + i ], bottom[ i ], 1e-6 );
			}
		}
	}

	@Test
	void lossCurves() throws Exception
	{
		final File out = dir.resolve( "loss" ).toFile();
		final CommandModule m = run( LossCurvesCommand.class, "model_file", modelFile.toFile(), "save_folder", out );
		assertFalse( m.isCanceled(), m.getCancelReason() );
		final ResultsTable losses = ( ResultsTable ) m.getOutput( "losses" );
		assertEquals( 2, losses.size() );
		assertEquals( history.epochs.get( 1 ).trainLoss, losses.getValue( "train_loss", 1 ), 1e-12 );
		assertEquals( history.epochs.get( 1 ).validationLoss, losses.getValue( "validation_loss", 1 ), 1e-12 );
		assertTrue( ( ( ImagePlus ) m.getOutput( "plot" ) ).getWidth() > 400 );
		assertTrue( Files.size( out.toPath().resolve( "loss-curves.png" ) ) > 0 );
		assertEquals( 3, Files.readAllLines( out.toPath().resolve( "loss-curves.csv" ) ).size() );
	}

	@Test
	void modelSummary() throws Exception
	{
		final CommandModule m = run( ModelSummaryCommand.class, "model_file", modelFile.toFile() );
		assertFalse( m.isCanceled(), m.getCancelReason() );
		assertEquals( 3217L, m.getOutput( "total_parameters" ) );
		final ResultsTable t = ( ResultsTable ) m.getOutput( "summary" );
		assertEquals( "total", t.getStringValue( "layer", t.size() - 1 ) );
		assertEquals( 3217, t.getValue( "parameters", t.size() - 1 ), 0 );
		assertEquals( 160, t.getValue( "parameters", 1 ), 0, "enc0: 3 x 3 x 1 x 16 + 16" );
	}

	@Test
	void saveFolderIsNotRememberedBetweenRuns() throws Exception
	{
		final Path out = dir.resolve( "summary" );
		assertFalse( run( ModelSummaryCommand.class, "model_file", modelFile.toFile(), "save_folder", out.toFile() )
				.isCanceled() );
		assertTrue( Files.readString( out.resolve( "model-summary.txt" ) ).contains( "Total params: 3,217" ) );
		Files.delete( out.resolve( "model-summary.txt" ) );
		Files.delete( out.resolve( "model-summary.csv" ) );
		assertFalse( run( ModelSummaryCommand.class, "model_file", modelFile.toFile() ).isCanceled() );
		try ( java.util.stream.Stream< Path > files = Files.list( out ) )
		{
			assertEquals( 0, files.count(), "a run without save_folder writes nothing" );
		}
	}

	@Test
	void errorsCancelWithAClearMessage() throws Exception
	{
		final ImagePlus odd = new ImagePlus( "odd", new ByteProcessor( 30, 30 ) );
		final CommandModule wrongSize = run( EncodeToTableCommand.class, "model_file", modelFile.toFile(), "input",
				odd );
		assertTrue( wrongSize.isCanceled() );
		assertTrue( wrongSize.getCancelReason().contains( "30 x 30 x 1" )
				&& wrongSize.getCancelReason().contains( "multiples of 4" ), wrongSize.getCancelReason() );
		assertNull( wrongSize.getOutput( "codes" ) );
		final CommandModule noModel = run( ModelSummaryCommand.class, "model_file",
				dir.resolve( "missing.aemodel.zip" ).toFile() );
		assertTrue( noModel.isCanceled() );
		assertTrue( noModel.getCancelReason().contains( "missing.aemodel.zip" )
				&& noModel.getCancelReason().contains( "not found" ), noModel.getCancelReason() );
		final CommandModule noImages = run( PcaPlotCommand.class, "model_file", modelFile.toFile() );
		assertTrue( noImages.isCanceled() );
		assertTrue( noImages.getCancelReason().contains( "No images given" ), noImages.getCancelReason() );
	}
}
