import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import java.io.DataOutputStream;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.denoise.ClassicBaselines;
import fiji.plugin.autoencoder.denoise.DenoiseQuality;
import fiji.plugin.autoencoder.denoise.Denoiser;
import fiji.plugin.autoencoder.denoise.GainEstimate;
import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.ChannelSplitter;
import ij.process.ImageProcessor;

/**
 * Real-data denoising quality (issue 21): per test case (real images only, test
 * images never seen in training and of other content and brightness), per noise
 * and per channel, PSNR of the noisy input, the oracle Gaussian and median
 * filters, ours supervised (synthetic noise on the training images) and ours
 * self-supervised (trained on the noisy test image itself), each training by a
 * time budget through the user's flow (TrainingMode.job, job.run with
 * {@code minutes}, ModelFile.load, ModelFileRunner.apply). Also the gain each model's
 * DenoiseQuality reports (what the user sees) next to the true gain.
 * Writes rows to a TSV and the clean/noisy test channels as raw float32 for
 * bench/real_quality_nlm.py (non-local means). Not a test.
 */
public class RealQualityBench
{
	static final String DATA = System.getProperty( "rq.data", "../shared/data" );

	static final String SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data/";

	static String prop( final String k, final String d )
	{
		return System.getProperty( k, d );
	}

	/** A test case: clean training images and one clean test image, C channels each, 32-bit. */
	static final class Case
	{
		String name, train, test;

		List< ImagePlus > trainImages = new ArrayList<>();

		ImagePlus testImage;

		int patch = 64;
	}

