package fiji.plugin.autoencoder.model;

/**
 * The names of the graph operations that {@link GraphBuilder} creates and
 * {@link Model} runs: the only place op names are spelled out. A model loaded
 * from a file is driven through the same names.
 */
public final class Endpoints
{
	private Endpoints()
	{}

	/** Input images, NHWC float. */
	public static final String INPUT = "input";

	/** Training targets, NHWC float with the output's channels (fed the input itself for plain autoencoders). */
	public static final String TARGET = "target";

	/** Per-element loss weights, same shape as the target (only with weighted_loss). */
	public static final String LOSS_WEIGHT = "loss_weight";

	/** The bottleneck code. */
	public static final String CODE = "code";

	/** A code fed from outside, decoded on its own (absent for zero-fill unpooling, which needs the encoder's switches). */
	public static final String CODE_INPUT = "code_input";

	/** The decoder's output for {@link #CODE_INPUT}. */
	public static final String DECODED = "decoded";

	/** The reconstruction of {@link #INPUT}, after the output activation. */
	public static final String RECONSTRUCTION = "reconstruction";

	/** The reconstruction with the convolutions in bfloat16, added on demand ({@code GraphBuilder.addBfloat16Inference}). */
	public static final String RECONSTRUCTION_BF16 = "reconstruction_bf16";

	/** The scope of the mixed-precision training ops ({@code GraphBuilder.addBfloat16Training}), added on demand. */
	public static final String BF16_TRAINING_SCOPE = "bf16_training";

	/** One optimiser step with the convolutions in bfloat16, fed like {@link #TRAIN}. */
	public static final String TRAIN_BF16 = BF16_TRAINING_SCOPE + "/train";

	/** The data loss of {@link #TRAIN_BF16}'s forward pass (float32). */
	public static final String LOSS_BF16 = BF16_TRAINING_SCOPE + "/loss";

	/** The data loss (BCE or MSE, weighted if configured), without regularisation. */
	public static final String LOSS = "loss";

	/** The optimised objective: loss + L2 penalty. */
	public static final String OBJECTIVE = "objective";

	/** Runs one optimiser step on all parameters. */
	public static final String TRAIN = "train";

	/** The optimiser's step counter (int64). */
	public static final String STEP = "global_step";

	/** The current learning rate. */
	public static final String LEARNING_RATE = "learning_rate";

	/** A factor on the learning rate of every training step (a scalar placeholder with default 1: a schedule feeds it). */
	public static final String LEARNING_RATE_MULTIPLIER = "learning_rate_multiplier";

	/** Name scope of the trainable parameters. */
	public static final String PARAMS = "params";

	/** Loss of the greedy pretraining of layer {@code i} (stacked autoencoders). */
	public static String pretrainLoss( final int layer )
	{
		return "pretrain_" + layer + "/loss";
	}

	/** One optimiser step of the greedy pretraining of layer {@code i}. */
	public static String pretrainTrain( final int layer )
	{
		return "pretrain_" + layer + "/train";
	}

	/** The assign op that writes a parameter (used to restore the best weights). */
	public static String restore( final String param )
	{
		return "restore/" + param.replace( '/', '_' );
	}

	/** The placeholder feeding {@link #restore(String)}. */
	public static String restoreValue( final String param )
	{
		return "restore/" + param.replace( '/', '_' ) + "_value";
	}

	/** Resource variable holding the training inputs uploaded for multi-step training (never saved in model files). */
	public static final String DATA_INPUTS = "training_data/inputs";

	/** Resource variable holding the training targets uploaded for multi-step training (never saved in model files). */
	public static final String DATA_TARGETS = "training_data/targets";

	/** Sets {@link #DATA_TARGETS} to {@link #DATA_INPUTS} without a copy (plain autoencoding; only when input and output channels agree). */
	public static final String DATA_TARGETS_FROM_INPUTS = "training_data/targets_from_inputs";

	/** The placeholder of the value for {@link #dataAssign(String)}. */
	public static String dataValue( final String dataVariable )
	{
		return dataVariable + "_value";
	}

	/** The op that writes {@link #dataValue(String)} to a training data variable. */
	public static String dataAssign( final String dataVariable )
	{
		return dataVariable + "_assign";
	}

	/** Name scope of the ops that run {@code steps} optimiser steps per run (see {@code GraphBuilder.addMultiStep}). */
	public static String multiStepScope( final int steps )
	{
		return "multistep_" + steps;
	}

	/** An endpoint of the {@code steps}-step ops: one of the MS_ names. */
	public static String multiStep( final int steps, final String name )
	{
		return multiStepScope( steps ) + "/" + name;
	}

	/** Multi-step input batch: {@code steps} batches one after the other (feed it, or feed {@link #MS_INDICES} instead). */
	public static final String MS_INPUT = "input";

	/** Multi-step targets, like {@link #MS_INPUT}. */
	public static final String MS_TARGET = "target";

	/** Multi-step per-element loss weights (weighted-loss models; always fed). */
	public static final String MS_LOSS_WEIGHT = "loss_weight";

	/** Int32 sample indices into the uploaded training data: {@code steps} batches one after the other. */
	public static final String MS_INDICES = "indices";

	/** The data loss of each of the steps, before its update (float vector). */
	public static final String MS_LOSSES = "losses";

	/** Runs the steps. */
	public static final String MS_TRAIN = "train";
}
