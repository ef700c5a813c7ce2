package fiji.plugin.autoencoder.model;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;

/**
 * The devices TensorFlow actually sees in this JVM (not which jar was
 * installed): a session is opened and asked for its devices, so "GPU" is
 * reported only when TensorFlow can really use one.
 */
public final class Devices
{
	private Devices()
	{}

	/** One device: name (e.g. /job:localhost/replica:0/task:0/device:GPU:0), type (CPU, GPU) and memory. */
	public static final class Device
	{
		public final String name, type;

		public final long memoryBytes;

		Device( final String name, final String type, final long memoryBytes )
		{
			this.name = name;
			this.type = type;
			this.memoryBytes = memoryBytes;
		}

		@Override
		public String toString()
		{
			return type + " " + name + ( memoryBytes > 0 ? " (" + ( memoryBytes >> 20 ) + " MiB)" : "" );
		}
	}

	/** The devices a new session can use. */
	public static List< Device > list()
	{
		TensorFlowCheck.require();
		TensorFlow.version(); // loads the native library
		final List< Device > devices = new ArrayList<>();
		final TF_Status status = TF_NewStatus();
		final TF_Graph graph = TF_NewGraph();
		final TF_SessionOptions options = TF_NewSessionOptions();
		TF_Session session = null;
		try
		{
			session = TF_NewSession( graph, options, status );
			check( status );
			final TF_DeviceList list = TF_SessionListDevices( session, status );
			check( status );
			try
			{
				for ( int i = 0; i < TF_DeviceListCount( list ); i++ )
					devices.add( new Device( TF_DeviceListName( list, i, status ).getString(),
							TF_DeviceListType( list, i, status ).getString(),
							TF_DeviceListMemoryBytes( list, i, status ) ) );
				check( status );
			}
			finally
			{
				TF_DeleteDeviceList( list );
			}
		}
		finally
		{
			if ( session != null )
			{
				TF_CloseSession( session, status );
				TF_DeleteSession( session, status );
			}
			TF_DeleteSessionOptions( options );
			TF_DeleteGraph( graph );
			TF_DeleteStatus( status );
		}
		return devices;
	}

	/** True if the GPU build of the native library is on the class path. */
	public static boolean gpuBuildInstalled()
	{
		final String cp = System.getProperty( "java.class.path", "" );
		return cp.contains( "linux-x86_64-gpu" ) || Devices.class.getClassLoader()
				.getResource( "org/tensorflow/internal/c_api/linux-x86_64-gpu/" ) != null;
	}

	/** A sentence for the user: which device training and prediction will use, and why not a GPU. */
	public static String summary( final List< Device > devices )
	{
		final boolean gpu = devices.stream().anyMatch( d -> d.type.equals( "GPU" ) );
		if ( gpu )
			return "TensorFlow " + TensorFlow.version() + " will use the GPU: "
					+ devices.stream().filter( d -> d.type.equals( "GPU" ) ).findFirst().get();
		if ( gpuBuildInstalled() )
			return "TensorFlow " + TensorFlow.version()
					+ " runs on the CPU only: the GPU build is installed but sees no GPU. Check that CUDA 12 and cuDNN 9 are on the library path (LD_LIBRARY_PATH) and that nvidia-smi lists a GPU.";
		return "TensorFlow " + TensorFlow.version() + " runs on the CPU (" + Runtime.getRuntime().availableProcessors()
				+ " cores). For an NVIDIA GPU, install the linux-x86_64-gpu build (mvn -Pgpu package) with CUDA 12 and cuDNN 9.";
	}

	private static void check( final TF_Status status )
	{
		if ( TF_GetCode( status ) != 0 )
			throw new IllegalStateException(
					"TensorFlow could not list its devices: " + TF_Message( status ).getString() );
	}
}
