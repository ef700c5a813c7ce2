package fiji.plugin.autoencoder.bioimageio;

import java.util.Locale;

/**
 * What an export writes besides the model: the descriptive fields of
 * {@code rdf.yaml} and the kind of model. Defaults are usable as they are;
 * the same keys are the macro and CLI keys.
 */
public final class ExportSettings
{
	/** What the model does: decides the pre- and postprocessing. */
	public enum Kind
	{
		/** From the model: segmenters by name or Dice loss, otherwise image-to-image. */
		AUTO,
		/** Image to image in the input's intensities (denoisers, autoencoders): normalisation inverted on the output. */
		DENOISER,
		/** Image to foreground probability: the output is not mapped back. */
		SEGMENTER;

		public static Kind of( final String label )
		{
			for ( final Kind k : values() )
				if ( k.name().equalsIgnoreCase( label.trim() )
						|| k.name().equalsIgnoreCase( label.trim().replace( "autoencoder", "denoiser" ) ) )
					return k;
			throw new IllegalArgumentException(
					"Unknown model kind '" + label + "': use auto, denoiser (also for autoencoders) or segmenter" );
		}

		public String label()
		{
			return name().toLowerCase( Locale.ROOT );
		}
	}

	/** Defaults to the model's name. */
	public String name;

	/** Defaults to a sentence from the model's kind and architecture. */
	public String description;

	/** Comma-separated author names. */
	public String authors = "Fiji Autoencoder user";

	/** An SPDX license id. */
	public String license = "CC-BY-4.0";

	/** Comma-separated extra tags. */
	public String tags = "";

	/** A sentence on the training data for the README. */
	public String trainingData = "";

	public Kind kind = Kind.AUTO;

	/** Replace an existing package file. */
	public boolean overwrite = false;

	/** TensorFlow threads for the export's own run (0: all cores). */
	public int threads = 0;
}
