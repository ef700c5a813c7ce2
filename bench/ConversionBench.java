import fiji.plugin.autoencoder.convert.ImagePlusImages;
import fiji.plugin.autoencoder.convert.ImageTensors;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.TensorReader;
import fiji.plugin.autoencoder.convert.TensorWriter;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

/**
 * Throughput of ImagePlus to channels-last float[] and back, next to a plain
 * System.arraycopy of the same source bytes. Run with bench/run-conversion-bench.sh.
 * GB/s counts the image's own bytes (2 per 16-bit pixel, 1 per 8-bit channel value).
 */
public class ConversionBench
{
	interface Job
	{
		void run();
	}

	/** Best seconds per run over about {@code budgetSeconds}, after a warm-up. */
	static double time( final Job job, final double budgetSeconds )
	{
		for ( int i = 0; i < 3; i++ )
			job.run();
		double best = Double.MAX_VALUE;
		final long end = System.nanoTime() + ( long ) ( budgetSeconds * 1e9 );
		int runs = 0;
		while ( System.nanoTime() < end || runs < 5 )
		{
			final long t0 = System.nanoTime();
			job.run();
			best = Math.min( best, ( System.nanoTime() - t0 ) * 1e-9 );
			runs++;
		}
		return best;
	}

	static void report( final String name, final long bytes, final double seconds, final double arraycopySeconds )
	{
		final double gbs = bytes / seconds / 1e9, copy = bytes / arraycopySeconds / 1e9;
		System.out.printf( "%-44s %7.2f GB/s   arraycopy %7.2f GB/s   ratio %.2f%n", name, gbs, copy, gbs / copy );
	}

	public static void main( final String[] args )
	{
		final double budget = 2.5;

		// 4096 x 4096 16-bit
		final int n = 4096;
		final ShortProcessor sp = new ShortProcessor( n, n );
		final short[] pixels = ( short[] ) sp.getPixels();
		for ( int i = 0; i < pixels.length; i++ )
			pixels[ i ] = ( short ) ( i * 2654435761L >>> 20 );
		final ImagePlus gray = new ImagePlus( "gray16", sp );
		final TensorReader reader = ImageTensors.reader( gray );
		final float[] hw = new float[ n * n ];
		final ImagePlus grayOut = ImagePlusImages.createOutput( gray, OutputType.SAME_AS_INPUT, 1, "out" );
		final TensorWriter writer = ImageTensors.writer( grayOut );
		final short[] copyTarget = new short[ pixels.length ];
		final long bytes16 = 2L * pixels.length;
		final double copy16 = time( () -> System.arraycopy( pixels, 0, copyTarget, 0, pixels.length ), budget );
		report( "4096x4096 16-bit  ImagePlus -> float[]", bytes16, time( () -> reader.read2D( 0, 0, n, n, 0, 0, hw, 0 ), budget ), copy16 );
		report( "4096x4096 16-bit  float[] -> ImagePlus", bytes16, time( () -> writer.write2D( hw, 0, 0, 0, n, n, 0, 0 ), budget ), copy16 );
		report( "4096x4096 16-bit  corner tile 576^2 (mirror)", bytes16,
				time( () -> reader.read2D( -32, -32, 576, 576, 0, 0, hw, 0 ), budget ) * ( n * n ) / ( 576.0 * 576 ), copy16 );

		// 2048 x 2048 x 3 channels, 8-bit hyperstack
		final int m = 2048;
		final ImageStack stack = new ImageStack( m, m );
		final byte[][] planes = new byte[ 3 ][];
		for ( int c = 0; c < 3; c++ )
		{
			final ByteProcessor bp = new ByteProcessor( m, m );
			planes[ c ] = ( byte[] ) bp.getPixels();
			for ( int i = 0; i < planes[ c ].length; i++ )
				planes[ c ][ i ] = ( byte ) ( i * 31 + c * 7 );
			stack.addSlice( bp );
		}
		final ImagePlus color = new ImagePlus( "three", stack );
		color.setDimensions( 3, 1, 1 );
		final TensorReader reader3 = ImageTensors.reader( color );
		final float[] hwc = new float[ m * m * 3 ];
		final TensorWriter writer3 = ImageTensors.writer( ImagePlusImages.createOutput( color, OutputType.SAME_AS_INPUT, 3, "out" ) );
		final byte[][] copies = new byte[ 3 ][ m * m ];
		final long bytes3 = 3L * m * m;
		final double copy3 = time( () -> {
			for ( int c = 0; c < 3; c++ )
				System.arraycopy( planes[ c ], 0, copies[ c ], 0, m * m );
		}, budget );
		report( "2048x2048x3 8-bit ImagePlus -> float[] (HWC)", bytes3, time( () -> reader3.read2D( 0, 0, m, m, 0, 0, hwc, 0 ), budget ), copy3 );
		report( "2048x2048x3 8-bit float[] (HWC) -> ImagePlus", bytes3, time( () -> writer3.write2D( hwc, 0, 0, 0, m, m, 0, 0 ), budget ), copy3 );
	}
}
