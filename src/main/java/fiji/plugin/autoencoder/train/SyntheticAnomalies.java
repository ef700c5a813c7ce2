package fiji.plugin.autoencoder.train;

import java.util.Arrays;
import java.util.Random;

/**
 * Paints random local anomalies into the input patches of a training batch
 * while the targets keep the normal patch, so a reconstruction network learns
 * to <em>remove</em> anomalies instead of copying them (the idea of DRAEM,
 * Zavrtanik et al., ICCV 2021). Trained on normal images only, such a network
 * reconstructs normal texture almost exactly and puts a large error where
 * anything unusual is: the anomaly map of {@code segment.AnomalyMap} then separates
 * defects from texture far better than a plain autoencoder's, which copies
 * weak defects through or fails to reconstruct the texture.
 * <p>
 * The anomalies are generic, not the test defects: irregular blobs (ellipses
 * with a wavy outline, 2-16 px radii, any elongation and angle) and thin
 * strokes (1-4 px wide, 8-64 px long), each shifting the intensity by a random
 * amount of either sign ({@link #minOffset}..{@link #maxOffset}, in normalised
 * units, so use it as {@code ImageTrainingJob.normalizedTransform}), with a
 * one-pixel soft edge. A fraction of patches stays clean so that normal patches
 * are seen as they are. 2D patches.
 *
 * <pre>{@code
 * ImageTrainingJob job = new ImageTrainingJob( Presets.anomalyDetector( 1 ), file );
 * job.normalizedTransform = new SyntheticAnomalies();
 * job.run( normalImages, normalImages, listener ); // targets: the normal images themselves
 * }</pre>
 */
public final class SyntheticAnomalies implements PatchSampler.PatchTransform
{
	/** Smallest and largest intensity shift, in normalised units (the 1st-99.8th percentile range is 0..1). */
	public double minOffset = 0.15, maxOffset = 0.6;

	/** Anomalies per patch: 1 to this many. */
	public int maxPerPatch = 3;

	/** Fraction of patches left without anomalies. */
	public double cleanFraction = 0.2;

	@Override
	public void apply( final float[] input, final float[] target, final float[] weight, final int n, final int h,
			final int w, final int c, final Random random )
	{
		paint( input, null, n, h, w, c, random );
	}

	/**
	 * Paints anomalies into {@code n} patches of {@code h x w x c} values and,
	 * when {@code masks} is not null, writes each patch's anomaly coverage
	 * ({@code n x h x w} values in [0, 1], 0 where the patch is normal): the
	 * targets for a network that learns to point at anomalies.
	 */
	public void paint( final float[] input, final float[] masks, final int n, final int h, final int w, final int c,
			final Random random )
	{
		checkOffsets();
		if ( masks != null )
			Arrays.fill( masks, 0, n * h * w, 0f );
		for ( int p = 0; p < n; p++ )
		{
			if ( random.nextDouble() < cleanFraction )
				continue;
			final int count = 1 + random.nextInt( Math.max( 1, maxPerPatch ) );
			paintMany( input, masks, p * h * w, h, w, c, count, random );
		}
	}

	/**
	 * Paints {@code count} anomalies at random places of one {@code h x w x c}
	 * image (normalised units) and adds their coverage to {@code mask}
	 * ({@code h x w}, maximum of overlapping anomalies; may be null). Each
	 * anomaly touches only its bounding box, so large images are cheap.
	 */
	public void paintImage( final float[] image, final float[] mask, final int h, final int w, final int c,
			final int count, final Random random )
	{
		checkOffsets();
		paintMany( image, mask, 0, h, w, c, count, random );
	}

	private void checkOffsets()
	{
		if ( minOffset < 0 || maxOffset < minOffset )
			throw new IllegalArgumentException(
					"Synthetic anomaly offsets must satisfy 0 <= min <= max, got " + minOffset + ", " + maxOffset );
	}

	/** {@code count} anomalies into the image starting at pixel {@code pixel0} (of {@code c} values each). */
	private void paintMany( final float[] input, final float[] masks, final int pixel0, final int h, final int w,
			final int c, final int count, final Random random )
	{
		for ( int k = 0; k < count; k++ )
		{
			final Anomaly a = new Anomaly( h, w, random );
			final double offset = ( minOffset + ( maxOffset - minOffset ) * random.nextDouble() )
					* ( random.nextBoolean() ? 1 : -1 );
			for ( int y = a.y0; y <= a.y1; y++ )
				for ( int x = a.x0; x <= a.x1; x++ )
				{
					final float f = a.coverage( x, y );
					if ( f > 0 )
					{
						final int i = pixel0 + y * w + x;
						for ( int ch = 0; ch < c; ch++ )
							input[ i * c + ch ] += ( float ) ( f * offset );
						if ( masks != null )
							masks[ i ] = Math.max( masks[ i ], f );
					}
				}
		}
	}

	/** One random anomaly's shape: a stroke or a blob with a wavy outline, and its bounding box in the image. */
	static final class Anomaly
	{
		final double cx, cy, ux, uy, a, b, wave, phase;

		final boolean stroke;

		final int lobes, x0, x1, y0, y1;

		Anomaly( final int h, final int w, final Random random )
		{
			cx = random.nextDouble() * w;
			cy = random.nextDouble() * h;
			final double angle = Math.PI * random.nextDouble();
			ux = Math.cos( angle );
			uy = Math.sin( angle );
			stroke = random.nextDouble() < 0.4;
			if ( stroke ) // half length and half width
			{
				a = 4 + 28 * random.nextDouble();
				b = 0.5 + 1.5 * random.nextDouble();
			}
			else // radii
			{
				a = 2 + 14 * random.nextDouble();
				b = Math.max( 1.5, a * ( 0.3 + 0.7 * random.nextDouble() ) );
			}
			// a wavy outline: the radius varies with the polar angle by up to +-25 %
			wave = stroke ? 0 : 0.25 * random.nextDouble();
			phase = 2 * Math.PI * random.nextDouble();
			lobes = 2 + random.nextInt( 4 );
			// coverage is 0 beyond this distance from the centre (a > b for strokes; a blob's outline is within 1.25 a plus the soft edge)
			final double reach = stroke ? a + b + 1 : 1.25 * a + a / Math.min( a, b ) + 2;
			x0 = Math.max( 0, ( int ) Math.floor( cx - reach ) );
			x1 = Math.min( w - 1, ( int ) Math.ceil( cx + reach ) );
			y0 = Math.max( 0, ( int ) Math.floor( cy - reach ) );
			y1 = Math.min( h - 1, ( int ) Math.ceil( cy + reach ) );
		}

		/** Coverage of pixel (x, y) in [0, 1], with a soft edge of one pixel. */
		float coverage( final int x, final int y )
		{
			final double dx = x - cx, dy = y - cy;
			final double along = dx * ux + dy * uy, across = -dx * uy + dy * ux;
			final double inside;
			if ( stroke )
				inside = Math.min( a - Math.abs( along ), b - Math.abs( across ) ) + 0.5;
			else
			{
				final double r = Math.hypot( along / a, across / b );
				final double theta = Math.atan2( across, along );
				final double edge = 1 + wave * Math.sin( lobes * theta + phase );
				inside = ( edge - r ) * Math.min( a, b ) + 0.5; // approximately pixels to the outline
			}
			return ( float ) Math.max( 0, Math.min( 1, inside ) );
		}
	}
}
