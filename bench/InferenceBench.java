import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.model.Endpoints;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;

/**
 * Inference throughput of one network's graph under session variants, interleaved
 * round by round (variant A, B, C, A, B, C, ...) so all see the same machine load:
 * each variant is a session on the same graph with its own intra/inter-op threads
 * (and optionally XLA's global JIT), fed batches of tiles of one size. Reports per
 * variant the useful (core) megapixels per second of process CPU time and of wall
 * time, medians over rounds, and the forward GFLOP/s (FLOPs counted from the layer
 * shapes).
 * <pre>
 * java InferenceBench --net denoiser|segmenter --variants "intra,inter,batch,tile[,xla];..." [--rounds 5] [--seconds 3]
 * </pre>
 */
public class InferenceBench
{
	static final class Variant
	{
		int intra, inter, batch, tile;

		boolean xla;

		Session session;

		List< Double > cpuRate = new ArrayList<>(), wallRate = new ArrayList<>();

		@Override
		public String toString()
		{
			return String.format( Locale.ROOT, "intra %d inter %d batch %d tile %d%s", intra, inter, batch, tile, xla ? " xla" : "" );
		}
	}

	public static void main( final String[] args ) throws Exception
	{
		String net = "denoiser", variants = "2,1,1,512";
		int rounds = 5;
		boolean trace = false, sgemm = false;
		double seconds = 3;
		for ( int i = 0; i + 1 < args.length; i += 2 )
			switch ( args[ i ] )
			{
			case "--net": net = args[ i + 1 ]; break;
			case "--variants": variants = args[ i + 1 ]; break;
			case "--rounds": rounds = Integer.parseInt( args[ i + 1 ] ); break;
			case "--seconds": seconds = Double.parseDouble( args[ i + 1 ] ); break;
			case "--trace": trace = Boolean.parseBoolean( args[ i + 1 ] ); break;
			case "--sgemm": sgemm = Boolean.parseBoolean( args[ i + 1 ] ); break;
			default: throw new IllegalArgumentException( args[ i ] );
			}
		final ModelSpec spec = spec( net );
		final com.sun.management.OperatingSystemMXBean os = ( com.sun.management.OperatingSystemMXBean ) ManagementFactory.getOperatingSystemMXBean();
		try ( Model model = Model.create( spec, 1, 2 ) )
		{
			final int halo = model.halo();
			final List< Variant > vs = new ArrayList<>();
			for ( final String v : variants.split( ";" ) )
			{
				final String[] f = v.trim().split( "," );
				final Variant x = new Variant();
				x.intra = Integer.parseInt( f[ 0 ] );
				x.inter = Integer.parseInt( f[ 1 ] );
				x.batch = Integer.parseInt( f[ 2 ] );
				x.tile = Integer.parseInt( f[ 3 ] );
				x.xla = f.length > 4 && f[ 4 ].equals( "xla" );
				ConfigProto.Builder c = ConfigProto.newBuilder().setIntraOpParallelismThreads( x.intra ).setInterOpParallelismThreads( x.inter ).setAllowSoftPlacement( true );
				if ( x.xla )
					c.setGraphOptions( GraphOptions.newBuilder().setOptimizerOptions( OptimizerOptions.newBuilder().setGlobalJitLevel( OptimizerOptions.GlobalJitLevel.ON_1 ) ) );
				x.session = new Session( model.graph(), c.build() );
				x.session.initialize();
				vs.add( x );
			}
			System.out.println( String.format( Locale.ROOT, "# net %s (layers %s, convs/level %d), halo %d, forward %.1f kFLOP per pixel", net, Arrays.toString( spec.layers ), spec.convsPerLevel, halo,
					flopsPerPixel( spec ) / 1e3 ) );
			if ( trace )
				trace( vs.get( 0 ) );
			for ( final Variant v : vs ) // warm-up: graph optimisation, allocator, XLA compile
				run( v, 2 );
			for ( int r = 0; r < rounds; r++ )
				for ( final Variant v : vs )
				{
					int runs = 0;
					final long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
					while ( runs == 0 || System.nanoTime() - w0 < seconds * 1e9 )
					{
						run( v, 1 );
						runs++;
					}
					final double cpu = ( os.getProcessCpuTime() - c0 ) * 1e-9, wall = ( System.nanoTime() - w0 ) * 1e-9;
					final double core = Math.max( 0, v.tile - 2 * halo );
					final double mpix = runs * ( double ) v.batch * core * core / 1e6;
					v.cpuRate.add( mpix / cpu );
					v.wallRate.add( mpix / wall );
				}
			if ( sgemm )
				sgemm( os, rounds, seconds );
			System.out.println( "| variant | core Mpixel / CPU s | core Mpixel / wall s | GFLOP/s (wall, whole tile) | GFLOP / CPU s (whole tile) |" );
			System.out.println( "|---|---:|---:|---:|---:|" );
			for ( final Variant v : vs )
			{
				final double core = v.tile - 2 * halo;
				final double w = median( v.wallRate );
				final double whole = 1e6 * ( v.tile * ( double ) v.tile / ( core * core ) ) * flopsPerPixel( spec ) / 1e9;
				System.out.println( String.format( Locale.ROOT, "| %s | %.3f | %.3f | %.1f | %.1f |", v, median( v.cpuRate ), w, w * whole, median( v.cpuRate ) * whole ) );
				v.session.close();
			}
		}
		System.exit( 0 );
	}

