package fiji.plugin.autoencoder.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

import fiji.plugin.autoencoder.model.CheckpointRestore;

/**
 * Reads the variable values of a TensorFlow checkpoint in plain Java, so no
 * byte of a model file reaches TensorFlow's own checkpoint reader. A
 * checkpoint (tensor bundle) is {@code variables.index}, a LevelDB-format
 * table mapping each tensor name to a {@code BundleEntryProto} (dtype, shape,
 * shard, offset, size, CRC32C), plus data shards
 * {@code variables.data-0000k-of-0000n} with the raw little-endian values.
 * <p>
 * Everything is checked: the table's magic number and block checksums, the
 * header, each entry's dtype (float32 or int64), shape, byte size and place
 * in its shard, and each value's CRC32C. A damaged checkpoint gives an
 * {@link IOException} naming the problem; the reader never allocates more than
 * the files' own size.
 */
final class CheckpointReader
{
	private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;

	private static final int FOOTER = 48;

	private static final int BLOCK_TRAILER = 5;

	private static final int MASK_DELTA = 0xa282ead8;

	static final String INDEX = "variables.index";

	private CheckpointReader()
	{}

	/**
	 * The tensors of the checkpoint whose files (by name, as in
	 * {@code saved_model/variables/}) are given.
	 *
	 * @throws IOException naming what is damaged
	 */
	static Map< String, CheckpointRestore.Value > read( final Map< String, byte[] > files ) throws IOException
	{
		final byte[] index = files.get( INDEX );
		if ( index == null )
			throw new IOException( "it has no checkpoint (saved_model/variables/" + INDEX + ")" );
		final Map< String, byte[] > table = table( index );
		final byte[] headerBytes = table.remove( "" );
		if ( headerBytes == null )
			throw new IOException( "its checkpoint index has no header" );
		final BundleHeaderProto header = BundleHeaderProto.parseFrom( headerBytes );
		if ( header.getEndianness() != BundleHeaderProto.Endianness.LITTLE )
			throw new IOException( "its checkpoint was written big-endian, which this plugin does not read" );
		final int shards = header.getNumShards();
		if ( shards < 1 || shards > files.size() )
			throw new IOException(
					"its checkpoint index names " + shards + " data shard(s), the file has " + ( files.size() - 1 ) );
		final byte[][] data = new byte[ shards ][];
		for ( int i = 0; i < shards; i++ )
		{
			final String name = String.format( Locale.ROOT, "variables.data-%05d-of-%05d", i, shards );
			data[ i ] = files.get( name );
			if ( data[ i ] == null )
				throw new IOException( "its checkpoint lacks the data file saved_model/variables/" + name );
		}
		final Map< String, CheckpointRestore.Value > values = new LinkedHashMap<>();
		for ( final Map.Entry< String, byte[] > e : table.entrySet() )
			values.put( e.getKey(), value( e.getKey(), BundleEntryProto.parseFrom( e.getValue() ), data ) );
		return values;
	}

	private static CheckpointRestore.Value value( final String name, final BundleEntryProto entry, final byte[][] data )
			throws IOException
	{
		final String what = "checkpoint tensor '" + name + "'";
		final int elementBytes = entry.getDtype() == DataType.DT_FLOAT ? 4
				: entry.getDtype() == DataType.DT_INT64 ? 8 : -1;
		if ( elementBytes < 0 )
			throw new IOException( "its " + what + " has type " + entry.getDtype()
					+ "; this plugin's models hold float32 and int64 values only" );
		if ( entry.getSlicesCount() > 0 )
			throw new IOException( "its " + what + " is partitioned into slices, which this plugin never writes" );
		final TensorShapeProto shapeProto = entry.getShape();
		if ( shapeProto.getUnknownRank() || shapeProto.getDimCount() > 8 )
			throw new IOException( "its " + what + " has an invalid shape" );
		final long[] shape = new long[ shapeProto.getDimCount() ];
		long count = 1;
		for ( int i = 0; i < shape.length; i++ )
		{
			shape[ i ] = shapeProto.getDim( i ).getSize();
			if ( shape[ i ] < 0 || shape[ i ] > Integer.MAX_VALUE )
				throw new IOException( "its " + what + " has an invalid size " + shape[ i ] );
			count *= shape[ i ];
			if ( count > Integer.MAX_VALUE )
				throw new IOException( "its " + what + " is too large" );
		}
		final int shard = entry.getShardId();
		if ( shard < 0 || shard >= data.length )
			throw new IOException( "its " + what + " lies in data shard " + shard + " of " + data.length );
		final long offset = entry.getOffset(), size = entry.getSize();
		if ( size != count * elementBytes || offset < 0 || offset + size > data[ shard ].length )
			throw new IOException( "its " + what + " (" + count + " values, " + size + " bytes at " + offset
					+ ") does not fit its data file of " + data[ shard ].length + " bytes" );
		final CRC32C crc = new CRC32C();
		crc.update( data[ shard ], ( int ) offset, ( int ) size );
		if ( mask( ( int ) crc.getValue() ) != entry.getCrc32C() )
			throw new IOException( "the values of its " + what + " fail their checksum" );
		final ByteBuffer bytes = ByteBuffer.wrap( data[ shard ], ( int ) offset, ( int ) size ).slice()
				.order( ByteOrder.LITTLE_ENDIAN );
		return new CheckpointRestore.Value( entry.getDtype(), shape, bytes );
	}

	// -- the LevelDB table format (TensorFlow's lib/io/table) --

