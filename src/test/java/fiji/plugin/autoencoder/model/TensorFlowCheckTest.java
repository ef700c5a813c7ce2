package fiji.plugin.autoencoder.model;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFlowCheckTest
{
	@TempDir
	Path dir;

	@Test
	void theRealTensorFlowPasses()
	{
		assertNull( TensorFlowCheck.problem( getClass().getClassLoader() ) );
		TensorFlowCheck.require();
	}

	/** A class path shaped like Fiji with CSBDeep's libtensorflow 1.15 (Tensor is a class there, no ndarray). */
	@Test
	void oldTensorFlow1IsDetectedWithWhatToDo() throws Exception
	{
		final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
		assumeTrue( javac != null, "needs a JDK" );
		final Path src = Files.createDirectories( dir.resolve( "src/org/tensorflow" ) );
		Files.writeString( src.resolve( "TensorFlow.java" ),
				"package org.tensorflow; public final class TensorFlow { public static String version() { return \"1.15.0\"; } }" );
		Files.writeString( src.resolve( "Tensor.java" ), "package org.tensorflow; public final class Tensor<T> { }" );
		final Path classes = Files.createDirectories( dir.resolve( "classes" ) );
		assertTrue( javac.run( null, null, null, "-d", classes.toString(), src.resolve( "TensorFlow.java" ).toString(),
				src.resolve( "Tensor.java" ).toString() ) == 0 );
		try ( URLClassLoader tf1 = new URLClassLoader( new URL[] { classes.toUri().toURL() }, null ) )
		{
			final String p = TensorFlowCheck.problem( tf1 );
			assertTrue( p != null && p.contains( "old TensorFlow 1.x" ) && p.contains( "CSBDeep" )
					&& p.contains( "Manage update sites" ) && p.contains( classes.toString() ), p );
		}
		try ( URLClassLoader none = new URLClassLoader( new URL[ 0 ], null ) )
		{
			assertTrue( TensorFlowCheck.problem( none ).contains( "TensorFlow Java is missing" ) );
		}
	}
}
