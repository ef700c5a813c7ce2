package fiji.plugin.autoencoder.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our Zarr codec against python3-zarr 2.13: Python opens what we write (shape,
 * chunks, dtype, multiscales axes and scale, every value) and we open what
 * Python writes, with each compressor, both dimension separators, both byte
 * orders, and a chunk left unwritten (fill_value).
 */
public class ZarrInteropTest
{
	/** The test pattern: value at (y, x), the same formula in Python. */
	static double value( final DataType t, final long y, final long x )
	{
		final long v = y * 131 + x * 7;
		switch ( t )
		{
		case U1:
			return v % 251;
		case U2:
			return v % 65521;
		case I4:
			return v * 1009 - 5_000_000;
		default:
			return v * 0.25 - 1000.5;
		}
	}

	private static final String PATTERN = "def pattern(code, shape):\n" //
			+ "    y, x = np.meshgrid(np.arange(shape[0], dtype=np.int64), np.arange(shape[1], dtype=np.int64), indexing='ij')\n" //
			+ "    v = y * 131 + x * 7\n" //
			+ "    return {'u1': v % 251, 'u2': v % 65521, 'i4': v * 1009 - 5000000, 'f4': v * 0.25 - 1000.5}[code]\n";

	@Test
	public void pythonReadsWhatWeWrite( @TempDir final Path dir ) throws Exception
	{
		PythonZarr.assumeAvailable();
		final long[] shape = { 150, 203 };
		final int[] chunks = { 64, 48 };
		final StringBuilder cases = new StringBuilder();
		int k = 0;
		for ( final DataType t : DataType.values() )
			for ( final String comp : new String[] { "none", "zlib:1", "gzip:5" } )
			{
				final String sep = k % 2 == 0 ? "/" : ".";
				final Path root = dir.resolve( "img" + k++ + ".ome.zarr" );
				final OmeZarr img = OmeZarr.create( root, "test", List.of( "y", "x" ), shape, chunks, t,
						Compressor.of( comp ), sep, new double[] { 0.5, 0.25 }, "micrometer" );
				final ZarrArray a = img.array();
				final long[] g = a.gridSize();
				for ( long gy = 0; gy < g[ 0 ]; gy++ )
					for ( long gx = 0; gx < g[ 1 ]; gx++ )
					{
						if ( gy == 1 && gx == 2 )
							continue; // left unwritten: fill_value (0)
						final Object c = t.filled( a.chunkElements(), 0 );
						for ( int y = 0; y < chunks[ 0 ]; y++ )
							for ( int x = 0; x < chunks[ 1 ]; x++ )
								set( t, c, y * chunks[ 1 ] + x,
										value( t, gy * chunks[ 0 ] + y, gx * chunks[ 1 ] + x ) );
						a.writeChunk( new long[] { gy, gx }, c );
					}
				cases.append( root ).append( ' ' ).append( t.dtype( ByteOrder.LITTLE_ENDIAN ).substring( 1 ) )
						.append( ' ' ).append( comp.split( ":" )[ 0 ] ).append( ' ' ).append( sep ).append( '\n' );
			}
		final String script = "import sys, json, zarr, numpy as np\n" + PATTERN //
				+ "for line in sys.argv[1].strip().split('\\n'):\n" //
				+ "    path, code, comp, sep = line.split(' ')\n" //
				+ "    g = zarr.open_group(path, mode='r')\n" //
				+ "    ms = g.attrs['multiscales'][0]\n" //
				+ "    a = g[ms['datasets'][0]['path']]\n" //
				+ "    want = pattern(code, a.shape).astype(a.dtype)\n" //
				+ "    want[64:128, 96:144] = 0\n" //
				+ "    comp_id = a.compressor.codec_id if a.compressor is not None else 'none'\n" //
				+ "    print(json.dumps([list(a.shape), list(a.chunks), a.dtype.str, comp_id, a._dimension_separator, [x['name'] for x in ms['axes']], ms['axes'][1].get('unit'), "
				+ "ms['datasets'][0]['coordinateTransformations'][0]['scale'], ms['version'], bool(np.array_equal(a[:], want))]))\n";
		final String[] out = PythonZarr.run( script, cases.toString() ).split( "\n" );
		assertEquals( 12, out.length, String.join( "\n", out ) );
		k = 0;
		for ( final DataType t : DataType.values() )
			for ( final String comp : new String[] { "none", "zlib", "gzip" } )
			{
				final String sep = k % 2 == 0 ? "/" : ".";
				final String dtype = t == DataType.U1 ? "|u1" : "<" + t.dtype( ByteOrder.LITTLE_ENDIAN ).substring( 1 );
				assertEquals( "[[150, 203], [64, 48], \"" + dtype + "\", \"" + comp + "\", \"" + sep
						+ "\", [\"y\", \"x\"], \"micrometer\", [0.5, 0.25], \"0.4\", true]", out[ k++ ] );
			}
	}

