package fiji.plugin.autoencoder.train;

import java.util.ArrayList;
import java.util.List;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.annotations.SerializedName;

/**
 * The loss curves of a model, epoch by epoch, across every training run
 * (continued training appends). Stored in the model file as JSON.
 */
public final class History
{
	/** One finished epoch. */
	public static final class Epoch
	{
		/** "train", or "pretrain_i" for the greedy pretraining of layer i. */
		public String phase;

		public int epoch;

		@SerializedName( "train_loss" )
		public double trainLoss;

		/** NaN when there was no validation set. */
		@SerializedName( "validation_loss" )
		public double validationLoss;

		/** The trainer's validation score ({@link TrainingConfig#validationScore}, e.g. held-out Dice), NaN when none. */
		@SerializedName( "validation_score" )
		public double validationScore = Double.NaN;

		@SerializedName( "learning_rate" )
		public double learningRate;

		public double seconds;

		@SerializedName( "samples_per_second" )
		public double samplesPerSecond;

		/** A copy with another phase name (e.g. to report a second network's epochs under their own name). */
		public Epoch withPhase( final String otherPhase )
		{
			final Epoch e = new Epoch();
			e.phase = otherPhase;
			e.epoch = epoch;
			e.trainLoss = trainLoss;
			e.validationLoss = validationLoss;
			e.validationScore = validationScore;
			e.learningRate = learningRate;
			e.seconds = seconds;
			e.samplesPerSecond = samplesPerSecond;
			return e;
		}

		@Override
		public String toString()
		{
			return String.format( java.util.Locale.ROOT,
					"%s epoch %d: train %.5f, validation %.5f%s (%.1f s, %.0f samples/s)", phase, epoch, trainLoss,
					validationLoss,
					Double.isNaN( validationScore ) ? ""
							: String.format( java.util.Locale.ROOT, ", score %.4f", validationScore ),
					seconds, samplesPerSecond );
		}
	}

	/** Validation loss of the untrained model (NaN if not measured). */
	@SerializedName( "initial_validation_loss" )
	public double initialValidationLoss = Double.NaN;

	public final List< Epoch > epochs = new ArrayList<>();

	/**
	 * The fraction of the learning-rate schedule ({@link LearningRateSchedule}) done by the last epoch: a run that
	 * stopped early (Stop, a crash between checkpoints) is continued from it by a resumed training; 1 once a run
	 * finished (all epochs, early stopping or its time budget), so a resumed training then starts a new schedule.
	 */
	@SerializedName( "schedule_done" )
	public double scheduleDone = 0;

	private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting()
			.create();

	/** The last epoch of the given phase, or null. */
	public Epoch last( final String phase )
	{
		for ( int i = epochs.size() - 1; i >= 0; i-- )
			if ( epochs.get( i ).phase.equals( phase ) )
				return epochs.get( i );
		return null;
	}

	/** The lowest validation loss of the "train" phase (NaN if none). */
	public double bestValidationLoss()
	{
		double best = Double.NaN;
		for ( final Epoch e : epochs )
			if ( "train".equals( e.phase ) && !Double.isNaN( e.validationLoss ) && !( e.validationLoss >= best ) )
				best = e.validationLoss;
		return best;
	}

	/**
	 * A hint for the user when the "train" phase overfitted: over at least 8
	 * epochs, the best validation loss came in the first three quarters, the
	 * last is at least 20 % above it, and the training loss fell meanwhile.
	 * Null otherwise.
	 */
	public String overfittingHint()
	{
		final List< Epoch > train = new ArrayList<>();
		for ( final Epoch e : epochs )
			if ( "train".equals( e.phase ) && !Double.isNaN( e.validationLoss ) )
				train.add( e );
		if ( train.size() < 8 )
			return null;
		int b = 0;
		for ( int i = 1; i < train.size(); i++ )
			if ( train.get( i ).validationLoss < train.get( b ).validationLoss )
				b = i;
		final Epoch best = train.get( b ), last = train.get( train.size() - 1 );
		if ( b >= 0.75 * train.size() || !( last.validationLoss >= 1.2 * best.validationLoss )
				|| !( last.trainLoss < best.trainLoss ) )
			return null;
		return String.format( java.util.Locale.ROOT,
				"the validation loss rose from %.4g (epoch %d) to %.4g (epoch %d) while the training loss fell: the network overfits its training images "
						+ "(the best epoch is the one kept). Try an L2 weight decay (l2 = 0.0001), more or more varied images, or fewer epochs",
				best.validationLoss, best.epoch, last.validationLoss, last.epoch );
	}

	public String toJson()
	{
		return GSON.toJson( this );
	}

	public static History fromJson( final String json )
	{
		try
		{
			final History h = GSON.fromJson( json, History.class );
			if ( h == null )
				throw new IllegalArgumentException( "The training history is empty" );
			return h;
		}
		catch ( final JsonParseException e )
		{
			throw new IllegalArgumentException( "The training history is not valid JSON: " + e.getMessage() );
		}
	}
}
