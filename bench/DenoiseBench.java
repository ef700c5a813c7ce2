import fiji.plugin.autoencoder.tiling.ModelFileRunner;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.convert.OutputType;
import fiji.plugin.autoencoder.denoise.ClassicBaselines;
import fiji.plugin.autoencoder.denoise.Denoiser;
import fiji.plugin.autoencoder.denoise.Metrics;
import fiji.plugin.autoencoder.denoise.NoiseModel;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.History;
import fiji.plugin.autoencoder.train.ImageTrainingJob;
import fiji.plugin.autoencoder.train.TrainingListener;
import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;

/**
 * Denoising benchmark: on real test images not used in training, for three noise
 * models, PSNR/SSIM of the noisy image, the best Gaussian and median filters
 * (oracle sweeps, {@link ClassicBaselines}), the supervised denoiser (synthetic
 * noise on the rest of the acquisition each test crop was cut from, the crop's
 * box left out, as a user trains on other fields of view; or on other images with
 * {@code -Ddn.sup.data=other}) and the blind-spot (self-supervised) denoiser trained
 * on the whole noisy acquisition, test crop included. Everything
 * goes through the user's flow: {@code TrainingMode.X.job(...)}, {@code job.run},
 * {@code ModelFile.load} and {@code ModelFileRunner.apply} (tiled).
 * <p>
 * Images are 8-bit, scaled to [0,1]; noise seed 2026 as in denoise_baselines.txt.
 * DenoiseBenchSettings are system properties (see {@link DenoiseBenchSettings}); run with
 * {@code bench/run-denoise-bench.sh}. Not part of the test suite.
 */
public class DenoiseBench
{
	static final String SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data/";

	static final long NOISE_SEED = 2026L;

	static final class Row
	{
		String image, noise, method, detail = "";

		double psnr, ssim, trainSeconds = Double.NaN, denoiseSeconds = Double.NaN;
	}

	public static void main( final String[] args ) throws IOException
	{
		try
		{
			run( new DenoiseBenchSettings() );
		}
		finally
		{
			// ImageJ's filters run on ThreadUtil's pool, whose core threads are not daemons
			ij.util.ThreadUtil.threadPoolExecutor.shutdown();
		}
	}