	public static void main( final String[] args ) throws Exception
	{
		final String[] cases = prop( "rq.cases", "confocal,ihc" ).split( "," );
		final String[] noises = prop( "rq.noises", "poisson:peak=10;poisson:peak=30;gaussian:sigma=15" ).split( ";" );
		final List< String > modes = Arrays.asList( prop( "rq.modes", "supervised,selfsupervised,recorrupted" ).split( "," ) );
		final double minutes = Double.parseDouble( prop( "rq.minutes", "5" ) );
		final Path work = Paths.get( prop( "rq.work", "/tmp/build-rqbench/work" ) );
		Files.createDirectories( work );
		final Path tsv = work.resolve( "java-rows.tsv" );
		final boolean append = Boolean.parseBoolean( prop( "rq.append", "false" ) ), classic = !append;
		try ( PrintWriter out = new PrintWriter( append ? Files.newBufferedWriter( tsv, java.nio.file.StandardOpenOption.APPEND ) : Files.newBufferedWriter( tsv ) ) )
		{
			if ( !append )
				out.println( "case\tnoise\tchannel\tmethod\tpsnr\tdetail" );
			for ( final String cn : cases )
			{
				final Case c = build( cn.trim() );
				for ( final String extra : prop( "rq.extra", "" ).split( "," ) ) // screening: more clean training images (scikit-image RGB files)
					if ( !extra.isBlank() )
					{
						final ImagePlus rgb = IJ.openImage( SKIMAGE + extra.trim() );
						c.trainImages.add( crop( rgb, 0, 0, rgb.getWidth(), rgb.getHeight() ) );
						c.train += " + " + extra.trim();
					}
				System.out.println( "case " + c.name + ": train " + c.train + "; test " + c.test );
				for ( final String ns : noises )
				{
					final NoiseModel noise = NoiseModel.parse( ns );
					final String key = c.name + "_" + ns.replaceAll( "[^a-z0-9]", "" );
					final ImagePlus clean = c.testImage;
					final ImagePlus noisy = noisy( clean, noise, 2026 );
					final List< ImagePlus > cc = Arrays.asList( ChannelSplitter.split( clean ) ), nc = Arrays.asList( ChannelSplitter.split( noisy ) );
					final int w = clean.getWidth(), h = clean.getHeight();
					for ( int ch = 0; ch < cc.size() && classic; ch++ )
					{
						final float[] y = px( cc.get( ch ) ), x = px( nc.get( ch ) );
						raw( work.resolve( key + "_c" + ch + "_clean_" + w + "x" + h + ".f32" ), y );
						raw( work.resolve( key + "_c" + ch + "_noisy_" + w + "x" + h + ".f32" ), x );
						row( out, c, ns, ch, "noisy", Metrics.psnr( y, x, 255 ), "" );
						final ClassicBaselines.Result g = ClassicBaselines.bestGaussian( x, y, w, h, 255, ClassicBaselines.defaultSigmas() );
						row( out, c, ns, ch, "oracle Gaussian", g.psnr(), "sigma " + g.parameter() );
						final ClassicBaselines.Result m = ClassicBaselines.bestMedian( x, y, w, h, 255, ClassicBaselines.defaultRadii() );
						row( out, c, ns, ch, "oracle median", m.psnr(), "radius " + m.parameter() );
					}
					for ( final String mode : modes )
					{
						final boolean sup = mode.equals( "supervised" ), r2r = mode.equals( "recorrupted" );
						final TrainingMode tm = sup ? TrainingMode.DENOISE_SYNTHETIC : r2r ? TrainingMode.DENOISE_RECORRUPTED : TrainingMode.DENOISE_SELF_SUPERVISED;
						final List< ImagePlus > trainOn = sup ? c.trainImages : List.of( noisy );
						final Path file = work.resolve( key + "_" + mode + ".aemodel.zip" );
						final ImageTrainingJob job = tm.job( trainOn, file, tm.needsNoiseModel() ? noise : null, 42 );
						job.patchSize = Integer.parseInt( prop( "rq.patch", "" + c.patch ) );
						job.patchesPerEpoch = Integer.parseInt( prop( "rq.patches", "512" ) );
						job.minutes = minutes;
						job.config.epochs( 1000 ).batchSize( Integer.parseInt( prop( "rq.batch", "16" ) ) ).patience( Integer.parseInt( prop( "rq.patience", "10" ) ) );
						RealQualityScreening.screeningKnobs( job );
						if ( r2r )
							RecorruptionScreen.knobs( job, trainOn, noise, 42 );
						// screening: Anscombe transform of Poisson counts (supervised only): the net works on 2 sqrt(x / g + 3/8), g = signalMax / peak
						final double vstGain = sup && Boolean.getBoolean( "rq.vst" ) && noise.kind() == NoiseModel.Kind.POISSON ? RealQualityScreening.maxOf( c.trainImages ) / noise.parameter( "peak" ) : 0;
						if ( vstGain > 0 )
							RealQualityScreening.anscombeTraining( job, vstGain );
						final long t0 = System.nanoTime();
						final ImageTrainingJob.Result r = job.run( trainOn, null, TrainingListener.none() );
						final double seconds = ( System.nanoTime() - t0 ) / 1e9;
						final GainEstimate.Result q = vstGain > 0 ? null : DenoiseQuality.afterTraining( tm, job, sup ? c.trainImages.get( 0 ) : noisy, null, noise );
						if ( q != null && !sup && Boolean.getBoolean( "rq.gaindiag" ) )
							RealQualityScreening.gainDiagnosis( file, noisy, clean, job, key + " " + mode );
						final ImagePlus den, den1, den4;
						final ImagePlus in = vstGain > 0 ? RealQualityScreening.anscombe( noisy, vstGain, true ) : noisy;
						try ( ModelFile.Loaded lm = ModelFile.load( file, 0 ) )
						{
							// the product's default (Denoise Image, macros): 8 orientations averaged; one orientation for the details
							final ImageRunner.Options tiles = new ImageRunner.Options();
							tiles.averageOrientations = Boolean.parseBoolean( prop( "rq.tta", "" + Denoiser.AVERAGE_ORIENTATIONS ) );
							den = RealQualityScreening.anscombe( ModelFileRunner.apply( lm, in, OutputType.FLOAT_32, "d", tiles, Progress.none() ), vstGain, false );
							tiles.averageOrientations = false;
							den1 = RealQualityScreening.anscombe( ModelFileRunner.apply( lm, in, OutputType.FLOAT_32, "d", tiles, Progress.none() ), vstGain, false );
							den4 = RealQualityScreening.flipsAveraged( lm, in, vstGain );
							if ( r2r && Boolean.getBoolean( "rq.ttr" ) ) // screening: test-time inputs of this model
								RecorruptionScreen.variants( lm, in, v -> {
									@SuppressWarnings( "unchecked" )
									final List< float[] > d = ( List< float[] > ) v[ 1 ];
									for ( int ch = 0; ch < d.size(); ch++ )
										row( out, c, ns, ch, "R2R " + v[ 0 ], Metrics.psnr( px( cc.get( ch ) ), d.get( ch ), 255 ), "" );
								} );
						}
						final List< ImagePlus > dc4 = Arrays.asList( ChannelSplitter.split( den4 ) );
						final List< ImagePlus > dc = Arrays.asList( ChannelSplitter.split( den ) ), dc1 = Arrays.asList( ChannelSplitter.split( den1 ) );
						final History.Epoch last = r.history.epochs.get( r.history.epochs.size() - 1 );
						for ( int ch = 0; ch < cc.size(); ch++ )
						{
							final float[] y = px( cc.get( ch ) ), x = px( nc.get( ch ) ), d = px( dc.get( ch ) );
							final double truth = GainEstimate.measured( x, y, w, h, img -> d ).gainDb();
							final String together = job.channelwise ? "" : " (channels together)";
							row( out, c, ns, ch, ( sup ? "ours supervised" : r2r ? "ours noisy + noise model" : "ours self-supervised" ) + together, Metrics.psnr( y, d, 255 ),
									String.format( Locale.ROOT, "%.0f s, %d ep (best %d); one orientation %.2f dB, 4 flips %.2f dB; reported gain %s, true gain on test %+.2f dB", seconds, last.epoch,
											r.training.bestEpoch, Metrics.psnr( y, px( dc1.get( ch ) ), 255 ), Metrics.psnr( y, px( dc4.get( ch ) ), 255 ),
											q == null ? "-" : String.format( Locale.ROOT, "%+.2f dB (%s)", q.gainDb(), q.withReference ? "held-out training pixels" : "noise2self on the test image" ), truth ) );
						}
						out.flush();
						System.out.println( key + " " + mode + ": " + r.training.message + " " + ( q == null ? "" : q.message() ) + " (residual " + job.spec.residual + ", blur sigma " + job.spec.residualBlur + ")" );
					}
				}
			}
		}
		System.out.println( "rows in " + tsv );
		System.exit( 0 ); // a library's non-daemon thread pool would keep the JVM (and the script waiting on it) alive
	}