	static void set( final DataType t, final Object c, final int i, final double v )
	{
		switch ( t )
		{
		case U1:
			( ( byte[] ) c )[ i ] = ( byte ) v;
			break;
		case U2:
			( ( short[] ) c )[ i ] = ( short ) v;
			break;
		case I4:
			( ( int[] ) c )[ i ] = ( int ) v;
			break;
		default:
			( ( float[] ) c )[ i ] = ( float ) v;
		}
	}

	@Test
	public void weReadWhatPythonWrites( @TempDir final Path dir ) throws Exception
	{
		PythonZarr.assumeAvailable();
		final String script = "import sys, zarr, numcodecs, numpy as np\n" + PATTERN //
				+ "comps = {'none': None, 'zlib': numcodecs.Zlib(level=3), 'gzip': numcodecs.GZip(level=6)}\n" //
				+ "k = 0\n" //
				+ "for code in ['u1', 'u2', 'i4', 'f4']:\n" //
				+ "  for comp in ['none', 'zlib', 'gzip']:\n" //
				+ "    for sep in ['.', '/']:\n" //
				+ "      endian = '>' if k % 3 == 0 and code != 'u1' else ('|' if code == 'u1' else '<')\n" //
				+ "      store = zarr.DirectoryStore(sys.argv[1] + '/a%d' % k, dimension_separator=sep)\n" //
				+ "      a = zarr.create(shape=(77, 130), chunks=(32, 50), dtype=endian + code, compressor=comps[comp], fill_value=7, store=store)\n" //
				+ "      v = pattern(code, (77, 130))\n" //
				+ "      a[:32, :] = v[:32, :]\n" //
				+ "      a[32:, :100] = v[32:, :100]\n" //
				+ "      print(k, endian + code, comp, sep)\n" //
				+ "      k += 1\n";
		final String[] lines = PythonZarr.run( script, dir.toString() ).split( "\n" );
		assertEquals( 24, lines.length );
		for ( final String line : lines )
		{
			final String[] f = line.split( " " );
			final ZarrArray a = ZarrArray.open( dir.resolve( "a" + f[ 0 ] ) );
			final DataType t = DataType.parse( f[ 1 ] );
			assertEquals( t, a.dataType(), line );
			assertEquals( f[ 1 ].startsWith( ">" ) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, a.byteOrder(),
					line );
			assertEquals( f[ 2 ], a.compressor().id == null ? "none" : a.compressor().id, line );
			assertEquals( f[ 3 ], a.separator(), line );
			assertArrayEquals( new long[] { 77, 130 }, a.shape() );
			assertArrayEquals( new int[] { 32, 50 }, a.chunks() );
			assertEquals( 7, a.fillValue(), line );
			// chunks (1, 2) and (2, 2) hold only columns >= 100: python never wrote them, they read as fill_value
			assertNull( a.readChunk( new long[] { 1, 2 } ), line );
			final float[] all = a.readFloats( new long[] { 0, 0 }, new int[] { 77, 130 } );
			for ( int y = 0; y < 77; y++ )
				for ( int x = 0; x < 130; x++ )
				{
					final double want = y >= 32 && x >= 100 ? 7 : value( t, y, x );
					assertEquals( ( float ) want, all[ y * 130 + x ], 0, line + " at y=" + y + " x=" + x );
				}
			// a box that crosses chunk borders
			final float[] box = a.readFloats( new long[] { 30, 45 }, new int[] { 5, 9 } );
			for ( int y = 0; y < 5; y++ )
				for ( int x = 0; x < 9; x++ )
					assertEquals( all[ ( 30 + y ) * 130 + 45 + x ], box[ y * 9 + x ], 0 );
		}
		assertTrue( lines.length > 0 );
	}
}
