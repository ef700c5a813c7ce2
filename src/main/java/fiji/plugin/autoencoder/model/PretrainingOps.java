package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Greedy layer-wise pretraining ops of a dense spec ({@code layerwise_pretraining}):
 * layer i is trained as a shallow autoencoder on the (fixed) output of the
 * layers below it, updating only its own encoder and decoder parameters, with
 * its own step counter and optimiser slots (named as in
 * {@link Endpoints#pretrainTrain(int)}).
 */
final class PretrainingOps
{
	private PretrainingOps()
	{}

	/** @param hidden each dense encoder layer's input, the flat image first (from {@link DenseLayers#encoder}) */
	static void build( final BuildContext c, final DenseLayers dense, final Operand< TFloat32 > input,
			final List< Operand< TFloat32 > > hidden )
	{
		final Ops tf = c.tf;
		final ModelSpec spec = c.spec;
		final int[] sizes = dense.sizes();
		for ( int i = 0; i + 1 < sizes.length; i++ )
		{
			final Operand< TFloat32 > in = i == 0 ? hidden.get( 0 ) : tf.stopGradient( hidden.get( i ) );
			final Operand< TFloat32 > code = c.activation( dense.encoderLayer( in, i, sizes ),
					i + 2 == sizes.length ? spec.codeActivation : spec.activation );
			final Operand< TFloat32 > pre = dense.decoderLayer( code, i, sizes );
			final Operand< TFloat32 > loss;
			if ( i == 0 )
			{
				final Operand< TFloat32 > target = tf.reshape( tf.withName( "pretrain_target" ).identity( input ),
						tf.constant( new long[] { -1, spec.inputSize() } ) );
				loss = tf.math.mean( LossOps.elementLoss( c, pre, target, spec.loss ),
						tf.constant( new int[] { 0, 1 } ) );
			}
			else
				loss = tf.math.mean( tf.math.squaredDifference( c.activation( pre, spec.activation ), in ),
						tf.constant( new int[] { 0, 1 } ) );
			final String scope = "pretrain_" + i;
			c.named( Endpoints.pretrainLoss( i ) ).identity( loss );
			final List< String > vars = new ArrayList<>();
			vars.add( "enc" + i + "_w" );
			vars.add( "enc" + i + "_b" );
			if ( !spec.tiedWeights )
				vars.add( "dec" + i + "_w" );
			vars.add( "dec" + i + "_b" );
			final Variable< TInt64 > step = c.named( scope + "/step" ).variable( tf.constant( 0L ) );
			final Operand< TFloat32 > lr = c.named( scope + "/learning_rate" )
					.identity( OptimizerOps.learningRate( c, step ) );
			final List< Op > applies = OptimizerOps.updates( c, loss, vars, scope + "/", lr, step );
			final Op increment = tf.withControlDependencies( applies ).assignAdd( step, tf.constant( 1L ) );
			c.named( Endpoints.pretrainTrain( i ) ).withControlDependencies( increment ).noOp();
		}
	}
}
