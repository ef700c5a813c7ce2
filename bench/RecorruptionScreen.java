import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import fiji.plugin.autoencoder.denoise.Recorruption;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.tiling.InputRecorruption;
import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import ij.ImagePlus;
import ij.plugin.ChannelSplitter;

/**
 * Screening of the 'noisy image + noise model' (R2R) denoiser for RealQualityBench: the recorruption strength at
 * training ({@code -Drq.alpha}, {@code -Drq.keep}) and, with {@code -Drq.ttr=true}, the test-time inputs of one trained
 * model: the plain image in 8 orientations against 8, 16 and 32 recorrupted copies (1, 2, 4 per orientation).
 */
final class RecorruptionScreen
{
	private RecorruptionScreen()
	{}

	/** Overrides the recorruption strength of an R2R job (and its saved test-time recorruption) when asked. */
	static void knobs( final ImageTrainingJob job, final List< ImagePlus > trainOn, final NoiseModel noise, final long seed )
	{
		final String a = System.getProperty( "rq.alpha" ), k = System.getProperty( "rq.keep" );
		if ( a == null && k == null )
			return;
		final Recorruption r = new Recorruption( noise, Recorruption.gain( trainOn, noise ), a == null ? Recorruption.ALPHA : Double.parseDouble( a ),
				k == null ? Recorruption.KEEP : Double.parseDouble( k ) );
		job.rawTransform = r;
		job.extras.put( InputRecorruption.ENTRY, r.testTime( seed ).toJson() );
	}

	/** Test-time variants of a saved R2R model on {@code in}: name and the denoised channels; each passed to {@code row}. */
	static void variants( final ModelFile.Loaded lm, final ImagePlus in, final Consumer< Object[] > row )
	{
		final InputRecorruption stored = InputRecorruption.of( lm.extras() );
		final ImageRunner.Options plain = new ImageRunner.Options();
		plain.averageOrientations = true;
		row.accept( new Object[] { "plain image, 8 orientations", channels( ModelFileRunner.apply( lm, in, OutputType.FLOAT_32, "d", plain, Progress.none() ) ) } );
		final List< float[] > sum = new ArrayList<>();
		for ( int s = 0; s < 4; s++ )
		{
			final ImageRunner.Options o = new ImageRunner.Options();
			o.averageOrientations = true;
			o.recorruption = stored.withSeed( stored.seed + s );
			final List< float[] > d = channels( ModelFileRunner.apply( lm, in, OutputType.FLOAT_32, "d", o, Progress.none() ) );
			for ( int c = 0; c < d.size(); c++ )
			{
				if ( s == 0 )
					sum.add( new float[ d.get( c ).length ] );
				for ( int i = 0; i < d.get( c ).length; i++ )
					sum.get( c )[ i ] += d.get( c )[ i ];
			}
			if ( s == 0 || s == 1 || s == 3 )
			{
				final List< float[] > mean = new ArrayList<>();
				for ( final float[] v : sum )
				{
					final float[] m = v.clone();
					for ( int i = 0; i < m.length; i++ )
						m[ i ] /= s + 1;
					mean.add( m );
				}
				row.accept( new Object[] { ( 8 * ( s + 1 ) ) + " recorrupted inputs (" + ( s + 1 ) + " per orientation)", mean } );
			}
		}
	}

	static List< float[] > channels( final ImagePlus imp )
	{
		final List< float[] > out = new ArrayList<>();
		for ( final ImagePlus c : Arrays.asList( ChannelSplitter.split( imp ) ) )
			out.add( ( float[] ) c.getProcessor().convertToFloat().getPixels() );
		return out;
	}
}
