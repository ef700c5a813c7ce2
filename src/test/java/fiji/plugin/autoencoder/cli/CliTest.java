package fiji.plugin.autoencoder.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import fiji.plugin.autoencoder.commands.DenoiseImageCommand;
import fiji.plugin.autoencoder.commands.SegmentByReconstructionCommand;
import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

/**
 * The work subcommands on small real images: their outputs equal the menu
 * commands' on the same settings, folders split into shards and resume, and the
 * exit codes hold (0 done, 1 failed input, 2 usage).
 */
public class CliTest
{
	@TempDir
	static Path dir;

	static Path denoiser, detector, cell;

	@BeforeAll
	static void models() throws Exception
	{
		denoiser = dir.resolve( "dn.aemodel.zip" );
		detector = dir.resolve( "ad.aemodel.zip" );
		final Map< String, String > extras = new TreeMap<>();
		extras.put( ModelFile.NORMALIZATION,
				Normalization.fixed( new double[] { 40 }, new double[] { 1 / 80.0 } ).toJson() );
		try ( Model m = Model.create( Presets.denoiser( 1 ).validate(), 1, 1 ) )
		{
			ModelFile.save( m, denoiser, extras );
		}
		try ( Model m = Model.create( Presets.anomalyDetector( 1 ).validate(), 1, 1 ) )
		{
			ModelFile.save( m, detector, extras );
		}
		cell = Path.of( "test-images/cell_256.tif" ).toAbsolutePath();
	}

	static Object pixels( final Path tif )
	{
		return IJ.openImage( tif.toString() ).getProcessor().getPixels();
	}

	@Test
	public void denoiseEqualsTheMenuCommandAndResumes() throws Exception
	{
		final Path out = dir.resolve( "cell-denoised.tif" );
		assertEquals( 0, Main.run( "denoise", "--model", denoiser.toString(), "--input", cell.toString(), "--output",
				out.toString(), "--tile-size", "96", "--threads", "2" ) );
		final ImagePlus menu;
		try ( Context context = new Context() )
		{
			final CommandModule m = context.service( CommandService.class )
					.run( DenoiseImageCommand.class, true, "input", IJ.openImage( cell.toString() ), "model_file",
							denoiser.toFile(), "tile_size", 96, "threads", 2 )
					.get();
			menu = ( ImagePlus ) m.getOutput( "output" );
		}
		final byte[] cli = ( byte[] ) pixels( out ), gui = ( byte[] ) menu.getProcessor().getPixels();
		assertArrayEquals( gui, cli, "the CLI's output equals Denoise Image's" );
		int changed = 0;
		final byte[] in = ( byte[] ) pixels( cell );
		for ( int i = 0; i < in.length; i++ )
			changed += in[ i ] != cli[ i ] ? 1 : 0;
		assertTrue( changed > in.length / 4, "the network changed the image: " + changed );
		// a rerun skips the finished output and leaves it alone
		final long modified = Files.getLastModifiedTime( out ).toMillis();
		final byte[] bytes = Files.readAllBytes( out );
		Thread.sleep( 20 );
		assertEquals( 0, Main.run( "denoise", "--model", denoiser.toString(), "--input", cell.toString(), "--output",
				out.toString() ) );
		assertEquals( modified, Files.getLastModifiedTime( out ).toMillis() );
		assertArrayEquals( bytes, Files.readAllBytes( out ) );
	}

	@Test
	public void folderShardsSplitAndResume() throws Exception
	{
		final Path in = Files.createDirectories( dir.resolve( "in" ) ), out = dir.resolve( "out" );
		final ImagePlus imp = IJ.openImage( cell.toString() );
		for ( int i = 0; i < 5; i++ )
		{
			final ImagePlus crop = imp.crop();
			crop.setRoi( i * 20, i * 10, 100, 90 );
			new FileSaver( crop.crop() ).saveAsTiff( in.resolve( "img" + i + ".tif" ).toString() );
		}
		final String[] base = { "denoise", "--model", denoiser.toString(), "--input", in.toString(), "--output",
				out.toString(), "--threads", "2" };
		assertEquals( 0, Main.run( concat( base, "--shard", "0/2" ) ) );
		assertEquals( 3, count( out ), "shard 0 of 2: files 0, 2, 4" );
		assertEquals( 0, Main.run( concat( base, "--shard", "1/2" ) ) );
		assertEquals( 5, count( out ) );
		final Map< String, byte[] > before = contents( out );
		assertEquals( 0, Main.run( concat( base, "--shard", "0/2" ) ) );
		assertEquals( before.keySet(), contents( out ).keySet() );
		for ( final String k : before.keySet() )
			assertArrayEquals( before.get( k ), contents( out ).get( k ), k );
		// one bad file: the others are done, exit 1
		Files.writeString( in.resolve( "broken.tif" ), "not a tiff" );
		assertEquals( 1, Main.run( base ) );
		assertEquals( 5, count( out ) );
	}

