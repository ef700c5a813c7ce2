import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * The inputs of bench/run-bad-inputs.sh, and its rows that only a SciJava
 * command reaches (no plain-ImageJ entry point trains a segmenter).
 * <p>
 * {@code setup DIR}: writes the bad inputs into DIR.
 * {@code model-variants MODEL DIR}: copies of a model file without normalization.json and with an unknown key in it.
 * {@code command CASE DIR}: runs one command headless; prints its error and exits 1 when it was refused.
 */
public final class BadInputs
{
	public static void main( final String[] args ) throws Exception
	{
		final Path dir = Paths.get( args[ args.length - 1 ] );
		switch ( args[ 0 ] )
		{
		case "setup":
			setup( dir );
			break;
		case "model-variants":
			modelVariants( Paths.get( args[ 1 ] ), dir );
			break;
		case "command":
			System.exit( command( args[ 1 ], dir ) );
			break;
		default:
			throw new IllegalArgumentException( args[ 0 ] );
		}
	}

	static float[] noisy( final int w, final int h, final long seed )
	{
		final SplittableRandom r = new SplittableRandom( seed );
		final float[] px = new float[ w * h ];
		for ( int y = 0; y < h; y++ )
			for ( int x = 0; x < w; x++ )
				px[ y * w + x ] = ( float ) ( 40 + 30 * Math.sin( x / 9.0 ) * Math.cos( y / 13.0 ) + 8 * r.nextGaussian() );
		return px;
	}

	static void save( final Path f, final ImagePlus imp ) throws IOException
	{
		if ( !new FileSaver( imp ).saveAsTiff( f.toString() ) )
			throw new IOException( "cannot write " + f );
	}

	static void setup( final Path dir ) throws IOException
	{
		Files.createDirectories( dir.resolve( "in" ) );
		save( dir.resolve( "train.tif" ), new ImagePlus( "train", new FloatProcessor( 128, 128, noisy( 128, 128, 1 ) ) ) );
		save( dir.resolve( "in/a.tif" ), new ImagePlus( "a", new FloatProcessor( 128, 128, noisy( 128, 128, 2 ) ) ) );
		save( dir.resolve( "big.tif" ), new ImagePlus( "big", new FloatProcessor( 2048, 2048, noisy( 2048, 2048, 3 ) ) ) );
		for ( final float bad : new float[] { Float.NaN, Float.POSITIVE_INFINITY } )
		{
			final float[] px = noisy( 128, 128, 4 );
			px[ 128 * 20 + 30 ] = bad;
			save( dir.resolve( Float.isNaN( bad ) ? "nan.tif" : "inf.tif" ), new ImagePlus( "bad", new FloatProcessor( 128, 128, px ) ) );
		}
		final ByteProcessor flat = new ByteProcessor( 128, 128 );
		flat.setValue( 7 );
		flat.fill();
		save( dir.resolve( "constant.tif" ), new ImagePlus( "constant", flat ) );
		final byte[] full = Files.readAllBytes( dir.resolve( "in/a.tif" ) );
		Files.write( dir.resolve( "truncated.tif" ), Arrays.copyOf( full, full.length / 2 ) );
		Files.createDirectories( dir.resolve( "in-truncated" ) );
		Files.write( dir.resolve( "in-truncated/cut.tif" ), Arrays.copyOf( full, full.length / 2 ) );
		Files.write( dir.resolve( "double.tif" ), tiff64( 64, 64 ) );
		Files.createDirectories( dir.resolve( "empty-folder" ) );
		Files.createDirectories( dir.resolve( "text-folder" ) );
		Files.write( dir.resolve( "text-folder/notes.txt" ), "no images here\n".getBytes() );
		Files.createDirectories( dir.resolve( "a-folder" ) );
		final ByteProcessor labels = new ByteProcessor( 128, 128 );
		for ( int i = 0; i < 128 * 128; i++ )
			labels.set( i, 1 + ( i / 128 / 32 ) ); // labels 1..4, no 0
		save( dir.resolve( "labels-no-zero.tif" ), new ImagePlus( "labels", labels ) );
	}

