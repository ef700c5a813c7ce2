import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.convert.ImageTensors;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.segment.AnomalyMap;
import fiji.plugin.autoencoder.segment.Evaluation;
import fiji.plugin.autoencoder.segment.Labeling;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.SupervisedSegmenter;
import fiji.plugin.autoencoder.segment.Thresholds;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.PatchSampler;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * Segmentation benchmark (not part of the test suite).
 * <ul>
 * <li>{@code texture}: per skimage texture (brick, grass, gravel, 512 x 512): an
 * autoencoder trained on the top half (defect-free), 20 synthetic defects
 * (blobs and scratches, varied size and contrast, bright and dark) painted
 * into the bottom half, segment by reconstruction (Otsu on the smoothed
 * anomaly map); detection rate, precision and pixel Dice vs an Otsu threshold
 * of the intensities.</li>
 * <li>{@code nuclei <dir>}: supervised U-Net on the DSB2018 nuclei (512 x 512):
 * trained on fixed augmented patches of the left half, tested on the right
 * half; the patches, the normalised test half and its mask are written to
 * {@code dir}. The PyTorch twin is {@code SegmentTwin} + {@code segment_twin.py}.</li>
 * </ul>
 */
public class SegmentBench
{
	static final String SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data/";

	public static void main( final String[] args ) throws Exception
	{
		try
		{
			if ( args[ 0 ].equals( "texture" ) )
				texture( Integer.parseInt( args.length > 1 ? args[ 1 ] : "8" ) );
			else
				nuclei( Paths.get( args[ 1 ] ), Integer.parseInt( args[ 2 ] ), args.length > 3 ? Integer.parseInt( args[ 3 ] ) : 2048 );
		}
		finally
		{
			System.exit( 0 ); // ImageJ's filter threads are not daemons
		}
	}

	// -- (a) textures --

