package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.TensorFlow;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.io.AtomicFiles;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import ij.ImagePlus;
import ij.plugin.Duplicator;

/**
 * Exports a plugin model file as a bioimage.io model package (a zip, format
 * {@value RdfWriter#FORMAT_VERSION}) that deepImageJ, bioimageio.core and
 * this plugin's {@link BioimageioRunner} run: {@code rdf.yaml},
 * {@code README.md}, {@code cover.png} (sample input beside the model's
 * output), the inference graph as a SavedModel zip ({@link InferenceSavedModel})
 * and test tensors cut from the sample image.
 * <p>
 * Normalisation: a segmenter's per-image normalisation becomes per-image
 * preprocessing ({@code scale_range} for percentiles, {@code zero_mean_unit_variance}
 * for mean/std), so the package normalises every image as the plugin does. A
 * denoiser's output must be mapped back with the same values, which
 * bioimage.io can only express as fixed values: they are measured on the
 * sample image (as the plugin does when it denoises that image) and written as
 * {@code scale_linear} (or {@code fixed_zero_mean_unit_variance}) with
 * {@code scale_linear} back; the README says so.
 * <p>
 * The package is written to a temporary file, opened again with the same
 * checks as any foreign package and run on its own test tensors, and only
 * then renamed into place: a package that does not reproduce its test output
 * is never written.
 */
public final class BioimageioExporter
{
	private BioimageioExporter()
	{}

	/** Largest test tensor side. */
	static final int TEST_SIZE = 256;

