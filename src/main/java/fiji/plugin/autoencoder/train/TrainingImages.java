package fiji.plugin.autoencoder.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.Normalizer;
import fiji.plugin.autoencoder.convert.StoredNormalization;
import ij.ImagePlus;
import ij.plugin.ChannelSplitter;

/**
 * The images an {@link ImageTrainingJob} samples from, with the normalisation
 * of each: either every channel of every image as a single-channel sample of
 * one shared network ({@code channelwise}, so channels cannot leak into each
 * other), or the images as they are; the normalisation either fitted once on
 * all training images and stored ({@code store}) or fitted on each image (the
 * old behaviour, the method alone stored).
 */
final class TrainingImages
{
	/** Sampler inputs and targets (targets null when the inputs are their own targets). */
	final List< ImagePlus > inputs, targets;

	/** The fitted normalisation of each sampler input. */
	final List< Normalization > norms;

	/** What the model file stores: fitted values (one per image channel) or the method only. */
	final Normalization stored;

	/** Channels of the network's input. */
	final int networkChannels;

	private TrainingImages( final List< ImagePlus > inputs, final List< ImagePlus > targets,
			final List< Normalization > norms, final Normalization stored, final int networkChannels )
	{
		this.inputs = inputs;
		this.targets = targets;
		this.norms = norms;
		this.stored = stored;
		this.networkChannels = networkChannels;
	}

	static TrainingImages prepare( final List< ImagePlus > inputs, final List< ImagePlus > targets,
			final Normalization method,
			final UnaryOperator< ImagePlus > normalizationImage, final boolean store, final boolean channelwise )
	{
		final int channels = ImageTrainingJob.channels( inputs.get( 0 ) );
		final boolean split = channelwise && channels > 1;
		final List< ImagePlus > ins = new ArrayList<>(), tgs = targets == null ? null : new ArrayList<>();
		for ( int i = 0; i < inputs.size(); i++ )
		{
			ins.addAll( split ? channels( inputs.get( i ) ) : Collections.singletonList( inputs.get( i ) ) );
			if ( tgs != null )
				tgs.addAll( split ? channels( targets.get( i ) ) : Collections.singletonList( targets.get( i ) ) );
		}
		final List< Normalization > norms = new ArrayList<>();
		if ( !store )
		{
			for ( final ImagePlus in : ins )
				norms.add( fitOne( method, normalizationImage.apply( in ) ) );
			return new TrainingImages( ins, tgs, norms, method, split ? 1 : channels );
		}
		if ( method.isFitted() && method.method() != Normalization.Method.FIXED
				&& method.method() != Normalization.Method.NONE ) // resumed: keep the stored values
		{
			for ( int i = 0; i < ins.size(); i++ )
				norms.add( split ? StoredNormalization.channel( method, i % channels ) : method );
			return new TrainingImages( ins, tgs, norms, method, split ? 1 : channels );
		}
		final List< ImagePlus > fitted = new ArrayList<>();
		for ( final ImagePlus in : ins )
			fitted.add( normalizationImage.apply( in ) );
		if ( !split )
		{
			final Normalization n = StoredNormalization.fit( method, fitted );
			for ( int i = 0; i < ins.size(); i++ )
				norms.add( n );
			return new TrainingImages( ins, tgs, norms, n, channels );
		}
		// one value per image channel (or one for all when global), fitted on that channel of every image
		final int groups = method.isPerChannel() ? channels : 1;
		final double[] offsets = new double[ groups ], scales = new double[ groups ];
		final Normalization[] perChannel = new Normalization[ groups ];
		for ( int g = 0; g < groups; g++ )
		{
			final List< ImagePlus > of = new ArrayList<>();
			for ( int i = 0; i < fitted.size(); i++ )
				if ( groups == 1 || i % channels == g )
					of.add( fitted.get( i ) );
			try
			{
				perChannel[ g ] = StoredNormalization.fit( method, of );
			}
			catch ( final IllegalArgumentException e )
			{
				throw new IllegalArgumentException(
						e.getMessage().replaceFirst( "^Channel 1 ", "Channel " + ( g + 1 ) + " " ), e );
			}
			if ( perChannel[ g ].method() == Normalization.Method.NONE
					|| perChannel[ g ].method() == Normalization.Method.FIXED )
				return new TrainingImages( ins, tgs, Collections.nCopies( ins.size(), perChannel[ g ] ),
						perChannel[ g ], 1 );
			offsets[ g ] = perChannel[ g ].offsets()[ 0 ];
			scales[ g ] = perChannel[ g ].scales()[ 0 ];
		}
		for ( int i = 0; i < ins.size(); i++ )
			norms.add( perChannel[ groups == 1 ? 0 : i % channels ] );
		return new TrainingImages( ins, tgs, norms, perChannel[ 0 ].withParameters( offsets, scales ), 1 );
	}

	/** The channels of an image as single-channel images (all z-slices and time points; RGB as 3). */
	static List< ImagePlus > channels( final ImagePlus imp )
	{
		final ImagePlus[] parts = ChannelSplitter.split( imp );
		final List< ImagePlus > list = new ArrayList<>();
		for ( final ImagePlus p : parts )
			list.add( p );
		return list;
	}

	private static Normalization fitOne( final Normalization method, final ImagePlus imp )
	{
		if ( method.method() == Normalization.Method.NONE
				|| method.method() == Normalization.Method.FIXED && method.isFitted() )
			return method;
		return Normalizer.fit( method, imp );
	}
}
