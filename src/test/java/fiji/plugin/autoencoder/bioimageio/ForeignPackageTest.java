package fiji.plugin.autoencoder.bioimageio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;
import ij.process.FloatProcessor;

/** Must-show 4: a package this plugin did not write runs and reproduces its test output; packages with forbidden ops are refused before any op runs. */
class ForeignPackageTest
{
	@TempDir
	Path dir;

	@Test
	void runsAForeignMeanFilterPackageAndReproducesItsTestOutput() throws Exception
	{
		final Path pkg = ForeignPackage.write( dir.resolve( "mean" ), m -> m, y -> y );
		try ( BioimageioModel model = BioimageioModel.load( pkg, 2 ) )
		{
			assertEquals( 1, model.runner().variableCount(),
					"the kernel variable restored by the plugin's own RestoreV2" );
			assertEquals( 1, model.halo() );
			final BioimageioRunner.Check c = BioimageioRunner.check( model );
			System.out.println( "foreign mean filter: " + c );
			assertTrue( c.passed() && c.maxAbsDiff < 1e-5, c.toString() );
			// apply through the tiler on a 53 x 47 image in 16-pixel tiles: the mean filter of the normalised image, mirrored at the borders
			final FloatProcessor fp = new FloatProcessor( 53, 47 );
			for ( int i = 0; i < 53 * 47; i++ )
				fp.setf( i, ( i * 37 ) % 101 );
			final ImageRunner.Options o = new ImageRunner.Options();
			o.tileSize = new int[] { 16, 16 };
			final ImagePlus out = BioimageioRunner.apply( model, new ImagePlus( "ramp", fp ), "mean", o,
					Progress.none() );
			final float[] z = ForeignPackage.zeroMeanUnitVariance( ( float[] ) fp.getPixels() );
			double worst = 0;
			for ( int y = 0; y < 47; y++ )
				for ( int x = 0; x < 53; x++ )
				{
					double s = 0;
					for ( int dy = -1; dy <= 1; dy++ )
						for ( int dx = -1; dx <= 1; dx++ )
							s += z[ mirror( y + dy, 47 ) * 53 + mirror( x + dx, 53 ) ];
					worst = Math.max( worst, Math.abs( s / 9 - out.getProcessor().getf( x, y ) ) );
				}
			System.out.println( "foreign mean filter, tiled apply vs plain Java: max |diff| " + worst );
			assertTrue( worst < 1e-5, "max diff " + worst );
		}
	}

	@Test
	void applyCommandRunsThePackageWithItsMacroKeys() throws Exception
	{
		final Path pkg = ForeignPackage.write( dir.resolve( "mean-cmd" ), m -> m, y -> y );
		final FloatProcessor fp = new FloatProcessor( 30, 20 );
		for ( int i = 0; i < 600; i++ )
			fp.setf( i, i % 17 );
		final ImagePlus img = new ImagePlus( "img", fp );
		try ( org.scijava.Context context = new org.scijava.Context() )
		{
			final org.scijava.command.CommandModule m = context.service( org.scijava.command.CommandService.class )
					.run( fiji.plugin.autoencoder.commands.ApplyBioimageioCommand.class, true,
							"input", img, "package_file", pkg.toFile(), "check", true, "tile_size", 0, "suffix",
							"mean" )
					.get();
			assertFalse( m.isCanceled(), m.getCancelReason() );
			final ImagePlus out = ( ImagePlus ) m.getOutput( "output" );
			try ( BioimageioModel model = BioimageioModel.load( pkg, 1 ) )
			{
				final ImagePlus direct = BioimageioRunner.apply( model, img, "mean", new ImageRunner.Options(),
						Progress.none() );
				assertEquals( 0.0, BioimageioRoundTripTest.maxAbsDiff( direct, out ), 1e-6 );
			}
		}
	}

	private static int mirror( final int i, final int n )
	{
		return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
	}

	private static NodeDef node( final String name, final String op, final String... inputs )
	{
		final NodeDef.Builder b = NodeDef.newBuilder().setName( name ).setOp( op );
		for ( final String i : inputs )
			b.addInput( i );
		return b.build();
	}

