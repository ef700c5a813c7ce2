package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.annotations.SerializedName;

/**
 * What an autoencoder is: a small, JSON-serialisable description from which
 * {@link GraphBuilder} builds the TensorFlow graph.
 * <p>
 * Fields (JSON keys in snake_case):
 * <ul>
 * <li>{@code kind}: {@code dense} (fully connected), {@code conv_pool} (conv +
 * 2x2 max-pool encoder, conv + 2x unpooling decoder) or {@code conv_strided}
 * (stride-2 conv encoder, stride-2 transposed-conv decoder);</li>
 * <li>{@code height, width, channels}: the training input shape (HWC);
 * convolutional models without a dense code take any multiple of
 * {@link #sizeMultiple()} at inference;</li>
 * <li>{@code depth}: 0 for a 2D model (images, NHWC); above 0 a 3D model
 * (volumes, NDHWC) with this training patch depth: cubic kernels
 * ({@code kernel}^3), 2x2x2 pooling / stride-2 steps in z as well, kinds
 * {@code conv_strided} and {@code conv_pool} with {@code code_size} 0 only
 * (fully convolutional, any multiple of {@link #sizeMultiple()} in z, y and x
 * at inference);</li>
 * <li>{@code layers}: dense: hidden sizes from the input towards the code
 * (the code excluded); conv: filters per resolution level;</li>
 * <li>{@code code_size}: dense: the bottleneck width; conv: 0 for a fully
 * convolutional code (the last level's feature map), or a dense bottleneck
 * of this width;</li>
 * <li>{@code kernel}, {@code activation}, {@code code_activation},
 * {@code output_activation} and {@code loss} ({@code bce} and {@code dice}
 * need a sigmoid output), {@code tied_weights} (dense only), {@code unpooling}
 * ({@code nearest} or {@code zero_fill}, conv_pool only),
 * {@code skip_connections} (conv_pool only: U-Net style, each decoder level
 * also sees the encoder's feature map of that level; no code-only decoder),
 * {@code l2},
 * {@code optimizer} ({@code adam} or {@code adadelta}),
 * {@code learning_rate}, {@code decay} (learning rate / (1 + decay * step)),
 * {@code output_channels} (0: as the input), {@code weighted_loss} (per-pixel
 * loss weights, for blind-spot training) and {@code layerwise_pretraining}
 * (dense only: adds greedy per-layer training ops).</li>
 * </ul>
 *
 * <pre>{@code
 * ModelSpec spec = Presets.denseMnist();
 * spec.validate();                 // throws IllegalArgumentException naming the field
 * String json = spec.toJson();
 * ModelSpec again = ModelSpec.fromJson( json );
 * }</pre>
 *
 * Instances are mutable while being configured; {@link #copy()} before sharing.
 */
public final class ModelSpec
{
	/** The architecture family. */
	public enum Kind
	{
		@SerializedName( "dense" ) DENSE,
		@SerializedName( "conv_pool" ) CONV_POOL,
		@SerializedName( "conv_strided" ) CONV_STRIDED
	}

	/** Element-wise activations. */
	public enum Activation
	{
		@SerializedName( "relu" ) RELU,
		@SerializedName( "leaky_relu" ) LEAKY_RELU,
		@SerializedName( "elu" ) ELU,
		@SerializedName( "tanh" ) TANH,
		@SerializedName( "sigmoid" ) SIGMOID,
		@SerializedName( "linear" ) LINEAR,
		/** Over the channels: one probability per class, summing to 1 (multi-class segmenters). */
		@SerializedName( "softmax" ) SOFTMAX
	}

	/** Reconstruction losses. */
	public enum Loss
	{
		/** Cross-entropy: binary on a sigmoid output (targets in [0, 1]), categorical on a softmax output (one-hot targets). */
		@SerializedName( "bce" ) BCE,
		/** Mean squared error. */
		@SerializedName( "mse" ) MSE,
		/**
		 * Soft Dice on a sigmoid output (masks in [0, 1]): per sample
		 * 1 - (2 sum(p t) + 1) / (sum(p) + sum(t) + 1), averaged over the batch.
		 */
		@SerializedName( "dice" ) DICE,
		/** Soft Dice plus cross-entropy (see {@link SegmentationLosses}). */
		@SerializedName( "dice_bce" ) DICE_BCE
	}

	/** How a conv_pool decoder undoes max-pooling. */
	public enum Unpooling
	{
		/** Copy each value to its 2x2 block. */
		@SerializedName( "nearest" ) NEAREST,
		/** Put the value back where the encoder's maximum was, zeros elsewhere. */
		@SerializedName( "zero_fill" ) ZERO_FILL
	}

