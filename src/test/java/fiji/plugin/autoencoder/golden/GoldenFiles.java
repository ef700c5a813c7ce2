package fiji.plugin.autoencoder.golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import fiji.plugin.autoencoder.BioimageioMacroCalls;
import fiji.plugin.autoencoder.MacroCalls;
import fiji.plugin.autoencoder.bioimageio.TrainedModels;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.segment.SupervisedSegmenter;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;

/**
 * The golden files under {@code src/test/resources/golden}: a 64 x 64 crop of
 * {@code test-images/cell_256.tif}, three small models trained briefly on that
 * image (a denoiser, a reconstruction model for Segment by Reconstruction and
 * a supervised segmenter; U-Nets of 4-8 filters, so each file is about 25 KB), and what each
 * command family wrote for them ({@code expected/}). {@link #run} runs the
 * families through the plain-macro entries with every setting that changes the
 * numbers given (so a changed default does not change these outputs; the
 * defaults are {@code SettingsTest}'s job). Regenerate, after a deliberate
 * change of the numbers, with
 * {@code mvn -B -q test -Dtest=GoldenFilesTest -Dgolden.regenerate=true}
 * and commit the files with the reason.
 */
final class GoldenFiles
{
	private GoldenFiles()
	{}

	/** The committed files (tests run in the project root). */
	static final Path DIR = Paths.get( "src/test/resources/golden" );

	static final String INPUT = "input.tif", DENOISER = "denoiser.aemodel.zip", DETECTOR = "detector.aemodel.zip",
			SEGMENTER = "segmenter.aemodel.zip";

	/** The outputs {@link #run} writes, compared with {@code expected/}. */
	static final List< String > OUTPUTS = List.of( "denoised.tif", "reconstructed.tif", "anomaly/input-anomaly.tif",
			"anomaly/input-mask.tif", "anomaly/input-labels.tif",
			"anomaly/input-objects.csv", "segment/input-probability.tif", "segment/input-mask.tif",
			"segment/input-labels.tif", "segment/input-objects.csv",
			"inspect/model-summary.txt", "inspect/loss-curves.csv", "bioimageio.tif" );

	/**
	 * Runs every command family on the golden input and models in {@code dir}
	 * and writes the outputs of {@link #OUTPUTS} into {@code out}; throws if an
	 * entry failed.
	 */
	static void run( final Path dir, final Path out ) throws IOException
	{
		final String input = " input=[" + dir.resolve( INPUT ) + "]";
		final String denoiser = " model_file=[" + dir.resolve( DENOISER ) + "]",
				detector = " model_file=[" + dir.resolve( DETECTOR ) + "]",
				segmenter = " model_file=[" + dir.resolve( SEGMENTER ) + "]";
		Files.createDirectories( out );
		check( MacroCalls.denoise( denoiser + input + " output=[" + out.resolve( "denoised.tif" )
				+ "] output_type=32-bit tile_size=48 average_orientations=true"
				+ " normalization=Stored threads=2" ) );
		check( MacroCalls.reconstruct( detector + input + " output=[" + out.resolve( "reconstructed.tif" )
				+ "] output_type=32-bit tile_size=48 threads=2" ) );
		check( MacroCalls.segment( detector + input + " output_folder=[" + out.resolve( "anomaly" )
				+ "] threshold_method=Otsu threshold_value=99 smoothing_sigma=1"
				+ " smooth_signed=false min_size=5 seed_threshold=0 tile_size=48 average_orientations=false threads=2" ) );
		check( MacroCalls.segmentImage( segmenter + input + " output_folder=[" + out.resolve( "segment" )
				+ "] threshold=0.5 min_size=0 object_prior=true"
				+ " flip_averaging=true tile_size=48 threads=2" ) );
		check( MacroCalls.modelSummary( segmenter + " output_folder=[" + out.resolve( "inspect" ) + "]" ) );
		check( MacroCalls.lossCurves( denoiser + " output_folder=[" + out.resolve( "inspect" ) + "]" ) );
	}