	/** Adds nodes to the meta graph; optionally makes the output depend on the first one. */
	private static UnaryOperator< SavedModel > add( final boolean intoOutput, final NodeDef... nodes )
	{
		return m -> {
			final SavedModel.Builder b = m.toBuilder();
			final org.tensorflow.proto.GraphDef.Builder g = b.getMetaGraphsBuilder( 0 ).getGraphDefBuilder();
			for ( final NodeDef n : nodes )
				g.addNode( n );
			if ( intoOutput )
				for ( int i = 0; i < g.getNodeCount(); i++ )
					if ( g.getNode( i ).getName().equals( "mean" ) )
						g.setNode( i, g.getNode( i ).toBuilder().addInput( "^" + nodes[ 0 ].getName() ) );
			return b.build();
		};
	}

	private static NodeDef stringConst( final String name, final String value )
	{
		return NodeDef.newBuilder().setName( name ).setOp( "Const" )
				.putAttr( "value", AttrValue.newBuilder().setTensor( org.tensorflow.proto.TensorProto.newBuilder()
						.setDtype( org.tensorflow.proto.DataType.DT_STRING )
						.addStringVal( com.google.protobuf.ByteString.copyFromUtf8( value ) ) ).build() )
				.build();
	}

	@Test
	void refusesEveryForbiddenOpBeforeAnythingRuns() throws Exception
	{
		final Path marker = dir.resolve( "written-by-the-model.txt" );
		final NodeDef path = stringConst( "evil_path", marker.toString() ), text = stringConst( "evil_text", "pwned" );
		final Object[][] cases = {
				{ "WriteFile", add( false, node( "w", "WriteFile", "evil_path", "evil_text" ), path, text ) },
				{ "WriteFile", add( true, node( "w", "WriteFile", "evil_path", "evil_text" ), path, text ) },
				{ "ReadFile", add( true, node( "r", "ReadFile", "evil_path" ), path ) },
				{ "PyFunc", add( false, node( "py", "PyFunc" ) ) },
				{ "SaveV2",
						add( false, node( "s", "SaveV2", "evil_path", "evil_text", "evil_text", "kernel" ), path,
								text ) },
				{ "SaveV2",
						add( true, node( "s", "SaveV2", "save/filename", "evil_text", "evil_text", "kernel" ), text ) },
				{ "PrintV2", add( true, node( "p", "PrintV2", "evil_text" ), text ) },
				{ "StringFormat", add( true, node( "f", "StringFormat", "kernel" ) ) },
				{ "MatchingFiles", add( false, node( "m", "MatchingFiles", "evil_path" ), path ) },
				{ "WriteFile (in function", ( UnaryOperator< SavedModel > ) m -> {
					final SavedModel.Builder b = m.toBuilder();
					b.getMetaGraphsBuilder( 0 ).getGraphDefBuilder().getLibraryBuilder()
							.addFunction( FunctionDef.newBuilder()
									.setSignature( OpDef.newBuilder().setName( "innocent" ) )
									.addNodeDef( node( "w", "WriteFile", "a", "b" ) ) );
					return b.build();
				} },
				{ "StatefulPartitionedCall", add( true, node( "call", "StatefulPartitionedCall", "raw" ) ) } };
		for ( int i = 0; i < cases.length; i++ )
		{
			@SuppressWarnings( "unchecked" )
			final Path pkg = ForeignPackage.write( dir.resolve( "bad" + i ),
					( UnaryOperator< SavedModel > ) cases[ i ][ 1 ], y -> y );
			final IllegalArgumentException e = assertThrows( IllegalArgumentException.class,
					() -> BioimageioModel.load( pkg, 2 ).close(), "case " + cases[ i ][ 0 ] );
			assertTrue( e.getMessage().contains( ( String ) cases[ i ][ 0 ] )
					&& e.getMessage().contains( "nothing was loaded" ), e.getMessage() );
			assertFalse( Files.exists( marker ), "no op of the file ran" );
		}
		System.out.println( "refused, e.g.: " + assertThrows( IllegalArgumentException.class,
				() -> BioimageioModel.load( ForeignPackage.write( dir.resolve( "bad-last" ),
						( UnaryOperator< SavedModel > ) cases[ 1 ][ 1 ], y -> y ), 2 ) )
				.getMessage() );
	}
}
