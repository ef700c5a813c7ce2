package fiji.plugin.autoencoder.macro;

import static fiji.plugin.autoencoder.macro.MacroFailure.fail;
import static fiji.plugin.autoencoder.macro.MacroSettings.*;

import java.nio.file.Path;
import java.util.List;

import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.segment.Segmentation;
import fiji.plugin.autoencoder.segment.SegmenterInfo;
import fiji.plugin.autoencoder.segment.SegmenterPrediction;
import fiji.plugin.autoencoder.segment.SegmenterSettings;
import fiji.plugin.autoencoder.segment.SegmenterTrainer;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingListener;
import fiji.plugin.autoencoder.workflow.Setting;
import fiji.plugin.autoencoder.workflow.Settings;
import fiji.plugin.autoencoder.workflow.TrainingInputs;
import fiji.plugin.autoencoder.workflow.TrainingSettings;
import ij.IJ;
import ij.ImagePlus;

/**
 * The plain-macro entries of the supervised segmenter: {@code MacroCalls.trainSegmenter}
 * (Train Segmenter's keys, images as input=, mask=, validation_image=,
 * validation_mask=) and {@code MacroCalls.segmentImage} (Segment Image's keys;
 * with output_folder the probability, mask, labels and objects CSV are written
 * there). Every key is checked before any work.
 */
public final class SegmenterEntries
{
	private SegmenterEntries()
	{}

