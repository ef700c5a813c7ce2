package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Reads and writes a model's parameter values through its session (snapshots of the weights, e.g. the best epoch's). */
final class ParameterValues
{
	private ParameterValues()
	{}

	/** Copies of the values of the parameters {@code paramNames}, by name. */
	static Map< String, float[] > read( final Session session, final List< String > paramNames )
	{
		final Session.Runner r = session.runner();
		for ( final String n : paramNames )
			r.fetch( n );
		final Map< String, float[] > values = new LinkedHashMap<>();
		try ( Result res = r.run() )
		{
			for ( int i = 0; i < paramNames.size(); i++ )
				values.put( paramNames.get( i ), FloatBatch.of( ( TFloat32 ) res.get( i ) ).data );
		}
		return values;
	}

	/** Writes the values through the restore ops; every name must be in {@code shapes}. */
	static void write( final Session session, final Map< String, long[] > shapes, final Map< String, float[] > values )
	{
		final List< Tensor > tensors = new ArrayList<>();
		try
		{
			final Session.Runner r = session.runner();
			for ( final Map.Entry< String, float[] > e : values.entrySet() )
			{
				final long[] shape = shapes.get( e.getKey() );
				if ( shape == null )
					throw new IllegalArgumentException( "Unknown parameter " + e.getKey() );
				final TFloat32 t = TFloat32.tensorOf( Shape.of( shape ), DataBuffers.of( e.getValue(), true, false ) );
				tensors.add( t );
				r.feed( Endpoints.restoreValue( e.getKey() ), t ).addTarget( Endpoints.restore( e.getKey() ) );
			}
			r.run().close();
		}
		finally
		{
			for ( final Tensor t : tensors )
				t.close();
		}
	}
}
