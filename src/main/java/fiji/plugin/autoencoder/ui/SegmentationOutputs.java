package fiji.plugin.autoencoder.ui;

import java.awt.GraphicsEnvironment;

import fiji.plugin.autoencoder.segment.Segmentation;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;

/** What the segmentation commands do with their objects beyond the outputs: ROIs into an open ROI Manager, the table on screen. */
public final class SegmentationOutputs
{
	private SegmentationOutputs()
	{}

	/** Adds the ROIs to the ROI Manager when one is open and shows the table, with a display only; returns the number of ROIs added. */
	public static int show( final Segmentation s, final String tableTitle )
	{
		if ( GraphicsEnvironment.isHeadless() || ij.macro.Interpreter.isBatchMode() )
			return 0;
		s.table.show( tableTitle );
		final RoiManager rm = RoiManager.getInstance();
		if ( rm == null )
			return 0;
		for ( final Roi r : s.rois )
			rm.addRoi( r );
		return s.rois.size();
	}
}
