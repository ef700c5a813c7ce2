package fiji.plugin.autoencoder.denoise;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import fiji.plugin.autoencoder.train.ImageTrainingJob;
import ij.ImagePlus;

/**
 * The settings of "Train Autoencoder" (the same keys in the Fiji command, in
 * ImageJ 1 macros and on the command line), turned into an
 * {@link ImageTrainingJob}: one place that checks them and maps them.
 */
public final class TrainingSettings
{
	public String mode = TrainingMode.DENOISE_SELF_SUPERVISED.label;

	public String noise = "poisson-gaussian:peak=30,sigma=2";

	public boolean resume = false;

	public int epochs = 20, patchesPerEpoch = 1024, patchSize = 64, batchSize = 16, patience = 5;

	public double validationFraction = 0.1, learningRate = 1e-3;

	public long seed = 42;

	/**
	 * A job training on {@code input} (and {@code target} for paired modes), saving to {@code modelFile}.
	 *
	 * @throws IllegalArgumentException naming the setting that is wrong and the fix
	 */
	public ImageTrainingJob job( final ImagePlus input, final ImagePlus target, final Path modelFile )
	{
		final TrainingMode m = TrainingMode.of( mode );
		if ( m.needsTargets() && target == null )
			throw new IllegalArgumentException( "Mode '" + m.label + "' needs a clean target image: open it and choose it as target, or use 'Denoise (self-supervised)'" );
		final List< ImagePlus > images = Collections.singletonList( input );
		final ImageTrainingJob job = m.job( images, modelFile, m == TrainingMode.DENOISE_SYNTHETIC ? NoiseModel.parse( noise ) : null, seed );
		if ( resume )
			job.resumeFrom = modelFile;
		job.spec.learningRate = learningRate;
		if ( m != TrainingMode.DENSE_AUTOENCODER ) // dense models take their fixed 28 x 28 patches
			job.patchSize = patchSize;
		job.patchesPerEpoch = patchesPerEpoch;
		job.config.epochs( epochs ).batchSize( batchSize ).validationFraction( validationFraction ).patience( patience );
		return job;
	}

	/** The targets to pass to {@link ImageTrainingJob#run} for this mode (null when the input is its own target). */
	public List< ImagePlus > targets( final ImagePlus target )
	{
		return TrainingMode.of( mode ).needsTargets() ? Collections.singletonList( target ) : null;
	}
}
