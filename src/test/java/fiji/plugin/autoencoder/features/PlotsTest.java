package fiji.plugin.autoencoder.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.train.History;
import ij.IJ;
import ij.ImagePlus;
import ij.gui.Plot;
import ij.measure.ResultsTable;

/** Plots render headless (the test JVM runs with java.awt.headless=true), with the class colours and their PNGs round-trip. */
class PlotsTest
{
	@TempDir
	Path dir;

	static int countColour( final ImagePlus imp, final int rgb )
	{
		final int[] px = ( int[] ) imp.getProcessor().convertToRGB().getPixels();
		int n = 0;
		for ( final int p : px )
			if ( ( p & 0xffffff ) == rgb )
				n++;
		return n;
	}

	static int[] rgb( final ImagePlus imp )
	{
		final int[] px = ( ( int[] ) imp.getProcessor().convertToRGB().getPixels() ).clone();
		for ( int i = 0; i < px.length; i++ )
			px[ i ] &= 0xffffff;
		return px;
	}

	/** 12 classes of 40 points on a circle of blobs, in 3D. */
	static double[][] blobs( final String[] classes )
	{
		final Random r = new Random( 1 );
		final double[][] x = new double[ classes.length ][ 3 ];
		for ( int i = 0; i < x.length; i++ )
		{
			final int c = i % 12;
			classes[ i ] = Integer.toString( c );
			x[ i ][ 0 ] = 10 * Math.cos( c * Math.PI / 6 ) + r.nextGaussian();
			x[ i ][ 1 ] = 10 * Math.sin( c * Math.PI / 6 ) + r.nextGaussian();
			x[ i ][ 2 ] = 0.3 * c + 0.1 * r.nextGaussian();
		}
		return x;
	}

