package fiji.plugin.autoencoder.train;

import fiji.plugin.autoencoder.model.ModelSpec;

/** Checks that training data fits a model (dimensions, channels, patch sizes, targets, weights), with messages that say what to change. */
final class TrainingDataCheck
{
	private TrainingDataCheck()
	{}

	static void check( final ModelSpec spec, final TrainingData d )
	{
		if ( d.size() <= 0 )
			throw new IllegalArgumentException( "The training set is empty: give at least one image or patch" );
		final int[] s = d.inputShape();
		if ( s.length != spec.spatialDims() + 1 )
			throw new IllegalArgumentException( spec.is3D()
					? "The model is 3D (depth " + spec.depth
							+ ") but the samples are 2D images: give volumes (e.g. a PatchSampler with a patch depth, or ArrayTrainingData.volumes)"
					: "The model is 2D but the samples are volumes (" + s[ 0 ]
							+ " slices): give 2D samples, or use a 3D model (depth > 0)" );
		final int c = s[ s.length - 1 ];
		if ( c != spec.channels )
			throw new IllegalArgumentException( "The data has " + c + " channel(s) but the model takes " + spec.channels
					+ ": convert the images or set channels to " + c );
		if ( spec.is3D() )
		{
			final int m = spec.sizeMultiple();
			if ( s[ 0 ] % m != 0 || s[ 1 ] % m != 0 || s[ 2 ] % m != 0 )
				throw new IllegalArgumentException( "Patch size " + s[ 0 ] + " x " + s[ 1 ] + " x " + s[ 2 ]
						+ " (depth x height x width) is not a multiple of " + m
						+ " (the model pools " + spec.levels()
						+ " times in z, y and x): use patch sizes that are multiples of " + m );
		}
		else
		{
			check2D( spec, s );
		}
		if ( d.hasTargets() && d.targetChannels() != spec.outChannels() )
			throw new IllegalArgumentException( "The targets have " + d.targetChannels()
					+ " channel(s) but the model outputs " + spec.outChannels() );
		if ( !d.hasTargets() && spec.outChannels() != spec.channels )
			throw new IllegalArgumentException( "The model outputs " + spec.outChannels() + " channel(s), not its "
					+ spec.channels + " input channel(s): give targets (e.g. masks)" );
		if ( spec.weightedLoss && !d.hasWeights() )
			throw new IllegalArgumentException(
					"The model has a weighted loss but the data gives no weights: use blind-spot data or a model without weighted_loss" );
	}

	private static void check2D( final ModelSpec spec, final int[] s )
	{
		if ( spec.hasFixedInputSize() && ( s[ 0 ] != spec.height || s[ 1 ] != spec.width ) )
			throw new IllegalArgumentException( "The samples are " + s[ 0 ] + " x " + s[ 1 ] + " but the model takes "
					+ spec.height + " x " + spec.width + ": use patches of the model's size" );
		if ( s[ 0 ] % spec.sizeMultiple() != 0 || s[ 1 ] % spec.sizeMultiple() != 0 )
			throw new IllegalArgumentException( "Patch size " + s[ 0 ] + " x " + s[ 1 ] + " is not a multiple of "
					+ spec.sizeMultiple() + " (the model pools " + spec.levels() + " times)" );
	}
}
