package fiji.plugin.autoencoder.train;

import fiji.plugin.autoencoder.model.Precision;

/**
 * How to train (what to train is the {@code ModelSpec}): epochs, batch size,
 * validation split, early stopping, greedy pretraining epochs and the seed.
 * Fluent setters; sane defaults.
 *
 * <pre>{@code
 * TrainingConfig c = new TrainingConfig().epochs( 20 ).batchSize( 128 ).validationFraction( 0.2 ).patience( 3 );
 * }</pre>
 */
public final class TrainingConfig
{
	public int epochs = 10;

	public int batchSize = 64;

	/** Fraction of the samples held out for validation when no validation set is given. */
	public double validationFraction = 0.1;

	/** Stop after this many epochs without a validation improvement; 0 never stops early. */
	public int patience = 0;

	/** Relative improvement of the validation loss that counts as better (early stopping and best weights). */
	public double minImprovement = 0;

	/**
	 * Weight of the past in an exponential moving average of the validation loss over epochs, in [0, 1): the best
	 * epoch and the patience are judged on the smoothed curve, so one lucky epoch is not kept (0: the raw loss).
	 */
	public double smoothing = 0;

	/**
	 * Halve the learning rate each time the (smoothed) validation loss has gone this many epochs without improving
	 * (again after as many more; an improvement restarts the count); 0: never. A resumed training starts at the full
	 * rate.
	 */
	public int reduceAfter = 0;

	/** Early stopping never stops before this many epochs. */
	public int minEpochs = 0;

	/** Epochs of greedy pretraining per layer (models with layerwise_pretraining). */
	public int pretrainEpochs = 0;

	/** Seed of the shuffling, validation split and random augmentations. */
	public long seed = 42;

	/** Optimiser steps per epoch; 0 means one pass over the data. */
	public int stepsPerEpoch = 0;

	/**
	 * Optimiser steps per {@code Session.run} (1: one per run). With more, the
	 * trainer runs that many full batches at once: the same batches in the same
	 * order with the same updates, without the per-run overhead, and data that
	 * gives the same sample for the same index ({@link TrainingData#fixedSamples()})
	 * is uploaded to the graph once instead of copied every step. The listener
	 * still hears every step, but a stop request takes effect after the current
	 * run, i.e. up to this many steps later. 8 is a good value for small images.
	 */
	public int stepsPerRun = 1;

	/**
	 * The arithmetic of the training steps: float32, or bfloat16 mixed precision (the convolutions forward and
	 * backward in bfloat16; parameters, loss, optimiser and validation in float32). Several steps per run are float32 only.
	 */
	public Precision precision = Precision.FLOAT32;

	/** The time budget in minutes that the learning-rate schedule spans (0: none; it then spans the epochs). */
	public double scheduleMinutes = 0;

	/**
	 * A score of the model on held-out data, higher is better (e.g. the mean Dice of whole held-out images), computed
	 * after every epoch: when set it picks the kept epoch and drives early stopping in place of the validation loss
	 * (which is still computed and recorded); null: the validation loss.
	 */
	public java.util.function.ToDoubleFunction< fiji.plugin.autoencoder.model.Model > validationScore;

	/**
	 * Decay per optimiser step of an exponential moving average of the weights ({@link WeightAverage}), in [0, 1):
	 * the average is what is validated, kept as the best weights and saved; training goes on from the raw weights.
	 * 0: none.
	 */
	public double weightAveraging = 0;

	public TrainingConfig epochs( final int v )
	{
		epochs = v;
		return this;
	}

	public TrainingConfig batchSize( final int v )
	{
		batchSize = v;
		return this;
	}

	public TrainingConfig validationFraction( final double v )
	{
		validationFraction = v;
		return this;
	}

	public TrainingConfig patience( final int v )
	{
		patience = v;
		return this;
	}

	public TrainingConfig minImprovement( final double v )
	{
		minImprovement = v;
		return this;
	}

	public TrainingConfig smoothing( final double v )
	{
		smoothing = v;
		return this;
	}

	public TrainingConfig minEpochs( final int v )
	{
		minEpochs = v;
		return this;
	}

	public TrainingConfig reduceAfter( final int v )
	{
		reduceAfter = v;
		return this;
	}

	public TrainingConfig pretrainEpochs( final int v )
	{
		pretrainEpochs = v;
		return this;
	}

	public TrainingConfig seed( final long v )
	{
		seed = v;
		return this;
	}

	public TrainingConfig stepsPerEpoch( final int v )
	{
		stepsPerEpoch = v;
		return this;
	}

	public TrainingConfig stepsPerRun( final int v )
	{
		stepsPerRun = v;
		return this;
	}

	public TrainingConfig scheduleMinutes( final double v )
	{
		scheduleMinutes = v;
		return this;
	}

	public TrainingConfig validationScore(
			final java.util.function.ToDoubleFunction< fiji.plugin.autoencoder.model.Model > v )
	{
		validationScore = v;
		return this;
	}

	public TrainingConfig weightAveraging( final double v )
	{
		weightAveraging = v;
		return this;
	}

	public TrainingConfig precision( final Precision v )
	{
		precision = v;
		return this;
	}

	/** A copy. */
	public TrainingConfig copy()
	{
		final TrainingConfig c = new TrainingConfig();
		c.epochs = epochs;
		c.batchSize = batchSize;
		c.validationFraction = validationFraction;
		c.patience = patience;
		c.minImprovement = minImprovement;
		c.pretrainEpochs = pretrainEpochs;
		c.smoothing = smoothing;
		c.minEpochs = minEpochs;
		c.reduceAfter = reduceAfter;
		c.seed = seed;
		c.stepsPerEpoch = stepsPerEpoch;
		c.stepsPerRun = stepsPerRun;
		c.scheduleMinutes = scheduleMinutes;
		c.validationScore = validationScore;
		c.weightAveraging = weightAveraging;
		c.precision = precision;
		return c;
	}

	/** Throws an IllegalArgumentException naming the bad setting. */
	public TrainingConfig validate()
	{
		if ( epochs < 0 )
			throw new IllegalArgumentException( "epochs must be 0 or more, got " + epochs );
		if ( batchSize <= 0 )
			throw new IllegalArgumentException( "batch_size must be positive (e.g. 64), got " + batchSize );
		if ( !( validationFraction >= 0 && validationFraction < 1 ) )
			throw new IllegalArgumentException(
					"validation fraction must be in [0, 1) (e.g. 0.1), got " + validationFraction );
		if ( patience < 0 || pretrainEpochs < 0 || stepsPerEpoch < 0 || minEpochs < 0 || reduceAfter < 0 )
			throw new IllegalArgumentException(
					"patience, minimum epochs, learning-rate reduction epochs, pretrain epochs and steps per epoch must not be negative" );
		if ( !( smoothing >= 0 && smoothing < 1 ) )
			throw new IllegalArgumentException(
					"validation loss smoothing must be in [0, 1) (0: none, e.g. 0.5), got " + smoothing );
		if ( !( weightAveraging >= 0 && weightAveraging < 1 ) )
			throw new IllegalArgumentException(
					"weight averaging must be in [0, 1) (0: none, e.g. 0.99 per step), got " + weightAveraging );
		if ( stepsPerRun < 1 )
			throw new IllegalArgumentException(
					"steps per run must be at least 1 (1: one optimiser step per run, e.g. 8 for speed), got "
							+ stepsPerRun );
		return this;
	}
}
