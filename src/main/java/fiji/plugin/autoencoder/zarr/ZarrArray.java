package fiji.plugin.autoencoder.zarr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Zarr v2 array on a file system: its {@code .zarray} metadata and its
 * chunks, read and written whole. Axes are in Zarr's (C) order, the last axis
 * fastest, as numpy sees them ({@code [c,] y, x}).
 * <p>
 * Handles dtypes {@code u1, u2, i4, f4} in either byte order, C order,
 * {@code "."} and {@code "/"} dimension separators, compressors none, zlib and
 * gzip. A chunk file that does not exist reads as {@code fill_value}, as the
 * specification says. Edge chunks are stored full size. Every chunk and the
 * metadata are written to a hidden temporary file and renamed over the target,
 * so a reader (or a rerun after a kill) never sees half a chunk; a chunk either
 * exists whole or not at all, which is what resuming relies on.
 * <p>
 * Refused with a message naming the fix: F order, filters, other compressors
 * (Blosc), other dtypes, Zarr v3.
 * <p>
 * Thread-safe: methods touch only their own chunk file.
 *
 * <pre>{@code
 * ZarrArray a = ZarrArray.create( dir, new long[] { 4096, 4096 }, new int[] { 512, 512 }, DataType.U2, ByteOrder.LITTLE_ENDIAN, Compressor.zlib( 1 ), "/", 0 );
 * a.writeChunk( new long[] { 0, 0 }, new short[ 512 * 512 ] );
 * short[] c = ( short[] ) a.readChunk( new long[] { 0, 1 } ); // fill_value: the chunk was never written
 * }</pre>
 */
public final class ZarrArray
{
	/** The metadata file name. */
	public static final String ZARRAY = ".zarray";

	private final Path dir;

	private final long[] shape;

	private final int[] chunks;

	private final DataType type;

	private final ByteOrder order;

	private final Compressor compressor;

	private final String separator;

	private final double fill;

	private ZarrArray( final Path dir, final long[] shape, final int[] chunks, final DataType type,
			final ByteOrder order, final Compressor compressor,
			final String separator, final double fill )
	{
		this.dir = dir;
		this.shape = shape;
		this.chunks = chunks;
		this.type = type;
		this.order = order;
		this.compressor = compressor;
		this.separator = separator;
		this.fill = fill;
	}

	/** Opens an existing array folder (it holds a {@code .zarray}). */
	public static ZarrArray open( final Path dir )
	{
		final Path meta = dir.resolve( ZARRAY );
		if ( !Files.isRegularFile( meta ) )
			throw new IllegalArgumentException( "No Zarr array at " + dir + ": it has no .zarray file ("
					+ ( Files.exists( dir.resolve( "zarr.json" ) ) ? "it is Zarr v3, which is not supported; "
							+ "convert it to Zarr v2 / OME-Zarr 0.4"
							: "give the folder of an array, or an OME-Zarr image group" )
					+ ")" );
		final Map< ?, ? > m = Json.readObject( meta );
		final String where = dir.toString();
		final Object format = m.get( "zarr_format" );
		if ( !( format instanceof Number ) || ( ( Number ) format ).intValue() != 2 )
			throw new IllegalArgumentException( "The Zarr array " + where + " has zarr_format " + format
					+ "; only Zarr v2 (OME-Zarr 0.4) is supported" );
		if ( !"C".equals( m.get( "order" ) ) )
			throw new IllegalArgumentException( "The Zarr array " + where + " is stored in order " + m.get( "order" )
					+ "; only C order is supported: rewrite it with order='C'" );
		final Object filters = m.get( "filters" );
		if ( filters != null && !( filters instanceof List && ( ( List< ? > ) filters ).isEmpty() ) )
			throw new IllegalArgumentException( "The Zarr array " + where + " uses filters " + filters
					+ ", which are not supported; rewrite it with filters=None" );
		final long[] shape = Json.longs( m.get( "shape" ), "shape", where );
		final long[] ch = Json.longs( m.get( "chunks" ), "chunks", where );
		if ( ch.length != shape.length )
			throw new IllegalArgumentException(
					"The Zarr array " + where + " has " + shape.length + " axes but " + ch.length + " chunk sizes" );
		final int[] chunks = new int[ ch.length ];
		for ( int i = 0; i < ch.length; i++ )
		{
			if ( ch[ i ] < 1 || ch[ i ] > Integer.MAX_VALUE )
				throw new IllegalArgumentException(
						"The Zarr array " + where + " has chunk size " + ch[ i ] + " on axis " + i );
			chunks[ i ] = ( int ) ch[ i ];
		}
		final Object dt = m.get( "dtype" );
		final DataType type = DataType.parse( dt instanceof String ? ( String ) dt : String.valueOf( dt ) );
		final Object sep = m.get( "dimension_separator" );
		final String separator = sep == null ? "." : sep.toString();
		if ( !separator.equals( "." ) && !separator.equals( "/" ) )
			throw new IllegalArgumentException( "The Zarr array " + where + " has dimension_separator '" + separator
					+ "'; only '.' and '/' exist in Zarr v2" );
		final Compressor compressor = Compressor.fromMetadata( ( Map< ?, ? > ) m.get( "compressor" ), where );
		return new ZarrArray( dir, shape, chunks, type, DataType.order( ( String ) dt ), compressor, separator,
				Json.fill( m.get( "fill_value" ) ) );
	}

