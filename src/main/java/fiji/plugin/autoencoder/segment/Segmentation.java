package fiji.plugin.autoencoder.segment;

import java.util.ArrayList;
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

	/** The hysteresis seed: objects were kept only if they reach it; NaN when every object was kept. */
	public final double seedThreshold;

	public final ImagePlus mask;

	public final ImagePlus labels;

	public final int objectCount;

	public final ResultsTable table;

	public final List< Roi > rois;

	/** Warnings about how the thresholds were found (e.g. {@link Thresholds#calibrationNote}); empty when there are none. */
	public final List< String > notes;

	/** Thresholds the score, labels the mask and measures the objects on the score. */
	static Segmentation of( final ImagePlus score, final double threshold, final Labeling.Connectivity connectivity,
			final int minSize )
	{
		return of( score, threshold, Double.NaN, connectivity, minSize );
	}

	/**
	 * Thresholds the score with hysteresis: objects of the mask at {@code threshold}
	 * are kept only if one of their pixels reaches {@code seedThreshold} (NaN: all kept).
	 */
	static Segmentation of( final ImagePlus score, final double threshold, final double seedThreshold,
			final Labeling.Connectivity connectivity, final int minSize )
	{
		final ImagePlus mask = Thresholds.mask( score, threshold );
		ImagePlus labels = Labeling.label( mask, connectivity, minSize );
		if ( !Double.isNaN( seedThreshold ) )
		{
			final int count = Labeling.count( labels );
			final float[] peak = new float[ count + 1 ];
			java.util.Arrays.fill( peak, Float.NEGATIVE_INFINITY );
			for ( int t = 1; t <= labels.getNFrames(); t++ )
				for ( int z = 1; z <= labels.getNSlices(); z++ )
				{
					final float[] l = Planes.values( labels, 1, z, t );
					for ( int c = 1; c <= Planes.channels( score ); c++ ) // like the mask: any channel
					{
						final float[] v = Planes.values( score, c, z, t );
						for ( int i = 0; i < l.length; i++ )
							if ( l[ i ] > 0 )
								peak[ ( int ) l[ i ] ] = Math.max( peak[ ( int ) l[ i ] ], v[ i ] );
					}
				}
			for ( int i = 1; i <= mask.getStackSize(); i++ )
			{
				final ij.process.ImageProcessor m = mask.getStack().getProcessor( i ),
						l = labels.getStack().getProcessor( i );
				for ( int k = 0; k < m.getPixelCount(); k++ )
					if ( l.getf( k ) > 0 && peak[ ( int ) l.getf( k ) ] < seedThreshold )
						m.set( k, 0 );
			}
			labels = Labeling.label( mask, connectivity, minSize );
		}
		if ( minSize > 1 ) // the mask shows what was kept
		{
			for ( int i = 1; i <= mask.getStackSize(); i++ )
			{
				final ij.process.ImageProcessor m = mask.getStack().getProcessor( i ),
						l = labels.getStack().getProcessor( i );
				for ( int k = 0; k < m.getPixelCount(); k++ )
					if ( l.getf( k ) == 0 )
						m.set( k, 0 );
			}
		}
		return new Segmentation( score, threshold, seedThreshold, mask, labels, Labeling.count( labels ),
				Labeling.measure( labels, score ), Labeling.rois( labels ),
				Collections.emptyList() );
	}

	/** A segmentation assembled from its parts (e.g. one class after another); ROIs are traced from the labels. */
	static Segmentation of( final ImagePlus score, final double threshold, final ImagePlus mask, final ImagePlus labels,
			final ResultsTable table )
	{
		return new Segmentation( score, threshold, Double.NaN, mask, labels, Labeling.count( labels ), table,
				Labeling.rois( labels ), Collections.emptyList() );
	}

	/** The same segmentation with these notes. */
	Segmentation withNotes( final List< String > notes )
	{
		return new Segmentation( score, threshold, seedThreshold, mask, labels, objectCount, table, rois,
				new ArrayList<>( notes ) );
	}

	/** One line for a log: "3 object(s) above 0.5, seeded at 0.93", then the notes. */
	public String summary()
	{
		final StringBuilder s = new StringBuilder().append( objectCount ).append( " object(s) above " )
				.append( threshold );
		if ( !Double.isNaN( seedThreshold ) )
			s.append( ", seeded at " ).append( seedThreshold );
		for ( final String note : notes )
			s.append( "; note: " ).append( note );
		return s.toString();
	}

	private Segmentation( final ImagePlus score, final double threshold, final double seedThreshold,
			final ImagePlus mask, final ImagePlus labels, final int objectCount,
			final ResultsTable table, final List< Roi > rois, final List< String > notes )
	{
		this.score = score;
		this.threshold = threshold;
		this.seedThreshold = seedThreshold;
		this.mask = mask;
		this.labels = labels;
		this.objectCount = objectCount;
		this.table = table;
		this.rois = Collections.unmodifiableList( rois );
		this.notes = Collections.unmodifiableList( notes );
	}
}