	/** Optimisers, as TensorFlow's raw training ops. */
	public enum Optimizer
	{
		@SerializedName( "adam" ) ADAM,
		@SerializedName( "adadelta" ) ADADELTA
	}

	public String name = "autoencoder";

	public Kind kind = Kind.CONV_POOL;

	public int height = 28;

	public int width = 28;

	public int channels = 1;

	/** 0: a 2D model; above 0: a 3D model and its training patch depth (z). */
	public int depth = 0;

	@SerializedName( "output_channels" )
	public int outputChannels = 0;

	public int[] layers = { 16, 8 };

	@SerializedName( "code_size" )
	public int codeSize = 0;

	public int kernel = 3;

	public Activation activation = Activation.RELU;

	@SerializedName( "code_activation" )
	public Activation codeActivation = Activation.RELU;

	@SerializedName( "output_activation" )
	public Activation outputActivation = Activation.SIGMOID;

	public Loss loss = Loss.BCE;

	@SerializedName( "tied_weights" )
	public boolean tiedWeights = false;

	public Unpooling unpooling = Unpooling.NEAREST;

	@SerializedName( "skip_connections" )
	public boolean skipConnections = false;

	/**
	 * Residual output (convolutional, linear output only): the network predicts a
	 * correction that is added to its input, {@code output = input + f(input)}, as
	 * denoisers like DnCNN do; learning the (small) correction is easier than
	 * learning the image. Not for blind-spot training, whose input at the masked
	 * pixels is not the pixel itself.
	 */
	public boolean residual = false;

	/**
	 * Convolutions per level (conv_pool, 2D): 1 (default) or more. With 2, every
	 * encoder level has two 3x3 convolutions before pooling and every decoder
	 * level one more after merging the upsampled map with the encoder's (as in
	 * CARE and Noise2Void's U-Nets), at about 4x the arithmetic.
	 */
	@SerializedName( "convs_per_level" )
	public int convsPerLevel = 1;

	public double l2 = 0;

	public Optimizer optimizer = Optimizer.ADAM;

	@SerializedName( "learning_rate" )
	public double learningRate = 1e-3;

	public double decay = 0;

	@SerializedName( "weighted_loss" )
	public boolean weightedLoss = false;

	@SerializedName( "layerwise_pretraining" )
	public boolean layerwisePretraining = false;

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

	/** Channels the network outputs. */
	public int outChannels()
	{
		return outputChannels > 0 ? outputChannels : channels;
	}

	/** True for a 3D (volumetric) model: {@code depth > 0}. */
	public boolean is3D()
	{
		return depth > 0;
	}

	/** Spatial dimensions of the network input: 3 (D, H, W) for 3D models, else 2 (H, W). */
	public int spatialDims()
	{
		return is3D() ? 3 : 2;
	}

	/** Number of resolution levels (conv kinds), or 0 for dense. */
	public int levels()
	{
		return kind == Kind.DENSE ? 0 : layers.length;
	}

	/** Every spatial input size (z too, for 3D models) must be a multiple of this: 2^levels for conv kinds, 1 for dense. */
	public int sizeMultiple()
	{
		return 1 << levels();
	}

	/** True when the network takes only {@code height x width} inputs (dense layers inside). */
	public boolean hasFixedInputSize()
	{
		return kind == Kind.DENSE || codeSize > 0;
	}

	/** Number of input values per sample (times {@code depth} for 3D models). */
	public long inputSize()
	{
		return ( long ) Math.max( depth, 1 ) * height * width * channels;
	}

	/**
	 * Receptive-field margin in pixels, rounded up to a multiple of {@link #sizeMultiple()}:
	 * an output pixel depends only on input pixels at most this far away. 0 for
	 * fixed-size models (they are not tiled). 3D models use the same halo in z:
	 * their kernels are cubic and they pool (or stride) by 2 in z too, so the
	 * receptive field is a cube.
	 */
	public int halo()
	{
		if ( hasFixedInputSize() )
			return 0;
		final int r = ( kernel - 1 ) / 2;
		long margin = 0;
		long scale = 1; // input pixels per feature-map pixel at the current level
		if ( kind == Kind.CONV_POOL )
		{
			// encoder: conv at scale s adds r*s; a 2x2 pool adds s (the window reaches one more pixel at that scale)
			for ( int l = 0; l < levels(); l++ )
			{
				margin += r * scale;
				margin += scale;
				scale *= 2;
			}
			// decoder: conv at the coarse scale, then unpool; final conv at scale 1
			for ( int l = levels() - 1; l >= 0; l-- )
			{
				margin += r * scale;
				scale /= 2;
				margin += scale; // unpooling/upsampling: a block reaches one coarse pixel further
			}
			margin += r; // the output conv
		}
		else
		{
			// stride-2 conv with kernel k at scale s reaches r*s; a transposed conv likewise
			for ( int l = 0; l < levels(); l++ )
			{
				margin += ( r + 1 ) * scale;
				scale *= 2;
			}
			for ( int l = levels() - 1; l >= 0; l-- )
			{
				scale /= 2;
				margin += ( r + 1 ) * scale * 2;
			}
		}
		final int m = sizeMultiple();
		return ( int ) ( ( margin + m - 1 ) / m * m );
	}

