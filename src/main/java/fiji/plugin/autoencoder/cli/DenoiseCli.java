package fiji.plugin.autoencoder.cli;

import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import fiji.plugin.autoencoder.bigimage.ZarrJob;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.batch.FolderProcessor;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.io.OutputPaths;
import fiji.plugin.autoencoder.macro.MacroOptions;
import fiji.plugin.autoencoder.macro.MacroSettings;
import fiji.plugin.autoencoder.tiling.ChunkedPredictor;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.TileGrid;
import ij.ImagePlus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code denoise}: Denoise Image / Denoise Folder from the command line, and OME-Zarr images of any size out of core. */
@Command( name = "denoise", mixinStandardHelpOptions = true,
		description = "Denoise an image, a folder of images, or an OME-Zarr image of any size (out of core) with a model file.",
		footer = { "", "Examples:",
				"  bin/autoencoder denoise --model n2v.aemodel.zip --input noisy.tif --output clean.tif",
				"  bin/autoencoder denoise --model n2v.aemodel.zip --input in/ --output out/ --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT",
				"  bin/autoencoder denoise --model n2v.aemodel.zip --input big.ome.zarr --output big-denoised.ome.zarr --compressor zlib:1",
				"",
				"A file whose output exists, a folder's images whose outputs exist, and an OME-Zarr's tiles whose chunks exist are skipped: a rerun resumes.",
				"Exit status: 0 done, 1 an input failed (message on standard error), 2 bad usage." } )
public class DenoiseCli implements Callable< Integer >
{
	@Option( names = "--model", required = true, description = "The model file (.aemodel.zip)." )
	Path model;

	@Option( names = "--input", required = true,
			description = "An image file, a folder of images, or an OME-Zarr (.zarr folder)." )
	Path input;

	@Option( names = "--output", required = true,
			description = "The result: a TIFF file, a folder, or an OME-Zarr (as the input)." )
	Path output;

	@Option( names = "--output-type", description = "Same as input (default) or 32-bit." )
	String outputType;

	@Option( names = "--tile-size", description = "Network input per tile in pixels (0: automatic)." )
	Integer tileSize;

	@Option( names = "--average-orientations", arity = "0..1",
			description = "Also denoise the 8 flips/transpositions and average them (8x the time; default: Denoise Image's, on; OME-Zarr: one orientation)." )
	Boolean averageOrientations;

	@Option( names = "--normalization", description = "Stored (from training) (default) or Refit on each image." )
	String normalization;

	@Option( names = "--suffix",
			description = "Added to the result's title and, in a folder, to each output file name (default: the menu's, denoised)." )
	String suffix;

	@Option( names = "--overwrite",
			description = "Replace an existing output file instead of skipping it (single files)." )
	boolean overwrite;

	@Option( names = "--chunk", description = "OME-Zarr output: chunk size in x and y (default: the input's)." )
	Integer chunk;

	@Option( names = "--compressor",
			description = "OME-Zarr output: none, zlib[:level] (default zlib:1) or gzip[:level]." )
	String compressor;

	@Mixin
	CliSupport.Common common;

	private CliSupport.Keys keys()
	{
		return new CliSupport.Keys().put( "model_file", model ).put( "output_type", outputType )
				.put( "tile_size", tileSize ).put( "average_orientations", averageOrientations )
				.put( "normalization", normalization ).put( "suffix", suffix ).common( common );
	}