	static ModelSpec spec( final String net )
	{
		if ( net.equals( "denoiser" ) )
			return Presets.denoiser( 1 );
		if ( net.equals( "segmenter" ) )
		{
			final ModelSpec s = Presets.segmenter( 1 );
			s.layers = new int[] { 16, 32, 64, 128 }; // as Train Segmenter builds it (SegmenterSettings)
			s.convsPerLevel = 2;
			return s.validate();
		}
		throw new IllegalArgumentException( "--net denoiser or segmenter" );
	}

	/** Forward FLOPs (2 x multiply-adds) per input pixel of a conv_pool U-Net as ConvLayers builds it; pooling, upsampling, bias and activations not counted. */
	static double flopsPerPixel( final ModelSpec s )
	{
		final int k2 = s.kernel * s.kernel, convs = Math.max( 1, s.convsPerLevel ), levels = s.layers.length, skip = s.skipConnections ? 2 : 1;
		final int[] c = s.layers;
		double f = 0;
		for ( int l = 0; l < levels; l++ )
			f += Math.pow( 4, -l ) * k2 * ( ( l == 0 ? s.channels : c[ l - 1 ] ) * ( double ) c[ l ] + ( convs - 1 ) * ( double ) c[ l ] * c[ l ] );
		for ( int l = levels - 1; l >= 0; l-- )
		{
			final int cin = l == levels - 1 ? c[ levels - 1 ] : ( convs > 1 ? c[ l + 1 ] : c[ l + 1 ] * skip );
			f += Math.pow( 4, -( l + 1 ) ) * k2 * cin * ( double ) c[ l ];
			for ( int j = 1; j < convs; j++ )
				f += Math.pow( 4, -l ) * k2 * ( j == 1 ? c[ l ] * skip : c[ l ] ) * ( double ) c[ l ];
		}
		f += k2 * ( double ) ( convs > 1 ? c[ 0 ] : c[ 0 ] * skip ) * s.outChannels();
		return 2 * f;
	}

	static void run( final Variant v, final int times )
	{
		final Shape shape = Shape.of( v.batch, v.tile, v.tile, 1 );
		final float[] data = new float[ ( int ) shape.size() ];
		for ( int i = 0; i < data.length; i++ )
			data[ i ] = ( float ) Math.sin( i * 0.01 );
		final float[] out = new float[ data.length ];
		for ( int t = 0; t < times; t++ )
			try ( TFloat32 in = Model.tensor( data, shape ); Result r = v.session.runner().feed( Endpoints.INPUT, in ).fetch( Endpoints.RECONSTRUCTION ).run() )
			{
				( ( TFloat32 ) r.get( 0 ) ).asRawTensor().data().asFloats().read( out, 0, Math.min( out.length, ( int ) r.get( 0 ).shape().size() ) );
			}
	}