	static void texture( final int epochs ) throws IOException
	{
		System.out.println( "| texture | defects | found (recall) | objects | precision | matched IoU>0.5 (P / R) | pixel Dice AE | pixel Dice Otsu(intensity) | train s |" );
		System.out.println( "|---|---|---|---|---|---|---|---|---|" );
		for ( final String name : new String[] { "brick", "grass", "gravel" } )
		{
			final ImagePlus img = IJ.openImage( SKIMAGE + name + ".png" );
			final ImageProcessor ip = img.getProcessor();
			ip.setRoi( 0, 0, 512, 256 );
			final ImagePlus normal = new ImagePlus( name + "-top", ip.crop() );
			final DefectiveHalf d = DefectiveHalf.of( ip, name );
			final ImagePlus defective = d.defective, truthImp = d.truth, truthLabels = d.truthLabels, otsu = d.otsu;

			final ModelSpec spec = Presets.convPool( ModelSpec.Unpooling.NEAREST );
			spec.layers = new int[] { 32, 32, 8 };
			spec.outputActivation = ModelSpec.Activation.LINEAR;
			spec.loss = ModelSpec.Loss.MSE;
			final Path file = Files.createTempFile( "ae-" + name, ".aemodel.zip" );
			final ImageTrainingJob job = new ImageTrainingJob( spec, file );
			job.patchSize = 64;
			job.patchesPerEpoch = 512;
			job.config.epochs( epochs ).batchSize( 16 ).patience( 0 );
			final long t0 = System.nanoTime();
			job.run( Collections.singletonList( normal ), null, TrainingListener.none() );
			final double trainS = ( System.nanoTime() - t0 ) / 1e9;

			try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
			{
				// Otsu on the anomaly map of the test image itself
				final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( "Otsu", 0, 2, 20 );
				row( name + ", Otsu on the map (sigma 2, min 20 px)", ReconstructionSegmenter.segment( m, defective, s, Progress.none() ), truthImp, truthLabels, otsu, trainS );
				// calibrated: the largest error of the smoothed map on defect-free texture (the training half) becomes the threshold
				final ReconstructionSegmenter.Settings c = ReconstructionSegmenter.Settings.of( "Value", 0, 3, 30 );
				final ImagePlus normalMap = AnomalyMap.compute( m, normal, c.map, Progress.none() );
				c.thresholdValue = Thresholds.threshold( normalMap, Thresholds.Method.PERCENTILE, 99.99 );
				row( name + ", threshold = 99.99th pct of the map on normal texture (sigma 3, min 30 px)", ReconstructionSegmenter.segment( m, defective, c, Progress.none() ), truthImp, truthLabels, otsu, trainS );
				// signed smoothing (texture residue of both signs averages out), z-score against the normal map, threshold calibrated on normal texture at a false-positive rate
				for ( final double[] v : new double[][] { { 3, 1e-4, 20 }, { 2, 1e-3, 50 } } )
				{
					final ReconstructionSegmenter.Settings z = ReconstructionSegmenter.Settings.of( "Value", 0, v[ 0 ], ( int ) v[ 2 ] );
					z.map.smoothSigned( true );
					final double[] stats = AnomalyMap.statistics( AnomalyMap.compute( m, normal, z.map, Progress.none() ) );
					z.map.normalizeBy( stats[ 0 ], stats[ 1 ] );
					z.thresholdValue = Thresholds.calibrated( AnomalyMap.compute( m, normal, z.map, Progress.none() ), v[ 1 ] );
					row( String.format( Locale.ROOT, "%s, signed-smoothed z-score (sigma %.0f), calibrated at FPR %.0e on normal texture (z > %.1f), min %.0f px", name, v[ 0 ], v[ 1 ], z.thresholdValue, v[ 2 ] ),
							ReconstructionSegmenter.segment( m, defective, z, Progress.none() ), truthImp, truthLabels, otsu, trainS );
				}
			}
			Files.deleteIfExists( file );

			// inpainting-style training: inputs with random bright/dark rectangles (not the test defects' shapes), clean targets, fixed 8-bit scaling
			final List< ImagePlus > corrupted = new ArrayList<>(), clean = new ArrayList<>();
			final Random cr = new Random( 5 );
			for ( int c = 0; c < 4; c++ )
			{
				corrupted.add( new ImagePlus( name + "-corrupted" + c, corruptRectangles( normal.getProcessor(), 150, cr ) ) );
				clean.add( normal );
			}
			final ImageTrainingJob cjob = new ImageTrainingJob( spec, file );
			cjob.patchSize = 64;
			cjob.patchesPerEpoch = 512;
			cjob.normalization = Normalization.eightBit();
			cjob.config.epochs( epochs ).batchSize( 16 ).patience( 0 );
			final long t1 = System.nanoTime();
			cjob.run( corrupted, clean, TrainingListener.none() );
			final double ctrainS = ( System.nanoTime() - t1 ) / 1e9;
			try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
			{
				for ( final boolean signed : new boolean[] { false, true } )
				{
					final ReconstructionSegmenter.Settings z = ReconstructionSegmenter.Settings.of( "Value", 0, 3, 20 );
					z.map.smoothSigned( signed );
					z.thresholdValue = Thresholds.calibrated( AnomalyMap.compute( m, normal, z.map, Progress.none() ), 1e-4 );
					row( String.format( Locale.ROOT, "%s, AE trained on rectangle-corrupted inputs, %s (sigma 3), calibrated at FPR 1e-04 on normal texture, min 20 px", name, signed ? "signed-smoothed error" : "smoothed abs. error" ),
							ReconstructionSegmenter.segment( m, defective, z, Progress.none() ), truthImp, truthLabels, otsu, ctrainS );
				}
			}
			Files.deleteIfExists( file );
		}
	}

