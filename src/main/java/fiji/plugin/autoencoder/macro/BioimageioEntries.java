package fiji.plugin.autoencoder.macro;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;

import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.bioimageio.BioimageioExporter;
import fiji.plugin.autoencoder.bioimageio.BioimageioTasks;
import fiji.plugin.autoencoder.bioimageio.ExportSettings;
import fiji.plugin.autoencoder.core.Progress;
import ij.IJ;
import ij.ImagePlus;

/** The plain-macro entries {@code BioimageioMacroCalls.export} and {@code apply}, with the keys of the SciJava commands. */
public final class BioimageioEntries
{
	private BioimageioEntries()
	{}

	/** Writes a bioimage.io package; returns its path, or "error: ..." after logging. */
	public static String export( final String options )
	{
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "bioimage.io export", "name", "description", "authors",
					"license", "tags", "training_data", "kind", "overwrite", "package_file", "model_file", "input" );
			final ExportSettings s = new ExportSettings();
			s.name = o.string( "name", "" );
			s.description = o.string( "description", "" );
			s.authors = o.string( "authors", s.authors );
			s.license = o.string( "license", s.license );
			s.tags = o.string( "tags", "" );
			s.trainingData = o.string( "training_data", "" );
			s.kind = ExportSettings.Kind.of( o.string( "kind", "auto" ) );
			s.overwrite = o.bool( "overwrite", false );
			final Path target = o.path( "package_file" );
			final String check = BioimageioExporter
					.export( o.path( "model_file" ), MacroSettings.image( o, "input" ), target, s ).toString();
			IJ.log( "Exported " + target + ": " + check );
			return target.toString();
		}
		catch ( final Exception e )
		{
			return MacroFailure.fail( "bioimage.io export", e );
		}
	}

	/** Applies a package to input (path, title or the current image); shows the result, or saves it to output=path (TIFF, atomically). */
	public static String apply( final String options )
	{
		try
		{
			final MacroOptions o = MacroOptions.parse( options, "bioimage.io apply", "tile_size",
					"average_orientations", "threads", "input", "output", "package_file", "check", "suffix" );
			final ImagePlus input = MacroSettings.image( o, "input" );
			final String output = o.string( "output", "" );
			final Path target = output.isEmpty() ? null : Paths.get( output ).toAbsolutePath();
			if ( target != null && input.getOriginalFileInfo() != null
					&& new File( input.getOriginalFileInfo().getFilePath() ).toPath().toAbsolutePath()
							.equals( target ) )
				throw new IllegalArgumentException(
						"output " + target + " is the input file: choose another name (inputs are never overwritten)" );
			final BioimageioTasks.Result r = BioimageioTasks.apply( o.path( "package_file" ), input,
					o.bool( "check", false ),
					o.string( "suffix", "bioimageio" ), MacroSettings.tiles( o ), Progress.none() );
			if ( r.check != null )
				IJ.log( r.check.toString() );
			if ( target == null )
			{
				r.image.show();
				return r.image.getTitle();
			}
			FolderProcessor.saveTiffAtomically( r.image, target );
			return target.toString();
		}
		catch ( final Exception e )
		{
			return MacroFailure.fail( "bioimage.io apply", e );
		}
	}
}
