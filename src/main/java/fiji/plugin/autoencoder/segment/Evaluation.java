package fiji.plugin.autoencoder.segment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ij.ImagePlus;

/**
 * How good a segmentation is against the truth: pixel-level Dice and IoU of
 * masks (non-zero = foreground), and object-level precision and recall of
 * label images: predicted and true objects are matched one-to-one when their
 * IoU exceeds a threshold (0.5 usually; then a match is unique anyway),
 * greedily from the best IoU down.
 *
 * <pre>{@code
 * double dice = Evaluation.dice( predictedMask, trueMask );
 * Evaluation.ObjectScores o = Evaluation.objects( predictedLabels, trueLabels, 0.5 );
 * System.out.println( o.precision() + " " + o.recall() );
 * }</pre>
 */
public final class Evaluation
{
	private Evaluation()
	{}

	/** 2 |A and B| / (|A| + |B|); 1 when both are empty. */
	public static double dice( final ImagePlus predicted, final ImagePlus truth )
	{
		final long[] c = counts( predicted, truth );
		return c[ 1 ] + c[ 2 ] == 0 ? 1 : 2.0 * c[ 0 ] / ( c[ 1 ] + c[ 2 ] );
	}

	/** |A and B| / |A or B|; 1 when both are empty. */
	public static double iou( final ImagePlus predicted, final ImagePlus truth )
	{
		final long[] c = counts( predicted, truth );
		final long union = c[ 1 ] + c[ 2 ] - c[ 0 ];
		return union == 0 ? 1 : ( double ) c[ 0 ] / union;
	}

	/** Object-level matching result. */
	public static final class ObjectScores
	{
		/** Matched pairs, predicted objects, true objects. */
		public final int matched, predicted, actual;

		/** Mean IoU of the matched pairs (NaN without matches). */
		public final double meanMatchedIoU;

		ObjectScores( final int matched, final int predicted, final int actual, final double meanMatchedIoU )
		{
			this.matched = matched;
			this.predicted = predicted;
			this.actual = actual;
			this.meanMatchedIoU = meanMatchedIoU;
		}

		/** Matched / predicted (1 when nothing was predicted). */
		public double precision()
		{
			return predicted == 0 ? 1 : ( double ) matched / predicted;
		}

		/** Matched / true objects (1 when there are none): the detection rate. */
		public double recall()
		{
			return actual == 0 ? 1 : ( double ) matched / actual;
		}

		@Override
		public String toString()
		{
			return String.format( Locale.ROOT,
					"%d of %d true objects found (recall %.3f), %d predicted (precision %.3f), mean IoU of matches %.3f",
					matched, actual, recall(), predicted, precision(), meanMatchedIoU );
		}
	}

	/** Matches the objects of two label images (0 = background, labels need not be consecutive). */
	public static ObjectScores objects( final ImagePlus predictedLabels, final ImagePlus trueLabels,
			final double minIoU )
	{
		checkSameSize( predictedLabels, trueLabels );
		final Map< Integer, Long > areaP = new HashMap<>(), areaT = new HashMap<>();
		final Map< Long, Long > overlap = new HashMap<>();
		for ( int s = 1; s <= predictedLabels.getStackSize(); s++ )
		{
			final float[] p = ( float[] ) predictedLabels.getStack().getProcessor( s ).toFloat( 0, null ).getPixels();
			final float[] t = ( float[] ) trueLabels.getStack().getProcessor( s ).toFloat( 0, null ).getPixels();
			for ( int i = 0; i < p.length; i++ )
			{
				final int a = ( int ) p[ i ], b = ( int ) t[ i ];
				if ( a > 0 )
					areaP.merge( a, 1L, Long::sum );
				if ( b > 0 )
					areaT.merge( b, 1L, Long::sum );
				if ( a > 0 && b > 0 )
					overlap.merge( ( ( long ) a << 32 ) | b, 1L, Long::sum );
			}
		}
		final List< double[] > pairs = new ArrayList<>(); // iou, predicted, true
		for ( final Map.Entry< Long, Long > e : overlap.entrySet() )
		{
			final int a = ( int ) ( e.getKey() >>> 32 ), b = ( int ) ( e.getKey() & 0xffffffffL );
			final double inter = e.getValue();
			final double iou = inter / ( areaP.get( a ) + areaT.get( b ) - inter );
			if ( iou > minIoU )
				pairs.add( new double[] { iou, a, b } );
		}
		pairs.sort( ( x, y ) -> Double.compare( y[ 0 ], x[ 0 ] ) );
		final java.util.Set< Integer > usedP = new java.util.HashSet<>(), usedT = new java.util.HashSet<>();
		double sum = 0;
		for ( final double[] pr : pairs )
			if ( !usedP.contains( ( int ) pr[ 1 ] ) && !usedT.contains( ( int ) pr[ 2 ] ) )
			{
				usedP.add( ( int ) pr[ 1 ] );
				usedT.add( ( int ) pr[ 2 ] );
				sum += pr[ 0 ];
			}
		final int matched = usedP.size();
		return new ObjectScores( matched, areaP.size(), areaT.size(), matched == 0 ? Double.NaN : sum / matched );
	}

	/** Intersection, |predicted|, |truth|. */
	private static long[] counts( final ImagePlus predicted, final ImagePlus truth )
	{
		checkSameSize( predicted, truth );
		final long[] c = new long[ 3 ];
		for ( int s = 1; s <= predicted.getStackSize(); s++ )
		{
			final float[] p = ( float[] ) predicted.getStack().getProcessor( s ).toFloat( 0, null ).getPixels();
			final float[] t = ( float[] ) truth.getStack().getProcessor( s ).toFloat( 0, null ).getPixels();
			for ( int i = 0; i < p.length; i++ )
			{
				final boolean a = p[ i ] != 0, b = t[ i ] != 0;
				if ( a && b )
					c[ 0 ]++;
				if ( a )
					c[ 1 ]++;
				if ( b )
					c[ 2 ]++;
			}
		}
		return c;
	}

	private static void checkSameSize( final ImagePlus a, final ImagePlus b )
	{
		if ( a == null || b == null )
			throw new IllegalArgumentException( "Give both the predicted and the true image" );
		if ( a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight() || a.getStackSize() != b.getStackSize()
				|| a.getType() == ImagePlus.COLOR_RGB || b.getType() == ImagePlus.COLOR_RGB )
			throw new IllegalArgumentException( "The prediction '" + a.getTitle() + "' (" + a.getWidth() + " x "
					+ a.getHeight() + " x " + a.getStackSize() + ") and the truth '" + b.getTitle() + "' ("
					+ b.getWidth() + " x " + b.getHeight() + " x " + b.getStackSize()
					+ ") must be single-channel images of the same size: compare a mask or label image with the truth for the same image" );
	}
}
