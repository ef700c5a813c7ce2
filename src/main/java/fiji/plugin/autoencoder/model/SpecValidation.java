package fiji.plugin.autoencoder.model;

import java.util.ArrayList;
import java.util.List;

import fiji.plugin.autoencoder.model.ModelSpec.Activation;
import fiji.plugin.autoencoder.model.ModelSpec.Kind;
import fiji.plugin.autoencoder.model.ModelSpec.Loss;
import fiji.plugin.autoencoder.model.ModelSpec.Unpooling;

/** The checks of {@link ModelSpec#validate()}: every field, then the architecture as a whole. */
final class SpecValidation
{
	private SpecValidation()
	{}

	/** Throws an {@link IllegalArgumentException} naming every problem of the spec, the bad value and what would work. */
	static void validate( final ModelSpec s )
	{
		final List< String > problems = new ArrayList<>();
		if ( s.kind == null )
			problems.add( "kind is missing: use one of " + ModelSpec.names( Kind.values() ) );
		if ( s.height <= 0 || s.width <= 0 || s.channels <= 0 )
			problems.add( "height, width and channels must be positive (got " + s.height + " x " + s.width + " x "
					+ s.channels + ")" );
		if ( s.depth < 0 )
			problems.add( "depth must be 0 (a 2D model) or the training patch depth of a 3D model, got " + s.depth );
		if ( s.outputChannels < 0 )
			problems.add( "output_channels must be 0 (same as input) or positive, got " + s.outputChannels );
		if ( s.layers == null )
			problems.add( "layers is missing: give hidden sizes (dense) or filters per level (conv), e.g. [16, 8]" );
		else
			for ( int i = 0; i < s.layers.length; i++ )
				if ( s.layers[ i ] <= 0 )
					problems.add( "layers[" + i + "] = " + s.layers[ i ] + ": every layer size must be positive" );
		if ( s.codeSize < 0 )
			problems.add( "code_size must not be negative, got " + s.codeSize );
		if ( s.activation == null )
			problems.add( "activation is missing or unknown: use one of " + ModelSpec.names( Activation.values() ) );
		if ( s.codeActivation == null )
			problems.add(
					"code_activation is missing or unknown: use one of " + ModelSpec.names( Activation.values() ) );
		if ( s.outputActivation == null )
			problems.add(
					"output_activation is missing or unknown: use one of " + ModelSpec.names( Activation.values() ) );
		if ( s.loss == null )
			problems.add( "loss is missing or unknown: use bce, mse, dice or dice_bce" );
		if ( s.loss != null && s.loss != Loss.MSE && s.outputActivation != null
				&& s.outputActivation != Activation.SIGMOID && s.outputActivation != Activation.SOFTMAX )
			problems.add( "loss " + ModelSpec.name( s.loss ) + " needs output_activation sigmoid or softmax (got "
					+ ModelSpec.name( s.outputActivation ) + "): use sigmoid, or loss mse" );
		if ( s.outputActivation == Activation.SOFTMAX && s.outChannels() < 2 )
			problems.add( "output_activation softmax needs at least 2 output channels (background and a class), got "
					+ s.outChannels() + ": use sigmoid for one channel" );
		if ( ( s.loss == Loss.DICE || s.loss == Loss.DICE_BCE || s.outputActivation == Activation.SOFTMAX )
				&& s.layerwisePretraining )
			problems.add( "loss " + ModelSpec.name( s.loss ) + " with output_activation "
					+ ModelSpec.name( s.outputActivation )
					+ " cannot be used with layerwise_pretraining (its per-layer losses are per pixel): use bce and sigmoid" );
		if ( s.activation == Activation.SOFTMAX || s.codeActivation == Activation.SOFTMAX )
			problems.add(
					"softmax is an output activation only: use relu (or another element-wise activation) for activation and code_activation" );
		if ( s.optimizer == null )
			problems.add( "optimizer is missing or unknown: use adam or adadelta" );
		if ( s.unpooling == null )
			problems.add( "unpooling is missing or unknown: use nearest or zero_fill" );
		if ( !( s.learningRate > 0 ) || Double.isInfinite( s.learningRate ) )
			problems.add( "learning_rate must be positive and finite, got " + s.learningRate );
		if ( !( s.decay >= 0 ) || Double.isInfinite( s.decay ) )
			problems.add( "decay must be 0 or positive, got " + s.decay );
		if ( !ModelSpec.CONSTANT.equals( s.learningRateSchedule )
				&& !ModelSpec.COSINE.equals( s.learningRateSchedule ) )
			problems.add( "learning_rate_schedule must be " + ModelSpec.CONSTANT + " or " + ModelSpec.COSINE + ", got "
					+ s.learningRateSchedule );
		if ( !( s.l2 >= 0 ) || Double.isInfinite( s.l2 ) )
			problems.add( "l2 must be 0 or positive, got " + s.l2 );
		if ( s.kernel <= 0 || s.kernel % 2 == 0 )
			problems.add( "kernel must be a positive odd number (e.g. 3), got " + s.kernel );
		if ( problems.isEmpty() )
			checkArchitecture( s, problems );
		if ( !problems.isEmpty() )
			throw new IllegalArgumentException(
					"Invalid model spec '" + s.name + "': " + String.join( "; ", problems ) );
	}

