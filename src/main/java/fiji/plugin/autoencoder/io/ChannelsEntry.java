package fiji.plugin.autoencoder.io;

import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The model file entry {@link #ENTRY} of a model trained on each channel alone
 * (one single-channel network applied to every channel with that channel's
 * normalisation, so channels never mix); without it a model takes all channels
 * at once as its input channels. Written at training ({@code train.ChannelMode}
 * holds Train Autoencoder's choice), read wherever a model file is applied.
 */
public final class ChannelsEntry
{
	/** The model file entry. */
	public static final String ENTRY = "channels.json";

	private ChannelsEntry()
	{}

	/** The entry for a channel-by-channel model trained on images of {@code imageChannels} channels. */
	public static String json( final int imageChannels )
	{
		final JsonObject o = new JsonObject();
		o.addProperty( "mode", "each channel alone" );
		o.addProperty( "imageChannels", imageChannels );
		return o.toString();
	}

	/** Channels of the images a channel-by-channel model was trained on, 0 for other models. */
	public static int imageChannels( final Map< String, String > extras )
	{
		final String json = extras.get( ENTRY );
		if ( json == null )
			return 0;
		try
		{
			final JsonObject o = JsonParser.parseString( json ).getAsJsonObject();
			return "each channel alone".equals( o.get( "mode" ).getAsString() ) ? o.get( "imageChannels" ).getAsInt()
					: 0;
		}
		catch ( final RuntimeException e )
		{
			throw new IllegalArgumentException(
					"The model file's " + ENTRY + " is malformed (" + e.getMessage() + "): re-save the model file", e );
		}
	}
}
