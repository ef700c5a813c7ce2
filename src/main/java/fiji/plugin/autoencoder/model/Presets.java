package fiji.plugin.autoencoder.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import fiji.plugin.autoencoder.model.ModelSpec.Activation;
import fiji.plugin.autoencoder.model.ModelSpec.Kind;
import fiji.plugin.autoencoder.model.ModelSpec.Loss;
import fiji.plugin.autoencoder.model.ModelSpec.Unpooling;

/**
 * The classic autoencoder architectures as ready-made specs (each call returns a
 * new, validated spec that the caller may modify).
 *
 * <pre>{@code
 * ModelSpec spec = Presets.byName( "conv_strided" );
 * spec.channels = 3;
 * }</pre>
 */
public final class Presets
{
	private Presets()
	{}

	/** Dense 784-32-784, relu code, sigmoid output, BCE, Adam (the classic first autoencoder). */
	public static ModelSpec dense( final boolean tiedWeights )
	{
		final ModelSpec s = base( tiedWeights ? "dense_tied" : "dense", Kind.DENSE );
		s.layers = new int[ 0 ];
		s.codeSize = 32;
		s.tiedWeights = tiedWeights;
		return s.validate();
	}

	/** Conv 16-8-8 with 2x2 max-pooling, decoded by conv + nearest (or zero-fill) unpooling; sigmoid + BCE. */
	public static ModelSpec convPool( final Unpooling unpooling )
	{
		final ModelSpec s = base( unpooling == Unpooling.ZERO_FILL ? "conv_pool_zero_fill" : "conv_pool",
				Kind.CONV_POOL );
		s.layers = new int[] { 16, 8 };
		s.unpooling = unpooling;
		return s.validate();
	}

	/** Stride-2 convolutions 16-32 and stride-2 transposed convolutions back; linear output, MSE. */
	public static ModelSpec convStrided()
	{
		final ModelSpec s = base( "conv_strided", Kind.CONV_STRIDED );
		s.layers = new int[] { 16, 32 };
		s.outputActivation = Activation.LINEAR;
		s.loss = Loss.MSE;
		return s.validate();
	}

	/**
	 * A deep dense autoencoder, 784-512-256-128-64-32 and back (10 weight layers),
	 * with or without greedy layer-wise pretraining ops (the stacked autoencoder).
	 */
	public static ModelSpec deepDense( final boolean stacked )
	{
		final ModelSpec s = base( stacked ? "deep_stacked" : "deep_dense", Kind.DENSE );
		s.layers = new int[] { 512, 256, 128, 64 };
		s.codeSize = 32;
		s.layerwisePretraining = stacked;
		return s.validate();
	}

	/**
	 * A fully convolutional denoiser for images of any size: a U-Net (conv_pool
	 * 32-64 with skip connections, so fine detail bypasses the bottleneck),
	 * nearest upsampling, linear output and MSE on normalised intensities.
	 */
	public static ModelSpec denoiser( final int channels )
	{
		final ModelSpec s = base( "denoiser", Kind.CONV_POOL );
		s.height = 64;
		s.width = 64;
		s.channels = channels;
		s.layers = new int[] { 32, 64 };
		s.skipConnections = true;
		s.outputActivation = Activation.LINEAR;
		s.loss = Loss.MSE;
		return s.validate();
	}

	/**
	 * An anomaly detector for segment-by-reconstruction: a U-Net (conv_pool
	 * 32-64-64 with skip connections, so normal texture is reconstructed
	 * almost exactly) with a residual linear output, trained with
	 * {@code train.SyntheticAnomalies} to remove blobs and strokes painted
	 * into normal images; at inference the reconstruction error marks what
	 * the net took for an anomaly. Three levels see about 40 px around each
	 * pixel, enough to tell a shifted region from the texture around it.
	 */
	public static ModelSpec anomalyDetector( final int channels )
	{
		final ModelSpec s = base( "anomaly_detector", Kind.CONV_POOL );
		s.height = 64;
		s.width = 64;
		s.channels = channels;
		s.layers = new int[] { 32, 64, 64 };
		s.skipConnections = true;
		s.residual = true;
		s.outputActivation = Activation.LINEAR;
		s.loss = Loss.MSE;
		return s.validate();
	}

	/**
	 * An image-to-mask segmenter (a small U-Net): conv_pool 16-32-64 with skip
	 * connections, nearest upsampling, one sigmoid output channel (foreground
	 * probability) and BCE; targets are masks in [0, 1]. (Loss {@code dice}
	 * works too but, alone, can get stuck predicting everything as foreground.)
	 */
	public static ModelSpec segmenter( final int channels )
	{
		final ModelSpec s = base( "segmenter", Kind.CONV_POOL );
		s.height = 64;
		s.width = 64;
		s.channels = channels;
		s.outputChannels = 1;
		s.layers = new int[] { 16, 32, 64 };
		s.skipConnections = true;
		s.loss = Loss.BCE;
		return s.validate();
	}