	/**
	 * The bottom half (rows 256-511) of a 512 x 512 texture with 20 painted defects
	 * ({@link #paintDefects}, seeded by the texture's name), their footprint and labels,
	 * and the Otsu threshold of its intensities (the baseline).
	 */
	static final class DefectiveHalf
	{
		final ImagePlus defective, truth, truthLabels, otsu;

		private DefectiveHalf( final ImagePlus defective, final ImagePlus truth, final ImagePlus otsu )
		{
			this.defective = defective;
			this.truth = truth;
			this.truthLabels = Labeling.label( truth, Labeling.Connectivity.EIGHT, 0 );
			this.otsu = otsu;
		}

		static DefectiveHalf of( final ImageProcessor texture, final String name )
		{
			texture.setRoi( 0, 256, 512, 256 );
			final ImageProcessor test = texture.crop();
			final ByteProcessor truth = new ByteProcessor( 512, 256 );
			paintDefects( test, truth, 20, new Random( name.hashCode() ) );
			final ImageProcessor intensity = test.convertToFloat();
			final ImagePlus otsu = Thresholds.mask( new ImagePlus( "intensity", intensity ), Thresholds.otsu( ( float[] ) intensity.getPixels() ) );
			return new DefectiveHalf( new ImagePlus( name + "-defects", test ), new ImagePlus( "truth", truth ), otsu );
		}
	}

	/** A copy with n random rectangles (3-24 px a side) shifted by +-30..120 grey levels, clamped to 0..255. */
	static ImageProcessor corruptRectangles( final ImageProcessor ip, final int n, final Random r )
	{
		final ImageProcessor c = ip.duplicate();
		for ( int k = 0; k < n; k++ )
		{
			final int w = 3 + r.nextInt( 22 ), h = 3 + r.nextInt( 22 ), x0 = r.nextInt( c.getWidth() - w ), y0 = r.nextInt( c.getHeight() - h );
			final double offset = ( 30 + 90 * r.nextDouble() ) * ( r.nextBoolean() ? 1 : -1 );
			for ( int y = y0; y < y0 + h; y++ )
				for ( int x = x0; x < x0 + w; x++ )
					c.setf( x, y, ( float ) Math.max( 0, Math.min( 255, c.getf( x, y ) + offset ) ) );
		}
		return c;
	}

	static void row( final String name, final Segmentation seg, final ImagePlus truthImp, final ImagePlus truthLabels, final ImagePlus otsu, final double trainS )
	{
		final int[] det = detection( seg.labels, truthLabels );
		final Evaluation.ObjectScores strict = Evaluation.objects( seg.labels, truthLabels, 0.5 );
		System.out.println( String.format( Locale.ROOT, "| %s | %d | %d (%.2f) | %d | %.2f | %.2f / %.2f | %.3f | %.3f | %.0f |", name, det[ 0 ], det[ 1 ], det[ 1 ] / ( double ) det[ 0 ],
				det[ 2 ], det[ 2 ] == 0 ? 1 : det[ 3 ] / ( double ) det[ 2 ], strict.precision(), strict.recall(), Evaluation.dice( seg.mask, truthImp ), Evaluation.dice( otsu, truthImp ), trainS ) );
	}