	/**
	 * Creates the array (its folder and {@code .zarray}), or opens it when it
	 * already exists with exactly this shape, chunks and dtype (so a rerun
	 * resumes). An existing array with other metadata is refused, never changed.
	 */
	public static ZarrArray create( final Path dir, final long[] shape, final int[] chunks, final DataType type,
			final ByteOrder order, final Compressor compressor,
			final String separator, final double fill ) throws IOException
	{
		if ( shape.length != chunks.length || shape.length == 0 )
			throw new IllegalArgumentException( "Give one chunk size per axis: shape " + Arrays.toString( shape )
					+ ", chunks " + Arrays.toString( chunks ) );
		if ( !separator.equals( "." ) && !separator.equals( "/" ) )
			throw new IllegalArgumentException( "Dimension separator '" + separator + "' is invalid; use '.' or '/'" );
		for ( int i = 0; i < shape.length; i++ )
			if ( shape[ i ] < 1 || chunks[ i ] < 1 )
				throw new IllegalArgumentException( "Shape " + Arrays.toString( shape ) + " and chunks "
						+ Arrays.toString( chunks ) + " must be positive" );
		final ZarrArray want = new ZarrArray( dir, shape.clone(), chunks.clone(), type, order, compressor, separator,
				fill );
		if ( Files.exists( dir.resolve( ZARRAY ) ) )
		{
			final ZarrArray have = open( dir );
			if ( !Arrays.equals( have.shape, shape ) || !Arrays.equals( have.chunks, chunks ) || have.type != type )
				throw new IllegalArgumentException( "The output " + dir + " exists with shape "
						+ Arrays.toString( have.shape ) + ", chunks " + Arrays.toString( have.chunks ) + " and dtype "
						+ have.type.dtype( have.order ) + ", but this run writes shape " + Arrays.toString( shape )
						+ ", chunks " + Arrays.toString( chunks ) + ", dtype "
						+ type.dtype( order ) + "; nothing was changed: choose another output or delete that one" );
			return have;
		}
		if ( Files.exists( dir ) && !Files.isDirectory( dir ) )
			throw new IllegalArgumentException(
					"The output " + dir + " exists and is not a folder; nothing was changed: choose another output" );
		Files.createDirectories( dir );
		ChunkFiles.atomicWrite( dir.resolve( ZARRAY ),
				Json.write( want.metadata() ).getBytes( java.nio.charset.StandardCharsets.UTF_8 ) );
		return want;
	}