	@Test
	void scatterPlotsShowEveryClassColourHeadless() throws IOException
	{
		assertTrue( GraphicsEnvironment.isHeadless(), "this test must run headless (-Djava.awt.headless=true)" );
		final String[] classes = new String[ 480 ];
		final double[][] x = blobs( classes );
		final Pca pca = Pca.fit( x, 3 );
		final double[][] p = pca.project( x );
		final ImagePlus plane = ScatterPlots.pca2D( pca, p, classes, "blobs" );
		assertEquals( 24, plane.getBitDepth() );
		for ( int c = 0; c < 12; c++ )
			assertTrue( countColour( plane, ScatterPlots.color( c ).getRGB() & 0xffffff ) >= 20,
					"class " + c + " colour in the 2D plot" );
		assertEquals( "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]", ScatterPlots.sortedClasses( classes ).toString(),
				"numeric classes sort numerically" );
		final ImagePlus pairs = ScatterPlots.pcaPairwise( pca, p, classes, "blobs" );
		final ImagePlus single = ScatterPlots.scatter( "x", p, 0, 1, classes, "a", "b", false ).getImagePlus();
		assertEquals( 3 * single.getWidth(), pairs.getWidth() );
		assertEquals( single.getHeight(), pairs.getHeight() );
		for ( int c = 0; c < 12; c++ )
			assertTrue( countColour( pairs, ScatterPlots.color( c ).getRGB() & 0xffffff ) >= 60,
					"class " + c + " colour in the 3 panels" );

		final Path png = OutputFiles.png( plane, dir, "pca-2d" );
		assertEquals( dir.resolve( "pca-2d.png" ).toAbsolutePath(), png );
		final ImagePlus back = IJ.openImage( png.toString() );
		assertArrayEquals( rgb( plane ), rgb( back ), "PNG is lossless" );
		assertEquals( "blobs PCA 2D", plane.getTitle(), "saving leaves the caller's image alone" );
		try ( java.util.stream.Stream< Path > files = Files.list( dir ) )
		{
			assertEquals( 1, files.count(), "no temporary file left behind" );
		}
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> OutputFiles.png( plane, dir, "pca-2d", png ) );
		assertTrue( e.getMessage().contains( "is the input " + png )
				&& e.getMessage().contains( "inputs are never overwritten" ), e.getMessage() );
	}

	static History.Epoch epoch( final String phase, final int epoch, final double train, final double val )
	{
		final History.Epoch e = new History.Epoch();
		e.phase = phase;
		e.epoch = epoch;
		e.trainLoss = train;
		e.validationLoss = val;
		return e;
	}

	@Test
	void lossCurvesSeparatePhases() throws IOException
	{
		final History h = new History();
		h.epochs.add( epoch( "pretrain_0", 1, 0.5, Double.NaN ) );
		h.epochs.add( epoch( "pretrain_0", 2, 0.4, Double.NaN ) );
		h.epochs.add( epoch( "pretrain_1", 1, 0.2, Double.NaN ) );
		h.epochs.add( epoch( "train", 1, 0.35, 0.36 ) );
		h.epochs.add( epoch( "train", 2, 0.30, 0.33 ) );
		h.epochs.add( epoch( "train", 3, 0.28, 0.32 ) );
		final History again = History.fromJson( h.toJson() );
		final Plot plot = LossCurves.plot( again, "stacked" );
		// data sets in order: pretrain_0 train, pretrain_1 train, train train, train validation
		assertArrayEquals( new float[] { 1, 2 }, plot.getDataObjectArrays( 0 )[ 0 ] );
		assertArrayEquals( new float[] { 0.5f, 0.4f }, plot.getDataObjectArrays( 0 )[ 1 ] );
		assertArrayEquals( new float[] { 3 }, plot.getDataObjectArrays( 1 )[ 0 ] );
		assertArrayEquals( new float[] { 4, 5, 6 }, plot.getDataObjectArrays( 2 )[ 0 ] );
		assertArrayEquals( new float[] { 0.35f, 0.30f, 0.28f }, plot.getDataObjectArrays( 2 )[ 1 ] );
		assertArrayEquals( new float[] { 0.36f, 0.33f, 0.32f }, plot.getDataObjectArrays( 3 )[ 1 ] );
		final ImagePlus imp = plot.getImagePlus();
		for ( int c = 0; c < 3; c++ )
			assertTrue( countColour( imp, ScatterPlots.color( c ).getRGB() & 0xffffff ) > 10,
					"phase " + c + " has its own colour" );
		final ResultsTable t = LossCurves.table( again );
		assertEquals( 6, t.size() );
		assertEquals( "pretrain_1", t.getStringValue( "phase", 2 ) );
		assertEquals( 0.33, t.getValue( "validation_loss", 4 ), 1e-12 );
		assertEquals( 6, t.getValue( "step", 5 ), 0 );
		final Path csv = OutputFiles.csv( t, dir, "losses" );
		final java.util.List< String > lines = Files.readAllLines( csv );
		assertEquals( 7, lines.size() );
		assertTrue( lines.get( 0 ).contains( "train_loss" ) && lines.get( 5 ).contains( "0.33" ), lines.toString() );
		assertEquals( "epoch (all phases)", plot.getLabel( 'x' ) );
		assertTrue( String.join( "|", plot.getDataObjectDesignations() ).contains( "pretrain_1 training loss" ),
				String.join( "|", plot.getDataObjectDesignations() ) );
		final IllegalArgumentException empty = assertThrows( IllegalArgumentException.class,
				() -> LossCurves.plot( new History(), "x" ) );
		assertTrue( empty.getMessage().contains( "train it for at least one epoch" ), empty.getMessage() );
	}

	/** A recorded validation score (Train Segmenter's held-out Dice) gets its own column, and only then. */
	@Test
	void lossTableCarriesTheValidationScoreWhenRecorded() throws IOException
	{
		final History h = new History();
		h.epochs.add( epoch( "train", 1, 0.35, 0.36 ) );
		h.epochs.add( epoch( "train", 2, 0.30, 0.33 ) );
		assertFalse( LossCurves.table( h ).columnExists( "validation_score" ) );
		h.epochs.get( 0 ).validationScore = 0.41;
		h.epochs.get( 1 ).validationScore = 0.57;
		final ResultsTable t = LossCurves.table( History.fromJson( h.toJson() ) );
		assertEquals( 0.57, t.getValue( "validation_score", 1 ), 1e-12 );
		final java.util.List< String > lines = Files.readAllLines( OutputFiles.csv( t, dir, "scored" ) );
		assertTrue( lines.get( 0 ).contains( "validation_score" ) && lines.get( 2 ).contains( "0.57" ),
				lines.toString() );
	}

	/** A plain training (one phase) reads "epoch", "training loss" and "validation loss", not "train training loss". */
	@Test
	void lossCurvesOfOnePhaseNameNoPhase()
	{
		final History h = new History();
		h.epochs.add( epoch( "train", 1, 0.35, 0.36 ) );
		h.epochs.add( epoch( "train", 2, 0.30, 0.33 ) );
		final Plot plot = LossCurves.plot( h, "conv" );
		final String labels = String.join( "|", plot.getDataObjectDesignations() );
		assertEquals( "epoch", plot.getLabel( 'x' ) );
		assertTrue( labels.contains( "training loss" ) && labels.contains( "validation loss" ), labels );
		assertFalse( labels.contains( "train training" ) || labels.contains( "train validation" ), labels );
	}
}