	/** 20 defects on a jittered grid (no overlaps): half blobs (radius 4-12), half scratches (length 25-60, width 2-3), contrast +-40..110 grey levels. */
	static void paintDefects( final ImageProcessor img, final ByteProcessor truth, final int n, final Random r )
	{
		final int cols = 5, rows = 4, cw = img.getWidth() / cols, ch = img.getHeight() / rows;
		for ( int k = 0; k < n; k++ )
		{
			final double cx = ( k % cols ) * cw + cw / 2.0 + ( r.nextDouble() - 0.5 ) * cw * 0.3;
			final double cy = ( k / cols ) * ch + ch / 2.0 + ( r.nextDouble() - 0.5 ) * ch * 0.3;
			final double contrast = ( 40 + 70 * r.nextDouble() ) * ( r.nextBoolean() ? 1 : -1 );
			final boolean blob = k % 2 == 0;
			final double radius = 4 + 8 * r.nextDouble();
			final double len = 25 + 35 * r.nextDouble(), width = 2 + r.nextDouble(), angle = Math.PI * r.nextDouble();
			final double ux = Math.cos( angle ), uy = Math.sin( angle );
			for ( int y = 0; y < img.getHeight(); y++ )
				for ( int x = 0; x < img.getWidth(); x++ )
				{
					final double dx = x - cx, dy = y - cy;
					final double inside; // 1 inside, soft edge of 1 pixel
					if ( blob )
						inside = Math.max( 0, Math.min( 1, radius - Math.hypot( dx, dy ) + 0.5 ) );
					else
					{
						final double along = dx * ux + dy * uy, across = Math.abs( -dx * uy + dy * ux );
						inside = Math.abs( along ) > len / 2 ? 0 : Math.max( 0, Math.min( 1, width / 2 - across + 0.5 ) );
					}
					if ( inside <= 0 )
						continue;
					img.setf( x, y, ( float ) Math.max( 0, Math.min( 255, img.getf( x, y ) + inside * contrast ) ) );
					if ( inside >= 0.5 )
						truth.set( x, y, 255 );
				}
		}
	}

	/** {true objects, true objects overlapped by a prediction, predicted objects, predicted objects overlapping a true one}. */
	static int[] detection( final ImagePlus predicted, final ImagePlus truth )
	{
		final ImageProcessor p = predicted.getProcessor(), t = truth.getProcessor();
		final int np = Labeling.count( predicted ), nt = Labeling.count( truth );
		final boolean[] hitT = new boolean[ nt + 1 ], hitP = new boolean[ np + 1 ];
		for ( int i = 0; i < p.getPixelCount(); i++ )
		{
			final int a = ( int ) p.getf( i ), b = ( int ) t.getf( i );
			if ( a > 0 && b > 0 )
			{
				hitP[ a ] = true;
				hitT[ b ] = true;
			}
		}
		int ft = 0, fp = 0;
		for ( int k = 1; k <= nt; k++ )
			ft += hitT[ k ] ? 1 : 0;
		for ( int k = 1; k <= np; k++ )
			fp += hitP[ k ] ? 1 : 0;
		return new int[] { nt, ft, np, fp };
	}

	// -- (b) nuclei --

