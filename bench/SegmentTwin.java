import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import com.google.gson.GsonBuilder;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.convert.ImageTensors;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.segment.Evaluation;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.SupervisedSegmenter;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.PatchSampler;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;

/**
 * Java side of the PyTorch twin of the supervised nuclei U-Net
 * ({@code bench/segment_twin.py}): the data, net and settings of
 * {@code SegmentBench nuclei} (Presets.segmenter, DSB2018 left half -> right
 * half, 2048 fixed augmented 64 x 64 patches, batch 16, 15 epochs, seeds 7 and
 * 42), trained with our {@link Trainer} and predicted through the same tiled
 * path ({@link SupervisedSegmenter#segment}). Exported for PyTorch as raw
 * little-endian float32 plus {@code header.json}: the patches (normalised
 * image, 0/1 mask), the initial AND final weights, the mini-batch order of
 * every epoch, the normalised test half with its mask and instance labels, and
 * our probability map. Both sides thus start from the same weights and see
 * the same batches in the same order.
 * <p>
 * Usage: {@code SegmentTwin <export dir>} (see {@code bench/run-segment-twin.sh});
 * settings {@code -Dtwin.epochs}, {@code -Dtwin.patches}. Not part of the test suite.
 */
public class SegmentTwin
{
	static final String DATA = "/work/shared/data/nuclei2d_dsb2018/";

	public static void main( final String[] args ) throws IOException
	{
		try
		{
			run( Paths.get( args.length > 0 ? args[ 0 ] : "/tmp/build-segtwin/twin" ) );
		}
		finally
		{
			ij.util.ThreadUtil.threadPoolExecutor.shutdown();
		}
	}

	static void run( final Path dir ) throws IOException
	{
		Files.createDirectories( dir );
		final int epochs = Integer.getInteger( "twin.epochs", 15 );
		final int n = Integer.getInteger( "twin.patches", 2048 );
		final int size = 64, batch = 16;
		final ImagePlus img = IJ.openImage( DATA + "img2d_512.tif" ), labels = IJ.openImage( DATA + "mask2d_512.tif" );
		if ( img == null || labels == null )
			throw new IllegalArgumentException( "Cannot open " + DATA + "img2d_512.tif / mask2d_512.tif: check the data folder" );
		final ImagePlus[] train = SegmentBench.halves( img, labels, 0 ), test = SegmentBench.halves( img, labels, 256 );

		// the patches exactly as SegmentBench.nuclei draws them
		final Normalization trainNorm = Normalizer.fit( Normalization.percentileDefault(), train[ 0 ] );
		final PatchSampler sampler = new PatchSampler( size, size, n, 0, 7 ).add( ImageTensors.reader( train[ 0 ] ),
				ImageTensors.reader( SupervisedSegmenter.binaryTarget( train[ 0 ], train[ 1 ] ) ), trainNorm, null );
		final float[] x = new float[ n * size * size ], y = new float[ n * size * size ];
		final int[] identity = new int[ n ];
		for ( int i = 0; i < n; i++ )
			identity[ i ] = i;
		sampler.fill( identity, 0, n, x, y, null, new Random( 7 ) );

		// the test half, normalised as the model file says (percentile, fitted on the image itself), for PyTorch
		final Normalization testNorm = Normalizer.fit( Normalization.percentileDefault(), test[ 0 ] );
		final float[] tx = ( float[] ) test[ 0 ].getProcessor().convertToFloat().getPixels();
		testNorm.apply( tx, 0, tx.length, 1 );
		final int tw = test[ 0 ].getWidth(), th = test[ 0 ].getHeight();

		final ModelSpec spec = Presets.segmenter( 1 );
		final TrainingConfig config = new TrainingConfig().epochs( epochs ).batchSize( batch ).validationFraction( 0 ).seed( 42 );

		// the mini-batch order the Trainer will use: one permutation per epoch from Random(config.seed)
		final Random orderRandom = new Random( config.seed );
		final float[] orders = new float[ epochs * n ];
		for ( int e = 0; e < epochs; e++ )
		{
			final int[] p = DenoiseTwin.permutation( n, orderRandom );
			for ( int i = 0; i < n; i++ )
				orders[ e * n + i ] = p[ i ];
		}

		final Path file = dir.resolve( "nuclei.aemodel.zip" );
		final Map< String, Object > params = new LinkedHashMap<>();
		final History history = new History();
		final List< String > loads = new ArrayList<>();
		final Trainer.Result r;
		final double trainSeconds, trainCpuSeconds;
		final int halo, sizeMultiple;
		try ( Model model = Model.create( spec, 42, 0 ) )
		{
			halo = model.halo();
			sizeMultiple = model.sizeMultiple();
			final Map< String, float[] > initial = model.readParameters();
			for ( final Map.Entry< String, long[] > e : model.parameterShapes().entrySet() )
			{
				final String name = e.getKey().replace( '/', '_' );
				DenoiseTwin.write( dir.resolve( "param_" + name + ".f32" ), initial.get( e.getKey() ) );
				final Map< String, Object > p = new LinkedHashMap<>();
				p.put( "file", "param_" + name + ".f32" );
				p.put( "final_file", "final_" + name + ".f32" );
				p.put( "shape", e.getValue() );
				params.put( e.getKey(), p );
			}
			DenoiseTwin.write( dir.resolve( "patches_x.f32" ), x );
			DenoiseTwin.write( dir.resolve( "patches_y.f32" ), y );
			DenoiseTwin.write( dir.resolve( "orders.f32" ), orders );
			DenoiseTwin.write( dir.resolve( "test_x.f32" ), tx );
			DenoiseTwin.write( dir.resolve( "test_y.f32" ), ( float[] ) test[ 1 ].getProcessor().convertToFloat().getPixels() );
			DenoiseTwin.write( dir.resolve( "test_labels.f32" ), ( float[] ) test[ 2 ].getProcessor().convertToFloat().getPixels() );

			// as SegmentBench: no validation set, so the Trainer keeps the epoch with the lowest training loss
			final long t0 = System.nanoTime(), cpu0 = DenoiseTwin.processCpuNanos();
			r = new Trainer().train( model, new ArrayTrainingData( x, y, 1, n, size, size, 1 ), null, config, history, new TrainingListener()
			{
				@Override
				public void epochEnded( final History.Epoch e, final History h )
				{
					loads.add( DenoiseBench.loadAverage() );
					System.out.println( "  java " + e + " (load " + loads.get( loads.size() - 1 ) + ")" );
				}
			} );
			trainSeconds = ( System.nanoTime() - t0 ) / 1e9;
			trainCpuSeconds = ( DenoiseTwin.processCpuNanos() - cpu0 ) / 1e9;
			final Map< String, float[] > trained = model.readParameters();
			for ( final String name : trained.keySet() )
				DenoiseTwin.write( dir.resolve( "final_" + name.replace( '/', '_' ) + ".f32" ), trained.get( name ) );
			final Map< String, String > extras = new HashMap<>();
			extras.put( ModelFile.NORMALIZATION, Normalization.percentileDefault().toJson() );
			ModelFile.save( model, file, extras );
		}

		// the user's path: model file, tiled prediction, threshold 0.5, 8-connected labels
		final Segmentation seg;
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			seg = SupervisedSegmenter.segment( m, test[ 0 ], 0.5, 0, new ImageRunner.Options(), Progress.none() );
		}
		DenoiseTwin.write( dir.resolve( "java_probability.f32" ), ( float[] ) seg.score.getProcessor().convertToFloat().getPixels() );
		final double dice = Evaluation.dice( seg.mask, test[ 1 ] ), iou = Evaluation.iou( seg.mask, test[ 1 ] );
		final Evaluation.ObjectScores o = Evaluation.objects( seg.labels, test[ 2 ], 0.5 );
		System.out.println( String.format( Locale.ROOT, "java: %s; Dice %.4f IoU %.4f objects P %.3f R %.3f (%d true, %d predicted); training %.1f s (CPU %.1f s)",
				r, dice, iou, o.precision(), o.recall(), o.actual, o.predicted, trainSeconds, trainCpuSeconds ) );