	private Map< String, Object > metadata()
	{
		final Map< String, Object > m = new LinkedHashMap<>();
		m.put( "chunks", chunks );
		m.put( "compressor", compressor.toMetadata() );
		m.put( "dimension_separator", separator );
		m.put( "dtype", type.dtype( order ) );
		m.put( "fill_value", type == DataType.F4 ? ( Object ) fill : ( Object ) ( long ) fill );
		m.put( "filters", null );
		m.put( "order", "C" );
		m.put( "shape", shape );
		m.put( "zarr_format", 2 );
		return m;
	}

	public Path path()
	{
		return dir;
	}

	/** Size per axis, C order. */
	public long[] shape()
	{
		return shape.clone();
	}

	/** Chunk size per axis, C order. */
	public int[] chunks()
	{
		return chunks.clone();
	}

	public DataType dataType()
	{
		return type;
	}

	public ByteOrder byteOrder()
	{
		return order;
	}

	public Compressor compressor()
	{
		return compressor;
	}

	public String separator()
	{
		return separator;
	}

	/** The value of pixels in chunks that were never written. */
	public double fillValue()
	{
		return fill;
	}

	/** Number of chunks along each axis. */
	public long[] gridSize()
	{
		final long[] g = new long[ shape.length ];
		for ( int i = 0; i < g.length; i++ )
			g[ i ] = ( shape[ i ] + chunks[ i ] - 1 ) / chunks[ i ];
		return g;
	}

	/** Elements in one chunk. */
	public int chunkElements()
	{
		long n = 1;
		for ( final int c : chunks )
			n *= c;
		if ( n > Integer.MAX_VALUE - 8 )
			throw new IllegalArgumentException( "Chunks of " + Arrays.toString( chunks )
					+ " are too large for one Java array; use smaller chunks" );
		return ( int ) n;
	}

	/** The file of a chunk. */
	public Path chunkPath( final long[] gridPosition )
	{
		if ( gridPosition.length != shape.length )
			throw new IllegalArgumentException( "A chunk position needs " + shape.length + " indices" );
		final long[] g = gridSize();
		final StringBuilder key = new StringBuilder();
		for ( int i = 0; i < gridPosition.length; i++ )
		{
			if ( gridPosition[ i ] < 0 || gridPosition[ i ] >= g[ i ] )
				throw new IllegalArgumentException( "Chunk " + Arrays.toString( gridPosition )
						+ " is outside the chunk grid " + Arrays.toString( g ) );
			if ( i > 0 )
				key.append( separator );
			key.append( gridPosition[ i ] );
		}
		return dir.resolve( key.toString() );
	}

	/** Whether the chunk file exists (chunks are written whole, so it is complete). */
	public boolean chunkExists( final long[] gridPosition )
	{
		return Files.isRegularFile( chunkPath( gridPosition ) );
	}

	/** The chunk as an array of the dtype's kind, full chunk size; {@code null} if the chunk file does not exist. */
	public Object readChunk( final long[] gridPosition )
	{
		final Path p = chunkPath( gridPosition );
		final byte[] stored;
		try
		{
			stored = Files.readAllBytes( p );
		}
		catch ( final NoSuchFileException e )
		{
			return null;
		}
		catch ( final IOException e )
		{
			throw new UncheckedIOException( "Cannot read the chunk " + p + ": " + e.getMessage(), e );
		}
		final int n = chunkElements();
		return type.decode( compressor.decompress( stored, n * type.bytes(), p.toString() ), n, order, p.toString() );
	}