	@Test
	public void segmentByReconstructionEqualsTheMenuCommand() throws Exception
	{
		final Path out = dir.resolve( "seg" );
		assertEquals( 0,
				Main.run( "segment-by-reconstruction", "--model", detector.toString(), "--input", cell.toString(),
						"--output", out.toString(), "--threads", "2",
						"--min-size", "5" ) );
		try ( Context context = new Context() )
		{
			final CommandModule m = context.service( CommandService.class )
					.run( SegmentByReconstructionCommand.class, true, "input", IJ.openImage( cell.toString() ),
							"model_file",
							detector.toFile(), "threads", 2, "min_size", 5 )
					.get();
			final float[] map = ( float[] ) ( ( ImagePlus ) m.getOutput( "anomaly_map" ) ).getProcessor().getPixels();
			assertArrayEquals( map, ( float[] ) pixels( out.resolve( "cell_256-anomaly.tif" ) ), 0f );
			assertArrayEquals( ( byte[] ) ( ( ImagePlus ) m.getOutput( "mask" ) ).getProcessor().getPixels(),
					( byte[] ) pixels( out.resolve( "cell_256-mask.tif" ) ) );
		}
		assertTrue( Files.isRegularFile( out.resolve( "cell_256-labels.tif" ) )
				&& Files.isRegularFile( out.resolve( "cell_256-objects.csv" ) ) );
	}

	@Test
	public void segmentEqualsTheMenuCommand() throws Exception
	{
		final Path model = dir.resolve( "seg.aemodel.zip" ), out = dir.resolve( "supervised" );
		try ( Model m = Model.create( Presets.segmenter( 1 ).validate(), 1, 1 ) )
		{
			ModelFile.save( m, model, java.util.Collections.singletonMap( ModelFile.NORMALIZATION,
					Normalization.fixed( new double[] { 40 }, new double[] { 1 / 80.0 } ).toJson() ) );
		}
		assertEquals( 0, Main.run( "segment", "--model", model.toString(), "--input", cell.toString(), "--output",
				out.toString(), "--threads", "2" ) );
		try ( Context context = new Context() )
		{
			final CommandModule m = context.service( CommandService.class )
					.run( fiji.plugin.autoencoder.commands.SegmentImageCommand.class, true, "input",
							IJ.openImage( cell.toString() ),
							"model_file", model.toFile(), "threads", 2 )
					.get();
			assertArrayEquals( ( float[] ) ( ( ImagePlus ) m.getOutput( "probability" ) ).getProcessor().getPixels(),
					( float[] ) pixels( out.resolve( "cell_256-anomaly.tif" ) ), 0f );
			assertArrayEquals( ( byte[] ) ( ( ImagePlus ) m.getOutput( "mask" ) ).getProcessor().getPixels(),
					( byte[] ) pixels( out.resolve( "cell_256-mask.tif" ) ) );
		}
	}

