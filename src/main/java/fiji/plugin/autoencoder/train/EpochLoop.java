package fiji.plugin.autoencoder.train;

import java.util.Random;
import java.util.function.BooleanSupplier;

import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;

/**
 * One pass over shuffled training data: single steps, or runs of
 * {@link TrainingConfig#stepsPerRun} steps through a {@link MultiStepRunner}
 * where whole runs fit; reports each step to the listener and notices a
 * non-finite loss. Asks whether to stop before each step (run of steps), and sets the learning-rate factor of
 * the {@link LearningRateSchedule} before each training run.
 */
final class EpochLoop
{
	private final BooleanSupplier stop;

	/** True when the last epoch ended on a non-finite loss ({@link #badLoss}). */
	boolean diverged;

	float badLoss;

	/** The main training step ({@link Endpoints#TRAIN}, or its bfloat16 twin): scheduled, and unrolled by the runner. */
	String trainOp = Endpoints.TRAIN;

	/** Samples trained on in the last epoch. */
	long lastEpochSamples;

	/** The learning-rate schedule of the {@link Endpoints#TRAIN} steps, or null (factor 1), and the epoch of this run (0-based) it is at. */
	LearningRateSchedule schedule;

	int scheduleEpoch;

	/** Factor on the schedule's multiplier: halved on each plateau ({@link TrainingConfig#reduceAfter}). */
	double reduction = 1;

	/** The factor on the learning rate of the last training run. */
	double lastMultiplier = 1;

	/** The moving average of the weights updated after every step of {@link #trainOp}, or null. */
	WeightAverage average;

	EpochLoop( final BooleanSupplier stop )
	{
		this.stop = stop;
	}

	/** One pass; returns the sample-weighted mean training loss (the bad loss if it diverged, NaN if no step ran). */
	double epoch( final Model model, final Batches b, final TrainingData data, final TrainingConfig config,
			final Random random,
			final String trainOp, final String lossOp, final String phase, final int epochNumber,
			final TrainingListener listener )
	{
		final int n = data.size();
		final int steps = config.stepsPerEpoch > 0 ? config.stepsPerEpoch
				: ( n + config.batchSize - 1 ) / config.batchSize;
		int[] order = Batches.permutation( n, random );
		int pos = 0;
		double sum = 0;
		long samples = 0;
		diverged = false;
		int s = 0; // steps done
		while ( s < steps && !stop.getAsBoolean() )
		{
			if ( pos >= n )
			{
				order = Batches.permutation( n, random );
				pos = 0;
			}
			final float[] losses;
			final int m;
			if ( schedule != null && this.trainOp.equals( trainOp ) )
				model.learningRateMultiplier(
						lastMultiplier = schedule.multiplier( scheduleEpoch, s, steps ) * reduction );
			if ( b.multi != null && this.trainOp.equals( trainOp ) && s + config.stepsPerRun <= steps
					&& pos + b.multi.samplesPerRun() <= n )
			{
				// several full batches in one run; stop requests take effect after it
				losses = b.multi.run( order, pos, random );
				m = config.batchSize;
			}
			else
			{
				m = Math.min( config.batchSize, n - pos );
				losses = new float[] { b.step( model, data, order, pos, m, random, trainOp, lossOp ) };
			}
			if ( average != null && this.trainOp.equals( trainOp ) )
				average.update( losses.length );
			for ( final float loss : losses )
			{
				pos += m;
				if ( !Float.isFinite( loss ) )
				{
					diverged = true;
					badLoss = loss;
					lastEpochSamples = samples;
					return loss;
				}
				sum += ( double ) loss * m;
				samples += m;
				s++;
				listener.stepEnded( phase, epochNumber, s, steps, loss );
			}
		}
		lastEpochSamples = samples;
		return samples == 0 ? Double.NaN : sum / samples;
	}
}
