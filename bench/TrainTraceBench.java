import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Precision;
import fiji.plugin.autoencoder.model.Presets;

/**
 * Where a training step of the product's U-Nets spends its time: one FULL_TRACE run of the training step (batch 16 of
 * 64^2, as UNetSpeedBench trains; the MNIST nets at SpeedBench's batch of 28^2) after warm-up steps, per kernel type, in float32 and in bfloat16 mixed precision.
 * <pre>
 * java TrainTraceBench --net denoiser|segmenter|dense|conv_strided [--steps 10]
 * </pre>
 */
public class TrainTraceBench
{
	public static void main( final String[] args ) throws Exception
	{
		String net = "denoiser";
		int steps = 10;
		for ( int i = 0; i + 1 < args.length; i += 2 )
			switch ( args[ i ] )
			{
			case "--net": net = args[ i + 1 ]; break;
			case "--steps": steps = Integer.parseInt( args[ i + 1 ] ); break;
			default: throw new IllegalArgumentException( args[ i ] );
			}
		// the MNIST nets (dense, conv_strided) at their SpeedBench batch on 28x28 images, or the U-Nets
		final boolean mnist = net.equals( "dense" ) || net.equals( "conv_strided" );
		final int batch = net.equals( "dense" ) ? 128 : mnist ? 64 : 16, size = mnist ? 28 : 64;
		final Shape shape = Shape.of( batch, size, size, 1 );
		try ( Model m = Model.create( mnist ? Presets.byName( net ) : InferenceBench.spec( net ), 1, 2 );
				TFloat32 x = Model.tensor( UNetSpeedBench.smooth( batch, size, size, 1 ), shape ) )
		{
			for ( final Precision p : Precision.values() )
			{
				if ( net.equals( "dense" ) && p != Precision.FLOAT32 )
					continue; // bfloat16 training is refused for dense nets
				final String train = p.trainOp( m ), loss = p.trainingLoss();
				for ( int k = 0; k < steps; k++ )
					m.trainStep( train, loss, x, x, null );
				final Map< String, double[] > byOp = new TreeMap<>();
				double total = 0;
				try ( Result r = m.session().runner().feed( Endpoints.INPUT, x ).feed( Endpoints.TARGET, x ).addTarget( train ).fetch( loss )
						.setOptions( RunOptions.newBuilder().setTraceLevel( RunOptions.TraceLevel.FULL_TRACE ).build() ).runAndFetchMetadata() )
				{
					for ( final DeviceStepStats d : r.getMetadata().get().getStepStats().getDevStatsList() )
						for ( final NodeExecStats n : d.getNodeStatsList() )
						{
							final String op = InferenceBench.opName( n );
							final double[] t = byOp.computeIfAbsent( op, k -> new double[ 2 ] );
							t[ 0 ]++;
							t[ 1 ] += n.getAllEndRelMicros();
							total += n.getAllEndRelMicros();
							if ( System.getProperty( "nodes" ) != null && op.contains( "Conv" ) )
								System.out.println( String.format( Locale.ROOT, "#     node %-60s %-40s %8.2f", n.getNodeName(), op, n.getAllEndRelMicros() / 1e3 ) );
						}
				}
				System.out.println( String.format( Locale.ROOT, "# %s %s: one traced training step, kernel time %.1f ms; op type, count, ms", net, p.key, total / 1e3 ) );
				byOp.entrySet().stream().sorted( ( a, b ) -> Double.compare( b.getValue()[ 1 ], a.getValue()[ 1 ] ) )
						.forEach( e -> System.out.println( String.format( Locale.ROOT, "#   %-36s %4.0f %9.2f", e.getKey(), e.getValue()[ 0 ], e.getValue()[ 1 ] / 1e3 ) ) );
			}
		}
		System.exit( 0 );
	}
}
