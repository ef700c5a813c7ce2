package fiji.plugin.autoencoder.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * Applies a segmenter from {@link SegmenterTrainer} (or any binary segmenter):
 * the image shrunk to the model's scale, predicted tile by tile, the
 * probabilities enlarged back to full size; then per class the mask
 * (pixels where that class is the most probable foreground class and its
 * probability is above the threshold), 8-connected objects, a table with a
 * Class column and calibrated shape measurements ({@link ShapeMeasures}), and
 * a note when no probability reaches the threshold.
 */
public final class SegmenterPrediction
{
	/**
	 * Segment Image's default for flip averaging: on, as it raised the mean Dice on held-out training images of two ultrasound models
	 * (class 2 +0.007 and +0.030, class 1 +0.000 and -0.004) and nuclei Dice 0.934 to 0.936, for 4x the prediction time.
	 */
	public static final boolean FLIP_AVERAGING = true;

	private SegmenterPrediction()
	{}

	/** The probabilities at full size: 1 channel (foreground) for binary models, K + 1 (background, class 1, ..., K) for K classes. */
	public static ImagePlus probability( final ModelFile.Loaded model, final ImagePlus input,
			final ImageRunner.Options options, final Progress progress )
	{
		return probability( model, input, false, options, progress );
	}

	/**
	 * The probabilities at full size; with {@code flips} also of the image
	 * flipped left-right, top-bottom and both, flipped back and averaged (4x the time); for a model trained on left-right
	 * flips only ({@link SegmenterInfo#leftRightOnly}) of the left-right flip alone (2x).
	 */
	public static ImagePlus probability( final ModelFile.Loaded model, final ImagePlus input, final boolean flips,
			final ImageRunner.Options options, final Progress progress )
	{
		final ModelSpec spec = model.model().spec();
		final SegmenterInfo info = SegmenterInfo.of( model );
		final boolean binary = spec.outChannels() == 1 && spec.outputActivation == ModelSpec.Activation.SIGMOID;
		final boolean multi = spec.outChannels() == info.classes + 1
				&& spec.outputActivation == ModelSpec.Activation.SOFTMAX && info.classes > 1;
		if ( !binary && !multi )
			throw new IllegalArgumentException( "The model '" + spec.name + "' outputs " + spec.outChannels()
					+ " channel(s) with a " + ModelSpec.name( spec.outputActivation )
					+ " activation, not class probabilities: use a model trained with Train Segmenter" );
		if ( input == null )
			throw new IllegalArgumentException( "No image: open the image to segment first" );
		SegmentScale.check( input, info.scale, model.model().sizeMultiple(), "the network's size multiple" );
		final ImagePlus small = SegmentScale.shrink( input, info.scale );
		final ImagePlus p = ImageRunner.run( model.model(), ModelFileRunner.normalization( model ), small,
				OutputType.FLOAT_32, "probability", false, options, progress );
		if ( flips )
		{
			final ImageStack sum = p.getStack();
			final int copies = info.leftRightOnly ? 2 : 4; // a model trained on left-right flips only never saw up-down ones
			for ( int f = 1; f < copies; f++ )
			{
				final ImagePlus q = ImageRunner.run( model.model(), ModelFileRunner.normalization( model ),
						flip( small, f ), OutputType.FLOAT_32, "probability", false, options, progress );
				final ImageStack back = flip( q, f ).getStack();
				for ( int i = 1; i <= sum.getSize(); i++ )
				{
					final float[] a = ( float[] ) sum.getPixels( i ),
							b = ( float[] ) back.getProcessor( i ).convertToFloat().getPixels();
					for ( int j = 0; j < a.length; j++ )
						a[ j ] += b[ j ];
				}
			}
			for ( int i = 1; i <= sum.getSize(); i++ )
			{
				final float[] a = ( float[] ) sum.getPixels( i );
				for ( int j = 0; j < a.length; j++ )
					a[ j ] /= copies;
			}
		}
		final ImagePlus full = SegmentScale.enlarge( p, input.getWidth(), input.getHeight(), input.getCalibration() );
		full.setTitle( Planes.title( input, "probability" ) );
		full.setDisplayRange( 0, 1 );
		return full;
	}

