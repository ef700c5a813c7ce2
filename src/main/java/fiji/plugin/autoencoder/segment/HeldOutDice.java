package fiji.plugin.autoencoder.segment;

import java.util.ArrayList;
import java.util.List;

import fiji.plugin.autoencoder.model.Model;

/**
 * The mean per-class Dice of a segmenter on whole held-out planes at the
 * model's scale: each plane predicted whole (no flips, no object prior), a pixel given to its most probable foreground class where
 * that probability is above 0.5, compared with the plane's target (its most
 * likely class); per class the Dice of each plane (1 where the class is in
 * neither), averaged over the planes, then over the classes. Train Segmenter
 * can choose its kept epoch by it ({@link SegmenterSettings#selection}); unlike
 * the loss of the validation patches it judges whole frames, where the errors
 * are objects detected at the wrong place.
 *
 * <pre>{@code
 * HeldOutDice d = new HeldOutDice( validationPlanes, channels );
 * double mean = d.applyAsDouble( model ); // also sets d.perClass()
 * }</pre>
 */
public final class HeldOutDice implements java.util.function.ToDoubleFunction< Model >
{
	/** The threshold on a foreground probability, as Segment Image's default. */
	public static final double THRESHOLD = 0.5;

	private final List< SegmentPatches.Plane > planes;

	private final int channels;

	private double[] perClass = new double[ 0 ];

	/** @param planes 2D planes (normalised input, target) at the model's scale; @param channels input channels per pixel */
	public HeldOutDice( final List< SegmentPatches.Plane > planes, final int channels )
	{
		for ( final SegmentPatches.Plane p : planes )
			if ( p.d != 1 )
				throw new IllegalArgumentException( "Held-out Dice is for 2D planes, got a volume of " + p.d
						+ " z-slices: choose the kept epoch by the validation loss for 3D segmenters" );
		if ( planes.isEmpty() )
			throw new IllegalArgumentException(
					"No held-out planes to score: give validation images or a validation fraction above 0" );
		this.planes = new ArrayList<>( planes );
		this.channels = channels;
	}

	/** The mean over the classes of the per-class mean Dice. */
	@Override
	public double applyAsDouble( final Model model )
	{
		final int outputs = model.outputChannels(), classes = outputs == 1 ? 1 : outputs - 1;
		final double[] sum = new double[ classes ];
		for ( final SegmentPatches.Plane p : planes )
		{
			final float[][] prob = predict( model, p );
			final double[] d = dice( prob, p.target, p.w * p.h, outputs );
			for ( int c = 0; c < classes; c++ )
				sum[ c ] += d[ c ];
		}
		double mean = 0;
		perClass = new double[ classes ];
		for ( int c = 0; c < classes; c++ )
		{
			perClass[ c ] = sum[ c ] / planes.size();
			mean += perClass[ c ] / classes;
		}
		return mean;
	}

	/** The per-class mean Dice of the last {@link #applyAsDouble} (class 1 first). */
	public double[] perClass()
	{
		return perClass.clone();
	}

	/**
	 * Per output channel, the probabilities of one plane: the whole plane in one network run, mirrored at its right and
	 * bottom edges up to the network's size multiple (no tiles, no halo: the cost of a forward pass over the held-out
	 * pixels).
	 */
	private float[][] predict( final Model model, final SegmentPatches.Plane p )
	{
		final int m = model.sizeMultiple(), w = ( p.w + m - 1 ) / m * m, h = ( p.h + m - 1 ) / m * m,
				outputs = model.outputChannels();
		final float[] in = new float[ w * h * channels ], out = new float[ w * h * outputs ];
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
			{
				final int sx = mirror( x, p.w ), sy = mirror( y, p.h );
				System.arraycopy( p.input, ( sy * p.w + sx ) * channels, in, ( y * w + x ) * channels, channels );
			}
		model.predict( in, out, 1, new int[] { h, w } );
		final float[][] prob = new float[ outputs ][ p.w * p.h ];
		for ( int y = 0; y < p.h; y++ )
			for ( int x = 0; x < p.w; x++ )
				for ( int c = 0; c < outputs; c++ )
					prob[ c ][ y * p.w + x ] = out[ ( y * w + x ) * outputs + c ];
		return prob;
	}

	/** Index i of a row or column of n, mirrored beyond its end. */
	private static int mirror( final int i, final int n )
	{
		return i < n ? i : Math.max( 0, 2 * n - 2 - i );
	}

	/**
	 * Per foreground class, the Dice of the prediction (the most probable foreground class where above
	 * {@link #THRESHOLD}) against the target (channels-last, {@code outputs} values per pixel: 1 for binary, else
	 * background and the classes; its most likely class, a binary target where at least 0.5); 1 when the class is in
	 * neither.
	 */
	static double[] dice( final float[][] prob, final float[] target, final int n, final int outputs )
	{
		final int classes = outputs == 1 ? 1 : outputs - 1;
		final long[] both = new long[ classes + 1 ], predicted = new long[ classes + 1 ],
				truth = new long[ classes + 1 ];
		for ( int i = 0; i < n; i++ )
		{
			int p = 0, t = 0;
			if ( outputs == 1 )
			{
				p = prob[ 0 ][ i ] > THRESHOLD ? 1 : 0;
				t = target[ i ] >= 0.5f ? 1 : 0;
			}
			else
			{
				int best = 1;
				for ( int c = 2; c <= classes; c++ )
					if ( prob[ c ][ i ] > prob[ best ][ i ] )
						best = c;
				p = prob[ best ][ i ] > THRESHOLD ? best : 0;
				for ( int c = 1; c < outputs; c++ )
					if ( target[ i * outputs + c ] > target[ i * outputs + t ] )
						t = c;
			}
			predicted[ p ]++;
			truth[ t ]++;
			if ( p == t )
				both[ p ]++;
		}
		final double[] d = new double[ classes ];
		for ( int c = 1; c <= classes; c++ )
			d[ c - 1 ] = predicted[ c ] + truth[ c ] == 0 ? 1 : 2.0 * both[ c ] / ( predicted[ c ] + truth[ c ] );
		return d;
	}
}
