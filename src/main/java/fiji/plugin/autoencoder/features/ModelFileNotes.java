package fiji.plugin.autoencoder.features;

import java.util.Map;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.StoredNormalization;
import fiji.plugin.autoencoder.denoise.DenoiseQuality;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.train.ChannelMode;

/** Lines for Model Summary about a model file's extras: its normalisation values, how it treats channels, and its measured gain over a Gaussian blur. */
public final class ModelFileNotes
{
	private ModelFileNotes()
	{}

	/** The lines, each starting with a line break; empty when the file holds none of these. */
	public static String of( final Map< String, String > extras )
	{
		final StringBuilder b = new StringBuilder();
		final String n = extras.get( ModelFile.NORMALIZATION );
		if ( n != null )
			b.append( "\nNormalisation: " ).append( StoredNormalization.describe( Normalization.fromJson( n ) ) );
		final int channels = ChannelMode.imageChannels( extras );
		if ( channels > 0 )
			b.append( "\nChannels: each of the " ).append( channels )
					.append( " channels alone, through the same single-channel network" );
		final String q = DenoiseQuality.describe( extras );
		if ( q != null )
			b.append( "\nQuality: " ).append( q );
		return b.toString();
	}
}