	/**
	 * Bytes of network activations per input pixel (voxel) during prediction: a
	 * conservative estimate (every layer's output kept at once, as TensorFlow
	 * may), so tile sizes can be chosen from a memory budget.
	 */
	public long activationBytesPerPixel()
	{
		if ( hasFixedInputSize() )
			return 0;
		final int shrink = is3D() ? 8 : 4; // pixels per feature-map pixel grow by this per level
		double maps = channels + outChannels(); // input and output maps
		double perPixel = 1;
		for ( int l = 0; l < levels(); l++ )
		{
			// encoder conv outputs (and the pre-pool copy) at this level's resolution
			maps += perPixel * layers[ l ] * ( kind == Kind.CONV_POOL ? 1 + convsPerLevel : 1 );
			perPixel /= shrink;
		}
		perPixel = 1;
		for ( int l = 0; l < levels(); l++ )
		{
			// decoder conv, upsampled map and (U-Net) concatenation at this level
			final int f = l == 0 && kind != Kind.CONV_POOL ? outChannels() : layers[ l ];
			maps += perPixel * f * ( ( skipConnections ? 4 : 2 ) + convsPerLevel - 1 );
			perPixel /= shrink;
		}
		return ( long ) Math.ceil( maps * Float.BYTES );
	}

	/**
	 * Checks every field and throws an {@link IllegalArgumentException} whose
	 * message names the field, the bad value and what would work.
	 *
	 * @return this spec, for chaining
	 */
	public ModelSpec validate()
	{
		final List< String > problems = new ArrayList<>();
		if ( kind == null )
			problems.add( "kind is missing: use one of " + names( Kind.values() ) );
		if ( height <= 0 || width <= 0 || channels <= 0 )
			problems.add( "height, width and channels must be positive (got " + height + " x " + width + " x " + channels + ")" );
		if ( depth < 0 )
			problems.add( "depth must be 0 (a 2D model) or the training patch depth of a 3D model, got " + depth );
		if ( outputChannels < 0 )
			problems.add( "output_channels must be 0 (same as input) or positive, got " + outputChannels );
		if ( layers == null )
			problems.add( "layers is missing: give hidden sizes (dense) or filters per level (conv), e.g. [16, 8]" );
		else
			for ( int i = 0; i < layers.length; i++ )
				if ( layers[ i ] <= 0 )
					problems.add( "layers[" + i + "] = " + layers[ i ] + ": every layer size must be positive" );
		if ( codeSize < 0 )
			problems.add( "code_size must not be negative, got " + codeSize );
		if ( activation == null )
			problems.add( "activation is missing or unknown: use one of " + names( Activation.values() ) );
		if ( codeActivation == null )
			problems.add( "code_activation is missing or unknown: use one of " + names( Activation.values() ) );
		if ( outputActivation == null )
			problems.add( "output_activation is missing or unknown: use one of " + names( Activation.values() ) );
		if ( loss == null )
			problems.add( "loss is missing or unknown: use bce, mse, dice or dice_bce" );
		if ( loss != null && loss != Loss.MSE && outputActivation != null && outputActivation != Activation.SIGMOID && outputActivation != Activation.SOFTMAX )
			problems.add( "loss " + name( loss ) + " needs output_activation sigmoid or softmax (got " + name( outputActivation ) + "): use sigmoid, or loss mse" );
		if ( outputActivation == Activation.SOFTMAX && outChannels() < 2 )
			problems.add( "output_activation softmax needs at least 2 output channels (background and a class), got " + outChannels() + ": use sigmoid for one channel" );
		if ( ( loss == Loss.DICE || loss == Loss.DICE_BCE || outputActivation == Activation.SOFTMAX ) && layerwisePretraining )
			problems.add( "loss " + name( loss ) + " with output_activation " + name( outputActivation ) + " cannot be used with layerwise_pretraining (its per-layer losses are per pixel): use bce and sigmoid" );
		if ( activation == Activation.SOFTMAX || codeActivation == Activation.SOFTMAX )
			problems.add( "softmax is an output activation only: use relu (or another element-wise activation) for activation and code_activation" );
		if ( optimizer == null )
			problems.add( "optimizer is missing or unknown: use adam or adadelta" );
		if ( unpooling == null )
			problems.add( "unpooling is missing or unknown: use nearest or zero_fill" );
		if ( !( learningRate > 0 ) || Double.isInfinite( learningRate ) )
			problems.add( "learning_rate must be positive and finite, got " + learningRate );
		if ( !( decay >= 0 ) || Double.isInfinite( decay ) )
			problems.add( "decay must be 0 or positive, got " + decay );
		if ( !( l2 >= 0 ) || Double.isInfinite( l2 ) )
			problems.add( "l2 must be 0 or positive, got " + l2 );
		if ( kernel <= 0 || kernel % 2 == 0 )
			problems.add( "kernel must be a positive odd number (e.g. 3), got " + kernel );
		if ( problems.isEmpty() )
			checkArchitecture( problems );
		if ( !problems.isEmpty() )
			throw new IllegalArgumentException( "Invalid model spec '" + name + "': " + String.join( "; ", problems ) );
		return this;
	}