	static void run( final DenoiseBenchSettings s ) throws IOException
	{
		Files.createDirectories( Paths.get( s.work ) );
		final String loadBefore = loadAverage();
		final long t0 = System.nanoTime();
		final List< Row > rows = new ArrayList<>();
		final List< ImagePlus > trainImages = new ArrayList<>();
		if ( s.supData.equals( "other" ) )
			for ( final String p : s.train )
				trainImages.add( unitImage( p ) );
		final Map< String, String > jobInfo = new LinkedHashMap<>();
		for ( final String noiseSpec : s.noises )
		{
			final NoiseModel noise = NoiseModel.parse( noiseSpec );
			Path supervisedModel = null;
			double supervisedSeconds = Double.NaN;
			String supervisedDetail = "";
			if ( s.modes.contains( "supervised" ) && s.supData.equals( "other" ) )
			{
				supervisedModel = Paths.get( s.work, "supervised-" + noise.kind().spelling() + ".aemodel.zip" );
				final long ts = System.nanoTime();
				final ImageTrainingJob.Result r = trainSupervised( trainImages, supervisedModel, noise, s, jobInfo, "supervised " + noise );
				supervisedSeconds = ( System.nanoTime() - ts ) / 1e9;
				supervisedDetail = summary( r );
				System.out.println( String.format( Locale.ROOT, "supervised %s: trained in %.1f s; %s", noise, supervisedSeconds, supervisedDetail ) );
			}
			for ( final String path : s.images )
			{
				if ( !new File( path ).isFile() )
				{
					System.out.println( path + ": absent, skipped" );
					continue;
				}
				final ImagePlus cleanImp = unitImage( path );
				final int w = cleanImp.getWidth(), h = cleanImp.getHeight();
				final float[] clean = ( float[] ) cleanImp.getProcessor().getPixels();
				final String name = new File( path ).getName();
				final DenoiseBenchAcquisition acq = DenoiseBenchAcquisition.of( name );
				final boolean useAcquisition = acq != null && ( s.supData.equals( "acquisition" ) || s.bsData.equals( "acquisition" ) );
				final FloatProcessor source = useAcquisition ? acq.load( clean, w, h ) : null;
				final FloatProcessor noisySource = source == null ? null
						: new FloatProcessor( source.getWidth(), source.getHeight(), noise.apply( ( float[] ) source.getPixels(), NOISE_SEED ) );
				final float[] noisy = noisySource == null ? noise.apply( clean, NOISE_SEED ) : DenoiseBenchAcquisition.crop( noisySource, acq.x, acq.y, w, h );
				final ImagePlus noisyImp = new ImagePlus( name + "-noisy", new FloatProcessor( w, h, noisy.clone() ) );
				rows.add( row( name, noise, "noisy", "", clean, noisy, w, h ) );
				if ( s.modes.contains( "classic" ) )
				{
					final ClassicBaselines.Result g = ClassicBaselines.bestGaussian( noisy, clean, w, h, 1, ClassicBaselines.defaultSigmas() );
					final ClassicBaselines.Result m = ClassicBaselines.bestMedian( noisy, clean, w, h, 1, ClassicBaselines.defaultRadii() );
					rows.add( row( name, noise, "best Gaussian", "sigma=" + NoiseModelFormat.format( g.parameter() ), g.psnr(), g.ssim() ) );
					rows.add( row( name, noise, "best median", "radius=" + NoiseModelFormat.format( m.parameter() ), m.psnr(), m.ssim() ) );
				}
				Path imageModel = supervisedModel;
				double imageSeconds = supervisedSeconds;
				String imageDetail = supervisedDetail;
				if ( s.modes.contains( "supervised" ) && s.supData.equals( "acquisition" ) )
				{
					if ( source == null )
						System.out.println( name + ": no known acquisition, no supervised model" );
					else
					{
						final List< ImagePlus > regions = DenoiseBenchAcquisition.regionsOutside( source, acq.x, acq.y, w, h, 64 );
						imageModel = Paths.get( s.work, "supervised-" + noise.kind().spelling() + "-" + name + ".aemodel.zip" );
						if ( s.reuse && Files.isRegularFile( imageModel ) )
						{
							final ImageTrainingJob job = TrainingMode.DENOISE_SYNTHETIC.job( regions, imageModel, noise, 7L );
							configure( job, s, false );
							jobInfo.put( "supervised", describe( job ) );
							imageDetail = "reused, " + regions.size() + " regions of " + acq.source;
						}
						else
						{
							final long ts = System.nanoTime();
							final ImageTrainingJob.Result r = trainSupervised( regions, imageModel, noise, s, jobInfo, "supervised " + name + " " + noise );
							imageSeconds = ( System.nanoTime() - ts ) / 1e9;
							imageDetail = summary( r ) + ", " + regions.size() + " regions of " + acq.source;
						}
					}
				}
				if ( imageModel != null )
					denoiseRows( rows, imageModel, "supervised DAE", "supervised, 8 orientations", name, noise, imageDetail, imageSeconds, noisyImp, clean, w, h, s.tta );
				if ( s.modes.contains( "blindspot" ) )
				{
					final ImagePlus bsImage = noisySource != null && s.bsData.equals( "acquisition" ) ? new ImagePlus( acq.source + "-noisy", noisySource ) : noisyImp;
					final Path file = Paths.get( s.work, "blindspot-" + noise.kind().spelling() + "-" + name + ".aemodel.zip" );
					final ImageTrainingJob job = TrainingMode.DENOISE_SELF_SUPERVISED.job( Arrays.asList( bsImage ), file, null, 7L );
					configure( job, s, true );
					jobInfo.put( "blind-spot", describe( job ) );
					double trainSeconds = Double.NaN;
					String detail = "reused";
					if ( !s.reuse || !Files.isRegularFile( file ) )
					{
						final long ts = System.nanoTime();
						final ImageTrainingJob.Result tr = job.run( Arrays.asList( bsImage ), null, listener( "blind-spot " + name + " " + noise, s.verbose ) );
						trainSeconds = ( System.nanoTime() - ts ) / 1e9;
						detail = summary( tr );
					}
					denoiseRows( rows, file, "blind-spot", "blind-spot, 8 orientations", name, noise, detail + ", on " + bsImage.getWidth() + "x" + bsImage.getHeight() + " noisy",
							trainSeconds, noisyImp, clean, w, h, s.tta );
				}
			}
		}
		final double total = ( System.nanoTime() - t0 ) / 1e9;
		final String loadAfter = loadAverage();
		final String md = markdown( rows, s, jobInfo, total, loadBefore, loadAfter );
		System.out.println();
		System.out.println( md );
		if ( !s.out.isEmpty() )
		{
			Files.createDirectories( Paths.get( s.out ).toAbsolutePath().getParent() );
			Files.write( Paths.get( s.out ), md.getBytes( StandardCharsets.UTF_8 ) );
			System.out.println( "written to " + s.out );
		}
	}

