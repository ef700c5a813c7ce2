import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.features.CodeTable;
import fiji.plugin.autoencoder.features.ItemSet;
import fiji.plugin.autoencoder.features.LossCurves;
import fiji.plugin.autoencoder.features.Montage;
import fiji.plugin.autoencoder.features.ModelSummary;
import fiji.plugin.autoencoder.features.OutputFiles;
import fiji.plugin.autoencoder.features.Pca;
import fiji.plugin.autoencoder.features.ScatterPlots;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.IdxReader;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.ImagePlus;

/**
 * How much class information the codes keep: trains autoencoders on
 * Fashion-MNIST training images, encodes the 10,000 test images and measures
 * k-nearest-neighbour (k = 5, 5-fold cross-validation within the test set)
 * class accuracy for the codes and for the raw pixels, in full dimension and in
 * the 2D PCA plane. Writes PCA scatter plots, a montage, loss curves and
 * bench/results/inspect.md. Run with bench/run-inspect-bench.sh.
 * <p>
 * Arguments: training images (default 20000), epochs (default 5).
 */
public class InspectBench
{
	static final int K = 5, FOLDS = 5;

	static final Path RESULTS = Paths.get( "bench/results" );

	public static void main( final String[] args ) throws Exception
	{
		final int nTrain = args.length > 0 ? Integer.parseInt( args[ 0 ] ) : 20000;
		final int epochs = args.length > 1 ? Integer.parseInt( args[ 1 ] ) : 5;
		Files.createDirectories( RESULTS );
		final float[] train = IdxReader.readImages( IdxReader.fashionMnist( "train-images-idx3-ubyte.gz" ) ).toFloats( nTrain );
		final ItemSet test = ItemSet.fromIdx( IdxReader.fashionMnist( "t10k-images-idx3-ubyte.gz" ), IdxReader.fashionMnist( "t10k-labels-idx1-ubyte.gz" ), 0,
				ItemSet.FASHION_MNIST_CLASSES );
		final int[] labels = IdxReader.readLabels( IdxReader.fashionMnist( "t10k-labels-idx1-ubyte.gz" ) );
		final StringBuilder md = new StringBuilder();
		md.append( "# Inspect bench: class information in autoencoder codes (Fashion-MNIST)\n\n" );
		md.append( String.format( Locale.ROOT, "Trained on the first %d Fashion-MNIST training images for %d epochs (batch 128, 10%% validation), "
				+ "then encoded the %d test images. Accuracy: k-nearest-neighbour (k = %d, Euclidean) with %d-fold cross-validation within the test set; "
				+ "the PCA is fitted on all test codes (unsupervised). Machine: %d cores shared with other jobs. "
				+ "Reproduce with `bash bench/run-inspect-bench.sh`.%n%n", nTrain, epochs, test.count(), K, FOLDS, Runtime.getRuntime().availableProcessors() ) );
		md.append( "| features | dimensions | kNN accuracy (full) | kNN accuracy (2D PCA) | PC1 + PC2 variance | training s | final val loss |\n" );
		md.append( "|---|---:|---:|---:|---:|---:|---:|\n" );

		final double[][] raw = Pca.toDouble( rows( test.data(), test.count(), test.itemSize() ) );
		row( md, "raw pixels", raw, labels, test, "pca-raw", Double.NaN, Double.NaN );

		final ModelSpec strided = Presets.convStrided();
		strided.codeSize = 32;
		strided.name = "conv_strided_code32";
		for ( final ModelSpec spec : Arrays.asList( Presets.convPool( ModelSpec.Unpooling.NEAREST ), strided ) )
		{
			try ( Model model = Model.create( spec, 42, 0 ) )
			{
				System.out.println( ModelSummary.of( model ).format() );
				final History history = new History();
				final long t0 = System.nanoTime();
				final Trainer.Result r = new Trainer().train( model, new ArrayTrainingData( train, nTrain, 28, 28, 1 ), null,
						new TrainingConfig().epochs( epochs ).batchSize( 128 ).seed( 1 ), history, new TrainingListener()
						{
							@Override
							public void epochEnded( final History.Epoch e, final History h )
							{
								System.out.println( spec.name + " " + e );
							}
						} );
				final double seconds = ( System.nanoTime() - t0 ) / 1e9;
				System.out.println( r );
				final double[][] codes = Pca.toDouble( CodeTable.encodeAll( model, test, CodeTable.DEFAULT_BATCH, Progress.none() ) );
				row( md, spec.name + " code", codes, labels, test, "pca-" + spec.name, seconds, history.last( "train" ).validationLoss );
				OutputFiles.png( upscale( Montage.reconstructions( model, test, 12, 1 ), 3 ), RESULTS, "montage-" + spec.name );
				OutputFiles.png( LossCurves.plot( history, spec.name ).getImagePlus(), RESULTS, "loss-" + spec.name );
			}
		}
		md.append( "\nFiles: `pca-*.png` (PC1 vs PC2 coloured by class; `pca3d-*.png` the three pairwise planes), "
				+ "`montage-*.png` (12 test images above their reconstructions, 3x enlarged), `loss-*.png` (loss per epoch).\n" );
		OutputFiles.text( md.toString(), RESULTS, "inspect.md" );
		System.out.println( md );
	}

