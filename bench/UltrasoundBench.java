import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.GsonBuilder;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.SegmentScale;
import fiji.plugin.autoencoder.segment.SegmenterPrediction;
import fiji.plugin.autoencoder.segment.SegmenterSettings;
import fiji.plugin.autoencoder.segment.SegmenterTrainer;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageConverter;

/**
 * Ultrasound nerve/vessel segmentation (bench/run-ultrasound.sh; not a test):
 * Train Segmenter's defaults ({@link SegmenterSettings}, as the command starts
 * from) on the 204 training images of {@code ultrasound_nerve_usgra} (RGB
 * files converted to 8-bit grey, as a user would), scored on the 40 test
 * images only: per-class Dice per image (an image where a class is absent
 * from both truth and prediction counts 1), and the mean. Writes a JSON
 * summary (and, with {@code -Dus.export=dir}, the planes and initial weights
 * for the PyTorch twin).
 * <p>
 * Usage: {@code UltrasoundBench <work dir>}; {@code -Dus.epochs}, {@code -Dus.scale},
 * {@code -Dus.loss}, {@code -Dus.limit} (training images), {@code -Dus.minutes}, {@code -Dus.orient},
 * {@code -Dus.schedule}, {@code -Dus.smoothing}, {@code -Dus.reduce}, {@code -Dus.patch}, {@code -Dus.patches}, {@code -Dus.fg}, {@code -Dus.intensity}, {@code -Dus.select} (dice / loss), {@code -Dus.ema}, {@code -Dus.speckle} override a default for experiments; {@code -Dus.screen=true} scores the held-out training
 * images only (no test score), as screens choose there.
 */
public class UltrasoundBench
{
	static final String DATA = "/work/shared/data/ultrasound_nerve_usgra/";

	public static void main( final String[] args ) throws IOException
	{
		try
		{
			if ( args.length > 1 && args[ 1 ].equals( "nuclei" ) )
				nuclei( Paths.get( args[ 0 ] ) );
			else if ( args.length > 1 && args[ 1 ].equals( "nuclei-eval" ) )
				nucleiEvaluate( Paths.get( args[ 0 ] ).resolve( "nuclei.aemodel.zip" ) );
			else if ( args.length > 1 && args[ 1 ].equals( "eval" ) )
				evaluate( Paths.get( args[ 0 ] ).resolve( "ultrasound.aemodel.zip" ) );
			else
				run( Paths.get( args.length > 0 ? args[ 0 ] : "/tmp/build-us" ) );
		}
		catch ( final RuntimeException | IOException e )
		{
			e.printStackTrace(); // System.exit below would otherwise hide it (e.g. a model file left by an earlier run)
			System.exit( 1 );
		}
		finally
		{
			System.exit( 0 );
		}
	}

	static List< ImagePlus >[] load( final String images, final String masks, final int limit )
	{
		final File[] files = new File( DATA + images ).listFiles( ( d, n ) -> n.endsWith( ".png" ) );
		Arrays.sort( files );
		@SuppressWarnings( "unchecked" )
		final List< ImagePlus >[] out = new List[] { new ArrayList<>(), new ArrayList<>() };
		for ( final File f : files )
		{
			if ( out[ 0 ].size() >= limit )
				break;
			final ImagePlus img = IJ.openImage( f.getPath() ), mask = IJ.openImage( DATA + masks + "/" + f.getName() );
			if ( img.getType() != ImagePlus.GRAY8 )
				new ImageConverter( img ).convertToGray8();
			out[ 0 ].add( img );
			out[ 1 ].add( mask );
		}
		return out;
	}