	@Test
	public void omeZarrShardsGiveTheBytesOfOneRun() throws Exception
	{
		final Path in = dir.resolve( "cell.ome.zarr" );
		final ImagePlus imp = IJ.openImage( cell.toString() );
		final byte[] px = ( byte[] ) imp.getProcessor().getPixels();
		final fiji.plugin.autoencoder.zarr.OmeZarr z = fiji.plugin.autoencoder.zarr.OmeZarr.create( in, "cell",
				java.util.List.of( "y", "x" ), new long[] { 256, 256 }, new int[] { 64, 64 },
				fiji.plugin.autoencoder.zarr.DataType.U1, fiji.plugin.autoencoder.zarr.Compressor.gzip( 1 ), ".",
				new double[] { 1, 1 }, null );
		for ( int gy = 0; gy < 4; gy++ )
			for ( int gx = 0; gx < 4; gx++ )
			{
				final byte[] c = new byte[ 64 * 64 ];
				for ( int y = 0; y < 64; y++ )
					System.arraycopy( px, ( gy * 64 + y ) * 256 + gx * 64, c, y * 64, 64 );
				z.array().writeChunk( new long[] { gy, gx }, c );
			}
		final Path one = dir.resolve( "one.ome.zarr" ), split = dir.resolve( "split.ome.zarr" );
		assertEquals( 0, Main.run( "denoise", "--model", denoiser.toString(), "--input", in.toString(), "--output",
				one.toString(), "--threads", "2" ) );
		assertEquals( 0, Main.run( "denoise", "--model", denoiser.toString(), "--input", in.toString(), "--output",
				split.toString(), "--shard", "1/2" ) );
		assertTrue( tree( split.resolve( "0" ) ).size() < tree( one.resolve( "0" ) ).size() );
		assertEquals( 0, Main.run( "denoise", "--model", denoiser.toString(), "--input", in.toString(), "--output",
				split.toString(), "--shard", "0/2" ) );
		final Map< String, byte[] > a = tree( one.resolve( "0" ) ), b = tree( split.resolve( "0" ) );
		assertEquals( a.keySet(), b.keySet() );
		for ( final String k : a.keySet() )
			assertArrayEquals( a.get( k ), b.get( k ), k );
		// the same as the file path through the menu's denoiser, within rounding
		final float[] zarr = fiji.plugin.autoencoder.zarr.OmeZarr.open( one ).array().readFloats( new long[] { 0, 0 },
				new int[] { 256, 256 } );
		final Path tif = dir.resolve( "cell-file.tif" );
		assertEquals( 0, Main.run( "denoise", "--model", denoiser.toString(), "--input", cell.toString(), "--output",
				tif.toString(), "--average-orientations", "false" ) );
		final byte[] file = ( byte[] ) pixels( tif );
		for ( int i = 0; i < file.length; i++ )
			assertEquals( file[ i ] & 0xff, zarr[ i ], 1, "pixel " + i );
	}

	@Test
	public void exitCodes() throws Exception
	{
		assertEquals( 2, Main.run( "denoise", "--model", denoiser.toString() ), "missing options: usage" );
		assertEquals( 2, Main.run( "denoise", "--model", denoiser.toString(), "--input", cell.toString(), "--output",
				"x.tif", "--shard", "3/2" ), "bad shard: usage" );
		assertEquals( 2, Main.run( "no-such-command" ) );
		assertEquals( 1, Main.run( "denoise", "--model", denoiser.toString(), "--input",
				dir.resolve( "missing.tif" ).toString(), "--output", dir.resolve( "m.tif" ).toString() ) );
		assertEquals( 1, Main.run( "denoise", "--model", cell.toString(), "--input", cell.toString(), "--output",
				dir.resolve( "n.tif" ).toString() ), "not a model file" );
		assertEquals( 1, Main.run( "denoise", "--model", denoiser.toString(), "--input", cell.toString(), "--output",
				dir.resolve( "t.tif" ).toString(), "--tile-size", "-3" ) );
		assertEquals( 1, Main.run( "denoise", "--model", denoiser.toString(), "--input", cell.toString(), "--output",
				cell.toString(), "--overwrite" ), "never over the input" );
		assertEquals( 0, Main.run( "device-info" ) );
		assertEquals( 0, Main.run( "denoise", "--help" ) );
		assertTrue( new File( cell.toString() ).length() > 0 );
	}

	static String[] concat( final String[] a, final String... b )
	{
		final String[] all = java.util.Arrays.copyOf( a, a.length + b.length );
		System.arraycopy( b, 0, all, a.length, b.length );
		return all;
	}

	static long count( final Path folder ) throws Exception
	{
		try ( java.util.stream.Stream< Path > s = Files.list( folder ) )
		{
			return s.filter( p -> p.toString().endsWith( ".tif" ) ).count();
		}
	}

	static Map< String, byte[] > tree( final Path folder ) throws Exception
	{
		final Map< String, byte[] > m = new TreeMap<>();
		try ( java.util.stream.Stream< Path > s = Files.walk( folder ) )
		{
			for ( final Path p : ( Iterable< Path > ) s::iterator )
				if ( Files.isRegularFile( p ) )
					m.put( folder.relativize( p ).toString(), Files.readAllBytes( p ) );
		}
		return m;
	}

	static Map< String, byte[] > contents( final Path folder ) throws Exception
	{
		final Map< String, byte[] > m = new TreeMap<>();
		try ( java.util.stream.Stream< Path > s = Files.list( folder ) )
		{
			for ( final Path p : ( Iterable< Path > ) s::iterator )
				m.put( p.getFileName().toString(), Files.readAllBytes( p ) );
		}
		return m;
	}
}
