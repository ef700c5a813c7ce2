package fiji.plugin.autoencoder.bioimageio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.io.ModelCache;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;

/** Must-shows 3 and 5: a valid 0.5 package (every required field, every file's SHA-256, numpy reads the test tensors); bad packages and exports refused clearly; the model cache. */
class BioimageioPackageTest
{
	@TempDir
	static Path dir;

	static Path modelFile, pkg;

	@BeforeAll
	static void export() throws Exception
	{
		modelFile = dir.resolve( "d.aemodel.zip" );
		try ( Model m = Model.create( Presets.denoiser( 1 ), 5, 2 ) )
		{
			ModelFile.save( m, modelFile,
					Map.of( ModelFile.NORMALIZATION, Normalization.percentileDefault().toJson() ) );
		}
		pkg = dir.resolve( "d.bioimageio.zip" );
		BioimageioExporter.export( modelFile, TrainedModels.cell(), pkg, new ExportSettings() );
	}

	@SuppressWarnings( "unchecked" )
	static < T > T at( final Object o, final Object... path )
	{
		Object v = o;
		for ( final Object k : path )
			v = k instanceof Integer ? ( ( List< ? > ) v ).get( ( Integer ) k )
					: ( ( Map< String, Object > ) v ).get( k );
		assertNotNull( v, "missing " + java.util.Arrays.toString( path ) );
		return ( T ) v;
	}

	@Test
	void rdfHasEveryRequiredFieldAndEveryFileItsSha256() throws Exception
	{
		final Path root = Files.createTempDirectory( dir, "unzipped" );
		PackageFiles.unzip( pkg, root, "test" );
		final Map< String, Object > rdf = BioimageioPackage.parse( root.resolve( "rdf.yaml" ), pkg );
		assertTrue( String.valueOf( rdf.get( "format_version" ) ).matches( "0\\.5\\.\\d+" ) );
		assertEquals( "model", rdf.get( "type" ) );
		for ( final String k : new String[] { "name", "description", "license", "documentation", "timestamp" } )
			assertFalse( String.valueOf( ( Object ) at( rdf, k ) ).isBlank(), k );
		assertFalse( ( ( String ) at( rdf, "authors", 0, "name" ) ).isBlank() );
		assertFalse( ( ( String ) at( rdf, "cite", 0, "text" ) ).isBlank() );
		assertNotNull( at( rdf, "cite", 0, "url" ) );
		assertTrue( ( ( List< ? > ) at( rdf, "tags" ) ).contains( "denoising" ) );
		assertTrue( Files.isRegularFile( root.resolve( ( String ) at( rdf, "documentation" ) ) ) );
		assertTrue( Files.readString( root.resolve( "README.md" ) ).contains( "## Normalisation" ) );
		final byte[] png = Files.readAllBytes( root.resolve( ( String ) at( rdf, "covers", 0 ) ) );
		assertEquals( ( byte ) 0x89, png[ 0 ] );
		assertEquals( "PNG", new String( png, 1, 3, StandardCharsets.US_ASCII ) );
		final List< String > files = new ArrayList<>();
		for ( final String t : new String[] { "inputs", "outputs" } )
		{
			final List< Map< String, Object > > axes = at( rdf, t, 0, "axes" );
			assertEquals( List.of( "batch", "space", "space", "channel" ),
					axes.stream().map( a -> a.get( "type" ) ).collect( java.util.stream.Collectors.toList() ) );
			assertEquals( List.of( "y", "x" ), List.of( axes.get( 1 ).get( "id" ), axes.get( 2 ).get( "id" ) ) );
			files.add( at( rdf, t, 0, "test_tensor", "source" ) );
			assertEquals( PackageFiles.sha256( root.resolve( files.get( files.size() - 1 ) ) ),
					at( rdf, t, 0, "test_tensor", "sha256" ) );
		}
		final Map< String, Object > size = at( rdf, "inputs", 0, "axes", 1, "size" );
		final int step = ( Integer ) size.get( "step" ), min = ( Integer ) size.get( "min" ),
				halo = at( rdf, "outputs", 0, "axes", 1, "halo" );
		assertEquals( Presets.denoiser( 1 ).sizeMultiple(), step );
		assertEquals( Presets.denoiser( 1 ).halo(), halo );
		assertTrue( min >= 2 * halo + 1 && min % step == 0, "min " + min );
		assertEquals( "input", at( rdf, "outputs", 0, "axes", 1, "size", "tensor_id" ) );
		assertEquals( "scale_linear", at( rdf, "inputs", 0, "preprocessing", 0, "id" ) );
		assertEquals( "scale_linear", at( rdf, "outputs", 0, "postprocessing", 0, "id" ) );
		final Map< String, Object > w = at( rdf, "weights", BioimageioPackage.WEIGHTS );
		assertEquals( PackageFiles.sha256( root.resolve( ( String ) w.get( "source" ) ) ), w.get( "sha256" ) );
		assertTrue( String.valueOf( w.get( "tensorflow_version" ) ).matches( "\\d+\\.\\d+.*" ) );
		// numpy reads both test tensors with the shapes and dtype the rdf implies
		final File py = new File( "/usr/bin/python3" );
		assumeTrue( py.canExecute(), "/usr/bin/python3 not found: numpy check skipped" );
		final Process p = new ProcessBuilder( py.getPath(), "-c",
				"import numpy,sys\nfor f in sys.argv[1:]:\n a=numpy.load(f)\n print(a.shape, a.dtype, float(a.mean()))",
				root.resolve( files.get( 0 ) ).toString(), root.resolve( files.get( 1 ) ).toString() )
				.redirectErrorStream( true ).start();
		final String out = new String( p.getInputStream().readAllBytes(), StandardCharsets.UTF_8 );
		assertEquals( 0, p.waitFor(), out );
		System.out.println( "numpy: " + out );
		final Npy.Array a = Npy.read( Files.readAllBytes( root.resolve( files.get( 0 ) ) ) );
		assertEquals( "(" + a.shape[ 0 ] + ", " + a.shape[ 1 ] + ", " + a.shape[ 2 ] + ", 1) float32",
				out.split( "\n" )[ 0 ].replaceAll( " [-0-9.e]+$", "" ) );
		assertTrue( out.split( "\n" )[ 1 ].startsWith( "(1, " + a.shape[ 1 ] + ", " + a.shape[ 2 ] + ", 1) float32" ),
				out );
	}

