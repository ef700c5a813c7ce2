import java.util.Arrays;
import java.util.List;
import fiji.plugin.autoencoder.denoise.TrainingMode;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import fiji.plugin.autoencoder.train.ImageTrainingJob;

/** Bench settings, from system properties {@code dn.*}. */
final class DenoiseBenchSettings
{
	String[] noises = prop( "dn.noises", "gaussian:sigma=0.1;poisson:peak=30;poisson-gaussian:peak=30,sigma=0.02" ).split( ";" );

	String[] images = prop( "dn.images", "test-images/hubble_deep_field_256.tif;test-images/retina_green_256.tif;test-images/ihc_256.tif" ).split( ";" );

	/**
	 * Where the supervised models' clean training images come from: "acquisition" (default: for each
	 * test crop, the rest of the image it was cut from, the crop box itself left out; one model per
	 * test image and noise) or "other" ({@link #train}: other images, one model per noise).
	 */
	String supData = prop( "dn.sup.data", "acquisition" );

	/**
	 * What the blind-spot models train on: "acquisition" (default: the whole noisy image the test crop
	 * was cut from, test crop included, as a user with one noisy acquisition would) or "crop".
	 */
	String bsData = prop( "dn.bs.data", "acquisition" );

	String[] train = prop( "dn.train", DenoiseBench.SKIMAGE + "camera.png;" + DenoiseBench.SKIMAGE + "coins.png;" + DenoiseBench.SKIMAGE + "moon.png;" + DenoiseBench.SKIMAGE + "brick.png" ).split( ";" );

	List< String > modes = Arrays.asList( prop( "dn.modes", "classic,supervised,blindspot" ).split( "," ) );

	/** 0: keep the TrainingMode default. */
	int supEpochs = intProp( "dn.sup.epochs", 0 ), supPatches = intProp( "dn.sup.patches", 0 ), supPatch = intProp( "dn.sup.patch", 0 ), supBatch = intProp( "dn.sup.batch", 0 );

	int bsEpochs = intProp( "dn.bs.epochs", 0 ), bsPatches = intProp( "dn.bs.patches", 0 ), bsPatch = intProp( "dn.bs.patch", 0 ), bsBatch = intProp( "dn.bs.batch", 0 );

	/** Architecture overrides for tuning (empty: Presets.denoiser as it is). */
	String layers = prop( "dn.layers", "" ), kind = prop( "dn.kind", "" );

	int kernel = intProp( "dn.kernel", 0 );

	/** Convolutions per level override (0 keeps the preset's). */
	int convs = intProp( "dn.convs", 0 );

	/** Supervised models only: override the preset's residual output ("" keeps it). */
	String residual = prop( "dn.sup.residual", "" );

	double lr = Double.parseDouble( prop( "dn.lr", "0" ) );

	int threads = intProp( "dn.threads", 0 );

	String out = prop( "dn.out", "bench/results/denoise.md" );

	String work = prop( "dn.work", "/tmp/build-dnbench/bench-models" );

	boolean verbose = Boolean.parseBoolean( prop( "dn.verbose", "false" ) );

	/** Evaluate model files already in {@link #work} instead of training them again (train s then empty). */
	boolean reuse = Boolean.parseBoolean( prop( "dn.reuse", "false" ) );

	/** Also denoise with the 8 orientations averaged (ImageRunner.Options.averageOrientations): extra rows. */
	boolean tta = Boolean.parseBoolean( prop( "dn.tta", "true" ) );

	/**
	 * Pass the clean training images as paired targets of the synthetic-noise job
	 * (default). ImageTrainingJob leaves the clean target of an unpaired
	 * synthetic-noise job un-normalised (targetNorm is null when targets == null),
	 * so the network learns raw values from normalised inputs; paired clean targets
	 * are normalised like their noisy inputs. false shows the unpaired flow.
	 */
	boolean cleanTargets = Boolean.parseBoolean( prop( "dn.sup.cleanTargets", "true" ) );

	static String prop( final String k, final String d )
	{
		return System.getProperty( k, d );
	}

	static int intProp( final String k, final int d )
	{
		return Integer.parseInt( System.getProperty( k, Integer.toString( d ) ) );
	}
}

/** One row of the table. */