	/**
	 * bioimage.io export of the denoiser and apply of the package to the
	 * golden input (into {@code out/bioimageio.tif}; about 6 s, so the test
	 * that runs it is in the slow tier).
	 */
	static void runBioimageio( final Path dir, final Path out ) throws IOException
	{
		final String input = " input=[" + dir.resolve( INPUT ) + "]",
				denoiser = " model_file=[" + dir.resolve( DENOISER ) + "]";
		Files.createDirectories( out );
		final Path pkg = out.resolve( "denoiser.bioimageio.zip" );
		check( BioimageioMacroCalls.export( denoiser + input + " package_file=[" + pkg
				+ "] name=golden description=[golden-file test] authors=test" ) );
		check( BioimageioMacroCalls.apply( "package_file=[" + pkg + "]" + input + " output=["
				+ out.resolve( "bioimageio.tif" ) + "] tile_size=48 average_orientations=false threads=2" ) );
		Files.delete( pkg ); // NB: made again by every run; not committed
	}

	private static void check( final String result )
	{
		if ( result == null || result.startsWith( "error" ) )
			throw new IllegalStateException( "a macro entry failed: " + result );
	}

	/** Writes the input, trains the three models and writes their outputs as the expected files. */
	static void regenerate( final Path dir ) throws IOException
	{
		Files.createDirectories( dir );
		final ImagePlus cell = TrainedModels.cell();
		final ImageProcessor crop = cell.getProcessor().duplicate();
		crop.setRoi( 160, 96, 64, 64 ); // the cell's edge: about half foreground
		new FileSaver( new ImagePlus( "input", crop.crop() ) ).saveAsTiff( dir.resolve( INPUT ).toString() );

		final ImagePlus clean = new ImagePlus( "clean", cell.getProcessor().convertToFloatProcessor() );
		final ModelSpec dn = Presets.denoiser( 1 );
		dn.layers = new int[] { 4, 8 };
		train( new ImageTrainingJob( dn.validate(), dir.resolve( DENOISER ) ), TrainedModels.noisy( clean, 1 ), clean );
		final ModelSpec ad = Presets.anomalyDetector( 1 );
		ad.layers = new int[] { 4, 8 };
		train( new ImageTrainingJob( ad.validate(), dir.resolve( DETECTOR ) ), clean, clean );

		final ModelSpec sg = Presets.segmenter( 1 );
		sg.layers = new int[] { 4, 8 };
		sg.learningRate = 0.01;
		final ImageTrainingJob job = SupervisedSegmenter.job( sg.validate(), dir.resolve( SEGMENTER ) );
		settings( job );
		job.config.epochs( 20 ); // NB: 3 epochs leave this small net below 0.5 everywhere
		SupervisedSegmenter.train( job, List.of( cell ), List.of( TrainedModels.brightMask( cell ) ),
				TrainingListener.none() );

		final Path expected = dir.resolve( "expected" );
		run( dir, expected );
		runBioimageio( dir, expected );
		Files.deleteIfExists( expected.resolve( "inspect/loss-curves.png" ) );
		Files.deleteIfExists( expected.resolve( "inspect/model-summary.csv" ) );
		for ( final String m : List.of( DENOISER, DETECTOR, SEGMENTER ) )
			Files.deleteIfExists( dir.resolve( m + ".lock" ) );
		for ( final String f : OUTPUTS )
			if ( !Files.isRegularFile( expected.resolve( f ) ) )
				throw new IllegalStateException( "no " + f + " was written" );
	}

	private static void train( final ImageTrainingJob job, final ImagePlus input, final ImagePlus target )
			throws IOException
	{
		settings( job );
		job.run( List.of( input ), List.of( target ), TrainingListener.none() );
	}

	/** Three short epochs of 64 patches of 32 x 32: enough to move the weights away from their start, seconds on a CPU. */
	private static void settings( final ImageTrainingJob job )
	{
		job.config.epochs( 3 ).batchSize( 8 );
		job.patchSize = 32;
		job.patchesPerEpoch = 64;
		job.threads = 2;
		job.storeNormalization = true;
	}
}
