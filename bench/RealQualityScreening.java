import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.denoise.DenoiseQuality;
import fiji.plugin.autoencoder.denoise.GainEstimate;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.ChannelSplitter;
import ij.process.ImageProcessor;

/** The idea-screening pieces of {@link RealQualityBench}: gain diagnosis, Anscombe training, flip averaging and architecture overrides (bench only). */
final class RealQualityScreening
{
	private RealQualityScreening()
	{}

	/** Diagnosis of the Noise2Self gain estimate on the strip it uses: true gain there, the estimate, the estimate with the realised noise variance, and both variances. */
	static void gainDiagnosis( final Path file, final ImagePlus noisy, final ImagePlus clean, final ImageTrainingJob job, final String what ) throws IOException
	{
		final int w = Math.min( noisy.getWidth(), 512 ), rows = Math.min( noisy.getHeight(), 256 ), y0 = noisy.getHeight() - rows; // the region of DenoiseQuality.afterTraining in the self-supervised modes
		final List< ImagePlus > nc = Arrays.asList( ChannelSplitter.split( noisy ) ), cc = Arrays.asList( ChannelSplitter.split( clean ) );
		final float[][] x = new float[ nc.size() ][], y = new float[ nc.size() ][];
		for ( int c = 0; c < x.length; c++ )
		{
			x[ c ] = stripOf( nc.get( c ), y0, w, rows );
			y[ c ] = stripOf( cc.get( c ), y0, w, rows );
		}
		try ( ModelFile.Loaded m = ModelFile.load( file, 0 ) )
		{
			for ( int c = 0; c < x.length; c++ )
			{
				final java.util.function.UnaryOperator< float[] > f = DenoiseQuality.denoiser( m, x, c, w, rows );
				final GainEstimate.Result truth = GainEstimate.measured( x[ c ], y[ c ], w, rows, f ), est = GainEstimate.estimate( x[ c ], w, rows, f );
				double realised = 0;
				for ( int i = 0; i < x[ c ].length; i++ )
					realised += ( x[ c ][ i ] - y[ c ][ i ] ) * ( x[ c ][ i ] - y[ c ][ i ] ) / x[ c ].length;
				final GainEstimate.Result withVar = GainEstimate.estimate( x[ c ], w, rows, f, realised );
				System.out.printf( Locale.ROOT, "GAINDIAG %s ch%d strip %dx%d: true gain %+.3f dB (mse net %.2f gauss %.2f sigma %.2f); estimate %+.3f (net %.2f gauss %.2f sigma %.2f, var %.2f); with realised var %.2f: %+.3f (net %.2f gauss %.2f)%n",
						what, c + 1, w, rows, truth.gainDb(), truth.denoiserMse, truth.gaussianMse, truth.gaussianSigma, est.gainDb(), est.denoiserMse, est.gaussianMse, est.gaussianSigma, est.noiseVariance,
						realised, withVar.gainDb(), withVar.denoiserMse, withVar.gaussianMse );
			}
		}
	}

	static float[] stripOf( final ImagePlus channel, final int y0, final int w, final int rows )
	{
		final ImageProcessor ip = channel.getStack().getProcessor( 1 ).convertToFloat();
		ip.setRoi( 0, y0, w, rows );
		return ( float[] ) ip.crop().getPixels();
	}

	static double maxOf( final List< ImagePlus > images )
	{
		double max = 0;
		for ( final ImagePlus imp : images )
			for ( int i = 1; i <= imp.getStackSize(); i++ )
				max = Math.max( max, imp.getStack().getProcessor( i ).getStatistics().max );
		return max;
	}

	static float fwd( final float v, final double g )
	{
		return ( float ) ( 2 * Math.sqrt( Math.max( 0, v / g ) + 0.375 ) );
	}

	/** Screening: the Anscombe transform (forward: 2 sqrt(x / g + 3/8); back: the algebraic inverse g ((y / 2)^2 - 3/8)) of every plane; identity for g = 0. */
	static ImagePlus anscombe( final ImagePlus imp, final double g, final boolean forward )
	{
		if ( g <= 0 )
			return imp;
		final ImageStack s = new ImageStack( imp.getWidth(), imp.getHeight() );
		for ( int i = 1; i <= imp.getStackSize(); i++ )
		{
			final float[] v = ( ( float[] ) imp.getStack().getProcessor( i ).convertToFloat().getPixels() ).clone();
			for ( int j = 0; j < v.length; j++ )
				v[ j ] = forward ? fwd( v[ j ], g ) : ( float ) ( g * ( Math.max( 0, v[ j ] ) * v[ j ] / 4 - 0.375 ) );
			s.addSlice( new ij.process.FloatProcessor( imp.getWidth(), imp.getHeight(), v ) );
		}
		final ImagePlus out = new ImagePlus( imp.getTitle(), s );
		out.setDimensions( imp.getNChannels(), imp.getNSlices(), imp.getNFrames() );
		return out;
	}