	@Test
	void npyRoundTrip() throws Exception
	{
		final float[] v = { 1, -2.5f, 3e-7f, 4, 5, 6 };
		final Npy.Array a = Npy.read( Npy.write( v, new long[] { 2, 3 } ) );
		assertArrayEquals( new long[] { 2, 3 }, a.shape );
		assertArrayEquals( v, a.data );
		assertEquals( 0, ( Npy.write( v, new long[] { 6 } ).length - 24 ) % 64,
				"data start at a multiple of 64 bytes" );
	}

	/** A copy of the package's folder with rdf.yaml edited, or a file removed. */
	static Path edited( final String name, final String from, final String to, final String remove ) throws Exception
	{
		final Path root = dir.resolve( name );
		PackageFiles.unzip( pkg, root, "test" );
		final Path y = root.resolve( "rdf.yaml" );
		Files.writeString( y, Files.readString( y ).replace( from, to ) );
		if ( remove != null )
			Files.delete( root.resolve( remove ) );
		return root;
	}

	@Test
	void refusesBadPackagesClearly() throws Exception
	{
		final String rdf = Files.readString( edited( "plain", "", "", null ).resolve( "rdf.yaml" ) );
		final String sha = rdf.replaceAll( "(?s).*tensorflow_saved_model_bundle:.*?sha256: ([0-9a-f]+).*", "$1" );
		final Object[][] cases = {
				{ edited( "sha", sha, sha.replace( sha.charAt( 0 ), sha.charAt( 0 ) == 'a' ? 'b' : 'a' ), null ),
						"SHA-256" },
				{ edited( "missing", "", "", RdfWriter.WEIGHTS_ZIP ), "missing from the package" },
				{ edited( "torch", "tensorflow_saved_model_bundle:", "pytorch_state_dict:", null ),
						"pytorch_state_dict" },
				{ edited( "onnx", "tensorflow_saved_model_bundle:", "onnx:", null ), "ONNX" },
				{ edited( "keras", "tensorflow_saved_model_bundle:", "keras_hdf5:", null ), "keras_hdf5" },
				{ edited( "newer", "format_version: 0.5.3", "format_version: 0.6.0", null ),
						"newer than this plugin reads" },
				{ edited( "older", "format_version: 0.5.3", "format_version: 0.4.10", null ), "reads 0.5.x" },
				{ edited( "channels", "channel_names:\n    - channel0", "size:\n      min: 1\n      step: 1", null ),
						"cannot tile across channels" },
				{ edited( "time", "- type: batch", "- type: time", null ), "axis type 'time'" },
				{ edited( "z", "id: y", "id: z", null ), "space axis 'z'" } };
		for ( final Object[] c : cases )
		{
			final Exception e = assertThrows( Exception.class, () -> BioimageioModel.load( ( Path ) c[ 0 ], 1 ).close(),
					( String ) c[ 1 ] );
			assertTrue( e.getMessage().contains( ( String ) c[ 1 ] ), c[ 1 ] + " not in: " + e.getMessage() );
			if ( c[ 1 ].equals( "pytorch_state_dict" ) )
				assertTrue( e.getMessage().contains( "runs tensorflow_saved_model_bundle" ), e.getMessage() );
		}
		// a macro apply with an output file writes nothing when the package is refused
		final Path out = dir.resolve( "never.tif" );
		final String r = fiji.plugin.autoencoder.BioimageioMacroCalls
				.apply( "package_file=" + cases[ 0 ][ 0 ] + " input=test-images/cell_256.tif output=" + out );
		assertTrue( r.startsWith( "error:" ) && r.contains( "SHA-256" ), r );
		assertFalse( Files.exists( out ) );
	}

