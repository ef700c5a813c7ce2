package fiji.plugin.autoencoder.segment;

import java.util.Collections;
import java.util.List;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;

/**
 * The outcome of a segmentation: the score map (anomaly map or foreground
 * probability), the threshold used, the binary mask (8-bit, 255 =
 * foreground), the label image, per-object measurements and one ROI per object.
 *
 * <pre>{@code
 * Segmentation s = ReconstructionSegmenter.segment( model, imp, settings, Progress.none() );
 * System.out.println( s.objectCount + " objects above " + s.threshold );
 * for ( Roi r : s.rois ) roiManager.addRoi( r );
 * }</pre>
 */
public final class Segmentation
{
	public final ImagePlus score;

	public final double threshold;

	public final ImagePlus mask;

	public final ImagePlus labels;

	public final int objectCount;

	public final ResultsTable table;

	public final List< Roi > rois;

	/** Thresholds the score, labels the mask and measures the objects on the score. */
	static Segmentation of( final ImagePlus score, final double threshold, final Labeling.Connectivity connectivity, final int minSize )
	{
		final ImagePlus mask = Thresholds.mask( score, threshold );
		final ImagePlus labels = Labeling.label( mask, connectivity, minSize );
		if ( minSize > 1 ) // the mask shows what was kept
		{
			for ( int i = 1; i <= mask.getStackSize(); i++ )
			{
				final ij.process.ImageProcessor m = mask.getStack().getProcessor( i ), l = labels.getStack().getProcessor( i );
				for ( int k = 0; k < m.getPixelCount(); k++ )
					if ( l.getf( k ) == 0 )
						m.set( k, 0 );
			}
		}
		return new Segmentation( score, threshold, mask, labels, Labeling.count( labels ), Labeling.measure( labels, score ), Labeling.rois( labels ) );
	}

	Segmentation( final ImagePlus score, final double threshold, final ImagePlus mask, final ImagePlus labels, final int objectCount,
			final ResultsTable table, final List< Roi > rois )
	{
		this.score = score;
		this.threshold = threshold;
		this.mask = mask;
		this.labels = labels;
		this.objectCount = objectCount;
		this.table = table;
		this.rois = Collections.unmodifiableList( rois );
	}
}
