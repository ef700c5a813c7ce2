package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import fiji.plugin.autoencoder.train.ArrayTrainingData;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.Trainer;
import fiji.plugin.autoencoder.train.TrainingConfig;
import fiji.plugin.autoencoder.train.TrainingListener;

/** The segmentation losses: values against hand computations, and softmax training that learns. */
public class SegmentationLossesTest
{
	/** A 1x1 "conv" net is too much machinery here; a tiny U-Net trained on a square: the loss must fall. */
	static double[] train( final ModelSpec.Activation out, final ModelSpec.Loss loss, final int classes )
			throws Exception
	{
		final int n = 32, s = 16, tc = classes == 1 ? 1 : classes + 1;
		final float[] x = new float[ n * s * s ], y = new float[ n * s * s * tc ];
		final Random r = new Random( 1 );
		for ( int k = 0; k < n; k++ )
		{
			final int x0 = r.nextInt( 8 ), y0 = r.nextInt( 8 ), cls = 1 + r.nextInt( classes );
			for ( int i = 0; i < s * s; i++ )
			{
				final boolean in = i % s >= x0 && i % s < x0 + 6 && i / s >= y0 && i / s < y0 + 6;
				x[ k * s * s + i ] = ( float ) ( ( in ? 0.3 * cls : 0 ) + 0.05 * r.nextGaussian() );
				if ( tc == 1 )
					y[ k * s * s + i ] = in ? 1 : 0;
				else
					y[ ( k * s * s + i ) * tc + ( in ? cls : 0 ) ] = 1;
			}
		}
		final ModelSpec spec = Presets.segmenter( 1 );
		spec.height = s;
		spec.width = s;
		spec.layers = new int[] { 8, 16 };
		spec.outputChannels = tc;
		spec.outputActivation = out;
		spec.loss = loss;
		spec.validate();
		try ( Model m = Model.create( spec, 3, 1 ) )
		{
			final History h = new History();
			new Trainer().train( m, new ArrayTrainingData( x, y, tc, n, s, s, 1 ), null,
					new TrainingConfig().epochs( 15 ).batchSize( 8 ).validationFraction( 0 ), h,
					TrainingListener.none() );
			return new double[] { h.epochs.get( 0 ).trainLoss, h.epochs.get( h.epochs.size() - 1 ).trainLoss };
		}
	}

	/** The loss of constant logits and targets of shape {1, 2, 2, c}. */
	static double loss( final ModelSpec.Activation out, final ModelSpec.Loss l, final float[] logits,
			final float[] target, final int c )
	{
		final ModelSpec spec = Presets.segmenter( 1 );
		spec.outputChannels = c;
		spec.outputActivation = out;
		spec.loss = l;
		spec.validate();
		try ( Graph g = new Graph(); Session s = new Session( g ) )
		{
			final Ops tf = Ops.create( g );
			final Shape shape = Shape.of( 1, 2, 2, c );
			final Operand< TFloat32 > z = tf.constant( shape, DataBuffers.of( logits ) ),
					t = tf.constant( shape, DataBuffers.of( target ) );
			final Operand< TFloat32 > v = SegmentationLosses.loss( tf, spec, z, t, null, 4 );
			try ( TFloat32 r = ( TFloat32 ) s.runner().fetch( v ).run().get( 0 ) )
			{
				return r.getFloat();
			}
		}
	}

	@Test
	void diceIsOneMinusSoftDice()
	{
		final float ln3 = ( float ) Math.log( 3 );
		// sigmoid: p = 0.5, 0.75, 0.25, 0.5 against t = 1, 1, 0, 0: soft Dice (2 * 1.25 + 1) / (2 + 2 + 1) = 0.7
		final float[] z = { 0, ln3, -ln3, 0 }, t = { 1, 1, 0, 0 };
		assertEquals( 0.3, loss( ModelSpec.Activation.SIGMOID, ModelSpec.Loss.DICE, z, t, 1 ), 1e-6 );
		double bce = 0;
		final double[] p = { 0.5, 0.75, 0.25, 0.5 };
		for ( int i = 0; i < 4; i++ )
			bce -= ( t[ i ] * Math.log( p[ i ] ) + ( 1 - t[ i ] ) * Math.log( 1 - p[ i ] ) ) / 4;
		assertEquals( bce, loss( ModelSpec.Activation.SIGMOID, ModelSpec.Loss.BCE, z, t, 1 ), 1e-6 );
		assertEquals( 0.3 + bce, loss( ModelSpec.Activation.SIGMOID, ModelSpec.Loss.DICE_BCE, z, t, 1 ), 1e-6 );

		// softmax, 3 classes per pixel (background, 1, 2): logits give p = (0.5, 0.25, 0.25) or (0.25, 0.5, 0.25) etc.
		final float l2 = ( float ) Math.log( 2 );
		final float[] zs = { l2, 0, 0, /**/ 0, l2, 0, /**/ 0, 0, l2, /**/ 0, l2, 0 };
		final float[] ts = { 1, 0, 0, /**/ 0, 1, 0, /**/ 0, 0, 1, /**/ 0, 0, 1 };
		// class 1: sum p = 0.25 + 0.5 + 0.25 + 0.5 = 1.5, sum t = 1, sum p t = 0.5 -> (2 * 0.5 + 1) / (1.5 + 1 + 1) = 2 / 3.5
		// class 2: sum p = 0.25 + 0.25 + 0.5 + 0.25 = 1.25, sum t = 2, sum p t = 0.5 + 0.25 -> (1.5 + 1) / (1.25 + 2 + 1) = 2.5 / 4.25
		final double dice = 1 - ( 2 / 3.5 + 2.5 / 4.25 ) / 2;
		assertEquals( dice, loss( ModelSpec.Activation.SOFTMAX, ModelSpec.Loss.DICE, zs, ts, 3 ), 1e-6 );
		final double ce = -( Math.log( 0.5 ) * 3 + Math.log( 0.25 ) ) / 4;
		assertEquals( ce, loss( ModelSpec.Activation.SOFTMAX, ModelSpec.Loss.BCE, zs, ts, 3 ), 1e-6 );
		assertEquals( dice + ce, loss( ModelSpec.Activation.SOFTMAX, ModelSpec.Loss.DICE_BCE, zs, ts, 3 ), 1e-6 );
	}

	@Test
	void softmaxLossesFall() throws Exception
	{
		for ( final ModelSpec.Loss l : ModelSpec.Loss.values() )
		{
			if ( l == ModelSpec.Loss.MSE )
				continue;
			final double[] a = train( ModelSpec.Activation.SOFTMAX, l, 2 );
			final double[] b = train( ModelSpec.Activation.SIGMOID, l, 1 );
			System.out.println( l + " softmax " + a[ 0 ] + " -> " + a[ 1 ] + "; sigmoid " + b[ 0 ] + " -> " + b[ 1 ] );
			assertTrue( a[ 1 ] < ( l == ModelSpec.Loss.DICE ? 0.75 : 0.6 ) * a[ 0 ],
					l + " softmax: " + a[ 0 ] + " -> " + a[ 1 ] );
			assertTrue( b[ 1 ] < 0.6 * b[ 0 ], l + " sigmoid: " + b[ 0 ] + " -> " + b[ 1 ] );
		}
	}
}