	static ImageTrainingJob.Result trainSupervised( final List< ImagePlus > cleanImages, final Path file, final NoiseModel noise, final DenoiseBenchSettings s,
			final Map< String, String > jobInfo, final String what ) throws IOException
	{
		final ImageTrainingJob job = TrainingMode.DENOISE_SYNTHETIC.job( cleanImages, file, noise, 7L );
		configure( job, s, false );
		jobInfo.put( "supervised", describe( job ) );
		return job.run( cleanImages, s.cleanTargets ? cleanImages : null, listener( what, s.verbose ) );
	}

	/** Bench-specific training length and optional architecture overrides on top of the TrainingMode defaults. */
	static void configure( final ImageTrainingJob job, final DenoiseBenchSettings s, final boolean blindSpot )
	{
		final int epochs = blindSpot ? s.bsEpochs : s.supEpochs, patches = blindSpot ? s.bsPatches : s.supPatches;
		final int patch = blindSpot ? s.bsPatch : s.supPatch, batch = blindSpot ? s.bsBatch : s.supBatch;
		if ( epochs > 0 )
			job.config.epochs( epochs );
		if ( patches > 0 )
			job.patchesPerEpoch = patches;
		if ( patch > 0 )
			job.patchSize = patch;
		if ( batch > 0 )
			job.config.batchSize( batch );
		if ( s.threads > 0 )
			job.threads = s.threads;
		if ( !s.layers.isEmpty() )
			job.spec.layers = Arrays.stream( s.layers.split( "," ) ).mapToInt( Integer::parseInt ).toArray();
		if ( s.kernel > 0 )
			job.spec.kernel = s.kernel;
		if ( s.convs > 0 )
			job.spec.convsPerLevel = s.convs;
		if ( s.lr > 0 )
			job.spec.learningRate = s.lr;
		if ( !blindSpot && !s.residual.isEmpty() )
			job.spec.residual = Boolean.parseBoolean( s.residual );
		if ( !s.kind.isEmpty() )
			job.spec.kind = ModelSpec.Kind.valueOf( s.kind.toUpperCase( Locale.ROOT ) );
	}

	static String describe( final ImageTrainingJob job )
	{
		final ModelSpec sp = job.spec;
		return String.format( Locale.ROOT, "%s layers %s%s%s%s kernel %d %s/%s, lr %.0e; patch %d, %d patches/epoch, batch %d, up to %d epochs (patience %d)",
				ModelSpec.name( sp.kind ), Arrays.toString( sp.layers ), sp.skipConnections ? " skip connections" : "", sp.residual ? " residual" : "", sp.convsPerLevel > 1 ? " " + sp.convsPerLevel + " convs per level" : "", sp.kernel, ModelSpec.name( sp.activation ), ModelSpec.name( sp.outputActivation ), sp.learningRate,
				job.patchSize, job.patchesPerEpoch, job.config.batchSize, job.config.epochs, job.config.patience );
	}

