package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AllocationRecord;
import org.tensorflow.proto.AllocatorMemoryUsed;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.model.ModelSpec.Activation;
import fiji.plugin.autoencoder.model.ModelSpec.Kind;
import fiji.plugin.autoencoder.model.ModelSpec.Unpooling;

/**
 * {@link ModelSpec#activationBytesPerPixel()} against the real peak: TensorFlow's allocator records (every
 * allocation and release of one traced prediction run, outputs and temporaries, in time order) plus the fed input,
 * for the nets the plugin builds, less 64 KiB of allocations that do not grow with the tile. The estimate must be an
 * upper bound, and at most 1.3x the measured peak, so that
 * the tiler's memory budget buys tiles as large as the budget really allows.
 */
class ActivationMemoryTest
{
	/** Allocations whose size does not grow with the tile, which the per-pixel estimate leaves out. */
	private static final long FIXED_BYTES = 64 << 10;

	@Test
	void theEstimateBoundsTheMeasuredPeakWithin30Percent()
	{
		final List< String > lines = new ArrayList<>();
		final List< String > failures = new ArrayList<>();
		for ( final Object[] net : nets() )
		{
			final ModelSpec spec = ( ModelSpec ) net[ 1 ];
			final int[] spatial = ( int[] ) net[ 2 ];
			double pixels = 1;
			for ( final int v : spatial )
				pixels *= v;
			// tensors of a fixed size (shapes, oneDNN's 12 KB scratchpad per convolution) are no activations per pixel
			final double measured = ( measuredPeakBytes( spec, spatial ) - FIXED_BYTES ) / pixels;
			final double estimate = spec.activationBytesPerPixel();
			final String line = String.format( Locale.ROOT, "%-24s measured %8.3f B/px, estimate %6.1f (%.3fx)",
					net[ 0 ], measured, estimate, estimate / measured );
			lines.add( line );
			if ( estimate < measured || estimate > 1.3 * measured )
				failures.add( line );
		}
		lines.forEach( System.out::println );
		assertTrue( failures.isEmpty(), "estimate not within [1, 1.3] x measured peak: " + failures );
	}

	private static List< Object[] > nets()
	{
		final List< Object[] > n = new ArrayList<>();
		final int[] tile = { 192, 192 };
		n.add( new Object[] { "denoiser", Presets.denoiser( 1 ), tile } );
		final ModelSpec seg = Presets.segmenter( 1 );
		seg.layers = new int[] { 16, 32, 64, 128 }; // as Train Segmenter builds it
		seg.convsPerLevel = 2;
		n.add( new Object[] { "segmenter 4 levels", seg.validate(), tile } );
		final ModelSpec bn = Presets.segmenter( 1 );
		bn.convsPerLevel = 2;
		bn.batchNorm = true;
		n.add( new Object[] { "segmenter batch_norm", bn.validate(), tile } );
		final ModelSpec classes = Presets.segmenter( 3 );
		classes.outputChannels = 4;
		classes.outputActivation = Activation.SOFTMAX;
		n.add( new Object[] { "segmenter 3 in, softmax 4", classes.validate(), tile } );
		final ModelSpec blur = Presets.anomalyDetector( 1 );
		blur.residualBlur = 1.5;
		n.add( new Object[] { "anomaly residual blur", blur.validate(), tile } );
		final ModelSpec n2v2 = Presets.denoiser( 1 );
		n2v2.topSkip = false;
		n.add( new Object[] { "denoiser top_skip false", n2v2.validate(), tile } );
		n.add( new Object[] { "conv_pool zero-fill", fullyConvolutional( Presets.convPool( Unpooling.ZERO_FILL ) ),
				tile } );
		n.add( new Object[] { "conv_strided", fullyConvolutional( Presets.convStrided() ), tile } );
		n.add( new Object[] { "denoiser3d", Presets.denoiser3d( 1 ), new int[] { 32, 64, 64 } } );
		final ModelSpec unet3d = Presets.denoiser3d( 1 );
		unet3d.skipConnections = true;
		unet3d.poolZ = new boolean[] { false, true };
		n.add( new Object[] { "3D U-Net, pool_z", unet3d.validate(), new int[] { 16, 64, 64 } } );
		n.add( new Object[] { "conv3d strided", Presets.conv3d(), new int[] { 32, 64, 64 } } );
		return n;
	}

	private static ModelSpec fullyConvolutional( final ModelSpec s )
	{
		if ( s.kind == Kind.DENSE || s.codeSize > 0 )
			throw new IllegalArgumentException( "not fully convolutional" );
		return s;
	}

	/**
	 * The peak of TensorFlow's live bytes in one traced prediction (after two untraced runs that create oneDNN's
	 * primitives), from the allocation records in time order (allocations before releases of the same microsecond),
	 * plus the fed input tensor.
	 */
	static long measuredPeakBytes( final ModelSpec spec, final int[] spatial )
	{
		final long[] dims = new long[ spatial.length + 2 ];
		dims[ 0 ] = 1;
		for ( int d = 0; d < spatial.length; d++ )
			dims[ d + 1 ] = spatial[ d ];
		dims[ dims.length - 1 ] = spec.channels;
		final Shape shape = Shape.of( dims );
		final float[] data = new float[ ( int ) shape.size() ];
		for ( int i = 0; i < data.length; i++ )
			data[ i ] = ( float ) Math.sin( i * 0.01 );
		try ( Model model = Model.create( spec, 1, 2 ) )
		{
			for ( int r = 0; r < 2; r++ )
				try ( TFloat32 in = Model.tensor( data, shape );
						Result res = model.session().runner().feed( Endpoints.INPUT, in )
								.fetch( Endpoints.RECONSTRUCTION ).run() )
				{}
			final List< long[] > records = new ArrayList<>();
			try ( TFloat32 in = Model.tensor( data, shape );
					Result res = model.session().runner().feed( Endpoints.INPUT, in ).fetch( Endpoints.RECONSTRUCTION )
							.setOptions( RunOptions.newBuilder().setTraceLevel( RunOptions.TraceLevel.FULL_TRACE )
									.build() )
							.runAndFetchMetadata() )
			{
				for ( final DeviceStepStats d : res.getMetadata().get().getStepStats().getDevStatsList() )
					for ( final NodeExecStats n : d.getNodeStatsList() )
						for ( final AllocatorMemoryUsed m : n.getMemoryList() )
							for ( final AllocationRecord a : m.getAllocationRecordsList() )
								records.add( new long[] { a.getAllocMicros(), a.getAllocBytes() } );
			}
			assertTrue( records.size() > 10, "TensorFlow recorded " + records.size() + " allocations" );
			records.sort( Comparator.< long[] >comparingLong( a -> a[ 0 ] ).thenComparingLong( a -> -a[ 1 ] ) );
			long live = 0, peak = 0;
			for ( final long[] a : records )
				peak = Math.max( peak, live += a[ 1 ] );
			return peak + 4L * data.length;
		}
	}
}