	/**
	 * Probability, per-class masks and objects (at least {@code minSize} pixels), table with shape measurements, and a hint when the threshold is never reached;
	 * with the model's {@link ObjectPrior} applied (when it has one) and flip averaging as {@link #FLIP_AVERAGING}.
	 */
	public static Segmentation segment( final ModelFile.Loaded model, final ImagePlus input, final double threshold,
			final int minSize, final ImageRunner.Options options,
			final Progress progress )
	{
		return segment( model, input, threshold, minSize, SegmenterInfo.of( model ).prior, FLIP_AVERAGING, options,
				progress );
	}

	/**
	 * As {@link #segment(ModelFile.Loaded, ImagePlus, double, int, ImageRunner.Options, Progress)}, with the object prior given
	 * (null: objects kept as thresholded) and flip averaging ({@link #probability(ModelFile.Loaded, ImagePlus, boolean, ImageRunner.Options, Progress)}) on or off.
	 */
	public static Segmentation segment( final ModelFile.Loaded model, final ImagePlus input, final double threshold,
			final int minSize, final ObjectPrior prior,
			final boolean flips, final ImageRunner.Options options, final Progress progress )
	{
		if ( !( threshold >= 0 && threshold < 1 ) )
			throw new IllegalArgumentException(
					"The probability threshold must be in [0, 1) (e.g. 0.5), got " + threshold );
		final ImagePlus p = probability( model, input, flips, options, progress );
		final int classes = Planes.channels( p ) == 1 ? 1 : Planes.channels( p ) - 1;
		if ( prior != null && prior.minArea.length != classes )
			throw new IllegalArgumentException(
					"The object prior has " + prior.minArea.length + " class(es) but the model " + classes );
		Segmentation seg = classes == 1 ? Segmentation.of( p, threshold, Labeling.Connectivity.EIGHT, minSize )
				: classes( p, classes, threshold, minSize, prior );
		if ( classes == 1 && prior != null )
			seg = prior.apply( seg, p, 1 );
		ShapeMeasures.add( seg.table, seg.labels, input.getCalibration() );
		final String hint = hint( p, threshold, SegmenterInfo.of( model ).scale, model.model().spec().height );
		if ( hint != null )
		{
			final List< String > notes = new ArrayList<>( seg.notes );
			notes.add( hint );
			seg = seg.withNotes( notes );
		}
		return seg;
	}

	/**
	 * The note for a probability map whose foreground never reaches the
	 * threshold (null when it does): its maximum, and what to try.
	 */
	public static String hint( final ImagePlus probability, final double threshold, final int scale, final int patch )
	{
		final int channels = Planes.channels( probability );
		double max = 0;
		for ( int t = 1; t <= probability.getNFrames(); t++ )
			for ( int z = 1; z <= probability.getNSlices(); z++ )
				for ( int c = channels == 1 ? 1 : 2; c <= channels; c++ )
					for ( final float v : Planes.values( probability, c, z, t ) )
						max = Math.max( max, v );
		if ( max > threshold )
			return null;
		return String.format( Locale.ROOT,
				"the %s probability never exceeds the threshold %.2f (its maximum is %.3f), so nothing was segmented. Try a lower threshold (e.g. %.2f); "
						+ "if the objects are larger than the network's view (%d pixels at scale 1/%d, %d pixels of the image), retrain at a coarser scale (scale 0 picks it from the masks); "
						+ "or train longer, with more images, or with the loss Dice + BCE",
				channels == 1 ? "foreground" : "class", threshold, max,
				Math.max( 0.05, Math.floor( max * 0.8 * 20 ) / 20 ),
				patch, scale, patch * scale );
	}

