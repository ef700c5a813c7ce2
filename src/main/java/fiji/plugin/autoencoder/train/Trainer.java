package fiji.plugin.autoencoder.train;

import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Precision;

/**
 * Trains a {@link Model}: shuffled mini-batches, a validation split, early
 * stopping on the validation loss, greedy layer-wise pretraining when the
 * model has it, and a {@link TrainingListener} for progress. The best weights
 * (lowest validation loss, or training loss without validation) are kept: at
 * the end, on {@link #requestStop()}, and when the loss becomes NaN.
 * <p>
 * The epoch loop is {@link EpochLoop}; the best-weights and early-stopping
 * policy {@link BestWeights}.
 * <p>
 * One trainer per training run; {@link #requestStop()} may be called from any
 * thread (e.g. a Stop button) and takes effect after the current step (after
 * the current run of {@link TrainingConfig#stepsPerRun} steps). So does a
 * cancel of the {@link Progress} given to {@link #cancelledBy} (a cancelled
 * SciJava command, an interrupted thread, a GUI Stop): the trainer asks it
 * before every step, in every stage that shares the trainer.
 *
 * <pre>{@code
 * Trainer trainer = new Trainer();
 * Trainer.Result r = trainer.train( model, data, null, new TrainingConfig().epochs( 5 ), history, listener );
 * }</pre>
 */
public final class Trainer
{
	/** Why training ended. */
	public enum StopReason
	{
		COMPLETED, EARLY_STOPPED, CANCELLED, DIVERGED
	}

	/** The outcome of {@link Trainer#train}. */
	public static final class Result
	{
		public final StopReason reason;

		/** A sentence for the user. */
		public final String message;

		public final double bestLoss;

		/** Epoch of the kept weights in this run (0: the weights before training). */
		public final int bestEpoch;

		Result( final StopReason reason, final String message, final double bestLoss, final int bestEpoch )
		{
			this.reason = reason;
			this.message = message;
			this.bestLoss = bestLoss;
			this.bestEpoch = bestEpoch;
		}

		@Override
		public String toString()
		{
			return reason + ": " + message;
		}
	}

	private final AtomicBoolean stop = new AtomicBoolean();

	private volatile Progress cancel = Progress.none();

	/**
	 * Stops (as {@link #requestStop()}) once {@code progress} is cancelled;
	 * asked before every step. Returns this trainer.
	 */
	public Trainer cancelledBy( final Progress progress )
	{
		cancel = progress == null ? Progress.none() : progress;
		return this;
	}

	/** Asks the running training to stop after the current step (run of steps) and keep its best weights. */
	public void requestStop()
	{
		stop.set( true );
	}

	/** True once a stop was requested or the progress of {@link #cancelledBy} is cancelled (which then counts as a stop request). */
	public boolean isStopRequested()
	{
		if ( !stop.get() && cancel.isCancelled() )
			stop.set( true );
		return stop.get();
	}

	/** Splits data into (training, validation) by a seeded shuffle; fraction 0 gives no validation set. */
	public static TrainingData[] split( final TrainingData data, final double fraction, final long seed )
	{
		final int n = data.size();
		final int nVal = ( int ) Math.round( n * fraction );
		if ( nVal == 0 )
			return new TrainingData[] { data, null };
		if ( nVal >= n )
			throw new IllegalArgumentException( "The validation split leaves no training samples (" + n
					+ " samples, fraction " + fraction + "): lower the validation fraction or add data" );
		final int[] perm = Batches.permutation( n, new Random( seed ) );
		final int[] val = new int[ nVal ], train = new int[ n - nVal ];
		System.arraycopy( perm, 0, train, 0, train.length );
		System.arraycopy( perm, train.length, val, 0, nVal );
		return new TrainingData[] { data.subset( train ), data.subset( val ) };
	}

	/**
	 * Trains the model.
	 *
	 * @param validation held-out data, or null to split {@code config.validationFraction} off {@code data}
	 * @param history    appended to (pass the loaded model's history to continue it)
	 */
	public Result train( final Model model, final TrainingData data, final TrainingData validation,
			final TrainingConfig config,
			final History history, final TrainingListener listener )
	{
		config.validate();
		final ModelSpec spec = model.spec();
		TrainingDataCheck.check( spec, data );
		final TrainingData train, val;
		if ( validation == null )
		{
			final TrainingData[] parts = split( data, config.validationFraction, config.seed );
			train = parts[ 0 ];
			val = parts[ 1 ];
		}
		else
		{
			TrainingDataCheck.check( spec, validation );
			train = data;
			val = validation;
		}
		final Batches batches = new Batches( spec, train, config.batchSize );
		final Random random = new Random( config.seed );
		if ( config.stepsPerRun > 1 && config.precision == Precision.FLOAT32 )
			batches.multi = new MultiStepRunner( model, train, config.stepsPerRun, config.batchSize );
		try
		{
			return train( model, train, val, batches, random, config, history, listener );
		}
		finally
		{
			if ( batches.multi != null )
				batches.multi.close();
		}
	}

