package fiji.plugin.autoencoder.tiling;

import java.util.List;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.convert.StoredNormalization;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.model.ImagePredictor;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

/**
 * Runs a single-channel model on every channel of an image on its own, each
 * with its own normalisation (the stored values of that channel, or refitted on
 * it), and stacks the results back in the input's channel order: an output
 * channel depends on its input channel only. RGB images come back as RGB when
 * the output type is "same as input".
 */
public final class ChannelwiseRunner
{
	private ChannelwiseRunner()
	{}

	/**
	 * @param normalization the model's normalisation for this input: fitted with one value per channel (or one for all), or a method to fit on each channel
	 * @param trainedChannels channels of the images the model was trained on
	 */
	public static ImagePlus run( final ImagePredictor model, final Normalization normalization,
			final int trainedChannels, final ImagePlus input,
			final OutputType type, final String suffix, final ImageRunner.Options options, final Progress progress )
	{
		if ( input == null )
			throw new IllegalArgumentException( "No image: open an image first" );
		final List< ImagePlus > channels = splitChannels( input );
		final int n = channels.size();
		if ( normalization.isFitted() && normalization.offsets().length > 1 && normalization.offsets().length != n )
			throw new IllegalArgumentException( "The image '" + input.getTitle() + "' has " + n
					+ " channel(s) but the model was trained on " + trainedChannels
					+ "-channel images and stores the normalisation of each: use an image with " + trainedChannels
					+ " channels, or denoise with "
					+ "normalization=[Refit on each image]" );
		final ImagePlus[] outs = new ImagePlus[ n ];
		for ( int c = 0; c < n; c++ )
		{
			final Normalization norm = normalization.isFitted() && normalization.method() != Normalization.Method.NONE
					? StoredNormalization.channel( normalization, c ) : normalization;
			final ImageRunner.Options o = options.copy();
			if ( o.recorruption != null )
				o.recorruption = o.recorruption.forChannel( c ); // each channel its own noise
			outs[ c ] = ImageRunner.run( model, norm, channels.get( c ), type, suffix, true, o, progress );
		}
		return merge( input, outs, type );
	}

	/** The channels of an image as single-channel images (RGB as 3), titled as the image. */
	public static List< ImagePlus > splitChannels( final ImagePlus input )
	{
		final ImagePlus[] parts = ij.plugin.ChannelSplitter.split( input );
		for ( final ImagePlus p : parts )
		{
			p.setTitle( input.getTitle() );
			p.setCalibration( input.getCalibration() );
		}
		return java.util.Arrays.asList( parts );
	}

	private static ImagePlus merge( final ImagePlus input, final ImagePlus[] outs, final OutputType type )
	{
		final int n = outs.length, z = input.getNSlices(), t = input.getNFrames();
		final ImagePlus first = outs[ 0 ];
		final boolean rgb = input.getType() == ImagePlus.COLOR_RGB && first.getBitDepth() == 8 && n == 3;
		final ImageStack stack = new ImageStack( input.getWidth(), input.getHeight() );
		for ( int k = 0; k < z * t; k++ )
		{
			if ( rgb )
			{
				final ColorProcessor cp = new ColorProcessor( input.getWidth(), input.getHeight() );
				cp.setRGB( ( byte[] ) outs[ 0 ].getStack().getPixels( k + 1 ),
						( byte[] ) outs[ 1 ].getStack().getPixels( k + 1 ),
						( byte[] ) outs[ 2 ].getStack().getPixels( k + 1 ) );
				stack.addSlice( input.getStack().getSliceLabel( k + 1 ), cp );
			}
			else
				for ( int c = 0; c < n; c++ )
				{
					final ImageProcessor ip = outs[ c ].getStack().getProcessor( k + 1 );
					stack.addSlice( outs[ c ].getStack().getSliceLabel( k + 1 ), ip );
				}
		}
		final ImagePlus out = new ImagePlus( first.getTitle(), stack );
		out.setDimensions( rgb ? 1 : n, z, t );
		out.setCalibration( input.getCalibration() );
		if ( !rgb && n > 1 )
		{
			final CompositeImage ci = new CompositeImage( out,
					input.isComposite() ? ( ( CompositeImage ) input ).getMode() : IJ_COMPOSITE );
			for ( int c = 0; c < n; c++ )
			{
				ci.setC( c + 1 );
				ci.setDisplayRange( outs[ c ].getDisplayRangeMin(), outs[ c ].getDisplayRangeMax() );
			}
			ci.setC( 1 );
			return ci;
		}
		out.setDisplayRange( first.getDisplayRangeMin(), first.getDisplayRangeMax() );
		return out;
	}

	private static final int IJ_COMPOSITE = ij.IJ.COMPOSITE;
}