	private void checkArchitecture( final List< String > problems )
	{
		final long in = inputSize();
		if ( is3D() )
			check3D( problems );
		if ( kind == Kind.DENSE )
		{
			if ( codeSize <= 0 )
				problems.add( "code_size must be positive for a dense autoencoder (e.g. 32)" );
			else if ( codeSize >= in )
				problems.add( "code_size " + codeSize + " is not smaller than the input (" + height + " x " + width + " x " + channels + " = " + in + "): an autoencoder's code must be smaller than its input" );
			if ( tiedWeights && outChannels() != channels )
				problems.add( "tied_weights needs output_channels equal to channels (the decoder reuses the encoder's weights)" );
			if ( layerwisePretraining && layers.length == 0 )
				problems.add( "layerwise_pretraining needs at least one hidden layer before the code" );
			if ( skipConnections )
				problems.add( "skip_connections needs kind conv_pool: set it to false for dense autoencoders" );
			if ( residual )
				problems.add( "residual needs a convolutional kind (conv_pool or conv_strided): set it to false for dense autoencoders" );
		}
		else
		{
			if ( layers.length == 0 )
				problems.add( "a convolutional autoencoder needs at least one level in layers, e.g. [16, 8]" );
			if ( tiedWeights )
				problems.add( "tied_weights applies to dense autoencoders only: set it to false" );
			if ( layerwisePretraining )
				problems.add( "layerwise_pretraining applies to dense autoencoders only: set it to false" );
			if ( skipConnections && kind != Kind.CONV_POOL )
				problems.add( "skip_connections needs kind conv_pool (the encoder's pre-pool maps are concatenated in the decoder)" );
			if ( skipConnections && codeSize > 0 )
				problems.add( "skip_connections needs code_size 0 (a fully convolutional code): a dense bottleneck would be bypassed" );
			if ( skipConnections && unpooling == Unpooling.ZERO_FILL )
				problems.add( "skip_connections works with unpooling nearest only: set unpooling to nearest" );
			if ( convsPerLevel < 1 )
				problems.add( "convs_per_level must be 1 or more, got " + convsPerLevel );
			if ( convsPerLevel > 1 && ( kind != Kind.CONV_POOL || codeSize > 0 || depth > 0 ) )
				problems.add( "convs_per_level " + convsPerLevel + " needs a fully convolutional 2D conv_pool model (code_size 0, depth 0): set it to 1" );
			if ( residual && outChannels() != channels )
				problems.add( "residual adds the input to the output, so output_channels (" + outChannels() + ") must equal channels (" + channels + "): set residual to false" );
			if ( residual && outputActivation != Activation.LINEAR )
				problems.add( "residual needs output_activation linear (input + correction is not squashed): set output_activation to linear or residual to false" );
			if ( unpooling == Unpooling.ZERO_FILL && kind != Kind.CONV_POOL )
				problems.add( "unpooling zero_fill needs kind conv_pool (a max-pooling encoder)" );
			final int m = sizeMultiple();
			if ( layers.length > 0 && ( height % m != 0 || width % m != 0 || depth % m != 0 ) )
				problems.add( "input " + ( is3D() ? depth + " x " : "" ) + height + " x " + width + " is not divisible by 2^" + layers.length + " = " + m
						+ " (" + layers.length + " pooling/stride levels): use " + Math.max( 1, levelsThatDivide() ) + " level(s) or an input size that is a multiple of " + m );
			if ( codeSize > 0 && codeSize >= in )
				problems.add( "code_size " + codeSize + " is not smaller than the input (" + in + " values): an autoencoder's code must be smaller than its input" );
		}
	}

