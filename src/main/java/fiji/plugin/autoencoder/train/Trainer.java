package fiji.plugin.autoencoder.train;

import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;

/**
 * Trains a {@link Model}: shuffled mini-batches, a validation split, early
 * stopping on the validation loss, greedy layer-wise pretraining when the
 * model has it, and a {@link TrainingListener} for progress. The best weights
 * (lowest validation loss, or training loss without validation) are kept: at
 * the end, on {@link #requestStop()}, and when the loss becomes NaN.
 * <p>
 * One trainer per training run; {@link #requestStop()} may be called from any
 * thread (e.g. a Stop button) and takes effect after the current step (after
 * the current run of {@link TrainingConfig#stepsPerRun} steps).
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

	/** Asks the running training to stop after the current step (run of steps) and keep its best weights. */
	public void requestStop()
	{
		stop.set( true );
	}

	public boolean isStopRequested()
	{
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
			throw new IllegalArgumentException( "The validation split leaves no training samples (" + n + " samples, fraction " + fraction + "): lower the validation fraction or add data" );
		final int[] perm = permutation( n, new Random( seed ) );
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
	public Result train( final Model model, final TrainingData data, final TrainingData validation, final TrainingConfig config,
			final History history, final TrainingListener listener )
	{
		config.validate();
		final ModelSpec spec = model.spec();
		checkData( spec, data );
		final TrainingData train, val;
		if ( validation == null )
		{
			final TrainingData[] parts = split( data, config.validationFraction, config.seed );
			train = parts[ 0 ];
			val = parts[ 1 ];
		}
		else
		{
			checkData( spec, validation );
			train = data;
			val = validation;
		}
		final Batches batches = new Batches( spec, train, config.batchSize );
		final Random random = new Random( config.seed );
		if ( config.stepsPerRun > 1 )
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

	private Result train( final Model model, final TrainingData train, final TrainingData val, final Batches batches, final Random random,
			final TrainingConfig config, final History history, final TrainingListener listener )
	{
		final ModelSpec spec = model.spec();

		if ( val != null && Double.isNaN( history.initialValidationLoss ) )
			history.initialValidationLoss = evaluate( model, val, config, Endpoints.LOSS );
		if ( config.pretrainEpochs > 0 && spec.layerwisePretraining )
			for ( int layer = 0; model.has( Endpoints.pretrainTrain( layer ) ); layer++ )
			{
				final String phase = "pretrain_" + layer;
				for ( int e = 1; e <= config.pretrainEpochs && !stop.get(); e++ )
				{
					final long t0 = System.nanoTime();
					final double loss = epoch( model, batches, train, config, random, Endpoints.pretrainTrain( layer ), Endpoints.pretrainLoss( layer ), phase, e, listener );
					if ( !Double.isFinite( loss ) )
						return new Result( StopReason.DIVERGED, "Pretraining of layer " + layer + " diverged (loss " + loss + "): lower the learning rate or check the data for NaN/Inf", Double.NaN, 0 );
					record( history, phase, e, loss, val == null ? Double.NaN : evaluate( model, val, config, Endpoints.pretrainLoss( layer ) ), model, t0, batches.lastEpochSamples, listener );
				}
			}

		double best = val == null ? Double.POSITIVE_INFINITY : evaluate( model, val, config, Endpoints.LOSS );
		if ( Double.isNaN( best ) )
			best = Double.POSITIVE_INFINITY;
		Map< String, float[] > bestWeights = model.readParameters();
		int bestEpoch = 0;
		int sinceBest = 0;
		final int firstEpoch = history.last( "train" ) == null ? 1 : history.last( "train" ).epoch + 1;
		for ( int e = 0; e < config.epochs; e++ )
		{
			final int epochNumber = firstEpoch + e;
			final long t0 = System.nanoTime();
			final double trainLoss = epoch( model, batches, train, config, random, Endpoints.TRAIN, Endpoints.LOSS, "train", epochNumber, listener );
			if ( batches.diverged )
			{
				model.writeParameters( bestWeights );
				return new Result( StopReason.DIVERGED, String.format( Locale.ROOT,
						"Training stopped in epoch %d: the loss became %s (learning rate too high, or NaN/Inf in the data). Kept the best weights (%s, loss %.5g).",
						epochNumber, batches.badLoss, bestEpoch == 0 ? "before training" : "epoch " + bestEpoch, best ), best, bestEpoch );
			}
			final boolean partial = stop.get();
			final double valLoss = val == null ? Double.NaN : evaluate( model, val, config, Endpoints.LOSS );
			if ( !partial || batches.lastEpochSamples > 0 )
				record( history, "train", epochNumber, trainLoss, valLoss, model, t0, batches.lastEpochSamples, listener );
			final double criterion = val == null ? trainLoss : valLoss;
			if ( criterion < best - Math.abs( best ) * config.minImprovement || ( Double.isInfinite( best ) && criterion < best ) )
			{
				best = criterion;
				bestWeights = model.readParameters();
				bestEpoch = epochNumber;
				sinceBest = 0;
				listener.bestImproved( model, history );
			}
			else
				sinceBest++;
			if ( partial )
			{
				model.writeParameters( bestWeights );
				return new Result( StopReason.CANCELLED, String.format( Locale.ROOT, "Stopped on request in epoch %d; kept the best weights (%s, loss %.5g).",
						epochNumber, bestEpoch == 0 ? "before training" : "epoch " + bestEpoch, best ), best, bestEpoch );
			}
			if ( config.patience > 0 && sinceBest >= config.patience )
			{
				model.writeParameters( bestWeights );
				return new Result( StopReason.EARLY_STOPPED, String.format( Locale.ROOT, "Early stop after epoch %d: no improvement for %d epochs; kept epoch %d (loss %.5g).",
						epochNumber, config.patience, bestEpoch, best ), best, bestEpoch );
			}
		}
		model.writeParameters( bestWeights );
		return new Result( StopReason.COMPLETED, String.format( Locale.ROOT, "Trained %d epochs; kept %s (loss %.5g).", config.epochs,
				bestEpoch == 0 ? "the weights before training" : "epoch " + bestEpoch, best ), best, bestEpoch );
	}

	private static void checkData( final ModelSpec spec, final TrainingData d )
	{
		if ( d.size() <= 0 )
			throw new IllegalArgumentException( "The training set is empty: give at least one image or patch" );
		final int[] s = d.inputShape();
		if ( s.length != spec.spatialDims() + 1 )
			throw new IllegalArgumentException( spec.is3D()
					? "The model is 3D (depth " + spec.depth + ") but the samples are 2D images: give volumes (e.g. a PatchSampler with a patch depth, or ArrayTrainingData.volumes)"
					: "The model is 2D but the samples are volumes (" + s[ 0 ] + " slices): give 2D samples, or use a 3D model (depth > 0)" );
		final int c = s[ s.length - 1 ];
		if ( c != spec.channels )
			throw new IllegalArgumentException( "The data has " + c + " channel(s) but the model takes " + spec.channels + ": convert the images or set channels to " + c );
		if ( spec.is3D() )
		{
			final int m = spec.sizeMultiple();
			if ( s[ 0 ] % m != 0 || s[ 1 ] % m != 0 || s[ 2 ] % m != 0 )
				throw new IllegalArgumentException( "Patch size " + s[ 0 ] + " x " + s[ 1 ] + " x " + s[ 2 ] + " (depth x height x width) is not a multiple of " + m
						+ " (the model pools " + spec.levels() + " times in z, y and x): use patch sizes that are multiples of " + m );
		}
		else
		{
			checkData2D( spec, s );
		}
		if ( d.hasTargets() && d.targetChannels() != spec.outChannels() )
			throw new IllegalArgumentException( "The targets have " + d.targetChannels() + " channel(s) but the model outputs " + spec.outChannels() );
		if ( !d.hasTargets() && spec.outChannels() != spec.channels )
			throw new IllegalArgumentException( "The model outputs " + spec.outChannels() + " channel(s), not its " + spec.channels + " input channel(s): give targets (e.g. masks)" );
		if ( spec.weightedLoss && !d.hasWeights() )
			throw new IllegalArgumentException( "The model has a weighted loss but the data gives no weights: use blind-spot data or a model without weighted_loss" );
	}

	private static void checkData2D( final ModelSpec spec, final int[] s )
	{
		if ( spec.hasFixedInputSize() && ( s[ 0 ] != spec.height || s[ 1 ] != spec.width ) )
			throw new IllegalArgumentException( "The samples are " + s[ 0 ] + " x " + s[ 1 ] + " but the model takes " + spec.height + " x " + spec.width + ": use patches of the model's size" );
		if ( s[ 0 ] % spec.sizeMultiple() != 0 || s[ 1 ] % spec.sizeMultiple() != 0 )
			throw new IllegalArgumentException( "Patch size " + s[ 0 ] + " x " + s[ 1 ] + " is not a multiple of " + spec.sizeMultiple() + " (the model pools " + spec.levels() + " times)" );
	}

	/** The tensor shape of {@code n} samples of spatial shape {@code sample[0 .. last)} with {@code channels} channels. */
	static Shape batchShape( final int n, final int[] sample, final int channels )
	{
		final long[] d = new long[ sample.length + 1 ];
		d[ 0 ] = n;
		for ( int i = 0; i + 1 < sample.length; i++ )
			d[ i + 1 ] = sample[ i ];
		d[ sample.length ] = channels;
		return Shape.of( d );
	}

	/** Values per sample of spatial shape {@code sample[0 .. last)} with {@code channels} channels. */
	static int sampleSize( final int[] sample, final int channels )
	{
		int n = channels;
		for ( int i = 0; i + 1 < sample.length; i++ )
			n *= sample[ i ];
		return n;
	}

	/** One pass; returns the sample-weighted mean training loss. */
	private double epoch( final Model model, final Batches b, final TrainingData data, final TrainingConfig config, final Random random,
			final String trainOp, final String lossOp, final String phase, final int epochNumber, final TrainingListener listener )
	{
		final int n = data.size();
		final int steps = config.stepsPerEpoch > 0 ? config.stepsPerEpoch : ( n + config.batchSize - 1 ) / config.batchSize;
		int[] order = permutation( n, random );
		int pos = 0;
		double sum = 0;
		long samples = 0;
		b.diverged = false;
		for ( int s = 0; s < steps; s++ )
		{
			if ( stop.get() )
				break;
			if ( pos >= n )
			{
				order = permutation( n, random );
				pos = 0;
			}
			if ( b.multi != null && Endpoints.TRAIN.equals( trainOp ) && s + config.stepsPerRun <= steps && pos + b.multi.samplesPerRun() <= n )
			{
				// several full batches in one run; stop requests take effect after it
				final float[] losses = b.multi.run( order, pos, random );
				for ( final float loss : losses )
				{
					pos += config.batchSize;
					if ( !Float.isFinite( loss ) )
					{
						b.diverged = true;
						b.badLoss = loss;
						b.lastEpochSamples = samples;
						return loss;
					}
					sum += ( double ) loss * config.batchSize;
					samples += config.batchSize;
					listener.stepEnded( phase, epochNumber, ++s, steps, loss );
				}
				s--;
				continue;
			}
			final int m = Math.min( config.batchSize, n - pos );
			final float loss = b.step( model, data, order, pos, m, random, trainOp, lossOp );
			pos += m;
			if ( !Float.isFinite( loss ) )
			{
				b.diverged = true;
				b.badLoss = loss;
				b.lastEpochSamples = samples;
				return loss;
			}
			sum += ( double ) loss * m;
			samples += m;
			listener.stepEnded( phase, epochNumber, s + 1, steps, loss );
		}
		b.lastEpochSamples = samples;
		return samples == 0 ? Double.NaN : sum / samples;
	}

	/** Mean loss over a data set, in fixed order with a fixed seed (comparable across epochs). */
	public double evaluate( final Model model, final TrainingData data, final TrainingConfig config, final String lossOp )
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

	private void record( final History history, final String phase, final int epoch, final double trainLoss, final double valLoss, final Model model,
			final long t0, final long samples, final TrainingListener listener )
	{
		final History.Epoch e = new History.Epoch();
		e.phase = phase;
		e.epoch = epoch;
		e.trainLoss = trainLoss;
		e.validationLoss = valLoss;
		e.seconds = ( System.nanoTime() - t0 ) / 1e9;
		e.samplesPerSecond = samples / Math.max( e.seconds, 1e-9 );
		e.learningRate = learningRate( model, phase );
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

	static int[] permutation( final int n, final Random random )
	{
		final int[] p = new int[ n ];
		for ( int i = 0; i < n; i++ )
			p[ i ] = i;
		for ( int i = n - 1; i > 0; i-- )
		{
			final int j = random.nextInt( i + 1 );
			final int t = p[ i ];
			p[ i ] = p[ j ];
			p[ j ] = t;
		}
		return p;
	}

	/** Reused batch buffers and full-batch tensors. */
	private static final class Batches
	{
		final int batch, inSize, outSize;

		final int[] shape;

		final int outChannels;

		final float[] input, target, weight;

		/** Runs several steps at once (stepsPerRun above 1), or null. */
		MultiStepRunner multi;

		boolean diverged;

		float badLoss;

		long lastEpochSamples;

		Batches( final ModelSpec spec, final TrainingData data, final int batch )
		{
			this.batch = batch;
			this.shape = data.inputShape();
			this.outChannels = spec.outChannels();
			this.inSize = sampleSize( shape, shape[ shape.length - 1 ] );
			this.outSize = sampleSize( shape, outChannels );
			this.input = new float[ batch * inSize ];
			this.target = data.hasTargets() ? new float[ batch * outSize ] : null;
			this.weight = data.hasWeights() ? new float[ batch * outSize ] : null;
		}

		float step( final Model model, final TrainingData data, final int[] order, final int from, final int n, final Random random, final String trainOp, final String lossOp )
		{
			data.fill( order, from, n, input, target, weight, random );
			final Shape in = batchShape( n, shape, shape[ shape.length - 1 ] );
			final Shape out = batchShape( n, shape, outChannels );
			try ( TFloat32 x = Model.tensor( input, in );
					TFloat32 t = target == null ? null : Model.tensor( target, out );
					TFloat32 w = weight == null ? null : Model.tensor( weight, out ) )
			{
				final TFloat32 tt = t == null ? x : t;
				return trainOp == null ? model.loss( lossOp, x, tt, w ) : model.trainStep( trainOp, lossOp, x, tt, w );
			}
		}
	}
}
