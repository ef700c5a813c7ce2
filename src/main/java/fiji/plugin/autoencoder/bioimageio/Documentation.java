package fiji.plugin.autoencoder.bioimageio;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import fiji.plugin.autoencoder.convert.Normalization;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.train.History;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

/** The generated README.md and cover image of an exported package. */
final class Documentation
{
	private Documentation()
	{}

	/** Writes a PNG with the first channel of the test input (left) beside the output (right), each stretched over its 0.5-99.5 percentiles. */
	static void cover( final float[] in, final float[] out, final int side, final int channels, final int outChannels,
			final Path png )
	{
		final ByteProcessor bp = new ByteProcessor( 2 * side, side );
		paint( bp, in, side, channels, 0 );
		paint( bp, out, side, outChannels, side );
		if ( !new FileSaver( new ImagePlus( "cover", bp ) ).saveAsPng( png.toString() ) )
			throw new IllegalStateException( "Could not write the cover image " + png );
	}

	private static void paint( final ByteProcessor bp, final float[] hwc, final int side, final int channels,
			final int x0 )
	{
		final Processing.Stats s = BioimageioRunner.stats( hwc, channels );
		final double lo = s.percentile( 0, 0.5 ), hi = s.percentile( 0, 99.5 );
		for ( int y = 0; y < side; y++ )
			for ( int x = 0; x < side; x++ )
			{
				final double v = hi > lo ? ( hwc[ ( y * side + x ) * channels ] - lo ) / ( hi - lo ) : 0;
				bp.set( x0 + x, y, ( int ) Math.round( 255 * Math.max( 0, Math.min( 1, v ) ) ) );
			}
	}

	static String readme( final String name, final String description, final ModelSpec spec, final boolean segmenter,
			final Normalization stored, final Normalization used,
			final ImagePlus sample, final Map< String, String > extras, final ExportSettings settings, final int halo,
			final int step, final int min )
	{
		final StringBuilder b = new StringBuilder();
		b.append( "# " ).append( name ).append( "\n\n" ).append( description ).append( ".\n\n" );
		b.append(
				"Exported from a [fiji-autoencoder](https://imagej.net/plugins/autoencoder) model file by *Plugins > Autoencoder > Export to bioimage.io*.\n\n" );
		b.append( "## What it does\n\n" );
		b.append( segmenter
				? "Maps a 2D image to the probability (0..1) that each pixel is foreground; threshold it (e.g. at 0.5) for a mask.\n\n"
				: "Maps a 2D image to a restored (denoised or reconstructed) image in the input's intensities.\n\n" );
		b.append( "- architecture: `" ).append( spec.name ).append( "`, " ).append( spec.channels )
				.append( " input channel(s), " ).append( spec.outChannels() )
				.append( " output channel(s), output activation " ).append( ModelSpec.name( spec.outputActivation ) )
				.append( ", loss " ).append( spec.loss ).append( "\n" );
		b.append( "- any image size: inputs are multiples of " ).append( step ).append( " pixels, at least " )
				.append( min ).append( "; the receptive-field margin (halo) is " )
				.append( halo ).append( " pixels, so tile with that overlap (deepImageJ and this plugin do)\n\n" );
		b.append( "## Training data\n\n" );
		b.append( settings.trainingData == null || settings.trainingData.isBlank() ? "Not described by the exporter."
				: settings.trainingData ).append( "\n" );
		final String noise = extras.get( "noise.json" );
		if ( noise != null )
			b.append( "\nNoise model: `" ).append( noise.replaceAll( "\\s+", " " ).trim() ).append( "`\n" );
		b.append( "\n## Normalisation\n\n" );
		b.append( "Stored with the model: " ).append( describe( stored ) ).append( ".\n\n" );
		if ( segmenter || stored.method() == Normalization.Method.NONE
				|| stored.method() == Normalization.Method.FIXED )
			b.append( "The package's preprocessing does the same on every image it is given." );
		else
			b.append(
					"bioimage.io can map a network's output back to the input's intensities only with fixed values, so the package uses the values measured on the sample image '" )
					.append( sample.getTitle() ).append( "' (offsets " ).append( fmt( used.offsets() ) )
					.append( ", scales " ).append( fmt( used.scales() ) )
					.append( "), as `scale_linear` (or `fixed_zero_mean_unit_variance`) before and `scale_linear` back after the network. On that image it equals the plugin's output; "
							+ "on images of other brightness, normalise them alike first or use the plugin, which measures each image." );
		b.append( "\n\n## Training\n\n" );
		final String hj = extras.get( ModelFile.HISTORY );
		if ( hj == null )
			b.append( "No training history was stored.\n" );
		else
		{
			final History h = History.fromJson( hj );
			b.append( "| epoch | phase | training loss | validation loss |\n| --- | --- | --- | --- |\n" );
			final int n = h.epochs.size();
			for ( int i = 0; i < n; i++ )
				if ( n <= 12 || i < 3 || i >= n - 3 || i % Math.max( 1, n / 6 ) == 0 )
				{
					final History.Epoch e = h.epochs.get( i );
					b.append( "| " ).append( e.epoch ).append( " | " ).append( e.phase == null ? "" : e.phase )
							.append( " | " ).append( String.format( Locale.ROOT, "%.5g", e.trainLoss ) )
							.append( " | " ).append( String.format( Locale.ROOT, "%.5g", e.validationLoss ) )
							.append( " |\n" );
				}
			b.append( "\nBest validation loss " ).append( String.format( Locale.ROOT, "%.5g", h.bestValidationLoss() ) )
					.append( " (before training " )
					.append( String.format( Locale.ROOT, "%.5g", h.initialValidationLoss ) ).append( ").\n" );
		}
		b.append(
				"\n## Run it\n\n- Fiji, this plugin: *Plugins > Autoencoder > Apply bioimage.io Model* (or `run(\"Apply bioimage.io Model\", \"package_file=... check=true\")`).\n"
						+ "- deepImageJ: *Plugins > DeepImageJ > DeepImageJ Install Model*, choose *Private model* and this zip, then *DeepImageJ Run*.\n"
						+ "- Python: `bioimageio test-model rdf.yaml` (bioimageio.core) reproduces `test_output.npy` from `test_input.npy`.\n\n"
						+ "Weights: TensorFlow SavedModel (`tf_saved_model_bundle.zip`, signature `serving_default`, input `input`, output `output`, NHWC float32), "
						+ "an inference-only graph with the weights as constants (no variables, no save/restore or init ops).\n" );
		return b.toString();
	}

	private static String describe( final Normalization n )
	{
		switch ( n.method() )
		{
		case PERCENTILE:
			return "percentiles " + n.lowPercentile() + " to " + n.highPercentile()
					+ " mapped to 0..1, measured on each image" + ( n.isPerChannel() ? ", per channel" : "" );
		case MIN_MAX:
			return "minimum to 0 and maximum to 1, measured on each image";
		case MEAN_STD:
			return "mean to 0 and standard deviation to 1, measured on each image";
		case FIXED:
			return "fixed offsets " + fmt( n.offsets() ) + " and scales " + fmt( n.scales() );
		default:
			return "none";
		}
	}

	private static String fmt( final double[] v )
	{
		final StringBuilder s = new StringBuilder();
		for ( int i = 0; i < v.length; i++ )
			s.append( i > 0 ? ", " : "" ).append( String.format( Locale.ROOT, "%.6g", v[ i ] ) );
		return s.toString();
	}
}
