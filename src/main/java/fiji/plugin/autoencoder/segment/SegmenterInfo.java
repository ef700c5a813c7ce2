package fiji.plugin.autoencoder.segment;

import com.google.gson.Gson;
import com.google.gson.JsonObject;

import fiji.plugin.autoencoder.io.ModelFile;

/**
 * What a segmenter model file says beyond its network (entry {@value #ENTRY}):
 * the number of foreground classes (1: one sigmoid foreground probability; K
 * at least 2: a softmax over background and K classes) and the scale factor
 * it works at (1/scale resolution), and the {@link ObjectPrior} learned from
 * the training masks (null in older files), and whether its patches were
 * flipped left-right only (older files: all 8 orientations). Files without the entry are
 * binary at full resolution.
 */
public final class SegmenterInfo
{
	public static final String ENTRY = "segmenter.json";

	public final int classes;

	public final int scale;

	/** What the training masks say about the objects; null when unknown. */
	public final ObjectPrior prior;

	/** The patches were flipped left-right only ({@link PatchOrientations}): prediction averages those flips alone. */
	public final boolean leftRightOnly;

	public SegmenterInfo( final int classes, final int scale )
	{
		this( classes, scale, null );
	}

	public SegmenterInfo( final int classes, final int scale, final ObjectPrior prior )
	{
		this( classes, scale, prior, false );
	}

	public SegmenterInfo( final int classes, final int scale, final ObjectPrior prior, final boolean leftRightOnly )
	{
		this.classes = classes;
		this.scale = scale;
		this.prior = prior;
		this.leftRightOnly = leftRightOnly;
	}

	/** The info of a loaded model (binary, scale 1 when it has none). */
	public static SegmenterInfo of( final ModelFile.Loaded model )
	{
		final String json = model.extras().get( ENTRY );
		if ( json == null )
			return new SegmenterInfo( 1, 1 );
		final JsonObject o = new Gson().fromJson( json, JsonObject.class );
		final int classes = o.has( "classes" ) ? o.get( "classes" ).getAsInt() : 1;
		final int scale = o.has( "scale" ) ? o.get( "scale" ).getAsInt() : 1;
		if ( classes < 1 || scale < 1 )
			throw new IllegalArgumentException( "The model file's " + ENTRY + " says classes " + classes + " and scale "
					+ scale + ": both must be at least 1 (a damaged file?)" );
		return new SegmenterInfo( classes, scale,
				o.has( "object_prior" ) ? ObjectPrior.fromJson( o.getAsJsonObject( "object_prior" ), classes ) : null,
				o.has( "orientations" ) && o.get( "orientations" ).getAsString().equals( "left-right" ) );
	}

	public String toJson()
	{
		final JsonObject o = new JsonObject();
		o.addProperty( "classes", classes );
		o.addProperty( "scale", scale );
		if ( prior != null )
			o.add( "object_prior", prior.toJson() );
		o.addProperty( "orientations", PatchOrientations.of( leftRightOnly ).key() );
		return new Gson().toJson( o );
	}
}