	/** Trains a segmenter on input= (or the current image) and its mask=; returns the training's one-line message. */
	public static String trainSegmenter( final String options )
	{
		final MacroStop stop = new MacroStop( null ); // Esc or an interrupt stops it, keeping the best model
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "train segmenter", TRAIN_SEGMENTER_KEYS );
			final List< Setting > op = Settings.TRAIN_SEGMENTER;
			final SegmenterSettings s = new SegmenterSettings();
			final Setting loss = Settings.of( op, "loss" );
			s.loss = o.choice( loss.key, loss.defaultValue, loss.choices.toArray( new String[ 0 ] ) );
			s.classes = integer( o, op, "classes" );
			s.scale = integer( o, op, "scale" );
			final Setting orientations = Settings.of( op, "orientations" );
			s.orientations = o.choice( orientations.key, orientations.defaultValue,
					orientations.choices.toArray( new String[ 0 ] ) );
			s.epochs = integer( o, op, "epochs" );
			s.minutes = number( o, op, "minutes", "5" );
			s.patchesPerEpoch = integer( o, op, "patches_per_epoch" );
			s.patchSize = integer( o, op, "patch_size" );
			s.batchSize = integer( o, op, "batch_size" );
			s.learningRate = number( o, op, "learning_rate", "0.001" );
			s.validationFraction = number( o, op, "validation_fraction", "0.15" );
			s.patience = integer( o, op, "patience" );
			s.seed = o.wholeNumber( "seed", Settings.of( op, "seed" ).defaultInt(), Long.MIN_VALUE );
			s.overwrite = o.bool( "overwrite", Settings.of( op, "overwrite" ).defaultFlag() );
			s.threads = threads( o );
			s.trainingPrecision = trainingPrecision( o );
			TrainingSettings.check( s.epochs, s.learningRate );
			final Path model = o.path( "model_file" );
			final boolean folder = o.has( "input_folder" ) || !o.string( "title_pattern", "" ).trim().isEmpty();
			final ImagePlus input = folder ? null : image( o, "input" );
			if ( !folder && !o.has( "mask" ) )
				throw new IllegalArgumentException(
						"Missing mask=<path> (0 = background; one foreground value, or classes 1..K), or give input_folder= and mask_folder=" );
			final ImagePlus mask = folder ? null : image( o, "mask" );
			final TrainingInputs images = TrainingInputs.segmenter( input, mask,
					o.has( "input_folder" ) ? o.path( "input_folder" ) : null,
					o.has( "mask_folder" ) ? o.path( "mask_folder" ) : null, o.string( "title_pattern", "" ) );
			final Setting dimensions = Settings.of( op, "dimensions" );
			s.depth = fiji.plugin.autoencoder.workflow.Dimensions.segmenterDepth(
					o.choice( dimensions.key, dimensions.defaultValue, dimensions.choices.toArray( new String[ 0 ] ) ),
					o.integer( "patch_depth", Settings.of( op, "patch_depth" ).defaultInt(), 4 ), images.images,
					note -> IJ.log( "Autoencoder: " + note ) );
			s.zOverXy = fiji.plugin.autoencoder.workflow.Dimensions.voxelAspect( images.images );
			final TrainingInputs v = TrainingInputs.validation(
					o.has( "validation_image" ) ? image( o, "validation_image" ) : null,
					o.has( "validation_mask" ) ? image( o, "validation_mask" ) : null,
					o.has( "validation_folder" ) ? o.path( "validation_folder" ) : null,
					o.has( "validation_mask_folder" ) ? o.path( "validation_mask_folder" ) : null,
					o.has( "validation_folder" ) ? "validation_mask_folder" : "validation_mask", images );
			final List< ImagePlus > vi = v == null ? null : v.images, vm = v == null ? null : v.pairs;
			final SegmenterTrainer.Result r = SegmenterTrainer.train( s, images.images, images.pairs, vi, vm, model,
					new Trainer().cancelledBy( stop ),
					new TrainingListener()
					{
						@Override
						public void epochEnded( final History.Epoch e, final History h )
						{
							IJ.log( "Autoencoder: " + e );
						}
					} );
			final String msg = r.message();
			if ( r.training.bestEpoch == 0 && r.training.reason != Trainer.StopReason.CANCELLED )
				throw new IllegalStateException( "the training never improved on its starting weights, so "
						+ r.modelFile + " holds an untrained model: "
						+ "check the image and mask, lower learning_rate, or train more epochs or patches_per_epoch" );
			IJ.log( "Autoencoder: train segmenter: " + msg );
			IJ.log( "Autoencoder: train segmenter: " + fiji.plugin.autoencoder.workflow.TrainingPictures
					.lossCurvesNote( r.history, r.modelFile, "segmenter" ) );
			return msg;
		}
		catch ( final Exception e )
		{
			return fail( "train segmenter", e );
		}
	}

	/**
	 * Segment Image with a model from Train Segmenter on input= (or the current
	 * image). Shows probability, mask and labels, or with output_folder=path
	 * writes {@code <title>-probability.tif}, {@code -mask.tif},
	 * {@code -objects.csv} and {@code -labels.tif} (atomically; never over the
	 * input). Returns the number of objects.
	 */
	public static String segmentImage( final String options )
	{
		final MacroOptions o;
		final List< Setting > op = Settings.SEGMENT_IMAGE;
		final double threshold;
		final int minSize;
		try
		{
			o = MacroOptions.parse( options, "segment image", SEGMENT_IMAGE_KEYS );
			threshold = number( o, op, "threshold", "0.5" );
			if ( threshold > 1 )
				throw new IllegalArgumentException(
						"threshold=" + threshold + " is a probability: use a value from 0 to 1, e.g. threshold=0.5" );
			minSize = integer( o, op, "min_size" );
			tiles( o );
		}
		catch ( final RuntimeException e )
		{
			return fail( "segment image", e );
		}
		try ( ModelCache< ModelFile.Loaded >.Lease lease = ModelCache.models().get( o.path( "model_file" ),
				threads( o ) ) )
		{
			final ModelFile.Loaded model = lease.model();
			final ImagePlus input = image( o, "input" );
			final boolean prior = o.bool( "object_prior", Settings.of( op, "object_prior" ).defaultFlag() );
			final Segmentation seg = SegmenterPrediction.segment( model, input, threshold, minSize,
					prior ? SegmenterInfo.of( model ).prior : null,
					o.bool( "flip_averaging", Settings.of( op, "flip_averaging" ).defaultFlag() ), tiles( o ),
					BatchProgress.forMacro( "segment image" ) );
			ImageEntries.showOrWrite( seg, input, o.string( "output_folder", "" ), "probability" );
			if ( o.bool( "overlay", Settings.of( op, "overlay" ).defaultFlag() ) )
				ImageEntries.showOrWriteOverlay( fiji.plugin.autoencoder.segment.Outlines.overlay( input, seg.labels ),
						input, o.string( "output_folder", "" ) );
			IJ.log( "Autoencoder: segment image: " + seg.summary() );
			return Integer.toString( seg.objectCount );
		}
		catch ( final Exception e )
		{
			return fail( "segment image", e );
		}
	}
}