	/** Writes a whole chunk (full chunk size, also at the edges) through a temporary file. */
	public void writeChunk( final long[] gridPosition, final Object chunk ) throws IOException
	{
		final int n = type.length( chunk );
		if ( n != chunkElements() )
			throw new IllegalArgumentException(
					"A chunk of " + Arrays.toString( chunks ) + " has " + chunkElements() + " elements, not " + n );
		final Path p = chunkPath( gridPosition );
		Files.createDirectories( p.getParent() );
		ChunkFiles.atomicWrite( p, compressor.compress( type.encode( chunk, order ) ) );
	}

	/**
	 * Reads a box ({@code min}, {@code size}, C order, inside the array) as
	 * floats in C order; missing chunks give {@link #fillValue()}.
	 */
	public float[] readFloats( final long[] min, final int[] size )
	{
		return readFloats( min, size, this::readChunk );
	}

	/** As {@link #readFloats(long[], int[])}, with chunks from {@code loader} (e.g. a cache over {@link #readChunk}). */
	public float[] readFloats( final long[] min, final int[] size,
			final java.util.function.Function< long[], Object > loader )
	{
		final int n = shape.length;
		long total = 1;
		for ( int i = 0; i < n; i++ )
		{
			if ( min[ i ] < 0 || size[ i ] < 1 || min[ i ] + size[ i ] > shape[ i ] )
				throw new IllegalArgumentException( "The box at " + Arrays.toString( min ) + " of size "
						+ Arrays.toString( size ) + " is not inside the array " + Arrays.toString( shape ) );
			total *= size[ i ];
		}
		final float[] out = new float[ Math.toIntExact( total ) ];
		final long[] first = new long[ n ], last = new long[ n ], g = new long[ n ];
		for ( int i = 0; i < n; i++ )
		{
			first[ i ] = min[ i ] / chunks[ i ];
			last[ i ] = ( min[ i ] + size[ i ] - 1 ) / chunks[ i ];
		}
		System.arraycopy( first, 0, g, 0, n );
		while ( true )
		{
			copyFromChunk( g, loader.apply( g.clone() ), min, size, out );
			int i = n - 1;
			while ( i >= 0 && ++g[ i ] > last[ i ] )
				g[ i-- ] = first[ i + 1 ];
			if ( i < 0 )
				return out;
		}
	}

	/** Copies the part of chunk {@code g} that lies in the box into {@code out} (C order); a null chunk gives the fill value. */
	private void copyFromChunk( final long[] g, final Object chunk, final long[] min, final int[] size,
			final float[] out )
	{
		final int n = shape.length;
		final long[] lo = new long[ n ], hi = new long[ n ];
		for ( int i = 0; i < n; i++ )
		{
			lo[ i ] = Math.max( min[ i ], g[ i ] * chunks[ i ] );
			hi[ i ] = Math.min( min[ i ] + size[ i ], ( g[ i ] + 1 ) * chunks[ i ] ); // exclusive
		}
		final long[] p = lo.clone();
		final int rowLength = ( int ) ( hi[ n - 1 ] - lo[ n - 1 ] );
		final float f = ( float ) fill;
		while ( true )
		{
			int src = 0, dst = 0;
			for ( int i = 0; i < n; i++ )
			{
				src = src * chunks[ i ] + ( int ) ( p[ i ] - g[ i ] * chunks[ i ] );
				dst = dst * size[ i ] + ( int ) ( p[ i ] - min[ i ] );
			}
			if ( chunk == null )
				Arrays.fill( out, dst, dst + rowLength, f );
			else
				for ( int k = 0; k < rowLength; k++ )
					out[ dst + k ] = type.get( chunk, src + k );
			int i = n - 2;
			while ( i >= 0 && ++p[ i ] >= hi[ i ] )
				p[ i ] = lo[ i-- ];
			if ( i < 0 )
				return;
		}
	}

	/** Deletes temporary chunk files that killed writers left behind ({@link ChunkFiles#removeStalePartials}); returns how many. */
	public int removeStalePartials() throws IOException
	{
		return ChunkFiles.removeStalePartials( dir );
	}
}