	private Result train( final Model model, final TrainingData train, final TrainingData val, final Batches batches,
			final Random random,
			final TrainingConfig config, final History history, final TrainingListener listener )
	{
		final ModelSpec spec = model.spec();
		final EpochLoop loop = new EpochLoop( this::isStopRequested );
		loop.trainOp = config.precision.trainOp( model );

		model.learningRateMultiplier( 1 ); // pretraining and evaluation: no schedule
		if ( val != null && Double.isNaN( history.initialValidationLoss ) )
			history.initialValidationLoss = evaluate( model, val, config, Endpoints.LOSS );
		if ( config.pretrainEpochs > 0 && spec.layerwisePretraining )
			for ( int layer = 0; model.has( Endpoints.pretrainTrain( layer ) ); layer++ )
			{
				final String phase = "pretrain_" + layer;
				for ( int e = 1; e <= config.pretrainEpochs && !isStopRequested(); e++ )
				{
					final long t0 = System.nanoTime();
					final double loss = loop.epoch( model, batches, train, config, random,
							Endpoints.pretrainTrain( layer ), Endpoints.pretrainLoss( layer ), phase, e, listener );
					if ( !Double.isFinite( loss ) )
						return new Result( StopReason.DIVERGED, "Pretraining of layer " + layer + " diverged (loss "
								+ loss + "): lower the learning rate or check the data for NaN/Inf", Double.NaN, 0 );
					record( history, phase, e, loss,
							val == null ? Double.NaN : evaluate( model, val, config, Endpoints.pretrainLoss( layer ) ),
							Double.NaN, model, t0, loop.lastEpochSamples, 1, listener );
				}
			}

		final boolean scored = config.validationScore != null;
		final BestWeights best = new BestWeights( model,
				scored ? -config.validationScore.applyAsDouble( model )
						: val == null ? Double.POSITIVE_INFINITY : evaluate( model, val, config, Endpoints.LOSS ),
				config );
		if ( config.weightAveraging > 0 )
			loop.average = new WeightAverage( model, config.weightAveraging );
		final int firstEpoch = history.last( "train" ) == null ? 1 : history.last( "train" ).epoch + 1;
		loop.schedule = new LearningRateSchedule( spec.learningRateSchedule, history.scheduleDone, config.epochs,
				config.scheduleMinutes, System::nanoTime );
		for ( int e = 0; e < config.epochs; e++ )
		{
			final int epochNumber = firstEpoch + e;
			final long t0 = System.nanoTime();
			loop.scheduleEpoch = e;
			final double trainLoss = loop.epoch( model, batches, train, config, random, loop.trainOp,
					config.precision.trainingLoss(),
					"train", epochNumber, listener );
			if ( loop.diverged )
			{
				best.restore();
				return new Result( StopReason.DIVERGED, String.format( Locale.ROOT,
						"Training stopped in epoch %d: the loss became %s (learning rate too high, or NaN/Inf in the data). Kept the best weights (%s, %s).",
						epochNumber, loop.badLoss, kept( best, "before training" ), criterion( best, config ) ),
						keptLoss( best, config, history ), best.epoch() );
			}
			final boolean partial = isStopRequested();
			final boolean trained = !partial || loop.lastEpochSamples > 0; // a stop before the first step trained nothing: not an epoch
			if ( loop.average != null && trained )
				loop.average.swapIn(); // validated, kept and saved: the averaged weights
			try
			{
				final double valLoss = val == null ? Double.NaN : evaluate( model, val, config, Endpoints.LOSS );
				final double score = scored && trained ? config.validationScore.applyAsDouble( model ) : Double.NaN;
				if ( trained )
				{
					history.scheduleDone = loop.schedule.fraction( e + 1, 0, 1 );
					record( history, "train", epochNumber, trainLoss, valLoss, score, model, t0,
							loop.lastEpochSamples, loop.lastMultiplier, listener );
				}
				if ( trained && best.offer( scored ? -score : val == null ? trainLoss : valLoss, epochNumber ) )
					listener.bestImproved( model, history );
				else if ( trained && config.reduceAfter > 0 && best.sinceBest() % config.reduceAfter == 0 )
					loop.reduction *= 0.5; // a plateau: halve the learning rate from the next epoch on
			}
			finally
			{
				if ( loop.average != null )
					loop.average.swapOut(); // training goes on from the raw weights
			}
			if ( partial )
			{
				best.restore();
				return new Result( StopReason.CANCELLED,
						String.format( Locale.ROOT,
								"Stopped on request in epoch %d; kept the best weights (%s, %s).",
								epochNumber, kept( best, "before training" ), criterion( best, config ) ),
						keptLoss( best, config, history ), best.epoch() );
			}
			if ( best.patienceExhausted( config.patience ) )
			{
				history.scheduleDone = 1;
				best.restore();
				return new Result( StopReason.EARLY_STOPPED,
						String.format( Locale.ROOT,
								"Early stop after epoch %d: no improvement%s for %d epochs; kept epoch %d (%s).",
								epochNumber,
								scored ? " of the validation score"
										: config.smoothing > 0 ? " of the smoothed validation loss" : "",
								config.patience, best.epoch(), criterion( best, config ) ),
						keptLoss( best, config, history ), best.epoch() );
			}
		}
		history.scheduleDone = 1;
		best.restore();
		return new Result( StopReason.COMPLETED,
				String.format( Locale.ROOT, "Trained %d epochs; kept %s (%s).", config.epochs,
						kept( best, "the weights before training" ), criterion( best, config ) ),
				keptLoss( best, config, history ), best.epoch() );
	}

