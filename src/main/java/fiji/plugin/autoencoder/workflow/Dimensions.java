package fiji.plugin.autoencoder.workflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * The {@code dimensions} setting of a training: 2D (one network on every slice), 3D (a volume network on z-stacks)
 * or Automatic (the default): 3D when every training image is a z-stack at least {@code patch_depth} z-slices deep
 * (ImageJ's z dimension only: channels and time points never count) whose neighbouring slices show one structure
 * (median correlation of their 16 x 16 block means at least {@link #CONTINUITY}); else 2D. A stack of unrelated 2D
 * images (z not declared as time, slices of other fields of view) has neighbours that do not correlate, so it trains
 * 2D. The choice and how to force the other are in {@link Choice#note}.
 */
public final class Dimensions
{
	private Dimensions()
	{}

	public static final String D2 = "2D", D3 = "3D", AUTO = "Automatic";

	public static final String[] CHOICES = { D2, D3, AUTO };

	/** The median neighbour-slice correlation from which Automatic takes a stack as a z-stack. */
	public static final double CONTINUITY = 0.3;

	/** The outcome: 3D or not, and the log line that says why (null for 2D images, where there is no choice). */
	public static final class Choice
	{
		public final boolean is3D;

		public final String note;

		Choice( final boolean is3D, final String note )
		{
			this.is3D = is3D;
			this.note = note;
		}
	}

	/**
	 * Chooses. 3D asked for a mode other than the 3D-capable ones, for an image with one z-slice or a stack thinner
	 * than {@code patchDepth} is refused with the fix.
	 *
	 * @param mode3D    whether the training mode has a 3D network
	 * @param modeLabel the mode's name, for messages
	 */
	public static Choice choose( final String dimensions, final int patchDepth, final boolean mode3D,
			final String modeLabel, final List< ImagePlus > inputs )
	{
		final String d = dimensions == null ? AUTO : dimensions.trim();
		if ( !Arrays.asList( CHOICES ).contains( d ) )
			throw new IllegalArgumentException(
					"dimensions=" + dimensions + " is not one of " + Arrays.toString( CHOICES ) );
		int thinnest = Integer.MAX_VALUE, deepest = 1;
		String thin = "";
		for ( final ImagePlus imp : inputs )
		{
			deepest = Math.max( deepest, imp.getNSlices() );
			if ( imp.getNSlices() < thinnest )
			{
				thinnest = imp.getNSlices();
				thin = imp.getTitle();
			}
		}
		if ( d.equals( D2 ) )
			return new Choice( false, deepest > 1 && mode3D ? "dimensions=2D: one network on every slice" : null );
		if ( patchDepth < 4 || patchDepth % 4 != 0 )
			throw new IllegalArgumentException( "patch_depth=" + patchDepth
					+ " must be a multiple of 4 (the 3D network pools twice in z), e.g. patch_depth=16" );
		if ( d.equals( AUTO ) )
			return automatic( patchDepth, mode3D, modeLabel, inputs, thinnest, thin, deepest );
		if ( !mode3D )
			throw new IllegalArgumentException( "dimensions=3D trains " + MODES_3D + " for now, not '" + modeLabel
					+ "': use dimensions=2D" );
		if ( thinnest == 1 )
			throw new IllegalArgumentException( "dimensions=3D was asked for the 2D image '" + thin + "' (one z-slice"
					+ ( inputs.stream().anyMatch( i -> i.getNFrames() > 1 )
							? "; if its time points are z-slices, swap them in Image > Properties" : "" )
					+ "): use dimensions=2D" );
		if ( thinnest < patchDepth )
			throw new IllegalArgumentException( "The stack '" + thin + "' has " + thinnest
					+ " z-slices, fewer than the 3D patch depth " + patchDepth
					+ ": use dimensions=2D (trains on every slice)"
					+ ( thinnest >= 4 ? ", or patch_depth=" + ( thinnest / 4 * 4 ) : "" ) );
		return new Choice( true, "dimensions=3D: a volume network on " + patchDepth + "-slice patches" );
	}

	/**
	 * Train Segmenter's patch depth ({@code SegmenterSettings.depth}): 0 for a 2D U-Net, else {@code patchDepth};
	 * the choice's note goes to {@code log}.
	 */
	public static int segmenterDepth( final String dimensions, final int patchDepth, final List< ImagePlus > images,
			final java.util.function.Consumer< String > log )
	{
		final Choice c = choose( dimensions, patchDepth, true, "Train Segmenter", images );
		if ( c.note != null )
		{
			final int levels = fiji.plugin.autoencoder.model.Presets.denoiser3d( 1 ).layers.length; // the 3D U-Net's
			final double aspect = voxelAspect( images );
			log.accept( c.note + ( c.is3D ? poolingNote(
					fiji.plugin.autoencoder.model.Presets.poolZ( levels, patchDepth, aspect ), levels, aspect )
					: "" ) );
		}
		return c.is3D ? patchDepth : 0;
	}

	/**
	 * Voxel depth over pixel width of the training images (the largest; 1 when a calibration is missing or its z and
	 * x units differ), for {@code model.Presets.poolZ}.
	 */
	public static double voxelAspect( final List< ImagePlus > images )
	{
		double r = 1;
		for ( final ImagePlus imp : images )
		{
			final ij.measure.Calibration c = imp.getCalibration();
			if ( c != null && c.pixelWidth > 0 && c.pixelDepth > 0 && c.getUnit().equals( c.getZUnit() ) )
				r = Math.max( r, c.pixelDepth / c.pixelWidth );
		}
		return r;
	}

	/** The log's words for a 3D network's z pooling ({@code ModelSpec.poolZ}). */
	public static String poolingNote( final boolean[] poolZ, final int levels, final double aspect )
	{
		int n = levels;
		if ( poolZ != null )
			n = ( int ) java.util.stream.IntStream.range( 0, levels ).filter( l -> poolZ[ l ] ).count();
		return String.format( Locale.ROOT, "; voxels %.3g x as deep as wide: z pooled at %d of %d levels", aspect, n,
				levels );
	}

	/** The modes with a 3D network, for messages. */
	static final String MODES_3D = "Denoise (self-supervised) or Denoise (paired) (and Train Segmenter)";

	private static Choice automatic( final int patchDepth, final boolean mode3D, final String modeLabel,
			final List< ImagePlus > inputs, final int thinnest, final String thin, final int deepest )
	{
		if ( deepest == 1 )
			return new Choice( false, null );
		final String force3D = "; dimensions=3D forces a volume network", force2D = "; dimensions=2D forces 2D";
		if ( !mode3D )
			return new Choice( false, "dimensions=Automatic chose 2D (one network on every slice): '" + modeLabel
					+ "' trains 2D only" );
		if ( thinnest < patchDepth )
			return new Choice( false, "dimensions=Automatic chose 2D (one network on every slice): '" + thin + "' has "
					+ thinnest + " z-slice(s), fewer than patch_depth=" + patchDepth
					+ ( thinnest >= 4 ? force3D + " with patch_depth=" + ( thinnest / 4 * 4 ) : "" ) );
		double least = Double.POSITIVE_INFINITY;
		String loose = "";
		for ( final ImagePlus imp : inputs )
		{
			final double c = neighbourCorrelation( imp );
			if ( !( c >= least ) )
			{
				least = c;
				loose = imp.getTitle();
			}
		}
		if ( !( least >= CONTINUITY ) )
			return new Choice( false, String.format( Locale.ROOT,
					"dimensions=Automatic chose 2D (one network on every slice): neighbouring z-slices of '%s' "
							+ "do not show one structure (median correlation %.2f < %.2f: unrelated 2D images?)%s",
					loose, least, CONTINUITY, force3D ) );
		return new Choice( true, String.format( Locale.ROOT,
				"dimensions=Automatic chose 3D (a volume network on %d-slice patches): every stack has at least %d "
						+ "z-slices and neighbouring slices show one structure (median correlation %.2f)%s",
				patchDepth, patchDepth, least, force2D ) );
	}

	/**
	 * The median, over up to 32 neighbouring z-slice pairs of the first channel and time point, of the Pearson
	 * correlation of their 16 x 16 block means (blocks average the noise away); 0 for constant slices.
	 */
	public static double neighbourCorrelation( final ImagePlus imp )
	{
		final int depth = imp.getNSlices(), pairs = Math.min( 32, depth - 1 );
		if ( pairs < 1 )
			return Double.NaN;
		final int block = Math.max( 1, Math.min( 16, Math.min( imp.getWidth(), imp.getHeight() ) / 6 ) );
		final List< Double > c = new ArrayList<>();
		for ( int k = 0; k < pairs; k++ )
		{
			final int z = ( int ) ( ( long ) k * ( depth - 1 ) / pairs );
			c.add( correlation( blockMeans( imp, z, block ), blockMeans( imp, z + 1, block ) ) );
		}
		Collections.sort( c );
		return c.size() % 2 == 1 ? c.get( c.size() / 2 ) : ( c.get( c.size() / 2 - 1 ) + c.get( c.size() / 2 ) ) / 2;
	}

	private static double[] blockMeans( final ImagePlus imp, final int z, final int block )
	{
		final ImageProcessor ip = imp.getStack().getProcessor( imp.getStackIndex( 1, z + 1, 1 ) );
		final int bw = imp.getWidth() / block, bh = imp.getHeight() / block;
		final double[] m = new double[ bw * bh ];
		for ( int by = 0; by < bh; by++ )
			for ( int bx = 0; bx < bw; bx++ )
			{
				double s = 0;
				for ( int y = by * block; y < ( by + 1 ) * block; y++ )
					for ( int x = bx * block; x < ( bx + 1 ) * block; x++ )
						s += ip.getf( x, y );
				m[ by * bw + bx ] = s / ( block * block );
			}
		return m;
	}

	private static double correlation( final double[] a, final double[] b )
	{
		double ma = 0, mb = 0;
		for ( int i = 0; i < a.length; i++ )
		{
			ma += a[ i ];
			mb += b[ i ];
		}
		ma /= a.length;
		mb /= b.length;
		double ab = 0, aa = 0, bb = 0;
		for ( int i = 0; i < a.length; i++ )
		{
			ab += ( a[ i ] - ma ) * ( b[ i ] - mb );
			aa += ( a[ i ] - ma ) * ( a[ i ] - ma );
			bb += ( b[ i ] - mb ) * ( b[ i ] - mb );
		}
		return aa > 0 && bb > 0 ? ab / Math.sqrt( aa * bb ) : 0;
	}
}
