import java.lang.management.ManagementFactory;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.ImagePlus;

/**
 * Inference speed of one network with a given halo (the same code, the same tiler, only the halo differs), as in
 * UNetSpeedBench's infer2d (2048^2 image) / infer3d (512x512x64 stack, plane by plane): ImageRunner.run with the
 * default memory budget, so TileSizing picks the tiles for that halo. One process per measurement (process CPU time).
 *
 * <pre>
 * java HaloSpeedBench --net segmenter|preset:segmenter|&lt;preset name&gt; --task infer2d|infer3d --halo N|model [--threads 2]
 * </pre>
 *
 * Prints {@code RESULT <net> <task> <halo> <Mpx per wall s> <Mpx per CPU s> <wall s> <cpu s>}.
 */
public class HaloSpeedBench
{
	public static void main( final String[] args ) throws Exception
	{
		String net = "segmenter", task = "infer2d", halo = "model";
		int threads = 2;
		for ( int i = 0; i < args.length; i += 2 )
			switch ( args[ i ] )
			{
			case "--net": net = args[ i + 1 ]; break;
			case "--task": task = args[ i + 1 ]; break;
			case "--halo": halo = args[ i + 1 ]; break;
			case "--threads": threads = Integer.parseInt( args[ i + 1 ] ); break;
			default: throw new IllegalArgumentException( "unknown option " + args[ i ] );
			}
		// "segmenter" is Train Segmenter's default U-Net (16-32-64-128, convs_per_level 2); other names are presets
		final ModelSpec spec = net.equals( "segmenter" ) ? InferenceBench.spec( net )
				: Presets.byName( net.startsWith( "preset:" ) ? net.substring( 7 ) : net );
		final com.sun.management.OperatingSystemMXBean os = ( com.sun.management.OperatingSystemMXBean ) ManagementFactory.getOperatingSystemMXBean();
		try ( Model model = Model.create( spec, 1, threads ) )
		{
			final int h = halo.equals( "model" ) ? model.halo() : Integer.parseInt( halo );
			final ImagePredictor p = withHalo( model, h );
			final ImagePlus imp = UNetSpeedBench.image( task );
			final ImageRunner.Options o = new ImageRunner.Options();
			ImageRunner.run( p, Normalization.none(), UNetSpeedBench.crop( imp ), OutputType.FLOAT_32, "w", false, o, Progress.none() ); // warm-up
			final long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
			ImageRunner.run( p, Normalization.none(), imp, OutputType.FLOAT_32, "out", false, o, Progress.none() );
			final double wall = ( System.nanoTime() - w0 ) * 1e-9, cpu = ( os.getProcessCpuTime() - c0 ) * 1e-9, mpx = UNetSpeedBench.megapixels( imp );
			System.out.println( String.format( java.util.Locale.ROOT, "RESULT %s %s %d %.3f %.3f %.2f %.2f", net, task, h, mpx / wall, mpx / cpu, wall, cpu ) );
		}
	}

	/** The model with another halo; everything else (activation memory for TileSizing included) delegated. */
	static ImagePredictor withHalo( final Model m, final int halo )
	{
		return new ImagePredictor()
		{
			@Override public int spatialDims() { return m.spatialDims(); }
			@Override public int inputChannels() { return m.inputChannels(); }
			@Override public int outputChannels() { return m.outputChannels(); }
			@Override public int sizeMultiple() { return m.sizeMultiple(); }
			@Override public int halo() { return halo; }
			@Override public int[] fixedSpatialShape() { return m.fixedSpatialShape(); }
			@Override public long activationBytesPerPixel() { return m.activationBytesPerPixel(); }
			@Override public void predict( final float[] input, final float[] output, final int batch, final int[] spatial ) { m.predict( input, output, batch, spatial ); }
		};
	}
}