	/** Exports; returns the check of the written package on its test tensors. */
	public static BioimageioRunner.Check export( final Path modelFile, final ImagePlus sample, final Path target,
			final ExportSettings settings ) throws IOException
	{
		if ( target == null || !target.getFileName().toString().endsWith( ".zip" ) )
			throw new IllegalArgumentException(
					"The package file must end in .zip (e.g. nuclei.bioimageio.zip), got " + target );
		if ( Files.exists( target ) && !settings.overwrite )
			throw new IllegalArgumentException(
					target + " exists: choose another file, or pass overwrite=true to replace it" );
		if ( modelFile != null && Files.exists( target ) && Files.isSameFile( modelFile, target ) )
			throw new IllegalArgumentException(
					"The package file is the model file itself (" + target + "): choose another file" );
		if ( sample == null )
			throw new IllegalArgumentException(
					"No sample image: give the image the test tensors and the cover are made from (e.g. a training image)" );
		try ( ModelFile.Loaded loaded = ModelFile.load( modelFile, settings.threads ) )
		{
			final Model model = loaded.model();
			final ModelSpec spec = model.spec();
			if ( loaded.embedded( ModelFile.RECONSTRUCTION_MODEL ) != null )
				throw new IllegalArgumentException( "The model '" + spec.name
						+ "' is an anomaly segmenter (two networks): bioimage.io packages hold one network; export its detector instead" );
			if ( spec.is3D() || model.fixedSpatialShape() != null )
				throw new IllegalArgumentException( "The model '" + spec.name + "' is "
						+ ( spec.is3D() ? "3D" : "fixed-size (dense layers)" )
						+ ": export supports fully convolutional 2D models (denoisers, segmenters, conv autoencoders) for now" );
			final boolean segmenter = settings.kind == ExportSettings.Kind.SEGMENTER
					|| settings.kind == ExportSettings.Kind.AUTO
							&& ( spec.loss == ModelSpec.Loss.DICE || spec.name.toLowerCase().contains( "segment" ) );
			final int channels = model.inputChannels(), outChannels = model.outputChannels();
			if ( !segmenter && outChannels != channels )
				throw new IllegalArgumentException( "The model outputs " + outChannels + " channel(s) for " + channels
						+ ": it is not a denoiser; export it with kind=segmenter" );
			final ImagePlus plane = firstPlane( sample );
			final int sampleChannels = plane.getType() == ImagePlus.COLOR_RGB ? 3 * plane.getNChannels()
					: plane.getNChannels();
			if ( sampleChannels != channels )
				throw new IllegalArgumentException( "The sample image has " + sampleChannels
						+ " channel(s), the model takes " + channels + ": give a sample like the training images" );
			final Normalization stored = ModelFileRunner.normalization( loaded );
			final Normalization norm = segmenter ? stored : ImageRunner.fit( stored, plane );
			final int step = model.sizeMultiple(), halo = model.halo();
			final int min = ( 2 * halo + 1 + step - 1 ) / step * step;
			final int side = Math.min( Math.min( plane.getWidth(), plane.getHeight() ), TEST_SIZE ) / step * step;
			if ( side < min )
				throw new IllegalArgumentException( "The sample image is " + plane.getWidth() + " x "
						+ plane.getHeight() + " pixels; the model's smallest input (twice its halo "
						+ halo + " plus one, in steps of " + step + ") is " + min + " x " + min
						+ ": give a larger sample image" );
			final List< Object > pre = RdfWriter.preprocessing( norm, channels );
			final List< Object > post = segmenter ? new ArrayList<>() : RdfWriter.inverse( norm, channels );
			final Path work = Files.createTempDirectory( "bioimageio-export" );
			try
			{
				final float[] in = crop( plane, ( plane.getWidth() - side ) / 2, ( plane.getHeight() - side ) / 2, side,
						channels );
				final float[] out = predict( model, in, side, channels, outChannels, cast( pre ), cast( post ) );
				final long[] inShape = { 1, side, side, channels }, outShape = { 1, side, side, outChannels };
				Files.write( work.resolve( RdfWriter.TEST_INPUT ), Npy.write( in, inShape ) );
				Files.write( work.resolve( RdfWriter.TEST_OUTPUT ), Npy.write( out, outShape ) );
				Documentation.cover( in, out, side, channels, outChannels, work.resolve( RdfWriter.COVER ) );
				final Path sm = work.resolve( ".savedmodel" );
				InferenceSavedModel.write( model, sm );
				PackageFiles.zip( sm, work.resolve( RdfWriter.WEIGHTS_ZIP ) );
				PackageFiles.deleteTree( sm );
				final String name = settings.name == null || settings.name.isBlank() ? spec.name : settings.name;
				final String description = settings.description == null || settings.description.isBlank()
						? ( segmenter ? "Foreground probability of each pixel"
								: "Image-to-image network (denoiser / autoencoder)" )
								+ ", trained with fiji-autoencoder (" + spec.name + ", "
								+ model.parameterCount() + " parameters)"
						: settings.description;
				Files.write( work.resolve( RdfWriter.README ),
						Documentation
								.readme( name, description, spec, segmenter, stored, norm, plane, loaded.extras(),
										settings, halo, step, min )
								.getBytes( StandardCharsets.UTF_8 ) );
				final Map< String, Object > rdf = rdf( work, name, description, settings, segmenter, spec, channels,
						outChannels, min, step, halo, pre, post );
				Files.write( work.resolve( "rdf.yaml" ), RdfWriter.dump( rdf ).getBytes( StandardCharsets.UTF_8 ) );
				final BioimageioRunner.Check[] check = new BioimageioRunner.Check[ 1 ];
				AtomicFiles.write( target.toAbsolutePath(), tmp -> {
					PackageFiles.zip( work, tmp );
					try ( BioimageioModel m = BioimageioModel.load( tmp, settings.threads ) )
					{
						check[ 0 ] = BioimageioRunner.check( m );
					}
					if ( !check[ 0 ].passed() )
						throw new IOException( "The exported package does not reproduce its own test output ("
								+ check[ 0 ] + "): nothing was written" );
				} );
				return check[ 0 ];
			}
			finally
			{
				PackageFiles.deleteTree( work );
			}
		}
	}

