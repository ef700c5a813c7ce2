package fiji.plugin.autoencoder.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.FloatBatch;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.FashionMnistSubset;
import fiji.plugin.autoencoder.train.IdxReader;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;

class CodeTableTest
{
	@TempDir
	Path dir;

	static ImagePlus byteStack( final int n, final int h, final int w, final String... labels )
	{
		final ImageStack stack = new ImageStack( w, h );
		for ( int s = 0; s < n; s++ )
		{
			final ByteProcessor bp = new ByteProcessor( w, h );
			for ( int i = 0; i < w * h; i++ )
				bp.set( i, ( i * 7 + s * 31 ) % 256 );
			stack.addSlice( s < labels.length ? labels[ s ] : null, bp );
		}
		return new ImagePlus( "stack", stack );
	}

	@Test
	void stackItemsAreScaledPlanesWithLabelClasses()
	{
		final ImagePlus imp = byteStack( 3, 5, 4, "shirt/a.png", "bag/b\nmore info", "plain" );
		final ItemSet items = ItemSet.fromImage( imp, null );
		assertEquals( 3, items.count() );
		assertEquals( 20, items.itemSize() );
		for ( int s = 0; s < 3; s++ )
			for ( int i = 0; i < 20; i++ )
				assertEquals( ( ( i * 7 + s * 31 ) % 256 ) / 255f, items.item( s )[ i ], 1e-7f );
		assertArrayEquals( new String[] { "shirt", "bag", "" },
				new String[] { items.itemClass( 0 ), items.itemClass( 1 ), items.itemClass( 2 ) } );
		assertArrayEquals( new String[] { "shirt/a.png", "bag/b", "plain" },
				new String[] { items.name( 0 ), items.name( 1 ), items.name( 2 ) } );
	}

