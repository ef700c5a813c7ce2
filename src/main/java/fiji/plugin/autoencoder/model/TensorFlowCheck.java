package fiji.plugin.autoencoder.model;

import java.security.CodeSource;

/**
 * Checks that the TensorFlow this plugin needs (TensorFlow Java 1.1.0, TF 2.18)
 * is the one on the class path, before any native code runs. Fiji's CSBDeep
 * and StarDist update sites install the old libtensorflow 1.x in the same
 * {@code org.tensorflow} package; only one TensorFlow can live in a JVM, so
 * that case gets a message saying what to do instead of a crash.
 */
public final class TensorFlowCheck
{
	private TensorFlowCheck()
	{}

	/** A message describing the problem with TensorFlow as seen from {@code loader}, or null when all is well. */
	public static String problem( final ClassLoader loader )
	{
		final Class< ? > tf, tensor;
		try
		{
			tf = Class.forName( "org.tensorflow.TensorFlow", false, loader );
			tensor = Class.forName( "org.tensorflow.Tensor", false, loader );
		}
		catch ( final ClassNotFoundException | LinkageError e )
		{
			return "TensorFlow Java is missing: copy tensorflow-core-api-1.1.0.jar, tensorflow-core-native-1.1.0.jar (and its platform jar), ndarray-1.0.0.jar, "
					+ "javacpp-1.5.10.jar and protobuf-java into Fiji.app/jars (see the plugin's README)";
		}
		boolean ndarray;
		try
		{
			Class.forName( "org.tensorflow.ndarray.Shape", false, loader );
			ndarray = true;
		}
		catch ( final ClassNotFoundException | LinkageError e )
		{
			ndarray = false;
		}
		if ( !tensor.isInterface() || !ndarray )
			return "An old TensorFlow 1.x library is installed (" + where( tf )
					+ "), most likely by the CSBDeep or StarDist update site. "
					+ "This plugin needs TensorFlow Java 1.1.0 (TensorFlow 2.18) and only one TensorFlow can be loaded at a time. "
					+ "Either disable the CSBDeep/TensorFlow update sites (Help > Update... > Manage update sites), remove libtensorflow-1.*.jar and "
					+ "libtensorflow_jni*.jar from Fiji.app/jars and restart Fiji, or use a separate Fiji installation for this plugin.";
		return null;
	}

	/** Throws an IllegalStateException with {@link #problem} if there is one, or when the native library cannot load. */
	public static void require()
	{
		final String p = problem( TensorFlowCheck.class.getClassLoader() );
		if ( p != null )
			throw new IllegalStateException( p );
		try
		{
			org.tensorflow.TensorFlow.version();
		}
		catch ( final UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e )
		{
			throw new IllegalStateException( "TensorFlow's native library could not be loaded (" + e.getMessage()
					+ "). It needs a 64-bit Linux with glibc 2.34 or newer, "
					+ "macOS on Apple silicon or 64-bit Windows, and the tensorflow-core-native jar for this platform (linux-x86_64, linux-x86_64-gpu with CUDA 12 and cuDNN 9, "
					+ "macosx-arm64 or windows-x86_64) next to the plugin.", e );
		}
	}

	private static String where( final Class< ? > c )
	{
		final CodeSource s = c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
		return s == null || s.getLocation() == null ? "org.tensorflow from an unknown jar" : s.getLocation().getPath();
	}
}