	/** The kept epoch's selection criterion, for a message. */
	private static String criterion( final BestWeights best, final TrainingConfig config )
	{
		return config.validationScore != null
				? String.format( Locale.ROOT, "validation score %.4f", -best.loss() )
				: String.format( Locale.ROOT, "loss %.5g", best.loss() );
	}

	/** The kept epoch's loss: the criterion, or with a validation score the epoch's recorded validation loss. */
	private static double keptLoss( final BestWeights best, final TrainingConfig config, final History history )
	{
		if ( config.validationScore == null )
			return best.loss();
		for ( final History.Epoch e : history.epochs )
			if ( "train".equals( e.phase ) && e.epoch == best.epoch() )
				return e.validationLoss;
		return history.initialValidationLoss;
	}

	private static String kept( final BestWeights best, final String before )
	{
		return best.epoch() == 0 ? before : "epoch " + best.epoch();
	}

	/** Mean loss over a data set, in fixed order with a fixed seed (comparable across epochs). */
	public double evaluate( final Model model, final TrainingData data, final TrainingConfig config,
			final String lossOp )
	{
		final int bs = Math.max( config.batchSize, 256 );
		final Batches b = new Batches( model.spec(), data, bs );
		final Random random = new Random( config.seed ^ 0x5DEECE66DL );
		final int n = data.size();
		final int[] order = new int[ n ];
		for ( int i = 0; i < n; i++ )
			order[ i ] = i;
		double sum = 0;
		for ( int pos = 0; pos < n; pos += bs )
		{
			final int m = Math.min( bs, n - pos );
			sum += ( double ) b.step( model, data, order, pos, m, random, null, lossOp ) * m;
		}
		return sum / n;
	}

	private void record( final History history, final String phase, final int epoch, final double trainLoss,
			final double valLoss, final double score, final Model model,
			final long t0, final long samples, final double multiplier, final TrainingListener listener )
	{
		final History.Epoch e = new History.Epoch();
		e.phase = phase;
		e.epoch = epoch;
		e.trainLoss = trainLoss;
		e.validationLoss = valLoss;
		e.validationScore = score;
		e.seconds = ( System.nanoTime() - t0 ) / 1e9;
		e.samplesPerSecond = samples / Math.max( e.seconds, 1e-9 );
		e.learningRate = learningRate( model, phase ) * ( "train".equals( phase ) ? multiplier : 1 );
		history.epochs.add( e );
		listener.epochEnded( e, history );
	}

	private static double learningRate( final Model model, final String phase )
	{
		final String op = "train".equals( phase ) ? Endpoints.LEARNING_RATE : phase + "/learning_rate";
		if ( !model.has( op ) )
			return Double.NaN;
		try ( org.tensorflow.Result r = model.session().runner().fetch( op ).run() )
		{
			return ( ( TFloat32 ) r.get( 0 ) ).getFloat();
		}
	}
}