	static void run( final Path dir ) throws IOException
	{
		Files.createDirectories( dir );
		final SegmenterSettings s = new SegmenterSettings();
		s.epochs = Integer.getInteger( "us.epochs", s.epochs );
		s.scale = Integer.getInteger( "us.scale", s.scale );
		s.loss = System.getProperty( "us.loss", s.loss );
		s.patience = Integer.getInteger( "us.patience", s.patience );
		s.reduceAfter = Integer.getInteger( "us.reduce", s.reduceAfter );
		s.smoothing = Double.parseDouble( System.getProperty( "us.smoothing", "" + s.smoothing ) );
		s.patchSize = Integer.getInteger( "us.patch", s.patchSize );
		s.patchesPerEpoch = Integer.getInteger( "us.patches", s.patchesPerEpoch );
		s.learningRate = Double.parseDouble( System.getProperty( "us.lr", "" + s.learningRate ) );
		s.convsPerLevel = Integer.getInteger( "us.convs", s.convsPerLevel );
		s.batchNorm = Boolean.parseBoolean( System.getProperty( "us.bn", "" + s.batchNorm ) );
		s.foregroundFraction = Double.parseDouble( System.getProperty( "us.fg", "" + s.foregroundFraction ) );
		s.intensityAugmentation = Double.parseDouble( System.getProperty( "us.intensity", "" + s.intensityAugmentation ) );
		s.minutes = Double.parseDouble( System.getProperty( "us.minutes", "" + s.minutes ) );
		s.orientations = System.getProperty( "us.orient", s.orientations );
		final String select = System.getProperty( "us.select", "" ); // dice or loss (no spaces: UB_OPTS is split on them)
		s.selection = select.equals( "dice" ) ? SegmenterSettings.DICE
				: select.equals( "loss" ) ? SegmenterSettings.VALIDATION_LOSS : s.selection;
		s.weightAveraging = Double.parseDouble( System.getProperty( "us.ema", "" + s.weightAveraging ) );
		s.speckle = Double.parseDouble( System.getProperty( "us.speckle", "" + s.speckle ) );
		s.learningRateSchedule = System.getProperty( "us.schedule", s.learningRateSchedule );
		if ( System.getProperty( "us.layers" ) != null )
			s.layers = Arrays.stream( System.getProperty( "us.layers" ).split( "," ) ).mapToInt( Integer::parseInt ).toArray();
		final List< ImagePlus >[] train = load( "images", "masks", Integer.getInteger( "us.limit", 1000 ) );
		final List< ImagePlus >[] test = load( "test/images", "test/masks", 1000 );
		System.out.println( "train " + train[ 0 ].size() + ", test " + test[ 0 ].size() + "; mask values of the first: " + Arrays.toString( train[ 1 ].get( 0 ).getStatistics().histogram16 == null ? new int[ 0 ]
				: new int[] { ( int ) train[ 1 ].get( 0 ).getStatistics().min, ( int ) train[ 1 ].get( 0 ).getStatistics().max } ) + "; 90th-percentile object extent "
				+ SegmentScale.objectExtent( train[ 1 ], SegmentScale.OBJECT_PERCENTILE ) + " px -> auto scale " + SegmentScale.auto( train[ 1 ], s.patchSize ) );
		final Path file = dir.resolve( "ultrasound.aemodel.zip" );
		final List< String > loads = new ArrayList<>();
		final long t0 = System.nanoTime();
		final SegmenterTrainer.Result r = SegmenterTrainer.train( s, train[ 0 ], train[ 1 ], null, null, file, new Trainer(), new TrainingListener()
		{
			@Override
			public void epochEnded( final History.Epoch e, final History h )
			{
				loads.add( DenoiseBench.loadAverage() );
				System.out.println( "  " + e + " (load " + loads.get( loads.size() - 1 ) + ")" );
			}
		} );
		final double trainSeconds = ( System.nanoTime() - t0 ) / 1e9;
		System.out.println( r.message() + String.format( Locale.ROOT, " (%.0f s)", trainSeconds ) );
		validationDice( file, train ); // what choices are made on
		if ( Boolean.getBoolean( "us.screen" ) )
			return; // screens choose on the held-out training images only: no test score
		final double[][] dice = new double[ 2 ][ test[ 0 ].size() ];
		final long p0 = System.nanoTime();
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			for ( int i = 0; i < test[ 0 ].size(); i++ )
			{
				final Segmentation seg = SegmenterPrediction.segment( m, test[ 0 ].get( i ), 0.5, 0, new ImageRunner.Options(), Progress.none() );
				for ( int c = 1; c <= 2; c++ )
					dice[ c - 1 ][ i ] = dice( seg.mask, test[ 1 ].get( i ), r.info.classes == 1 ? -1 : c );
			}
		}
		final double predictSeconds = ( System.nanoTime() - p0 ) / 1e9;
		final double d1 = Arrays.stream( dice[ 0 ] ).average().orElse( 0 ), d2 = Arrays.stream( dice[ 1 ] ).average().orElse( 0 );
		System.out.println( String.format( Locale.ROOT, "ultrasound test: mean Dice class 1 %.4f, class 2 %.4f (40 images); training %.0f s, prediction %.1f s", d1, d2, trainSeconds, predictSeconds ) );
		final Map< String, Object > out = new LinkedHashMap<>();
		out.put( "dice_class1", d1 );
		out.put( "dice_class2", d2 );
		out.put( "dice_class1_per_image", dice[ 0 ] );
		out.put( "dice_class2_per_image", dice[ 1 ] );
		out.put( "train_seconds", trainSeconds );
		out.put( "predict_seconds", predictSeconds );
		out.put( "message", r.message() );
		out.put( "best_epoch", r.training.bestEpoch );
		out.put( "scale", r.info.scale );
		out.put( "epochs_run", r.history.epochs.size() );
		out.put( "loads", loads );
		out.put( "settings", new GsonBuilder().create().toJsonTree( s ) );
		Files.write( dir.resolve( "ultrasound.json" ), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson( out ).getBytes( StandardCharsets.UTF_8 ) );
	}

	/**
	 * Post-processing variants of a trained model (no object prior, the prior learned from the training masks, flip averaging, both),
	 * scored on the training images the trainer held out for validation (chosen there) and on the test images.
	 */
	static void evaluate( final Path file ) throws IOException
	{
		final List< ImagePlus >[] train = load( "images", "masks", 1000 );
		final List< ImagePlus >[] test = load( "test/images", "test/masks", 1000 );
		final fiji.plugin.autoencoder.segment.ObjectPrior prior = fiji.plugin.autoencoder.segment.ObjectPrior.of( train[ 1 ], 2 );
		System.out.println( "object prior from the 204 training masks: " + prior );
		// the planes SegmenterTrainer.holdOut moves to validation (15 %, evenly spread)
		final int n = train[ 0 ].size(), nv = ( int ) Math.round( n * SegmenterSettings.VALIDATION_FRACTION );
		final List< ImagePlus >[] val = new List[] { new ArrayList<>(), new ArrayList<>() };
		for ( int next = 0; next < nv; next++ )
		{
			final int i = ( int ) ( ( next + 0.5 ) * n / nv );
			val[ 0 ].add( train[ 0 ].get( i ) );
			val[ 1 ].add( train[ 1 ].get( i ) );
		}
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			for ( final boolean flips : new boolean[] { false, true } )
				for ( final boolean usePrior : new boolean[] { false, true } )
					for ( final String split : new String[] { "validation", "test" } )
					{
						final List< ImagePlus >[] d = split.equals( "test" ) ? test : val;
						final double[] sum = new double[ 2 ];
						final long t0 = System.nanoTime();
						for ( int i = 0; i < d[ 0 ].size(); i++ )
						{
							final Segmentation seg = SegmenterPrediction.segment( m, d[ 0 ].get( i ), 0.5, 0, usePrior ? prior : null, flips, new ImageRunner.Options(), Progress.none() );
							for ( int c = 1; c <= 2; c++ )
								sum[ c - 1 ] += dice( seg.mask, d[ 1 ].get( i ), c );
						}
						System.out.println( String.format( Locale.ROOT, "%-10s prior %-5s flips %-5s: Dice class 1 %.4f, class 2 %.4f (%d images, %.1f s)", split, usePrior, flips,
								sum[ 0 ] / d[ 0 ].size(), sum[ 1 ] / d[ 0 ].size(), d[ 0 ].size(), ( System.nanoTime() - t0 ) / 1e9 ) );
					}
		}
	}

	/** Nuclei (DSB2018, left half -> right half) with Train Segmenter's defaults: the binary case through the same trainer. */
	static void nuclei( final Path dir ) throws IOException
	{
		Files.createDirectories( dir );
		final ImagePlus img = IJ.openImage( SegmentTwin.DATA + "img2d_512.tif" ), labels = IJ.openImage( SegmentTwin.DATA + "mask2d_512.tif" );
		final ImagePlus[] train = SegmentBench.halves( img, labels, 0 ), test = SegmentBench.halves( img, labels, 256 );
		final SegmenterSettings s = new SegmenterSettings();
		final Path file = dir.resolve( "nuclei.aemodel.zip" );
		final long t0 = System.nanoTime();
		final SegmenterTrainer.Result r = SegmenterTrainer.train( s, List.of( train[ 0 ] ), List.of( train[ 1 ] ), null, null, file, new Trainer(), TrainingListener.none() );
		final double seconds = ( System.nanoTime() - t0 ) / 1e9;
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			final Segmentation seg = SegmenterPrediction.segment( m, test[ 0 ], 0.5, 0, new ImageRunner.Options(), Progress.none() );
			System.out.println( String.format( Locale.ROOT, "nuclei (defaults): Dice %.4f; %s (%.0f s, load %s)", fiji.plugin.autoencoder.segment.Evaluation.dice( seg.mask, test[ 1 ] ),
					r.message(), seconds, DenoiseBench.loadAverage() ) );
		}
	}

	/** A trained nuclei model with and without the object prior (learned from the training half's mask) and flip averaging, on the test half. */
	static void nucleiEvaluate( final Path file ) throws IOException
	{
		final ImagePlus img = IJ.openImage( SegmentTwin.DATA + "img2d_512.tif" ), labels = IJ.openImage( SegmentTwin.DATA + "mask2d_512.tif" );
		final ImagePlus[] train = SegmentBench.halves( img, labels, 0 ), test = SegmentBench.halves( img, labels, 256 );
		final fiji.plugin.autoencoder.segment.ObjectPrior prior = fiji.plugin.autoencoder.segment.ObjectPrior.of( List.of( train[ 1 ] ), 1 );
		System.out.println( "nuclei object prior: " + prior );
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			for ( final boolean flips : new boolean[] { false, true } )
				for ( final boolean usePrior : new boolean[] { false, true } )
				{
					final Segmentation seg = SegmenterPrediction.segment( m, test[ 0 ], 0.5, 0, usePrior ? prior : null, flips, new ImageRunner.Options(), Progress.none() );
					System.out.println( String.format( Locale.ROOT, "nuclei test half, prior %-5s flips %-5s: Dice %.4f", usePrior, flips,
							fiji.plugin.autoencoder.segment.Evaluation.dice( seg.mask, test[ 1 ] ) ) );
				}
		}
	}

	/** The training images SegmenterTrainer.holdOut moves to validation (15 %, evenly spread). */
	static List< ImagePlus >[] validationSplit( final List< ImagePlus >[] train )
	{
		final int n = train[ 0 ].size(), nv = ( int ) Math.round( n * SegmenterSettings.VALIDATION_FRACTION );
		@SuppressWarnings( "unchecked" )
		final List< ImagePlus >[] val = new List[] { new ArrayList<>(), new ArrayList<>() };
		for ( int next = 0; next < nv; next++ )
		{
			final int i = ( int ) ( ( next + 0.5 ) * n / nv );
			val[ 0 ].add( train[ 0 ].get( i ) );
			val[ 1 ].add( train[ 1 ].get( i ) );
		}
		return val;
	}

	/** Segment Image's defaults on the held-out training images: mean Dice per class. */
	static void validationDice( final Path file, final List< ImagePlus >[] train ) throws IOException
	{
		final List< ImagePlus >[] val = validationSplit( train );
		final double[] sum = new double[ 2 ];
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			for ( int i = 0; i < val[ 0 ].size(); i++ )
			{
				final Segmentation seg = SegmenterPrediction.segment( m, val[ 0 ].get( i ), 0.5, 0, new ImageRunner.Options(), Progress.none() );
				for ( int c = 1; c <= 2; c++ )
					sum[ c - 1 ] += dice( seg.mask, val[ 1 ].get( i ), c );
			}
		}
		System.out.println( String.format( Locale.ROOT, "validation (31 held-out training images, Segment Image defaults): Dice class 1 %.4f, class 2 %.4f, mean %.4f",
				sum[ 0 ] / val[ 0 ].size(), sum[ 1 ] / val[ 0 ].size(), ( sum[ 0 ] + sum[ 1 ] ) / 2 / val[ 0 ].size() ) );
	}

	/** Dice of class c of the class map against the truth (1 when both lack it). */
	static double dice( final ImagePlus classes, final ImagePlus truth, final int c )
	{
		final byte[] p = ( byte[] ) classes.getProcessor().convertToByte( false ).getPixels();
		final ij.process.ImageProcessor t = truth.getProcessor();
		long inter = 0, a = 0, b = 0;
		for ( int i = 0; i < p.length; i++ )
		{
			final boolean x = c < 0 ? p[ i ] != 0 : ( p[ i ] & 0xff ) == c, y = t.getf( i ) == c;
			inter += x && y ? 1 : 0;
			a += x ? 1 : 0;
			b += y ? 1 : 0;
		}
		return a + b == 0 ? 1 : 2.0 * inter / ( a + b );
	}
}
