package fiji.plugin.autoencoder.train;

import java.util.Map;

import fiji.plugin.autoencoder.io.ChannelsEntry;

/**
 * How a model maps the channels of an image (Train Autoencoder's
 * {@code channels} choice), stored in the model file as {@link ChannelsEntry}: "each channel alone" (one single-channel network applied to
 * every channel with that channel's normalisation, so channels never mix) or,
 * without the entry, all channels at once as the network's input channels.
 */
public final class ChannelMode
{
	/** The model file entry ({@link ChannelsEntry}). */
	public static final String ENTRY = ChannelsEntry.ENTRY;

	/** Labels of the choice in Train Autoencoder ({@code channels} key). */
	public static final String EACH_ALONE = "Each channel alone (no mixing)",
			TOGETHER = "All channels together (may mix them)";

	private ChannelMode()
	{}

	/** True for {@link #EACH_ALONE}, false for {@link #TOGETHER}; names the choices otherwise. */
	public static boolean parse( final String label )
	{
		if ( label == null || label.isEmpty() || label.equalsIgnoreCase( EACH_ALONE )
				|| label.toLowerCase( java.util.Locale.ROOT ).startsWith( "each" ) )
			return true;
		if ( label.equalsIgnoreCase( TOGETHER ) || label.toLowerCase( java.util.Locale.ROOT ).startsWith( "all" ) )
			return false;
		throw new IllegalArgumentException(
				"Unknown channels choice '" + label + "': use '" + EACH_ALONE + "' (default) or '" + TOGETHER + "'" );
	}

	/** The entry for a channel-by-channel model trained on images of {@code imageChannels} channels ({@link ChannelsEntry#json}). */
	public static String json( final int imageChannels )
	{
		return ChannelsEntry.json( imageChannels );
	}

	/** True when the model file's extras say the model runs on each channel alone. */
	public static boolean isChannelwise( final Map< String, String > extras )
	{
		return imageChannels( extras ) > 0;
	}

	/** Channels of the images a channel-by-channel model was trained on, 0 for other models ({@link ChannelsEntry#imageChannels}). */
	public static int imageChannels( final Map< String, String > extras )
	{
		return ChannelsEntry.imageChannels( extras );
	}
}