	private int levelsThatDivide()
	{
		int l = 0;
		while ( height % ( 2 << l ) == 0 && width % ( 2 << l ) == 0 && depth % ( 2 << l ) == 0 )
			l++;
		return l;
	}

	private void check3D( final List< String > problems )
	{
		if ( kind == Kind.DENSE )
			problems.add( "depth " + depth + " (a 3D model) needs kind conv_strided or conv_pool: set depth to 0 for a dense autoencoder" );
		if ( codeSize > 0 )
			problems.add( "a 3D model (depth " + depth + ") is fully convolutional only: set code_size to 0" );
		if ( kind == Kind.CONV_POOL && unpooling == Unpooling.ZERO_FILL )
			problems.add( "a 3D model (depth " + depth + ") unpools with nearest only: set unpooling to nearest" );
		if ( skipConnections )
			problems.add( "skip_connections is not available for 3D models (depth " + depth + ") yet: set it to false" );
	}

	/** JSON with snake_case keys and lower-case enum names. */
	public String toJson()
	{
		return GSON.toJson( this );
	}

	/** A deep copy. */
	public ModelSpec copy()
	{
		return GSON.fromJson( toJson(), ModelSpec.class );
	}

	/**
	 * Parses and validates a spec. Unknown keys and unknown enum values (e.g. an
	 * activation {@code "relux"}) are errors that name the key and the allowed values.
	 */
	public static ModelSpec fromJson( final String json )
	{
		final JsonObject obj;
		try
		{
			final JsonElement e = JsonParser.parseString( json );
			if ( !e.isJsonObject() )
				throw new IllegalArgumentException( "A model spec must be a JSON object {...}, got: " + abbreviate( json ) );
			obj = e.getAsJsonObject();
		}
		catch ( final JsonParseException e )
		{
			throw new IllegalArgumentException( "The model spec is not valid JSON (" + e.getMessage() + "): " + abbreviate( json ) );
		}
		final JsonObject known = GSON.toJsonTree( new ModelSpec() ).getAsJsonObject();
		for ( final Map.Entry< String, JsonElement > entry : obj.entrySet() )
			if ( !known.has( entry.getKey() ) )
				throw new IllegalArgumentException( "Unknown model spec key '" + entry.getKey() + "': known keys are " + known.keySet() );
		checkEnum( obj, "kind", Kind.values() );
		checkEnum( obj, "activation", Activation.values() );
		checkEnum( obj, "code_activation", Activation.values() );
		checkEnum( obj, "output_activation", Activation.values() );
		checkEnum( obj, "loss", Loss.values() );
		checkEnum( obj, "unpooling", Unpooling.values() );
		checkEnum( obj, "optimizer", Optimizer.values() );
		final ModelSpec spec;
		try
		{
			spec = GSON.fromJson( obj, ModelSpec.class );
		}
		catch ( final JsonParseException | NumberFormatException e )
		{
			throw new IllegalArgumentException( "The model spec has a value of the wrong type (" + e.getMessage() + ")" );
		}
		return spec.validate();
	}

	private static < E extends Enum< E > > void checkEnum( final JsonObject obj, final String key, final E[] values )
	{
		if ( !obj.has( key ) )
			return;
		final JsonElement v = obj.get( key );
		final String s = v.isJsonPrimitive() ? v.getAsString() : v.toString();
		for ( final E e : values )
			if ( name( e ).equals( s ) )
				return;
		throw new IllegalArgumentException( "Unknown " + key + " '" + s + "' in the model spec: use one of " + names( values ) );
	}

	/** The JSON name of an enum constant, e.g. {@code leaky_relu}. */
	public static String name( final Enum< ? > e )
	{
		return e.name().toLowerCase( Locale.ROOT );
	}

	private static String names( final Enum< ? >[] values )
	{
		final List< String > n = new ArrayList<>();
		for ( final Enum< ? > e : values )
			n.add( name( e ) );
		return String.join( ", ", n );
	}

	private static String abbreviate( final String s )
	{
		return s.length() > 80 ? s.substring( 0, 80 ) + "..." : s;
	}

	@Override
	public String toString()
	{
		return name + " (" + name( kind ) + ( is3D() ? " 3D " + depth + "x" : " " ) + height + "x" + width + "x" + channels + ", layers " + Arrays.toString( layers ) + ", code " + codeSize + ")";
	}
}