	/** A little-endian TIFF of 64-bit float samples, as numpy + tifffile write a float64 array. */
	static byte[] tiff64( final int w, final int h )
	{
		final int entries = 9, ifd = 8, data = ifd + 2 + 12 * entries + 4, bytes = w * h * 8;
		final ByteBuffer b = ByteBuffer.allocate( data + bytes ).order( ByteOrder.LITTLE_ENDIAN );
		b.put( ( byte ) 'I' ).put( ( byte ) 'I' ).putShort( ( short ) 42 ).putInt( ifd ).putShort( ( short ) entries );
		final int[][] tags = { { 256, 3, w }, { 257, 3, h }, { 258, 3, 64 }, { 259, 3, 1 }, { 262, 3, 1 }, { 273, 4, data }, { 277, 3, 1 }, { 279, 4, bytes }, { 339, 3, 3 } };
		for ( final int[] t : tags )
		{
			b.putShort( ( short ) t[ 0 ] ).putShort( ( short ) t[ 1 ] ).putInt( 1 );
			if ( t[ 1 ] == 3 )
				b.putShort( ( short ) t[ 2 ] ).putShort( ( short ) 0 );
			else
				b.putInt( t[ 2 ] );
		}
		b.putInt( 0 );
		for ( int i = 0; i < w * h; i++ )
			b.putDouble( i % 200 );
		return b.array();
	}

	static void modelVariants( final Path model, final Path dir ) throws IOException
	{
		rewrite( model, dir.resolve( "no-normalization.aemodel.zip" ), null );
		rewrite( model, dir.resolve( "odd-normalization.aemodel.zip" ), "\"percentil_low\": 1," );
	}

	/** Copies the zip; normalization.json is left out (extraKey null) or gets the extra key. */
	static void rewrite( final Path from, final Path to, final String extraKey ) throws IOException
	{
		try ( ZipInputStream in = new ZipInputStream( Files.newInputStream( from ) ); ZipOutputStream out = new ZipOutputStream( Files.newOutputStream( to ) ) )
		{
			for ( ZipEntry e; ( e = in.getNextEntry() ) != null; )
			{
				byte[] data = in.readAllBytes();
				if ( e.getName().equals( "normalization.json" ) )
				{
					if ( extraKey == null )
						continue;
					data = new String( data, "UTF-8" ).replaceFirst( "\\{", "{ " + extraKey ).getBytes( "UTF-8" );
				}
				out.putNextEntry( new ZipEntry( e.getName() ) );
				out.write( data );
				out.closeEntry();
			}
		}
	}

	/** The SciJava rows: a label image without 0 as a segmenter's mask; an empty image to denoise. */
	static int command( final String name, final Path dir ) throws Exception
	{
		try ( Context context = new Context() )
		{
			final CommandService commands = context.service( CommandService.class );
			final ImagePlus image = ij.IJ.openImage( dir.resolve( "train.tif" ).toString() );
			final CommandModule m;
			switch ( name )
			{
			case "label-no-zero":
				m = commands.run( fiji.plugin.autoencoder.commands.TrainSegmenterCommand.class, true, "input", image, "mask", ij.IJ.openImage( dir.resolve( "labels-no-zero.tif" ).toString() ),
						"model_file", dir.resolve( "seg.aemodel.zip" ).toFile(), "epochs", 1, "patches_per_epoch", 16, "patch_size", 32 ).get();
				break;
			case "empty-image":
				m = commands.run( fiji.plugin.autoencoder.commands.DenoiseImageCommand.class, true, "input", new ImagePlus(), "model_file", dir.resolve( "model.aemodel.zip" ).toFile(),
						"tile_size", 0 ).get();
				break;
			case "learning-rate-nan":
				m = commands.run( fiji.plugin.autoencoder.commands.TrainAutoencoderCommand.class, true, "input", image, "mode", "Denoise (self-supervised)", "model_file", dir.resolve( "nan-lr.aemodel.zip" ).toFile(),
						"learning_rate", Double.NaN, "epochs", 1, "show_plot", false ).get();
				break;
			case "no-improvement":
				m = commands.run( fiji.plugin.autoencoder.commands.TrainAutoencoderCommand.class, true, "input", image, "mode", "Denoise (self-supervised)", "model_file", dir.resolve( "never.aemodel.zip" ).toFile(),
						"learning_rate", 1e12, "epochs", 1, "patches_per_epoch", 32, "patch_size", 32, "batch_size", 8, "show_plot", false ).get();
				break;
			case "tile-size-negative":
				m = commands.run( fiji.plugin.autoencoder.commands.DenoiseImageCommand.class, true, "input", image, "model_file", dir.resolve( "model.aemodel.zip" ).toFile(), "tile_size", -5 ).get();
				break;
			default:
				throw new IllegalArgumentException( name );
			}
			if ( m.isCanceled() )
			{
				System.out.println( "Autoencoder command refused: " + m.getCancelReason() );
				return 1;
			}
			System.out.println( "Autoencoder command finished without error" );
			return 0;
		}
	}
}