	private static Map< String, Object > rdf( final Path work, final String name, final String description,
			final ExportSettings s, final boolean segmenter, final ModelSpec spec,
			final int channels, final int outChannels, final int min, final int step, final int halo,
			final List< Object > pre, final List< Object > post ) throws IOException
	{
		final Map< String, Object > rdf = new LinkedHashMap<>();
		rdf.put( "format_version", RdfWriter.FORMAT_VERSION );
		rdf.put( "type", "model" );
		rdf.put( "name", name );
		rdf.put( "description", description );
		rdf.put( "authors", RdfWriter.authors( s.authors ) );
		rdf.put( "license", s.license );
		rdf.put( "cite", List.of( RdfWriter.map( "text",
				"fiji-autoencoder: autoencoders, denoisers and segmenters trained in Fiji with TensorFlow Java", "url",
				"https://imagej.net/plugins/autoencoder" ) ) );
		final List< Object > tags = new ArrayList<>(
				List.of( "fiji-autoencoder", "2d", "tensorflow", segmenter ? "segmentation" : "denoising" ) );
		for ( final String t : s.tags.split( "," ) )
			if ( !t.isBlank() && !tags.contains( t.trim() ) )
				tags.add( t.trim() );
		rdf.put( "tags", tags );
		rdf.put( "documentation", RdfWriter.README );
		rdf.put( "covers", List.of( RdfWriter.COVER ) );
		rdf.put( "timestamp", RdfWriter.timestamp() );
		final Map< String, Object > in = RdfWriter.map( "id", "input", "description",
				"raw image, " + channels + " channel(s)", "axes", RdfWriter.axes( channels, true, min, step, 0 ),
				"test_tensor", fileEntry( work, RdfWriter.TEST_INPUT ), "data", RdfWriter.map( "type", "float32" ),
				"preprocessing", pre );
		final Map< String, Object > out = RdfWriter.map( "id", "output", "description",
				segmenter ? "foreground probability (sigmoid in the graph)"
						: "restored image in the input's intensities",
				"axes", RdfWriter.axes( outChannels, false, min, step, halo ), "test_tensor",
				fileEntry( work, RdfWriter.TEST_OUTPUT ), "data", RdfWriter.map( "type", "float32" ),
				"postprocessing", post );
		rdf.put( "inputs", List.of( in ) );
		rdf.put( "outputs", List.of( out ) );
		rdf.put( "weights",
				RdfWriter.map( BioimageioPackage.WEIGHTS,
						RdfWriter.map( "source", RdfWriter.WEIGHTS_ZIP, "sha256",
								PackageFiles.sha256( work.resolve( RdfWriter.WEIGHTS_ZIP ) ),
								"tensorflow_version", TensorFlow.version() ) ) );
		rdf.put( "config",
				RdfWriter.map( "fiji-autoencoder",
						RdfWriter.map( "preset", spec.name, "halo", halo, "size_multiple", step ), "bioimageio",
						RdfWriter.map( "reproducibility_tolerance", List.of( RdfWriter.map( "absolute_tolerance", 1e-4,
								"relative_tolerance", 1e-4, "output_ids", List.of( "output" ) ) ) ) ) );
		return rdf;
	}

	private static Map< String, Object > fileEntry( final Path dir, final String name ) throws IOException
	{
		return RdfWriter.map( "source", name, "sha256", PackageFiles.sha256( dir.resolve( name ) ) );
	}

	@SuppressWarnings( "unchecked" )
	private static List< Map< String, Object > > cast( final List< Object > ops )
	{
		final List< Map< String, Object > > l = new ArrayList<>();
		for ( final Object o : ops )
			l.add( ( Map< String, Object > ) o );
		return l;
	}

	/** The package's test output: preprocessing on the test input's own statistics, the network in one run, postprocessing. */
	private static float[] predict( final Model model, final float[] raw, final int side, final int channels,
			final int outChannels, final List< Map< String, Object > > pre,
			final List< Map< String, Object > > post )
	{
		final double[][] p = Processing.affine( pre, BioimageioRunner.stats( raw, channels ), channels );
		final float[] x = raw.clone();
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = ( float ) ( ( x[ i ] - ( float ) p[ 0 ][ i % channels ] ) * ( float ) p[ 1 ][ i % channels ] );
		final float[] y = new float[ side * side * outChannels ];
		model.predict( x, y, 1, new int[] { side, side } );
		Processing.post( post, y, outChannels );
		return y;
	}

	private static ImagePlus firstPlane( final ImagePlus imp )
	{
		return imp.getNSlices() * imp.getNFrames() == 1 ? imp
				: new Duplicator().run( imp, 1, imp.getNChannels(), 1, 1, 1, 1 );
	}

	/** A side x side crop at (x0, y0), channels last; RGB as 3 channels. */
	static float[] crop( final ImagePlus plane, final int x0, final int y0, final int side, final int channels )
	{
		final float[] v = new float[ side * side * channels ];
		final boolean rgb = plane.getType() == ImagePlus.COLOR_RGB;
		for ( int c = 0; c < ( rgb ? 1 : channels ); c++ )
		{
			final ij.process.ImageProcessor ip = plane.getStack().getProcessor( c + 1 );
			for ( int y = 0; y < side; y++ )
				for ( int x = 0; x < side; x++ )
				{
					if ( rgb )
					{
						final int px = ip.get( x0 + x, y0 + y );
						for ( int k = 0; k < 3; k++ )
							v[ ( y * side + x ) * 3 + k ] = ( px >> ( 16 - 8 * k ) ) & 0xff;
					}
					else
						v[ ( y * side + x ) * channels + c ] = ip.getf( x0 + x, y0 + y );
				}
		}
		return v;
	}
}