	static void row( final PrintWriter out, final Case c, final String noise, final int ch, final String method, final double psnr, final String detail )
	{
		out.printf( Locale.ROOT, "%s\t%s\t%d\t%s\t%.2f\t%s%n", c.name, noise, ch + 1, method, psnr, detail );
		System.out.printf( Locale.ROOT, "%s %s ch%d %-22s %.2f %s%n", c.name, noise, ch + 1, method, psnr, detail );
	}

	/** Noise on every channel, the Poisson photon scale set by the image's maximum over all channels. */
	static ImagePlus noisy( final ImagePlus clean, final NoiseModel noise, final long seed )
	{
		double max = 0;
		for ( int i = 1; i <= clean.getStackSize(); i++ )
			max = Math.max( max, clean.getStack().getProcessor( i ).getStatistics().max );
		final SplittableRandom r = new SplittableRandom( seed );
		final ImageStack s = new ImageStack( clean.getWidth(), clean.getHeight() );
		for ( int i = 1; i <= clean.getStackSize(); i++ )
			s.addSlice( new ij.process.FloatProcessor( clean.getWidth(), clean.getHeight(), noise.apply( ( float[] ) clean.getStack().getProcessor( i ).convertToFloat().getPixels(), max, r ) ) );
		final ImagePlus n = new ImagePlus( clean.getTitle() + "-noisy", s );
		n.setDimensions( clean.getNChannels(), 1, 1 );
		return n;
	}