	/**
	 * A 3D (volumetric) autoencoder: stride-2 3D convolutions 16-32 and
	 * stride-2 transposed 3D convolutions back, 3x3x3 kernels, linear output,
	 * MSE, trained on 32 x 32 x 32 patches; fully convolutional (any multiple
	 * of 4 in z, y and x at inference).
	 */
	public static ModelSpec conv3d()
	{
		final ModelSpec s = base( "conv3d", Kind.CONV_STRIDED );
		s.depth = 32;
		s.height = 32;
		s.width = 32;
		s.layers = new int[] { 16, 32 };
		s.outputActivation = Activation.LINEAR;
		s.loss = Loss.MSE;
		return s.validate();
	}

	/**
	 * A 3D denoiser for z-stacks: conv_pool 3D 16-32 (3x3x3 convolutions,
	 * 2x2x2 max-pooling, nearest 2x2x2 upsampling), linear output and MSE on
	 * normalised intensities, trained on 32 x 32 x 32 patches.
	 */
	public static ModelSpec denoiser3d( final int channels )
	{
		final ModelSpec s = base( "denoiser3d", Kind.CONV_POOL );
		s.depth = 32;
		s.height = 32;
		s.width = 32;
		s.channels = channels;
		s.layers = new int[] { 16, 32 };
		s.outputActivation = Activation.LINEAR;
		s.loss = Loss.MSE;
		return s.validate();
	}

	/**
	 * Which pooling levels of a 3D conv_pool network also halve z ({@link ModelSpec#poolZ}), for voxels
	 * {@code zOverXy} times as deep as wide and patches {@code patchDepth} slices deep: as nnU-Net, a level pools z
	 * only while the z spacing at that level is at most twice the x/y spacing and at least 4 slices are left to pool,
	 * e.g. 2 levels on 16 slices pool z twice for isotropic voxels, once for voxels 3-4x deeper than wide and not at
	 * all above 4x; null when every level pools z (the file stays as before).
	 */
	public static boolean[] poolZ( final int levels, final int patchDepth, final double zOverXy )
	{
		final boolean[] pool = new boolean[ levels ];
		double z = zOverXy > 0 && Double.isFinite( zOverXy ) ? zOverXy : 1, xy = 1;
		int depth = patchDepth, pooled = 0;
		for ( int l = 0; l < levels; l++ )
		{
			pool[ l ] = z <= 2 * xy && depth >= 4;
			if ( pool[ l ] )
			{
				z *= 2;
				depth /= 2;
				pooled++;
			}
			xy *= 2;
		}
		return pooled == levels ? null : pool;
	}

	/** Every preset by its name. */
	public static Map< String, Supplier< ModelSpec > > all()
	{
		final Map< String, Supplier< ModelSpec > > m = new LinkedHashMap<>();
		m.put( "dense", () -> dense( false ) );
		m.put( "dense_tied", () -> dense( true ) );
		m.put( "conv_pool", () -> convPool( Unpooling.NEAREST ) );
		m.put( "conv_pool_zero_fill", () -> convPool( Unpooling.ZERO_FILL ) );
		m.put( "conv_strided", Presets::convStrided );
		m.put( "deep_dense", () -> deepDense( false ) );
		m.put( "deep_stacked", () -> deepDense( true ) );
		m.put( "denoiser", () -> denoiser( 1 ) );
		m.put( "segmenter", () -> segmenter( 1 ) );
		m.put( "anomaly_detector", () -> anomalyDetector( 1 ) );
		m.put( "conv3d", Presets::conv3d );
		m.put( "denoiser3d", () -> denoiser3d( 1 ) );
		return m;
	}

	/** The preset with this name; the error lists the known names. */
	public static ModelSpec byName( final String name )
	{
		final Supplier< ModelSpec > s = all().get( name );
		if ( s == null )
			throw new IllegalArgumentException( "Unknown preset '" + name + "': use one of " + all().keySet() );
		return s.get();
	}

	private static ModelSpec base( final String name, final Kind kind )
	{
		final ModelSpec s = new ModelSpec();
		s.name = name;
		s.kind = kind;
		s.height = 28;
		s.width = 28;
		s.channels = 1;
		s.activation = Activation.RELU;
		s.codeActivation = Activation.RELU;
		s.outputActivation = Activation.SIGMOID;
		s.loss = Loss.BCE;
		return s;
	}
}