	/** All key/value pairs of the table, in order. */
	static Map< String, byte[] > table( final byte[] file ) throws IOException
	{
		if ( file.length < FOOTER )
			throw new IOException( "its checkpoint index is truncated (" + file.length + " bytes)" );
		final Cursor footer = new Cursor( file, file.length - FOOTER, file.length );
		if ( ByteBuffer.wrap( file, file.length - 8, 8 ).order( ByteOrder.LITTLE_ENDIAN ).getLong() != TABLE_MAGIC )
			throw new IOException( "its checkpoint index is not a TensorFlow table (bad magic number)" );
		footer.handle( file.length ); // the meta-index block, unused
		final long[] indexHandle = footer.handle( file.length );
		final Map< String, byte[] > out = new LinkedHashMap<>();
		for ( final byte[] handle : entries( block( file, indexHandle ) ).values() )
		{
			final Cursor c = new Cursor( handle, 0, handle.length );
			for ( final Map.Entry< String, byte[] > e : entries( block( file, c.handle( file.length ) ) ).entrySet() )
				if ( out.put( e.getKey(), e.getValue() ) != null )
					throw new IOException( "its checkpoint index names tensor '" + e.getKey() + "' twice" );
		}
		return out;
	}

	/** The contents of a block, after checking its trailer's CRC32C and that it is uncompressed. */
	private static Cursor block( final byte[] file, final long[] handle ) throws IOException
	{
		final long start = handle[ 0 ], size = handle[ 1 ];
		if ( start < 0 || size < 0 || start + size + BLOCK_TRAILER > file.length - FOOTER )
			throw new IOException( "its checkpoint index is damaged (a block lies outside the file)" );
		final int s = ( int ) start, n = ( int ) size;
		final CRC32C crc = new CRC32C();
		crc.update( file, s, n + 1 );
		final int stored = ByteBuffer.wrap( file, s + n + 1, 4 ).order( ByteOrder.LITTLE_ENDIAN ).getInt();
		if ( mask( ( int ) crc.getValue() ) != stored )
			throw new IOException( "its checkpoint index is damaged (a block fails its checksum)" );
		if ( file[ s + n ] != 0 )
			throw new IOException( "its checkpoint index is compressed, which this plugin never writes" );
		return new Cursor( file, s, s + n );
	}

	/** The entries of a block: prefix-compressed keys, then a restart array. */
	private static Map< String, byte[] > entries( final Cursor block ) throws IOException
	{
		final int length = block.end - block.pos;
		if ( length < 4 )
			throw new IOException( "its checkpoint index has a truncated block" );
		final int restarts = ByteBuffer.wrap( block.data, block.end - 4, 4 ).order( ByteOrder.LITTLE_ENDIAN ).getInt();
		if ( restarts < 0 || restarts > ( length - 4 ) / 4 )
			throw new IOException( "its checkpoint index has a damaged block" );
		final Cursor c = new Cursor( block.data, block.pos, block.end - 4 - 4 * restarts );
		final Map< String, byte[] > out = new LinkedHashMap<>();
		byte[] key = new byte[ 0 ];
		while ( c.pos < c.end )
		{
			final int shared = c.varint32(), unshared = c.varint32(), valueLength = c.varint32();
			if ( shared > key.length )
				throw new IOException( "its checkpoint index has a damaged key" );
			final byte[] k = new byte[ shared + unshared ];
			System.arraycopy( key, 0, k, 0, shared );
			System.arraycopy( c.take( unshared ), 0, k, shared, unshared );
			key = k;
			if ( out.put( new String( k, java.nio.charset.StandardCharsets.UTF_8 ), c.take( valueLength ) ) != null )
				throw new IOException( "its checkpoint index has a key twice" );
		}
		return out;
	}

	/** TensorFlow's masked CRC32C (crc32c::Mask). */
	static int mask( final int crc )
	{
		return ( ( crc >>> 15 ) | ( crc << 17 ) ) + MASK_DELTA;
	}

	/** Reads varints and byte runs within bounds; anything past them is a damaged file. */
	private static final class Cursor
	{
		final byte[] data;

		int pos;

		final int end;

		Cursor( final byte[] data, final int pos, final int end ) throws IOException
		{
			if ( pos < 0 || end < pos || end > data.length )
				throw new IOException( "its checkpoint index is damaged (bad block layout)" );
			this.data = data;
			this.pos = pos;
			this.end = end;
		}

		long varint64() throws IOException
		{
			long v = 0;
			for ( int shift = 0; shift < 64; shift += 7 )
			{
				if ( pos >= end )
					throw new IOException( "its checkpoint index is damaged (a number runs past its block)" );
				final int b = data[ pos++ ];
				v |= ( long ) ( b & 0x7f ) << shift;
				if ( ( b & 0x80 ) == 0 )
					return v;
			}
			throw new IOException( "its checkpoint index is damaged (an overlong number)" );
		}

		int varint32() throws IOException
		{
			final long v = varint64();
			if ( v < 0 || v > Integer.MAX_VALUE )
				throw new IOException( "its checkpoint index is damaged (a length out of range)" );
			return ( int ) v;
		}

		long[] handle( final long limit ) throws IOException
		{
			final long offset = varint64(), size = varint64();
			if ( offset < 0 || size < 0 || offset > limit || size > limit )
				throw new IOException( "its checkpoint index is damaged (a block handle out of range)" );
			return new long[] { offset, size };
		}

		byte[] take( final int n ) throws IOException
		{
			if ( n < 0 || n > end - pos )
				throw new IOException( "its checkpoint index is damaged (an entry runs past its block)" );
			final byte[] b = java.util.Arrays.copyOfRange( data, pos, pos + n );
			pos += n;
			return b;
		}
	}
}