	static Case build( final String name )
	{
		final Case c = new Case();
		c.name = name;
		switch ( name )
		{
		case "confocal":
		{
			// arabidopsis embryo, 106 z x 112 x 109: 3 adjacent z-slices as channels
			final ImagePlus stack = IJ.openImage( DATA + "/confocal3d_arabidopsis/arabidopsis-embryo.tif" );
			for ( int z = 10; z <= 42; z += 4 )
				c.trainImages.add( slices( stack, z ) );
			c.testImage = slices( stack, 62 );
			c.train = "z-slice triples centred at z = 10, 14, ..., 42 (mean 5-15)";
			c.test = "the triple at z = 61-63 (mean 18: brighter, other cells)";
			c.patch = 32;
			break;
		}
		case "ihc":
		{
			final ImagePlus rgb = IJ.openImage( SKIMAGE + "ihc.png" );
			c.trainImages.add( crop( rgb, 0, 0, 512, 256 ) );
			c.testImage = crop( rgb, 128, 256, 256, 256 );
			c.train = "ihc.png top half (512 x 256, RGB as 3 channels, means 160/136/114)";
			c.test = "ihc.png bottom half, 256 x 256 at x 128 (means about 195/185/175: brighter, other tissue)";
			break;
		}
		case "ihcval":
		{
			// for choosing settings: the training half only (never the test region)
			final ImagePlus rgb = IJ.openImage( SKIMAGE + "ihc.png" );
			c.trainImages.add( crop( rgb, 0, 0, 384, 256 ) );
			c.testImage = crop( rgb, 384, 0, 128, 256 );
			c.train = "ihc.png top half, x 0-383 (the ihc case's training image without its right quarter)";
			c.test = "ihc.png top half, x 384-511 (validation for choosing settings; inside the ihc case's training image)";
			break;
		}
		case "nuclei":
		{
			c.trainImages.add( gray( IJ.openImage( DATA + "/nuclei2d_dsb2018/img2d_512.tif" ) ) );
			c.testImage = gray( IJ.openImage( DATA + "/nuclei2d_dsb2018/img2d_256.tif" ) );
			c.train = "nuclei img2d_512 (mean 32)";
			c.test = "nuclei img2d_256 (mean 21, other nuclei)";
			break;
		}
		default:
			throw new IllegalArgumentException( "unknown case " + name );
		}
		return c;
	}

	static ImagePlus slices( final ImagePlus stack, final int centre )
	{
		final ImageStack s = new ImageStack( stack.getWidth(), stack.getHeight() );
		for ( int z = centre - 1; z <= centre + 1; z++ )
			s.addSlice( stack.getStack().getProcessor( z + 1 ).convertToFloat() );
		final ImagePlus imp = new ImagePlus( "z" + centre, s );
		imp.setDimensions( 3, 1, 1 );
		return imp;
	}

	static ImagePlus crop( final ImagePlus rgb, final int x, final int y, final int w, final int h )
	{
		final ImageStack s = new ImageStack( w, h );
		for ( final ImagePlus ch : ChannelSplitter.split( rgb ) )
		{
			final ImageProcessor ip = ch.getProcessor().convertToFloat();
			ip.setRoi( x, y, w, h );
			s.addSlice( ip.crop() );
		}
		final ImagePlus imp = new ImagePlus( "ihc" + x + "_" + y, s );
		imp.setDimensions( 3, 1, 1 );
		return imp;
	}

	static ImagePlus gray( final ImagePlus imp )
	{
		return new ImagePlus( imp.getTitle(), imp.getProcessor().convertToFloat() );
	}

	static float[] px( final ImagePlus imp )
	{
		return ( float[] ) imp.getProcessor().convertToFloat().getPixels();
	}

	static void raw( final Path p, final float[] v ) throws IOException
	{
		try ( DataOutputStream o = new DataOutputStream( new BufferedOutputStream( new FileOutputStream( p.toFile() ) ) ) )
		{
			for ( final float f : v )
				o.writeInt( Integer.reverseBytes( Float.floatToIntBits( f ) ) );
		}
	}
}