	static String summary( final ImageTrainingJob.Result r )
	{
		final History.Epoch last = r.history.epochs.get( r.history.epochs.size() - 1 );
		return String.format( Locale.ROOT, "%d ep, best %d, %.0f patches/s", last.epoch, r.training.bestEpoch, last.samplesPerSecond );
	}

	/** Rows of one model file (loaded once): denoised plainly and, with {@code averaged}, with the 8 orientations averaged too. */
	static void denoiseRows( final List< Row > rows, final Path modelFile, final String method, final String averagedMethod, final String image, final NoiseModel noise,
			final String detail, final double trainSeconds, final ImagePlus noisyImp, final float[] clean, final int w, final int h, final boolean averaged ) throws IOException
	{
		try ( ModelFile.Loaded loaded = ModelFile.load( modelFile, 0 ) )
		{
			for ( final boolean average : averaged ? new boolean[] { false, true } : new boolean[] { false } )
			{
				final ImageRunner.Options options = new ImageRunner.Options();
				options.averageOrientations = average;
				final long t = System.nanoTime();
				final ImagePlus out = ModelFileRunner.apply( loaded, noisyImp, OutputType.FLOAT_32, "denoised", options, Progress.none() );
				final Row r = new Row();
				r.denoiseSeconds = ( System.nanoTime() - t ) / 1e9;
				final float[] den = ( float[] ) out.getProcessor().getPixels();
				r.psnr = Metrics.psnr( clean, den, 1 );
				r.ssim = Metrics.ssim( clean, den, w, h, 1 );
				r.image = image;
				r.noise = noise.describe();
				r.method = average ? averagedMethod : method;
				r.detail = detail;
				r.trainSeconds = trainSeconds;
				rows.add( print( r ) );
			}
		}
	}

	static TrainingListener listener( final String what, final boolean verbose )
	{
		return new TrainingListener()
		{
			@Override
			public void epochEnded( final History.Epoch e, final History h )
			{
				if ( verbose )
					System.out.println( "  " + what + ": " + e );
			}
		};
	}

	/** An 8-bit image (or one channel of RGB converted to grey) as 32-bit, scaled to [0,1] by 1/255. */
	static ImagePlus unitImage( final String path )
	{
		final ImagePlus imp = IJ.openImage( path );
		if ( imp == null )
			throw new IllegalArgumentException( "Cannot open " + path + ": install python3-skimage or run from the repository root" );
		final FloatProcessor fp = imp.getProcessor().convertToFloatProcessor();
		fp.multiply( 1 / 255.0 );
		return new ImagePlus( new File( path ).getName(), fp );
	}

	static Row row( final String image, final NoiseModel noise, final String method, final String detail, final float[] clean, final float[] test, final int w, final int h )
	{
		return row( image, noise, method, detail, Metrics.psnr( clean, test, 1 ), Metrics.ssim( clean, test, w, h, 1 ) );
	}

	static Row row( final String image, final NoiseModel noise, final String method, final String detail, final double psnr, final double ssim )
	{
		final Row r = new Row();
		r.image = image;
		r.noise = noise.describe();
		r.method = method;
		r.detail = detail;
		r.psnr = psnr;
		r.ssim = ssim;
		return print( r );
	}

	static Row print( final Row r )
	{
		System.out.println( String.format( Locale.ROOT, "%-26s %-36s %-15s %6.2f dB  SSIM %.4f  %s%s", r.image, r.noise, r.method, r.psnr, r.ssim, r.detail,
				Double.isNaN( r.trainSeconds ) ? "" : String.format( Locale.ROOT, "  train %.1f s, denoise %.2f s", r.trainSeconds, r.denoiseSeconds ) ) );
		return r;
	}

