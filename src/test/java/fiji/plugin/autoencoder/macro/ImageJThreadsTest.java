package fiji.plugin.autoencoder.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.Presets;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/**
 * A plain Java program that calls MacroCalls.segment exits when its main
 * returns: ImageJ's filter pool (ij.util.ThreadUtil, used by the map's
 * Gaussian smoothing) made two non-daemon pool-1-thread-* threads that kept it
 * alive for ever.
 */
class ImageJThreadsTest
{
	@TempDir
	Path dir;

	@Test
	void aPlainJavaProgramExitsAfterASegmentation() throws Exception
	{
		final Path model = dir.resolve( "ae.aemodel.zip" ), image = dir.resolve( "part.tif" );
		try ( Model m = Model.create( Presets.denoiser( 1 ).validate(), 1, 1 ) )
		{
			ModelFile.save( m, model, Collections.emptyMap() );
		}
		final float[] px = new float[ 64 * 64 ];
		for ( int i = 0; i < px.length; i++ )
			px[ i ] = ( i * 7919 ) % 251;
		assertTrue( new FileSaver( new ImagePlus( "part", new FloatProcessor( 64, 64, px ) ) )
				.saveAsTiff( image.toString() ) );
		final String cp = System.getProperty( "surefire.test.class.path", System.getProperty( "java.class.path" ) );
		final ProcessBuilder pb = new ProcessBuilder(
				Paths.get( System.getProperty( "java.home" ), "bin", "java" ).toString(), "-Djava.awt.headless=true",
				"-cp", cp,
				SegmentAndReturn.class.getName(),
				"input=[" + image + "] model_file=[" + model
						+ "] threshold_method=Otsu smoothing_sigma=2 min_size=1 output_folder=[" + dir.resolve( "out" )
						+ "] threads=1" )
				.redirectErrorStream( true ).redirectOutput( dir.resolve( "log.txt" ).toFile() );
		pb.environment().put( "TF_CPP_MIN_LOG_LEVEL", "2" );
		final Process p = pb.start();
		final boolean exited = p.waitFor( 90, TimeUnit.SECONDS );
		final String log = new String( java.nio.file.Files.readAllBytes( dir.resolve( "log.txt" ) ),
				StandardCharsets.UTF_8 );
		if ( !exited )
			p.destroyForcibly().waitFor( 10, TimeUnit.SECONDS );
		assertTrue( exited, "the JVM did not exit within 90 s after main returned: " + log );
		assertEquals( 0, p.exitValue(), log );
		assertTrue( log.contains( "result: " ) && !log.contains( "result: error" ),
				"the segmentation ran (and used the Gaussian blur): " + log );
	}
}