	/** One traced run of the first variant: time per executed kernel type (shows whether Conv2D + BiasAdd + Relu ran fused). */
	static void trace( final Variant v )
	{
		run( v, 2 );
		final Shape shape = Shape.of( v.batch, v.tile, v.tile, 1 );
		final java.util.Map< String, double[] > byOp = new java.util.TreeMap<>();
		try ( TFloat32 in = Model.tensor( new float[ ( int ) shape.size() ], shape ); Result r = v.session.runner().feed( Endpoints.INPUT, in ).fetch( Endpoints.RECONSTRUCTION )
				.setOptions( org.tensorflow.proto.RunOptions.newBuilder().setTraceLevel( org.tensorflow.proto.RunOptions.TraceLevel.FULL_TRACE ).build() ).runAndFetchMetadata() )
		{
			for ( final org.tensorflow.proto.DeviceStepStats d : r.getMetadata().get().getStepStats().getDevStatsList() )
				for ( final org.tensorflow.proto.NodeExecStats n : d.getNodeStatsList() )
				{
					final String op = opName( n );
					final double[] t = byOp.computeIfAbsent( op, k -> new double[ 2 ] );
					t[ 0 ]++;
					t[ 1 ] += n.getAllEndRelMicros();
				}
		}
		System.out.println( "# traced kernels (" + v + "): op type, count, total ms" );
		byOp.forEach( ( k, t ) -> System.out.println( String.format( Locale.ROOT, "#   %-28s %3.0f %9.2f", k, t[ 0 ], t[ 1 ] / 1e3 ) ) );
	}

	/** The roof: TensorFlow's (oneDNN) sgemm of two 1024^2 matrices, 2 intra-op threads, GFLOP per CPU second and per wall second. */
	static void sgemm( final com.sun.management.OperatingSystemMXBean os, final int rounds, final double seconds )
	{
		final int n = 1024;
		try ( org.tensorflow.Graph g = new org.tensorflow.Graph() )
		{
			final org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create( g );
			final float[] a = new float[ n * n ];
			for ( int i = 0; i < a.length; i++ )
				a[ i ] = ( float ) Math.sin( i );
			final org.tensorflow.op.core.Placeholder< TFloat32 > x = tf.placeholder( TFloat32.class );
			final org.tensorflow.op.linalg.MatMul< TFloat32 > mm = tf.linalg.matMul( x, x );
			final List< Double > cpuR = new ArrayList<>(), wallR = new ArrayList<>();
			try ( Session s = new Session( g, ConfigProto.newBuilder().setIntraOpParallelismThreads( 2 ).setInterOpParallelismThreads( 1 ).build() );
					TFloat32 in = Model.tensor( a, Shape.of( n, n ) ) )
			{
				for ( int r = -1; r < rounds; r++ )
				{
					int runs = 0;
					final long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
					while ( runs == 0 || System.nanoTime() - w0 < seconds * 1e9 )
					{
						try ( Result res = s.runner().feed( x, in ).fetch( mm ).run() )
						{
							runs++;
						}
					}
					final double gf = runs * 2.0 * n * n * n / 1e9;
					if ( r >= 0 ) // r = -1: warm-up
					{
						cpuR.add( gf / ( ( os.getProcessCpuTime() - c0 ) * 1e-9 ) );
						wallR.add( gf / ( ( System.nanoTime() - w0 ) * 1e-9 ) );
					}
				}
			}
			System.out.println( String.format( Locale.ROOT, "| sgemm 1024^3 (TF oneDNN, intra 2) | GFLOP / CPU s %.1f | GFLOP / wall s %.1f |", median( cpuR ), median( wallR ) ) );
		}
	}

	static double median( final List< Double > v )
	{
		final double[] s = v.stream().mapToDouble( Double::doubleValue ).sorted().toArray();
		return s.length % 2 == 1 ? s[ s.length / 2 ] : ( s[ s.length / 2 - 1 ] + s[ s.length / 2 ] ) / 2;
	}

	/** The kernel type of one traced node: the op in its timeline label ("name = Op(...)"), else the node's name. */
	static String opName( final org.tensorflow.proto.NodeExecStats n )
	{
		final String label = n.getTimelineLabel();
		final int eq = label.indexOf( " = " ), paren = label.indexOf( '(', Math.max( 0, eq ) );
		return eq >= 0 && paren > eq ? label.substring( eq + 3, paren ) : n.getNodeName();
	}
}