	@Test
	void exportIntoAnExistingFileNeedsOverwrite() throws Exception
	{
		final byte[] before = Files.readAllBytes( pkg );
		final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
				() -> BioimageioExporter.export( modelFile, TrainedModels.cell(), pkg, new ExportSettings() ) );
		assertTrue( e.getMessage().contains( "overwrite=true" ), e.getMessage() );
		assertArrayEquals( before, Files.readAllBytes( pkg ), "the existing package is untouched" );
		final ExportSettings s = new ExportSettings();
		s.overwrite = true;
		s.name = "replaced";
		final Path copy = dir.resolve( "copy.bioimageio.zip" );
		Files.copy( pkg, copy );
		BioimageioExporter.export( modelFile, TrainedModels.cell(), copy, s );
		try ( BioimageioPackage p = BioimageioPackage.open( copy ) )
		{
			assertEquals( "replaced", p.name() );
		}
		final IllegalArgumentException small = assertThrows( IllegalArgumentException.class,
				() -> BioimageioExporter.export( modelFile, TrainedModels.crop( TrainedModels.cell(), 0, 0, 12, 12 ),
						dir.resolve( "small.zip" ), new ExportSettings() ) );
		assertTrue( small.getMessage().contains( "larger sample image" ) && !Files.exists( dir.resolve( "small.zip" ) ),
				small.getMessage() );
	}

	@Test
	void cacheLoadsOnceAndReloadsAChangedFileClosingTheOldModel() throws Exception
	{
		final Path copy = dir.resolve( "cached.bioimageio.zip" );
		Files.copy( pkg, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING );
		final ModelCache< BioimageioModel > cache = new ModelCache<>( 1, ( p, t ) -> BioimageioModel.load( p, 1 ) );
		final ij.ImagePlus img = TrainedModels.crop( TrainedModels.cell(), 0, 0, 120, 100 );
		for ( int i = 0; i < 5; i++ ) // a macro loop over five images, the path spelled differently each time
			BioimageioTasks.apply( cache, i % 2 == 0 ? copy : dir.resolve( "." ).resolve( "cached.bioimageio.zip" ),
					img, false, "x", new fiji.plugin.autoencoder.tiling.ImageRunner.Options(),
					fiji.plugin.autoencoder.core.Progress.none() );
		assertEquals( 1, cache.loads(), "five applies, one load" );
		final BioimageioModel first;
		try ( ModelCache< BioimageioModel >.Lease l = cache.get( copy ) )
		{
			first = l.model();
		}
		assertTrue( Files.isDirectory( first.description().root() ) );
		Files.setLastModifiedTime( copy, FileTime.fromMillis( Files.getLastModifiedTime( copy ).toMillis() + 5000 ) );
		try ( ModelCache< BioimageioModel >.Lease l = cache.get( copy ) )
		{
			assertEquals( 2, cache.loads(), "a changed file is loaded again" );
			assertTrue( l.model() != first );
			assertEquals( 1, cache.size() );
		}
		assertFalse( Files.exists( first.description().root() ),
				"the replaced model was closed (its unpacked files deleted)" );
		assertThrows( RuntimeException.class,
				() -> first.predict( new float[ 64 * 64 ], new float[ 64 * 64 ], 1, new int[] { 64, 64 } ),
				"its session is closed" );
		cache.clear();
		assertEquals( 0, cache.size() );
	}
}