	/** Per class: the pixels where it is the most probable foreground class and above the threshold; objects relabelled 1.. across the classes. */
	static Segmentation classes( final ImagePlus p, final int classes, final double threshold, final int minSize,
			final ObjectPrior prior )
	{
		final int w = p.getWidth(), h = p.getHeight(), n = w * h, planes = p.getNSlices() * p.getNFrames();
		final float[][][] score = new float[ classes ][ planes ][ n ];
		for ( int t = 1, q = 0; t <= p.getNFrames(); t++ )
			for ( int z = 1; z <= p.getNSlices(); z++, q++ )
			{
				final float[][] v = new float[ classes ][];
				for ( int c = 0; c < classes; c++ )
					v[ c ] = Planes.values( p, c + 2, z, t );
				for ( int i = 0; i < n; i++ )
				{
					int best = 0;
					for ( int c = 1; c < classes; c++ )
						if ( v[ c ][ i ] > v[ best ][ i ] )
							best = c;
					score[ best ][ q ][ i ] = v[ best ][ i ];
				}
			}
		final ImageStack maskStack = new ImageStack( w, h ), labelStack = new ImageStack( w, h );
		final ByteProcessor[] masks = new ByteProcessor[ planes ];
		final FloatProcessor[] labels = new FloatProcessor[ planes ];
		for ( int q = 0; q < planes; q++ )
		{
			masks[ q ] = new ByteProcessor( w, h );
			labels[ q ] = new FloatProcessor( w, h );
			maskStack.addSlice( null, masks[ q ] );
			labelStack.addSlice( null, labels[ q ] );
		}
		final ResultsTable table = new ResultsTable();
		int offset = 0;
		for ( int c = 0; c < classes; c++ )
		{
			final ImagePlus s = Planes.floatImage( "class " + ( c + 1 ), single( p ), 1, score[ c ] );
			Segmentation one = Segmentation.of( s, threshold, Labeling.Connectivity.EIGHT, minSize );
			if ( prior != null )
				one = prior.apply( one, s, c + 1 );
			for ( int q = 0; q < planes; q++ )
			{
				final float[] l = ( float[] ) one.labels.getStack().getProcessor( q + 1 ).convertToFloat().getPixels();
				for ( int i = 0; i < n; i++ )
					if ( l[ i ] > 0 )
					{
						masks[ q ].set( i, c + 1 );
						labels[ q ].setf( i, l[ i ] + offset );
					}
			}
			for ( int r = 0; r < one.table.size(); r++ )
			{
				table.incrementCounter();
				table.addValue( "Label", one.table.getValue( "Label", r ) + offset );
				table.addValue( "Class", c + 1 );
				for ( final String col : one.table.getHeadings() )
					if ( !col.equals( "Label" ) && one.table.columnExists( col ) )
						table.addValue( col, one.table.getValue( col, r ) );
			}
			offset += one.objectCount;
		}
		final ImagePlus mask = Planes.wrap( Planes.title( p, "classes" ), single( p ), maskStack, 1 );
		mask.setDisplayRange( 0, classes );
		final ImagePlus labelImage = Planes.wrap( Planes.title( p, "labels" ), single( p ), labelStack, 1 );
		return Segmentation.of( p, threshold, mask, labelImage, table );
	}

	/** A copy with every plane flipped: 1 left-right, 2 top-bottom, 3 both (its own inverse). */
	static ImagePlus flip( final ImagePlus image, final int how )
	{
		final ImageStack out = new ImageStack( image.getWidth(), image.getHeight() );
		for ( int i = 1; i <= image.getStackSize(); i++ )
		{
			final ij.process.ImageProcessor ip = image.getStack().getProcessor( i ).duplicate();
			if ( ( how & 1 ) != 0 )
				ip.flipHorizontal();
			if ( ( how & 2 ) != 0 )
				ip.flipVertical();
			out.addSlice( null, ip );
		}
		final ImagePlus f = new ImagePlus( image.getTitle(), out );
		f.setDimensions( image.getNChannels(), image.getNSlices(), image.getNFrames() );
		f.setCalibration( image.getCalibration().copy() );
		return f;
	}

	/** A one-channel template with p's planes and calibration. */
	private static ImagePlus single( final ImagePlus p )
	{
		final ImagePlus t = new ImagePlus( p.getTitle(), new FloatProcessor( p.getWidth(), p.getHeight() ) );
		final ImageStack s = new ImageStack( p.getWidth(), p.getHeight() );
		for ( int i = 0; i < p.getNSlices() * p.getNFrames(); i++ )
			s.addSlice( null, new FloatProcessor( p.getWidth(), p.getHeight() ) );
		t.setStack( s, 1, p.getNSlices(), p.getNFrames() );
		t.setCalibration( p.getCalibration().copy() );
		return t;
	}
}
