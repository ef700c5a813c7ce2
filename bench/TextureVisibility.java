import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.AnomalyMap;
import fiji.plugin.autoencoder.segment.Labeling;
import fiji.plugin.autoencoder.segment.ReconstructionSegmenter;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.Thresholds;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * How visible each synthetic defect of the texture bench is, and whether the
 * anomaly segmenter found it: the mean grey-level change inside the defect
 * over the standard deviation of the unpainted texture around it (its box
 * grown by 8 px), its shape (scratch: long and thin) and "found" with the goal
 * rule (8 orientations, probability 0.5, objects seeded at FPR 1e-4 of the
 * held-out strip, min 10 px) and its largest probability; then the largest
 * probabilities of the objects above 0.5 that touch no defect, and the top of
 * the held-out normal strip's map. Evaluates the models TextureBench saved; not a test.
 * <p>
 * Usage: {@code TextureVisibility brick,grass,gravel [model tag, e.g. -l2]},
 * {@code -Dtx.work=<model folder>} (default /tmp/build-sbench/texture-models).
 */
public class TextureVisibility
{
	public static void main( final String[] args ) throws Exception
	{
		try
		{
			final String tag = args.length > 1 ? args[ 1 ] : "";
			for ( final String name : args[ 0 ].split( "," ) )
				texture( name, tag );
		}
		finally
		{
			System.exit( 0 );
		}
	}

	static void texture( final String name, final String tag ) throws Exception
	{
		final ImageProcessor ip = IJ.openImage( SegmentBench.SKIMAGE + name + ".png" ).getProcessor();
		ip.setRoi( 0, 192, 512, 64 );
		final ImagePlus heldOut = new ImagePlus( name + "-heldout", ip.crop() );
		ip.setRoi( 0, 256, 512, 256 );
		final ImageProcessor original = ip.crop();
		final SegmentBench.DefectiveHalf d = SegmentBench.DefectiveHalf.of( ip, name );
		final Segmentation seg, plain;
		final ImagePlus map, normalMap;
		try ( ModelFile.Loaded m = ModelFile.load( Paths.get( System.getProperty( "tx.work", "/tmp/build-sbench/texture-models" ), "anomaly-segmenter-" + name + tag + ".aemodel.zip" ), 0 ) )
		{
			final AnomalyMap.Options o = new AnomalyMap.Options();
			o.tiling.averageOrientations = true;
			map = AnomalyMap.compute( m, d.defective, o, Progress.none() );
			normalMap = AnomalyMap.compute( m, heldOut, o, Progress.none() );
		}
		final ReconstructionSegmenter.Settings s = ReconstructionSegmenter.Settings.of( "Value", 0.5, 0, 10 );
		plain = ReconstructionSegmenter.fromMap( map, normalMap, s );
		s.seedFalsePositiveRate = 1e-4;
		seg = ReconstructionSegmenter.fromMap( map, normalMap, s );
		final ImageProcessor defective = d.defective.getProcessor(), labels = d.truthLabels.getProcessor(), found = seg.labels.getProcessor(), probability = map.getProcessor();
		final int n = Labeling.count( d.truthLabels ), w = labels.getWidth(), h = labels.getHeight();
		final double[] change = new double[ n + 1 ], pixels = new double[ n + 1 ], maxP = new double[ n + 1 ];
		final boolean[] hit = new boolean[ n + 1 ];
		final int[] x0 = new int[ n + 1 ], x1 = new int[ n + 1 ], y0 = new int[ n + 1 ], y1 = new int[ n + 1 ];
		Arrays.fill( x0, Integer.MAX_VALUE );
		Arrays.fill( y0, Integer.MAX_VALUE );
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
			{
				final int k = labels.get( x, y );
				if ( k == 0 )
					continue;
				change[ k ] += defective.getf( x, y ) - original.getf( x, y );
				maxP[ k ] = Math.max( maxP[ k ], probability.getf( x, y ) );
				pixels[ k ]++;
				hit[ k ] |= found.get( x, y ) > 0;
				x0[ k ] = Math.min( x0[ k ], x );
				x1[ k ] = Math.max( x1[ k ], x );
				y0[ k ] = Math.min( y0[ k ], y );
				y1[ k ] = Math.max( y1[ k ], y );
			}
		final List< String > rows = new ArrayList<>();
		final List< Double > keys = new ArrayList<>();
		for ( int k = 1; k <= n; k++ )
		{
			double s1 = 0, s2 = 0, c = 0;
			for ( int y = Math.max( 0, y0[ k ] - 8 ); y <= Math.min( h - 1, y1[ k ] + 8 ); y++ )
				for ( int x = Math.max( 0, x0[ k ] - 8 ); x <= Math.min( w - 1, x1[ k ] + 8 ); x++ )
					if ( labels.get( x, y ) != k )
					{
						final double v = original.getf( x, y );
						s1 += v;
						s2 += v * v;
						c++;
					}
			final double sd = Math.sqrt( s2 / c - ( s1 / c ) * ( s1 / c ) ), mean = change[ k ] / pixels[ k ];
			final boolean scratch = Math.max( x1[ k ] - x0[ k ], y1[ k ] - y0[ k ] ) / Math.sqrt( pixels[ k ] ) > 2.5;
			keys.add( Math.abs( mean ) / sd );
			rows.add( String.format( Locale.ROOT, "| %.2f | %+.0f | %.0f | %.0f | %s | %.2f | %s |", Math.abs( mean ) / sd, mean, sd, pixels[ k ], scratch ? "scratch" : "blob", maxP[ k ],
					hit[ k ] ? "found" : "missed" ) );
		}
		System.out.println( "\n" + name + tag + "\n\n| change / texture SD | mean change | texture SD | pixels | shape | max probability | found |\n|---:|---:|---:|---:|---|---:|---|" );
		final Integer[] order = new Integer[ n ];
		for ( int i = 0; i < n; i++ )
			order[ i ] = i;
		Arrays.sort( order, ( p, q ) -> Double.compare( keys.get( q ), keys.get( p ) ) );
		for ( final int i : order )
			System.out.println( rows.get( i ) );
		// what a threshold has to get past: the objects above 0.5 that touch no defect, and the normal strip's top values
		final ImageProcessor objects = plain.labels.getProcessor();
		final int count = Labeling.count( plain.labels );
		final double[] objectMax = new double[ count + 1 ];
		final boolean[] onDefect = new boolean[ count + 1 ];
		for ( int i = 0; i < objects.getPixelCount(); i++ )
		{
			final int k = ( int ) objects.getf( i );
			objectMax[ k ] = Math.max( objectMax[ k ], probability.getf( i ) );
			onDefect[ k ] |= labels.getf( i ) > 0;
		}
		final List< Double > falseMax = new ArrayList<>();
		for ( int k = 1; k <= count; k++ )
			if ( !onDefect[ k ] )
				falseMax.add( objectMax[ k ] );
		falseMax.sort( java.util.Collections.reverseOrder() );
		final float[] normal = ( float[] ) normalMap.getProcessor().getPixels();
		System.out.println( String.format( Locale.ROOT, "\n%s: %d objects above 0.5 touch no defect; their largest probabilities: %s. Held-out normal strip: 99th percentile %.2f, 99.99th %.2f, max %.2f",
				name + tag, falseMax.size(), falseMax.stream().map( v -> String.format( Locale.ROOT, "%.2f", v ) ).collect( java.util.stream.Collectors.joining( ", " ) ),
				Thresholds.percentile( normal, 99 ), Thresholds.percentile( normal, 99.99 ), Thresholds.percentile( normal, 100 ) ) );
	}
}
