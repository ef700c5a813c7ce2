package fiji.plugin.autoencoder.model;

import java.util.Locale;

import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * The arithmetic a prediction runs in: {@link #FLOAT32} (the default: the trained network as it is) or
 * {@link #BFLOAT16}: the convolutional layers in bfloat16 (8-bit mantissa; oneDNN accumulates in float32 and uses
 * the AVX-512 BF16 or AMX instructions where the CPU has them), inputs, outputs and the residual sum in float32.
 * The setting {@code precision} of the apply operations ({@code workflow.Settings.PRECISION}); never stored in a
 * model file.
 */
public enum Precision
{
	FLOAT32( "float32" ), BFLOAT16( "bfloat16" );

	/** The setting's value. */
	public final String key;

	Precision( final String key )
	{
		this.key = key;
	}

	/** The precision named {@code key} (case-insensitive); another value is refused naming the choices. */
	public static Precision of( final String key )
	{
		for ( final Precision p : values() )
			if ( p.key.equals( key.trim().toLowerCase( Locale.ROOT ) ) )
				return p;
		throw new IllegalArgumentException( "precision=" + key + " is unknown: use float32 or bfloat16" );
	}

	/**
	 * The training step of this precision in {@code model}'s graph ({@link Endpoints#TRAIN}, or the mixed-precision
	 * {@link Endpoints#TRAIN_BF16}, added on first use): the setting {@code training_precision}.
	 */
	public String trainOp( final Model model )
	{
		if ( this == FLOAT32 )
			return Endpoints.TRAIN;
		synchronized ( model ) // as Model.prepareMultiStep: one graph extension at a time
		{
			GraphBuilder.addBfloat16Training( model.graph(), model.spec() );
		}
		return Endpoints.TRAIN_BF16;
	}

	/** The data loss that {@link #trainOp} reports (of its own forward pass). */
	public String trainingLoss()
	{
		return this == FLOAT32 ? Endpoints.LOSS : Endpoints.LOSS_BF16;
	}

	/** {@code net} predicting in this precision: itself for float32; bfloat16 needs one of this plugin's {@link Model}s. */
	public ImagePredictor apply( final ImagePredictor net )
	{
		if ( this == FLOAT32 )
			return net;
		if ( !( net instanceof Model ) )
			throw new IllegalArgumentException(
					"precision=bfloat16 runs this plugin's own model files only: use precision=float32" );
		return new Bfloat16( ( Model ) net );
	}

	/** A model's prediction through {@link Endpoints#RECONSTRUCTION_BF16}, added to its graph on first use. */
	private static final class Bfloat16 implements ImagePredictor
	{
		private final Model model;

		Bfloat16( final Model model )
		{
			this.model = model;
			synchronized ( model ) // as Model.prepareMultiStep: one graph extension at a time
			{
				GraphBuilder.addBfloat16Inference( model.graph(), model.spec() );
			}
		}

		@Override
		public int spatialDims()
		{
			return model.spatialDims();
		}

		@Override
		public int inputChannels()
		{
			return model.inputChannels();
		}

		@Override
		public int outputChannels()
		{
			return model.outputChannels();
		}

		@Override
		public int sizeMultiple()
		{
			return model.sizeMultiple();
		}

		@Override
		public int halo()
		{
			return model.halo();
		}

		@Override
		public int[] fixedSpatialShape()
		{
			return model.fixedSpatialShape();
		}

		/** The float32 estimate: the bfloat16 maps take half of it, plus casts of single maps. */
		@Override
		public long activationBytesPerPixel()
		{
			return model.activationBytesPerPixel();
		}

		@Override
		public void predict( final float[] input, final float[] output, final int batch, final int[] spatial )
		{
			final Shape shape = InputShapes.of( model.spec(), batch, spatial, model.inputChannels() );
			if ( input.length < shape.size() )
				throw new IllegalArgumentException(
						"Need " + shape.size() + " values for shape " + shape + ", got " + input.length );
			try ( TFloat32 in = Model.tensor( input, shape );
					Result r = model.session().runner().feed( Endpoints.INPUT, in )
							.fetch( Endpoints.RECONSTRUCTION_BF16 ).run() )
			{
				final TFloat32 out = ( TFloat32 ) r.get( 0 );
				final long n = out.shape().size();
				if ( output.length < n )
					throw new IllegalArgumentException(
							"The output buffer holds " + output.length + " values, the prediction has " + n );
				out.asRawTensor().data().asFloats().read( output, 0, ( int ) n );
			}
		}
	}
}
