package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.nio.file.Path;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;

/** What Apply bioimage.io Model does, for the command, the macro entry and the CLI alike: a cached package, an optional check, the tiled run. */
public final class BioimageioTasks
{
	private BioimageioTasks()
	{}

	/** The image and, when asked for, the check against the package's test tensors. */
	public static final class Result
	{
		public final ImagePlus image;

		/** Null unless a check was asked for. */
		public final BioimageioRunner.Check check;

		Result( final ImagePlus image, final BioimageioRunner.Check check )
		{
			this.image = image;
			this.check = check;
		}
	}

	private static final ModelCache< BioimageioModel > PACKAGES = new ModelCache<>( 2, BioimageioModel::load );

	/** The JVM's cache of bioimage.io packages (two), shared by the bioimage.io command, macro entry and CLI. */
	public static ModelCache< BioimageioModel > packages()
	{
		return PACKAGES;
	}

	/**
	 * Applies a package (zip or folder) from the shared {@link #packages()};
	 * with {@code check}, first verifies it reproduces its own test output and
	 * refuses to apply it if not.
	 */
	public static Result apply( final Path pkg, final ImagePlus input, final boolean check, final String suffix,
			final ImageRunner.Options options, final Progress progress )
			throws IOException
	{
		return apply( PACKAGES, pkg, input, check, suffix, options, progress );
	}

	public static Result apply( final ModelCache< BioimageioModel > cache, final Path pkg, final ImagePlus input,
			final boolean check, final String suffix,
			final ImageRunner.Options options, final Progress progress ) throws IOException
	{
		if ( pkg == null )
			throw new IllegalArgumentException(
					"No package given: choose a bioimage.io model zip (or its folder with rdf.yaml)" );
		if ( input == null )
			throw new IllegalArgumentException( "No image: open an image first" );
		try ( ModelCache< BioimageioModel >.Lease lease = cache.get( pkg ) )
		{
			BioimageioRunner.Check c = null;
			if ( check )
			{
				c = BioimageioRunner.check( lease.model() );
				if ( !c.passed() )
					throw new IllegalArgumentException( pkg + ": " + c
							+ ". The package does not run here as it ran where it was made; not applied" );
			}
			return new Result( BioimageioRunner.apply( lease.model(), input, suffix, options, progress ), c );
		}
	}
}