	@Test
	void folderItemsAreClassedBySubfolderOrPrefix() throws IOException
	{
		Files.createDirectories( dir.resolve( "cat" ) );
		Files.createDirectories( dir.resolve( "dog" ) );
		final ImagePlus imp = byteStack( 4, 6, 6 );
		final String[] files = { "cat/c1.png", "cat/c2.png", "dog/d1.tif", "bird_01.png" };
		for ( int i = 0; i < 4; i++ )
		{
			imp.setSlice( i + 1 );
			final FileSaver saver = new FileSaver( new ImagePlus( "x", imp.getProcessor().duplicate() ) );
			assertTrue( i == 2 ? saver.saveAsTiff( dir.resolve( files[ i ] ).toString() )
					: saver.saveAsPng( dir.resolve( files[ i ] ).toString() ) );
		}
		Files.write( dir.resolve( "notes.txt" ), new byte[] { 1 } );
		final ItemSet items = ItemSet.fromFolder( dir, null );
		assertEquals( 4, items.count() );
		// sorted by path: bird_01.png, cat/c1.png, cat/c2.png, dog/d1.tif
		assertEquals( "bird", items.itemClass( 0 ) );
		assertEquals( "bird_01.png", items.name( 0 ) );
		assertEquals( "cat", items.itemClass( 2 ) );
		assertEquals( "c2.png", items.name( 2 ) );
		assertEquals( "dog", items.itemClass( 3 ) );
		for ( int i = 0; i < 36; i++ )
		{
			assertEquals( ( ( i * 7 + 3 * 31 ) % 256 ) / 255f, items.item( 0 )[ i ], 1e-7f, "bird_01.png = slice 4" );
			assertEquals( ( ( i * 7 + 2 * 31 ) % 256 ) / 255f, items.item( 3 )[ i ], 1e-7f, "dog/d1.tif = slice 3" );
		}
		assertTrue( new FileSaver( new ImagePlus( "big", new ByteProcessor( 8, 6 ) ) )
				.saveAsPng( dir.resolve( "dog/d2.png" ).toString() ) );
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> ItemSet.fromFolder( dir, null ) );
		assertTrue( e.getMessage().contains( "d2.png is 6 x 8 x 1" ) && e.getMessage().contains( "6 x 6 x 1" )
				&& e.getMessage().contains( "same size" ), e.getMessage() );
	}

	@Test
	void idxItemsHaveFashionClassNames() throws IOException
	{
		FashionMnistSubset.images( 1 ); // skips without the data set
		final ItemSet items = ItemSet.fromIdx( IdxReader.fashionMnist( "t10k-images-idx3-ubyte.gz" ),
				IdxReader.fashionMnist( "t10k-labels-idx1-ubyte.gz" ), 50,
				ItemSet.FASHION_MNIST_CLASSES );
		final int[] labels = IdxReader.readLabels( IdxReader.fashionMnist( "t10k-labels-idx1-ubyte.gz" ) );
		final float[] pixels = IdxReader.readImages( IdxReader.fashionMnist( "t10k-images-idx3-ubyte.gz" ) )
				.toFloats( 50 );
		assertEquals( 50, items.count() );
		for ( int i = 0; i < 50; i++ )
			assertEquals( ItemSet.FASHION_MNIST_CLASSES[ labels[ i ] ], items.itemClass( i ) );
		assertArrayEquals( pixels, items.data() );
	}

	@Test
	void tableRowsAreTheModelsCodesInAnyBatchSize()
	{
		final int n = 70;
		final float[] x = FashionMnistSubset.images( n );
		final String[] classes = new String[ n ];
		for ( int i = 0; i < n; i++ )
			classes[ i ] = "c" + i % 3;
		final ItemSet items = new ItemSet( x, n, 28, 28, 1, classes, null );
		try ( Model model = Model.create( Presets.convPool( ModelSpec.Unpooling.NEAREST ), 3, 1 ) )
		{
			final ResultsTable table = CodeTable.encode( model, items, 32, Progress.none() );
			final ResultsTable oneRun = CodeTable.encode( model, items, 256, Progress.none() );
			assertEquals( n, table.size() );
			assertTrue( table.columnExists( "code_391" ) && !table.columnExists( "code_392" ),
					"7 x 7 x 8 = 392 code columns" );
			final double[][] codes = CodeTable.codes( table ), codesOneRun = CodeTable.codes( oneRun );
			assertArrayEquals( classes, CodeTable.classes( table ) );
			assertEquals( "item_69", table.getStringValue( "item", 69 ) );
			double worst = 0, norm = 0;
			for ( final int i : new int[] { 0, 31, 32, 69 } )
			{
				final FloatBatch single = model.encode( items.item( i ), 1, new int[] { 28, 28 } );
				assertEquals( 392, single.data.length );
				for ( int j = 0; j < 392; j++ )
				{
					worst = Math.max( worst, Math.abs( codes[ i ][ j ] - single.data[ j ] ) );
					worst = Math.max( worst, Math.abs( codesOneRun[ i ][ j ] - single.data[ j ] ) );
					norm = Math.max( norm, Math.abs( single.data[ j ] ) );
				}
			}
			assertTrue( norm > 0.01, "codes are not all zero" );
			assertTrue( worst <= 1e-5, "batched vs single codes differ by " + worst );
		}
	}

	@Test
	void shapesThatDoNotFitNameBothShapesAndTheFix()
	{
		final ItemSet big = new ItemSet( new float[ 2 * 32 * 32 ], 2, 32, 32, 1, null, null );
		try ( Model dense = Model.create( Presets.dense( false ), 1, 1 ) )
		{
			final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
					() -> CodeTable.encode( dense, big, 8, Progress.none() ) );
			assertTrue( e.getMessage().contains( "32 x 32 x 1" ) && e.getMessage().contains( "28 x 28 x 1" )
					&& e.getMessage().contains( "resize" ), e.getMessage() );
		}
		final ModelSpec conv = Presets.convPool( ModelSpec.Unpooling.NEAREST );
		final IllegalArgumentException odd = assertThrows( IllegalArgumentException.class,
				() -> CodeTable.checkFits( conv, 30, 30, 1 ) );
		assertTrue(
				odd.getMessage().contains( "30 x 30 x 1" ) && odd.getMessage().contains( "multiples of 4" )
						&& odd.getMessage().contains( "28 x 28 or 32 x 32" ),
				odd.getMessage() );
		final IllegalArgumentException rgb = assertThrows( IllegalArgumentException.class,
				() -> CodeTable.checkFits( conv, 28, 28, 3 ) );
		assertTrue( rgb.getMessage().contains( "28 x 28 x 3" ) && rgb.getMessage().contains( "takes 1 channel(s)" ),
				rgb.getMessage() );
		CodeTable.checkFits( conv, 32, 64, 1 ); // any multiple of 4 fits a fully convolutional model
	}
}
