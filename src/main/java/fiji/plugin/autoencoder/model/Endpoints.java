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
}