	static void row( final StringBuilder md, final String name, final double[][] x, final int[] labels, final ItemSet items, final String png,
			final double seconds, final double valLoss ) throws Exception
	{
		final long t0 = System.nanoTime();
		final double full = knnAccuracy( x, labels );
		final Pca pca = Pca.fit( x, 3 );
		final double[][] p = pca.project( x );
		final double[][] plane = new double[ p.length ][];
		for ( int i = 0; i < p.length; i++ )
			plane[ i ] = new double[] { p[ i ][ 0 ], p[ i ][ 1 ] };
		final double flat = knnAccuracy( plane, labels );
		final double[] ratio = pca.explainedVarianceRatios();
		final String[] classes = new String[ items.count() ];
		for ( int i = 0; i < classes.length; i++ )
			classes[ i ] = items.itemClass( i );
		OutputFiles.png( ScatterPlots.pca2D( pca, p, classes, name ), RESULTS, png );
		OutputFiles.png( ScatterPlots.pcaPairwise( pca, p, classes, name ), RESULTS, png.replace( "pca-", "pca3d-" ) );
		md.append( String.format( Locale.ROOT, "| %s | %d | %.1f%% | %.1f%% | %.1f%% | %s | %s |%n", name, x[ 0 ].length, 100 * full, 100 * flat,
				100 * ( ratio[ 0 ] + ratio[ 1 ] ), Double.isNaN( seconds ) ? "" : String.format( Locale.ROOT, "%.0f", seconds ),
				Double.isNaN( valLoss ) ? "" : String.format( Locale.ROOT, "%.4f", valLoss ) ) );
		System.out.println( String.format( Locale.ROOT, "%s: kNN %.4f (full, %d dims), %.4f (2D PCA); PCA + kNN took %.1f s", name, full, x[ 0 ].length, flat,
				( System.nanoTime() - t0 ) / 1e9 ) );
	}

	/** k-NN accuracy with FOLDS-fold cross-validation (fold = index mod FOLDS), majority vote, ties to the nearest. */
	static double knnAccuracy( final double[][] x, final int[] labels )
	{
		final int n = x.length, d = x[ 0 ].length;
		final float[][] f = new float[ n ][ d ];
		final double[] norms = new double[ n ];
		for ( int i = 0; i < n; i++ )
			for ( int j = 0; j < d; j++ )
			{
				f[ i ][ j ] = ( float ) x[ i ][ j ];
				norms[ i ] += ( double ) f[ i ][ j ] * f[ i ][ j ];
			}
		final long correct = IntStream.range( 0, n ).parallel().filter( q -> {
			final double[] best = new double[ K ];
			final int[] bestLabel = new int[ K ];
			Arrays.fill( best, Double.POSITIVE_INFINITY );
			final float[] a = f[ q ];
			for ( int r = 0; r < n; r++ )
			{
				if ( r % FOLDS == q % FOLDS )
					continue;
				final float[] b = f[ r ];
				// NB: four partial sums, so the JIT can overlap the multiply-adds
				float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
				int j = 0;
				for ( ; j + 3 < d; j += 4 )
				{
					s0 += a[ j ] * b[ j ];
					s1 += a[ j + 1 ] * b[ j + 1 ];
					s2 += a[ j + 2 ] * b[ j + 2 ];
					s3 += a[ j + 3 ] * b[ j + 3 ];
				}
				for ( ; j < d; j++ )
					s0 += a[ j ] * b[ j ];
				final double dist = norms[ q ] + norms[ r ] - 2.0 * ( ( s0 + s1 ) + ( s2 + s3 ) );
				if ( dist < best[ K - 1 ] )
				{
					int k = K - 1;
					while ( k > 0 && best[ k - 1 ] > dist )
					{
						best[ k ] = best[ k - 1 ];
						bestLabel[ k ] = bestLabel[ k - 1 ];
						k--;
					}
					best[ k ] = dist;
					bestLabel[ k ] = labels[ r ];
				}
			}
			final int[] votes = new int[ 256 ];
			int winner = bestLabel[ 0 ];
			for ( int k = 0; k < K; k++ )
				if ( ++votes[ bestLabel[ k ] ] > votes[ winner ] )
					winner = bestLabel[ k ];
			return winner == labels[ q ];
		} ).count();
		return correct / ( double ) n;
	}

	static float[][] rows( final float[] data, final int n, final int size )
	{
		final float[][] out = new float[ n ][];
		for ( int i = 0; i < n; i++ )
			out[ i ] = Arrays.copyOfRange( data, i * size, ( i + 1 ) * size );
		return out;
	}

	static ImagePlus upscale( final ImagePlus imp, final int factor )
	{
		final ij.process.ImageProcessor ip = imp.getProcessor();
		ip.setInterpolationMethod( ij.process.ImageProcessor.NONE );
		final ImagePlus out = new ImagePlus( imp.getTitle(), ip.resize( imp.getWidth() * factor, imp.getHeight() * factor ) );
		out.setDisplayRange( imp.getDisplayRangeMin(), imp.getDisplayRangeMax() );
		return out;
	}
}
