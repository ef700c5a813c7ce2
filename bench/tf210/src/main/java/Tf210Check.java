import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Paths;

import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Runs an exported SavedModel in TensorFlow Java 0.5.0 (TF 2.10): args saved_model_dir in.f32 h w c out.f32 (raw little-endian float32, NHWC, batch 1). */
public class Tf210Check
{
	public static void main( final String[] a ) throws Exception
	{
		System.out.println( "TensorFlow " + TensorFlow.version() );
		final int h = Integer.parseInt( a[ 2 ] ), w = Integer.parseInt( a[ 3 ] ), c = Integer.parseInt( a[ 4 ] );
		final ByteBuffer in = ByteBuffer.wrap( Files.readAllBytes( Paths.get( a[ 1 ] ) ) ).order( ByteOrder.LITTLE_ENDIAN );
		final float[] x = new float[ h * w * c ];
		in.asFloatBuffer().get( x );
		try ( SavedModelBundle b = SavedModelBundle.load( a[ 0 ], "serve" );
				TFloat32 t = TFloat32.tensorOf( Shape.of( 1, h, w, c ), DataBuffers.of( x, true, false ) );
				Tensor r = b.function( "serving_default" ).call( t ) )
		{
			final TFloat32 y = ( TFloat32 ) r;
			final float[] out = new float[ ( int ) y.shape().size() ];
			y.read( DataBuffers.of( out, false, false ) );
			final ByteBuffer o = ByteBuffer.allocate( 4 * out.length ).order( ByteOrder.LITTLE_ENDIAN );
			o.asFloatBuffer().put( out );
			Files.write( Paths.get( a[ 5 ] ), o.array() );
			System.out.println( "output shape " + y.shape() );
		}
	}
}