	static void nuclei( final Path dir, final int epochs, final int n ) throws IOException
	{
		Files.createDirectories( dir );
		final String data = "/work/shared/data/nuclei2d_dsb2018/";
		final ImagePlus img = IJ.openImage( data + "img2d_512.tif" ), labels = IJ.openImage( data + "mask2d_512.tif" );
		final ImagePlus[] train = halves( img, labels, 0 ), test = halves( img, labels, 256 );
		final int size = 64, batch = 16;
		final Normalization trainNorm = Normalizer.fit( Normalization.percentileDefault(), train[ 0 ] );
		final PatchSampler sampler = new PatchSampler( size, size, n, 0, 7 ).add( ImageTensors.reader( train[ 0 ] ), ImageTensors.reader( SupervisedSegmenter.binaryTarget( train[ 0 ], train[ 1 ] ) ), trainNorm, null );
		final float[] x = new float[ n * size * size ], y = new float[ n * size * size ];
		final int[] idx = new int[ n ];
		for ( int i = 0; i < n; i++ )
			idx[ i ] = i;
		sampler.fill( idx, 0, n, x, y, null, new Random( 7 ) );
		write( dir.resolve( "patches_x.f32" ), x );
		write( dir.resolve( "patches_y.f32" ), y );
		final Normalization testNorm = Normalizer.fit( Normalization.percentileDefault(), test[ 0 ] );
		final float[] tx = ( float[] ) test[ 0 ].getProcessor().convertToFloat().getPixels();
		testNorm.apply( tx, 0, tx.length, 1 );
		write( dir.resolve( "test_x.f32" ), tx );
		write( dir.resolve( "test_y.f32" ), ( float[] ) test[ 1 ].getProcessor().convertToFloat().getPixels() );

		final ModelSpec spec = Presets.segmenter( 1 );
		final TrainingConfig config = new TrainingConfig().epochs( epochs ).batchSize( batch ).validationFraction( 0 ).seed( 42 );
		final Path file = dir.resolve( "nuclei.aemodel.zip" );
		final long t0 = System.nanoTime();
		try ( Model model = Model.create( spec, 42, 0 ) )
		{
			final History h = new History();
			new Trainer().train( model, new ArrayTrainingData( x, y, 1, n, size, size, 1 ), null, config, h, new TrainingListener()
			{
				@Override
				public void epochEnded( final History.Epoch e, final History hist )
				{
					System.out.println( "java " + e );
				}
			} );
			final Map< String, String > extras = new HashMap<>();
			extras.put( ModelFile.NORMALIZATION, Normalization.percentileDefault().toJson() );
			ModelFile.save( model, file, extras );
		}
		final double trainS = ( System.nanoTime() - t0 ) / 1e9;
		final Segmentation seg;
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			seg = SupervisedSegmenter.segment( m, test[ 0 ], 0.5, 0, new ImageRunner.Options(), Progress.none() );
		}
		final ImagePlus trueLabels = test[ 2 ];
		final double dice = Evaluation.dice( seg.mask, test[ 1 ] );
		final Evaluation.ObjectScores o = Evaluation.objects( seg.labels, trueLabels, 0.5 );
		final double t = Thresholds.otsu( ( float[] ) test[ 0 ].getProcessor().convertToFloat().getPixels() );
		final ImagePlus otsuMask = Thresholds.mask( new ImagePlus( "i", test[ 0 ].getProcessor().convertToFloat() ), t );
		final Evaluation.ObjectScores oo = Evaluation.objects( Labeling.label( otsuMask, Labeling.Connectivity.EIGHT, 0 ), trueLabels, 0.5 );
		System.out.println( String.format( Locale.ROOT, "RESULT java: dice %.4f iou %.4f objects P %.3f R %.3f (%d true, %d predicted) train %.0f s", dice, Evaluation.iou( seg.mask, test[ 1 ] ),
				o.precision(), o.recall(), o.actual, o.predicted, trainS ) );
		System.out.println( String.format( Locale.ROOT, "RESULT otsu: dice %.4f iou %.4f objects P %.3f R %.3f (%d predicted)", Evaluation.dice( otsuMask, test[ 1 ] ), Evaluation.iou( otsuMask, test[ 1 ] ),
				oo.precision(), oo.recall(), oo.predicted ) );
	}

	/** {image, binary mask 0/255, labels} of the 256-column half starting at x0. */
	static ImagePlus[] halves( final ImagePlus img, final ImagePlus labels, final int x0 )
	{
		final ImageProcessor ip = img.getProcessor(), lp = labels.getProcessor();
		ip.setRoi( x0, 0, 256, 512 );
		lp.setRoi( x0, 0, 256, 512 );
		final ImageProcessor l = lp.crop();
		final ByteProcessor m = new ByteProcessor( 256, 512 );
		for ( int i = 0; i < m.getPixelCount(); i++ )
			m.set( i, l.get( i ) > 0 ? 255 : 0 );
		return new ImagePlus[] { new ImagePlus( "img-" + x0, ip.crop() ), new ImagePlus( "mask-" + x0, m ), new ImagePlus( "labels-" + x0, l ) };
	}

	static void write( final Path p, final float[] v ) throws IOException
	{
		final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate( 4 * v.length ).order( java.nio.ByteOrder.LITTLE_ENDIAN );
		b.asFloatBuffer().put( v );
		Files.write( p, b.array() );
	}
}
