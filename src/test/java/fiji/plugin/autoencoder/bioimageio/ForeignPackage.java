package fiji.plugin.autoencoder.bioimageio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;

/**
 * A bioimage.io package as another tool would write it, built here from plain
 * TensorFlow Java ops: a 3 x 3 mean filter (a variable kernel, Conv2D SAME,
 * so halo 1) on NCHW tensors (transposed around the convolution), input
 * {@code raw}, output {@code mean}, preprocessing zero_mean_unit_variance per
 * sample, the standard SavedModel exporter (variables plus its SaveV2/RestoreV2
 * saver), and test tensors computed here in plain Java.
 */
final class ForeignPackage
{
	private ForeignPackage()
	{}

	static final int SIZE = 40;

	/** Writes the package folder {@code dir}; {@code tamper} may change the SavedModel proto, {@code rdf} the YAML text. */
	static Path write( final Path dir, final UnaryOperator< SavedModel > tamper, final UnaryOperator< String > rdf )
			throws IOException
	{
		Files.createDirectories( dir );
		final Path sm = dir.resolve( "savedmodel" );
		try ( Graph g = new Graph() )
		{
			final Ops tf = Ops.create( g );
			final Placeholder< TFloat32 > raw = tf.withName( "raw" ).placeholder( TFloat32.class,
					Placeholder.shape( Shape.of( -1, 1, -1, -1 ) ) );
			final Variable< TFloat32 > kernel = tf.withName( "kernel" )
					.variable( tf.fill( tf.constant( new int[] { 3, 3, 1, 1 } ), tf.constant( 1f / 9 ) ) );
			final var conv = tf.nn.conv2d( tf.linalg.transpose( raw, tf.constant( new int[] { 0, 2, 3, 1 } ) ), kernel,
					List.of( 1L, 1L, 1L, 1L ), "SAME" );
			final var mean = tf.withName( "mean" ).linalg.transpose( conv, tf.constant( new int[] { 0, 3, 1, 2 } ) );
			try ( Session s = new Session( g ) )
			{
				s.initialize();
				SavedModelBundle.exporter( sm.toString() ).withSession( s )
						.withSignatures( Signature.builder().key( "serving_default" ).input( "raw", raw )
								.output( "mean", mean ).build() )
						.export();
			}
		}
		final Path pb = sm.resolve( "saved_model.pb" );
		SavedModel proto;
		try ( InputStream in = Files.newInputStream( pb ) )
		{
			proto = SavedModel.parseFrom( in );
		}
		proto = tamper.apply( proto );
		try ( OutputStream o = Files.newOutputStream( pb ) )
		{
			proto.writeTo( o );
		}
		PackageFiles.zip( sm, dir.resolve( "tf_model.zip" ) );
		PackageFiles.deleteTree( sm );
		final float[] x = new float[ SIZE * SIZE ];
		final Random r = new Random( 3 );
		for ( int i = 0; i < x.length; i++ )
			x[ i ] = 100 + 20 * ( float ) r.nextGaussian() + ( i % SIZE );
		Files.write( dir.resolve( "test_in.npy" ), Npy.write( x, new long[] { 1, 1, SIZE, SIZE } ) );
		Files.write( dir.resolve( "test_out.npy" ),
				Npy.write( meanFilter( zeroMeanUnitVariance( x ), SIZE, SIZE ), new long[] { 1, 1, SIZE, SIZE } ) );
		final String yaml = "format_version: 0.5.3\ntype: model\nname: mean filter 3x3\ndescription: a 3x3 mean filter built with plain TF ops\n"
				+ "authors:\n  - name: Someone Else\n    affiliation: Another Lab\nlicense: MIT\ncite:\n  - text: none\n    doi: 10.1000/xyz123\n"
				+ "documentation: README.md\ntags: [filter, test]\ninputs:\n  - id: raw\n    axes:\n      - type: batch\n      - type: channel\n        channel_names: [gray]\n"
				+ "      - id: y\n        type: space\n        size: {min: 8, step: 1}\n      - id: x\n        type: space\n        size: {min: 8, step: 1}\n"
				+ "    test_tensor: {source: test_in.npy, sha256: "
				+ PackageFiles.sha256( dir.resolve( "test_in.npy" ) ) + "}\n"
				+ "    preprocessing:\n      - id: zero_mean_unit_variance\n        kwargs: {axes: [channel, y, x], eps: 1.0e-06}\n"
				+ "outputs:\n  - id: mean\n    axes:\n      - type: batch\n      - type: channel\n        channel_names: [filtered]\n"
				+ "      - id: y\n        type: space\n        size: {tensor_id: raw, axis_id: y}\n        halo: 1\n      - id: x\n        type: space\n        size: {tensor_id: raw, axis_id: x}\n        halo: 1\n"
				+ "    test_tensor: {source: test_out.npy, sha256: "
				+ PackageFiles.sha256( dir.resolve( "test_out.npy" ) ) + "}\n"
				+ "weights:\n  tensorflow_saved_model_bundle:\n    source: tf_model.zip\n    sha256: "
				+ PackageFiles.sha256( dir.resolve( "tf_model.zip" ) ) + "\n    tensorflow_version: '2.18'\n";
		Files.write( dir.resolve( "README.md" ), "# mean filter\n".getBytes( StandardCharsets.UTF_8 ) );
		Files.write( dir.resolve( "rdf.yaml" ), rdf.apply( yaml ).getBytes( StandardCharsets.UTF_8 ) );
		return dir;
	}

	static float[] zeroMeanUnitVariance( final float[] x )
	{
		double s = 0, q = 0;
		for ( final float v : x )
			s += v;
		final double m = s / x.length;
		for ( final float v : x )
			q += ( v - m ) * ( v - m );
		final double sd = Math.sqrt( q / x.length ) + 1e-6;
		final float[] y = new float[ x.length ];
		for ( int i = 0; i < x.length; i++ )
			y[ i ] = ( float ) ( ( x[ i ] - m ) / sd );
		return y;
	}

	/** 3 x 3 mean, zeros outside (TensorFlow's SAME padding). */
	static float[] meanFilter( final float[] x, final int h, final int w )
	{
		final float[] y = new float[ x.length ];
		for ( int r = 0; r < h; r++ )
			for ( int c = 0; c < w; c++ )
			{
				double s = 0;
				for ( int dr = -1; dr <= 1; dr++ )
					for ( int dc = -1; dc <= 1; dc++ )
						if ( r + dr >= 0 && r + dr < h && c + dc >= 0 && c + dc < w )
							s += x[ ( r + dr ) * w + c + dc ];
				y[ r * w + c ] = ( float ) ( s / 9 );
			}
		return y;
	}
}
