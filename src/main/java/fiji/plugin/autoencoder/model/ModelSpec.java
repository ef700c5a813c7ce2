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
 * ({@code kernel}^3), 2x2x2 pooling / stride-2 steps in z as well (conv_pool:
 * only at the levels {@code pool_z} marks, when given), kinds
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
 * {@code top_skip} (with skip_connections: false drops the full-resolution level's skip, as N2V2 does),
 * {@code l2},
 * {@code optimizer} ({@code adam} or {@code adadelta}),
 * {@code learning_rate}, {@code decay} (learning rate / (1 + decay * step)),
 * {@code learning_rate_schedule} ({@code constant} or {@code cosine}: see {@code train.LearningRateSchedule}),
 * {@code output_channels} (0: as the input), {@code weighted_loss} (per-pixel
 * loss weights, for blind-spot training) and {@code layerwise_pretraining}
 * (dense only: adds greedy per-layer training ops).</li>
 * </ul>
 *
 * <pre>{@code
 * ModelSpec spec = Presets.dense( false );
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

	@SerializedName( "top_skip" )
	public boolean topSkip = true;

	/** 3D conv_pool: per level, whether its pooling also halves z (anisotropic voxels pool z later); null: every level. */
	@SerializedName( "pool_z" )
	public boolean[] poolZ;

	/**
	 * Residual output (convolutional, linear output only): the network predicts a
	 * correction that is added to its input, {@code output = input + f(input)}, as
	 * denoisers like DnCNN do; learning the (small) correction is easier than
	 * learning the image. Not for blind-spot training, whose input at the masked
	 * pixels is not the pixel itself.
	 */
	public boolean residual = false;

	/**
	 * With {@link #residual}, 2D only: add the correction to a Gaussian blur of the
	 * input with this sigma in pixels instead of to the input itself (0: the input).
	 * A denoiser then starts at the quality of that Gaussian filter and spends its
	 * training on what a blur cannot do (see {@code BlurResidual}).
	 */
	@SerializedName( "residual_blur" )
	public double residualBlur = 0;

	/**
	 * Convolutions per level (conv_pool, 2D): 1 (default) or more. With 2, every
	 * encoder level has two 3x3 convolutions before pooling and every decoder
	 * level one more after merging the upsampled map with the encoder's (as in
	 * CARE and Noise2Void's U-Nets), at about 4x the arithmetic.
	 */
	@SerializedName( "convs_per_level" )
	public int convsPerLevel = 1;

	/**
	 * Batch normalisation after every convolution but the last (conv_pool, 2D, code_size 0): training
	 * normalises with the batch's mean and variance and keeps running averages of them (momentum 0.9),
	 * saved with the model as {@code params/<conv>_mean} and {@code _var}; prediction normalises with
	 * the running averages, a fixed per-pixel affine map, so tiled prediction stays exact.
	 */
	@SerializedName( "batch_norm" )
	public boolean batchNorm = false;

	public double l2 = 0;

	public Optimizer optimizer = Optimizer.ADAM;

	@SerializedName( "learning_rate" )
	public double learningRate = 1e-3;

	public double decay = 0;

	/** Learning-rate schedules ({@code train.LearningRateSchedule}): constant, or a cosine from the rate to 0. */
	public static final String CONSTANT = "constant", COSINE = "cosine";

	@SerializedName( "learning_rate_schedule" )
	public String learningRateSchedule = CONSTANT;

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
	 * an output pixel depends only on input pixels at most this far away (computed exactly, layer by layer, by
	 * {@link ReceptiveField}). 0 for fixed-size models (they are not tiled). 3D models use the same halo in z (the
	 * larger of the x/y and z reaches; z reaches less where {@link #poolZ} keeps z).
	 */
	public int halo()
	{
		return ReceptiveField.halo( this );
	}

	/**
	 * Bytes of network activations per input pixel (voxel) during prediction: the
	 * peak of the live tensors, an upper bound within 1.21x of TensorFlow's measured
	 * peak, so tile sizes can be chosen from a memory budget.
	 */
	public long activationBytesPerPixel()
	{
		return ActivationMemory.bytesPerPixel( this );
	}

	/**
	 * Checks every field and throws an {@link IllegalArgumentException} whose
	 * message names the field, the bad value and what would work.
	 *
	 * @return this spec, for chaining
	 */
	public ModelSpec validate()
	{
		SpecValidation.validate( this );
		return this;
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
				throw new IllegalArgumentException(
						"A model spec must be a JSON object {...}, got: " + abbreviate( json ) );
			obj = e.getAsJsonObject();
		}
		catch ( final JsonParseException e )
		{
			throw new IllegalArgumentException(
					"The model spec is not valid JSON (" + e.getMessage() + "): " + abbreviate( json ) );
		}
		final JsonObject known = GSON.toJsonTree( new ModelSpec() ).getAsJsonObject();
		known.add( "pool_z", new com.google.gson.JsonArray() ); // optional, absent when null
		for ( final Map.Entry< String, JsonElement > entry : obj.entrySet() )
			if ( !known.has( entry.getKey() ) )
				throw new IllegalArgumentException(
						"Unknown model spec key '" + entry.getKey() + "': known keys are " + known.keySet() );
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
			throw new IllegalArgumentException(
					"The model spec has a value of the wrong type (" + e.getMessage() + ")" );
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
		throw new IllegalArgumentException(
				"Unknown " + key + " '" + s + "' in the model spec: use one of " + names( values ) );
	}

	/** The JSON name of an enum constant, e.g. {@code leaky_relu}. */
	public static String name( final Enum< ? > e )
	{
		return e.name().toLowerCase( Locale.ROOT );
	}

	static String names( final Enum< ? >[] values )
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
		return name + " (" + name( kind ) + ( is3D() ? " 3D " + depth + "x" : " " ) + height + "x" + width + "x"
				+ channels + ", layers " + Arrays.toString( layers ) + ", code " + codeSize + ")";
	}
}