		final Map< String, Object > header = new LinkedHashMap<>();
		header.put( "spec", new com.google.gson.JsonParser().parse( spec.toJson() ) );
		header.put( "data", DATA + "img2d_512.tif (left half -> right half)" );
		header.put( "patch", size );
		header.put( "n_train", n );
		header.put( "epochs", epochs );
		header.put( "batch_size", batch );
		header.put( "test_height", th );
		header.put( "test_width", tw );
		header.put( "halo", halo );
		header.put( "size_multiple", sizeMultiple );
		header.put( "threshold", 0.5 );
		header.put( "adam", DenoiseTwin.adam() );
		header.put( "params", params );
		final Map< String, Object > java = new LinkedHashMap<>();
		java.put( "dice", dice );
		java.put( "iou", iou );
		java.put( "object_precision", o.precision() );
		java.put( "object_recall", o.recall() );
		java.put( "objects_true", o.actual );
		java.put( "objects_predicted", o.predicted );
		java.put( "objects_matched", o.matched );
		java.put( "train_seconds", trainSeconds );
		java.put( "train_cpu_seconds", trainCpuSeconds );
		java.put( "best_epoch", r.bestEpoch );
		java.put( "best_train_loss", r.bestLoss );
		final List< Object > ep = new ArrayList<>();
		for ( int i = 0; i < history.epochs.size(); i++ )
		{
			final History.Epoch e = history.epochs.get( i );
			final Map< String, Object > m = new LinkedHashMap<>();
			m.put( "epoch", e.epoch );
			m.put( "train_loss", e.trainLoss );
			m.put( "seconds", e.seconds );
			m.put( "load_average", loads.get( i ) );
			ep.add( m );
		}
		java.put( "epochs", ep );
		header.put( "java", java );
		Files.write( dir.resolve( "header.json" ), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson( header ).getBytes( StandardCharsets.UTF_8 ) );
		System.out.println( "exported to " + dir );
	}
}
