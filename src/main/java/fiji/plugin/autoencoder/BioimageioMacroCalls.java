package fiji.plugin.autoencoder;

import fiji.plugin.autoencoder.macro.BioimageioEntries;

/**
 * Plain-ImageJ macro entries for bioimage.io packages, with the keys of the
 * SciJava commands:
 * <pre>
 * call("fiji.plugin.autoencoder.BioimageioMacroCalls.export", "model_file=/m/n2v.aemodel.zip input=/m/sample.tif package_file=/m/n2v.bioimageio.zip authors=[A. B.] overwrite=false");
 * call("fiji.plugin.autoencoder.BioimageioMacroCalls.apply", "package_file=/m/n2v.bioimageio.zip input=/data/a.tif output=/data/a-out.tif check=true tile_size=0");
 * </pre>
 * A macro loop applying one package to many images loads it once (see
 * {@code io.ModelCache}). A thin facade, kept under this name because
 * users' macros call it: the work is done in {@link BioimageioEntries}.
 */
public final class BioimageioMacroCalls
{
	private BioimageioMacroCalls()
	{}

	/** Writes a bioimage.io package; returns its path, or "error: ..." after logging. */
	public static String export( final String options )
	{
		return BioimageioEntries.export( options );
	}

	/** Applies a package to input (path, title or the current image); shows the result, or saves it to output=path (TIFF, atomically). */
	public static String apply( final String options )
	{
		return BioimageioEntries.apply( options );
	}
}