	static String markdown( final List< Row > rows, final DenoiseBenchSettings s, final Map< String, String > jobInfo, final double total, final String loadBefore, final String loadAfter )
	{
		final StringBuilder sb = new StringBuilder();
		sb.append( "# Denoising benchmark (bench/DenoiseBench.java)\n\n" );
		sb.append( "Test images (never trained on by the supervised models): " ).append( names( s.images ) ).append( ", 8-bit scaled to [0,1], noise seed " ).append( NOISE_SEED ).append( ", PSNR with data range 1.\n" );
		if ( s.supData.equals( "acquisition" ) )
			sb.append( "Supervised DAE: `TrainingMode.DENOISE_SYNTHETIC`, synthetic noise on the rest of the image each test crop was cut from (the crop's box left out: strips above, below, left and right of it), one model per test image and noise model.\n" );
		else
			sb.append( "Supervised DAE: `TrainingMode.DENOISE_SYNTHETIC`, synthetic noise on " ).append( names( s.train ) ).append( ", one model per noise model.\n" );
		if ( s.bsData.equals( "acquisition" ) )
			sb.append( "Noise is drawn once on each whole source image; the noisy test crop is cut from it. Blind-spot: `TrainingMode.DENOISE_SELF_SUPERVISED` trained on that whole noisy image, test crop included (no clean data).\n" );
		else
			sb.append( "Blind-spot: `TrainingMode.DENOISE_SELF_SUPERVISED` trained on the noisy test image itself (no clean data).\n" );
		sb.append( "Classic filters: oracle sweeps (best PSNR against the clean image), see `ClassicBaselines`.\n" );
		for ( final Map.Entry< String, String > e : jobInfo.entrySet() )
			sb.append( "- " ).append( e.getKey() ).append( ": " ).append( e.getValue() ).append( "\n" );
		sb.append( String.format( Locale.ROOT, "- total run %.1f min on %d cores; load average before: %s, after: %s (other workers share the machine)\n",
				total / 60, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter ) );
		sb.append( "- times: training wall time (incl. checkpoints) and denoising of one 256x256 image through `ModelFileRunner.apply` (tiled)\n\n" );
		sb.append( "| image | noise | method | PSNR dB | SSIM | vs best classic dB | train s | denoise s | detail |\n" );
		sb.append( "|---|---|---|---:|---:|---:|---:|---:|---|\n" );
		for ( final Row r : rows )
		{
			final double classic = bestClassic( rows, r.image, r.noise );
			sb.append( String.format( Locale.ROOT, "| %s | %s | %s | %.2f | %.4f | %s | %s | %s | %s |\n", r.image, r.noise, r.method, r.psnr, r.ssim,
					Double.isNaN( classic ) || r.method.startsWith( "best" ) || r.method.equals( "noisy" ) ? "" : String.format( Locale.ROOT, "%+.2f", r.psnr - classic ),
					Double.isNaN( r.trainSeconds ) ? "" : String.format( Locale.ROOT, "%.1f", r.trainSeconds ),
					Double.isNaN( r.denoiseSeconds ) ? "" : String.format( Locale.ROOT, "%.2f", r.denoiseSeconds ), r.detail ) );
		}
		return sb.toString();
	}

	static double bestClassic( final List< Row > rows, final String image, final String noise )
	{
		double best = Double.NaN;
		for ( final Row r : rows )
			if ( r.image.equals( image ) && r.noise.equals( noise ) && r.method.startsWith( "best" ) )
				best = Double.isNaN( best ) ? r.psnr : Math.max( best, r.psnr );
		return best;
	}

	static String names( final String[] paths )
	{
		final StringBuilder sb = new StringBuilder();
		for ( final String p : paths )
			sb.append( sb.length() == 0 ? "" : ", " ).append( new File( p ).getName() );
		return sb.toString();
	}

	static String loadAverage()
	{
		try
		{
			return new String( Files.readAllBytes( Paths.get( "/proc/loadavg" ) ), StandardCharsets.US_ASCII ).trim().split( " " )[ 0 ];
		}
		catch ( final IOException e )
		{
			return "?";
		}
	}

	/** Number formatting as in NoiseModel.describe(). */
	static final class NoiseModelFormat
	{
		static String format( final double v )
		{
			return v == Math.rint( v ) ? Long.toString( ( long ) v ) : Double.toString( v );
		}
	}
}