	private static void checkArchitecture( final ModelSpec s, final List< String > problems )
	{
		final long in = s.inputSize();
		if ( s.is3D() )
			check3D( s, problems );
		else if ( s.poolZ != null )
			problems.add( "pool_z is for 3D models (depth above 0): remove it" );
		if ( s.kind == Kind.DENSE )
		{
			if ( s.codeSize <= 0 )
				problems.add( "code_size must be positive for a dense autoencoder (e.g. 32)" );
			else if ( s.codeSize >= in )
				problems.add( "code_size " + s.codeSize + " is not smaller than the input (" + s.height + " x "
						+ s.width + " x " + s.channels + " = " + in
						+ "): an autoencoder's code must be smaller than its input" );
			if ( s.tiedWeights && s.outChannels() != s.channels )
				problems.add(
						"tied_weights needs output_channels equal to channels (the decoder reuses the encoder's weights)" );
			if ( s.layerwisePretraining && s.layers.length == 0 )
				problems.add( "layerwise_pretraining needs at least one hidden layer before the code" );
			if ( s.skipConnections )
				problems.add( "skip_connections needs kind conv_pool: set it to false for dense autoencoders" );
			if ( s.batchNorm )
				problems.add( "batch_norm needs kind conv_pool: set it to false for dense autoencoders" );
			if ( s.residual )
				problems.add(
						"residual needs a convolutional kind (conv_pool or conv_strided): set it to false for dense autoencoders" );
		}
		else
		{
			if ( s.layers.length == 0 )
				problems.add( "a convolutional autoencoder needs at least one level in layers, e.g. [16, 8]" );
			if ( s.tiedWeights )
				problems.add( "tied_weights applies to dense autoencoders only: set it to false" );
			if ( s.layerwisePretraining )
				problems.add( "layerwise_pretraining applies to dense autoencoders only: set it to false" );
			if ( s.skipConnections && s.kind != Kind.CONV_POOL )
				problems.add(
						"skip_connections needs kind conv_pool (the encoder's pre-pool maps are concatenated in the decoder)" );
			if ( s.skipConnections && s.codeSize > 0 )
				problems.add(
						"skip_connections needs code_size 0 (a fully convolutional code): a dense bottleneck would be bypassed" );
			if ( s.skipConnections && s.unpooling == Unpooling.ZERO_FILL )
				problems.add( "skip_connections works with unpooling nearest only: set unpooling to nearest" );
			if ( s.convsPerLevel < 1 )
				problems.add( "convs_per_level must be 1 or more, got " + s.convsPerLevel );
			if ( s.convsPerLevel > 1 && ( s.kind != Kind.CONV_POOL || s.codeSize > 0 || s.depth > 0 ) )
				problems.add( "convs_per_level " + s.convsPerLevel
						+ " needs a fully convolutional 2D conv_pool model (code_size 0, depth 0): set it to 1" );
			if ( s.batchNorm
					&& ( s.kind != Kind.CONV_POOL || s.codeSize > 0 || s.depth > 0 || s.layerwisePretraining ) )
				problems.add(
						"batch_norm needs a fully convolutional 2D conv_pool model (code_size 0, depth 0, no layerwise pretraining): set it to false" );
			if ( s.residual && s.outChannels() != s.channels )
				problems.add( "residual adds the input to the output, so output_channels (" + s.outChannels()
						+ ") must equal channels (" + s.channels + "): set residual to false" );
			if ( !( s.residualBlur >= 0 && s.residualBlur <= 16 ) )
				problems.add( "residual_blur (a Gaussian sigma in pixels) must be in [0, 16], got " + s.residualBlur );
			else if ( s.residualBlur > 0 && ( !s.residual || s.depth > 0 ) )
				problems.add( "residual_blur " + s.residualBlur
						+ " needs residual true and a 2D model (depth 0): set residual_blur to 0" );
			if ( s.residual && s.outputActivation != Activation.LINEAR )
				problems.add(
						"residual needs output_activation linear (input + correction is not squashed): set output_activation to linear or residual to false" );
			if ( s.unpooling == Unpooling.ZERO_FILL && s.kind != Kind.CONV_POOL )
				problems.add( "unpooling zero_fill needs kind conv_pool (a max-pooling encoder)" );
			final int m = s.sizeMultiple();
			if ( s.layers.length > 0 && ( s.height % m != 0 || s.width % m != 0 || s.depth % m != 0 ) )
				problems.add( "input " + ( s.is3D() ? s.depth + " x " : "" ) + s.height + " x " + s.width
						+ " is not divisible by 2^" + s.layers.length + " = " + m
						+ " (" + s.layers.length + " pooling/stride levels): use "
						+ Math.max( 1, levelsThatDivide( s ) ) + " level(s) or an input size that is a multiple of "
						+ m );
			if ( s.codeSize > 0 && s.codeSize >= in )
				problems.add( "code_size " + s.codeSize + " is not smaller than the input (" + in
						+ " values): an autoencoder's code must be smaller than its input" );
		}
	}

	private static int levelsThatDivide( final ModelSpec s )
	{
		int l = 0;
		while ( s.height % ( 2 << l ) == 0 && s.width % ( 2 << l ) == 0 && s.depth % ( 2 << l ) == 0 )
			l++;
		return l;
	}

	private static void check3D( final ModelSpec s, final List< String > problems )
	{
		if ( s.kind == Kind.DENSE )
			problems.add( "depth " + s.depth
					+ " (a 3D model) needs kind conv_strided or conv_pool: set depth to 0 for a dense autoencoder" );
		if ( s.codeSize > 0 )
			problems.add( "a 3D model (depth " + s.depth + ") is fully convolutional only: set code_size to 0" );
		if ( s.kind == Kind.CONV_POOL && s.unpooling == Unpooling.ZERO_FILL )
			problems.add( "a 3D model (depth " + s.depth + ") unpools with nearest only: set unpooling to nearest" );
		if ( s.poolZ != null && ( s.kind != Kind.CONV_POOL || s.poolZ.length != s.layers.length ) )
			problems.add( "pool_z needs kind conv_pool and one entry per level (" + s.layers.length + "), got "
					+ s.poolZ.length + ": remove pool_z to pool z at every level" );
	}
}
