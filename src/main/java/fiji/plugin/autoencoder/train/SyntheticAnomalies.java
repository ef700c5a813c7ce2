package fiji.plugin.autoencoder.train;

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
 * ImageTrainingJob job = new ImageTrainingJob( Presets.anomalyRemover( 1 ), file );
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
	public void apply( final float[] input, final float[] target, final float[] weight, final int n, final int h, final int w, final int c, final Random random )
	{
		if ( minOffset < 0 || maxOffset < minOffset )
			throw new IllegalArgumentException( "Synthetic anomaly offsets must satisfy 0 <= min <= max, got " + minOffset + ", " + maxOffset );
		final float[] footprint = new float[ h * w ];
		for ( int p = 0; p < n; p++ )
		{
			if ( random.nextDouble() < cleanFraction )
				continue;
			final int count = 1 + random.nextInt( Math.max( 1, maxPerPatch ) );
			for ( int k = 0; k < count; k++ )
			{
				paint( footprint, h, w, random );
				final double offset = ( minOffset + ( maxOffset - minOffset ) * random.nextDouble() ) * ( random.nextBoolean() ? 1 : -1 );
				final int base = p * h * w * c;
				for ( int i = 0; i < h * w; i++ )
				{
					final float f = footprint[ i ];
					if ( f > 0 )
						for ( int ch = 0; ch < c; ch++ )
							input[ base + i * c + ch ] += ( float ) ( f * offset );
				}
			}
		}
	}

	/** Fills {@code footprint} with one anomaly's coverage in [0, 1] (soft edge of one pixel). */
	static void paint( final float[] footprint, final int h, final int w, final Random random )
	{
		final double cx = random.nextDouble() * w, cy = random.nextDouble() * h, angle = Math.PI * random.nextDouble();
		final double ux = Math.cos( angle ), uy = Math.sin( angle );
		final boolean stroke = random.nextDouble() < 0.4;
		final double a, b; // half length and half width (stroke) or radii (blob)
		if ( stroke )
		{
			a = 4 + 28 * random.nextDouble();
			b = 0.5 + 1.5 * random.nextDouble();
		}
		else
		{
			a = 2 + 14 * random.nextDouble();
			b = Math.max( 1.5, a * ( 0.3 + 0.7 * random.nextDouble() ) );
		}
		// a wavy outline: the radius varies with the polar angle by up to +-25 %
		final double wave = stroke ? 0 : 0.25 * random.nextDouble(), phase = 2 * Math.PI * random.nextDouble();
		final int lobes = 2 + random.nextInt( 4 );
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
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
				footprint[ y * w + x ] = ( float ) Math.max( 0, Math.min( 1, inside ) );
			}
	}
}