	/** Screening: training on Anscombe-transformed noisy inputs with Anscombe-transformed clean targets, normalisation fitted on the transformed noisy copy. */
	static void anscombeTraining( final ImageTrainingJob job, final double g )
	{
		final fiji.plugin.autoencoder.train.PatchSampler.PatchTransform noise = job.rawTransform;
		job.rawTransform = ( input, target, weight, n, h, w, ch, random ) -> {
			noise.apply( input, target, weight, n, h, w, ch, random );
			final int size = n * h * w * ch;
			for ( int i = 0; i < size; i++ )
			{
				input[ i ] = fwd( input[ i ], g );
				target[ i ] = fwd( target[ i ], g );
			}
		};
		final java.util.function.UnaryOperator< ImagePlus > norm = job.normalizationImage;
		job.normalizationImage = imp -> anscombe( norm.apply( imp ), g, true );
	}

	/** Test-time averaging of the 4 flips only (x, y, both; no transposition), one orientation each. */
	static ImagePlus flipsAveraged( final ModelFile.Loaded lm, final ImagePlus in, final double g )
	{
		final ImageRunner.Options one = new ImageRunner.Options();
		float[][] sum = null;
		for ( int k = 0; k < 4; k++ )
		{
			final ImagePlus f = flip( in.duplicate(), k );
			final ImagePlus d = flip( ModelFileRunner.apply( lm, f, OutputType.FLOAT_32, "d", one, Progress.none() ), k );
			if ( sum == null )
				sum = new float[ d.getStackSize() ][ d.getWidth() * d.getHeight() ];
			for ( int i = 0; i < sum.length; i++ )
			{
				final float[] v = ( float[] ) d.getStack().getProcessor( i + 1 ).convertToFloat().getPixels();
				for ( int j = 0; j < v.length; j++ )
					sum[ i ][ j ] += v[ j ] / 4;
			}
		}
		final ImageStack s = new ImageStack( in.getWidth(), in.getHeight() );
		for ( final float[] v : sum )
			s.addSlice( new ij.process.FloatProcessor( in.getWidth(), in.getHeight(), v ) );
		final ImagePlus out = new ImagePlus( "flips", s );
		out.setDimensions( in.getNChannels(), 1, 1 );
		return anscombe( out, g, false );
	}

	static ImagePlus flip( final ImagePlus imp, final int k )
	{
		for ( int i = 1; i <= imp.getStackSize(); i++ )
		{
			final ImageProcessor ip = imp.getStack().getProcessor( i );
			if ( ( k & 1 ) != 0 )
				ip.flipHorizontal();
			if ( ( k & 2 ) != 0 )
				ip.flipVertical();
		}
		return imp;
	}

	/** Idea-screening overrides of the product's architecture and optimiser (unset: the product defaults). */
	static void screeningKnobs( final ImageTrainingJob job )
	{
		final String layers = System.getProperty( "rq.layers" );
		if ( layers != null )
			job.spec.layers = Arrays.stream( layers.split( "," ) ).mapToInt( Integer::parseInt ).toArray();
		if ( System.getProperty( "rq.convs" ) != null )
			job.spec.convsPerLevel = Integer.parseInt( System.getProperty( "rq.convs" ) );
		if ( System.getProperty( "rq.lr" ) != null )
			job.spec.learningRate = Double.parseDouble( System.getProperty( "rq.lr" ) );
		if ( System.getProperty( "rq.decay" ) != null )
			job.spec.decay = Double.parseDouble( System.getProperty( "rq.decay" ) );
		if ( System.getProperty( "rq.topskip" ) != null ) // N2V2: no skip at the full-resolution level
			job.spec.topSkip = Boolean.parseBoolean( System.getProperty( "rq.topskip" ) );
		if ( Boolean.getBoolean( "rq.median" ) && job.normalizedTransform != null && job.spec.weightedLoss ) // N2V2: median replacement (blind-spot mode)
			job.normalizedTransform = TrainingMode.blindSpot( new fiji.plugin.autoencoder.denoise.BlindSpotMasker( 8, 2, true ) );
		if ( System.getProperty( "rq.schedule" ) != null )
			job.spec.learningRateSchedule = System.getProperty( "rq.schedule" );
		if ( System.getProperty( "rq.blur" ) != null )
			job.spec.residualBlur = Double.parseDouble( System.getProperty( "rq.blur" ) );
		if ( System.getProperty( "rq.residual" ) != null )
			job.spec.residual = Boolean.parseBoolean( System.getProperty( "rq.residual" ) );
		// validation and model selection (unset: the product defaults)
		if ( System.getProperty( "rq.together" ) != null )
			job.channelwise = !Boolean.parseBoolean( System.getProperty( "rq.together" ) ); // the user's "All channels together"
		if ( System.getProperty( "rq.valblocks" ) != null )
			job.validationBlocks = Boolean.parseBoolean( System.getProperty( "rq.valblocks" ) );
		if ( System.getProperty( "rq.smooth" ) != null )
			job.config.smoothing( Double.parseDouble( System.getProperty( "rq.smooth" ) ) );
		if ( System.getProperty( "rq.minepochs" ) != null )
			job.config.minEpochs( Integer.parseInt( System.getProperty( "rq.minepochs" ) ) );
	}
}