	@Override
	public Integer call() throws Exception
	{
		final int[] shard = common.shard();
		if ( ZarrJob.isZarr( input ) )
			return zarr( shard );
		if ( Files.isDirectory( input ) )
		{
			final MacroOptions o = keys().put( "input_folder", input ).put( "output_folder", output )
					.put( "shard_index", shard[ 0 ] ).put( "shard_count", shard[ 1 ] )
					.parse( "denoise", MacroSettings.FOLDER_DENOISE_KEYS );
			final OutputType type = MacroSettings.outputType( o );
			final ImageRunner.Options tiles = MacroSettings.denoiseTiles( o );
			final FolderProcessor folder = MacroSettings.folder( o, o.string( "suffix", "denoised" ) );
			try ( ModelFile.Loaded m = ModelFile.load( model, MacroSettings.threads( o ) ) )
			{
				note( ModelFileRunner.normalizationNote( m, tiles ) );
				final FolderProcessor.Report r = folder.run(
						imp -> ModelFileRunner.apply( m, imp, type, o.string( "suffix", "denoised" ), tiles,
								CliSupport.progress( "denoise " + imp.getTitle() ) ),
						System.out::println, CliSupport.progress( "denoise folder" ) );
				System.out.println( "denoise: " + r );
				return r.failed.isEmpty() ? 0 : 1;
			}
		}
		if ( shard[ 1 ] > 1 )
			throw new IllegalArgumentException(
					"--shard splits a folder or an OME-Zarr; the input " + input + " is one file" );
		final MacroOptions o = keys().put( "input", input ).put( "output", output ).parse( "denoise",
				MacroSettings.DENOISE_KEYS );
		final OutputType type = MacroSettings.outputType( o );
		final ImageRunner.Options tiles = MacroSettings.denoiseTiles( o );
		OutputPaths.refuseInput( output, input, model );
		OutputPaths.checkImageTarget( output );
		if ( Files.exists( output ) && !overwrite )
		{
			System.out.println( "denoise: " + output + " exists, skipped (give --overwrite to replace it)" );
			return 0;
		}
		final ImagePlus imp = CliSupport.open( input );
		try ( ModelFile.Loaded m = ModelFile.load( model, MacroSettings.threads( o ) ) )
		{
			note( ModelFileRunner.normalizationNote( m, tiles ) );
			final ImagePlus out = ModelFileRunner.apply( m, imp, type, o.string( "suffix", "denoised" ), tiles,
					CliSupport.progress( "denoise" ) );
			FolderProcessor.saveTiffAtomically( out, output );
			System.out.println( "denoise: wrote " + output );
			return 0;
		}
	}

	private int zarr( final int[] shard ) throws Exception
	{
		final MacroOptions o = keys().parse( "denoise", MacroSettings.DENOISE_KEYS );
		final OutputType type = MacroSettings.outputType( o );
		final ImageRunner.Options tiles = MacroSettings.tiles( o );
		if ( tiles.averageOrientations || tiles.refitNormalization
				|| tiles.precision != fiji.plugin.autoencoder.model.Precision.FLOAT32 )
			throw new IllegalArgumentException(
					"OME-Zarr images are denoised out of core in float32 with the stored normalisation and one orientation: leave out average_orientations, normalization and precision" );
		final ZarrJob job = new ZarrJob( input.toString(), output.toString(), type,
				tiles.tileSize == null ? 0 : tiles.tileSize[ 0 ], chunk == null ? 0 : chunk,
				compressor == null ? "zlib:1" : compressor, 1 );
		try ( ModelFile.Loaded m = ModelFile.load( model, MacroSettings.threads( o ) ) )
		{
			final TileGrid grid = job.prepare( m );
			final long[] cells = ChunkedPredictor.shard( grid, shard[ 0 ], shard[ 1 ] );
			System.err.println( "denoise: " + input + " " + java.util.Arrays.toString( grid.imageSize() ) + " in "
					+ grid.numCells() + " tiles of " + java.util.Arrays.toString( grid.tileSize() )
					+ ( shard[ 1 ] > 1 ? ", shard " + shard[ 0 ] + "/" + shard[ 1 ] + ": " + cells.length + " tiles"
							: "" ) );
			final long start = System.nanoTime();
			final double cpu = CliSupport.cpuSeconds();
			final ChunkedPredictor.Result r = job.run( m, cells, CliSupport.progress( "denoise" ) );
			System.out.println( "denoise: " + output + ": " + r + String.format( java.util.Locale.ROOT,
					" in %.1f s (%.1f s of CPU)", ( System.nanoTime() - start ) / 1e9,
					CliSupport.cpuSeconds() - cpu ) );
			return 0;
		}
	}

	static void note( final String note )
	{
		if ( note != null )
			System.err.println( "note: " + note );
	}
}
