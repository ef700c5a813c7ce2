package fiji.plugin.autoencoder.io;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

import fiji.plugin.autoencoder.model.Endpoints;

/**
 * Refuses model graphs that could do more than compute: only the op types that
 * {@code GraphBuilder} and TensorFlow's gradient and SavedModel machinery
 * produce are allowed, so a model file someone sent you cannot read or write
 * files, run Python or start processes. The SavedModel's own checkpoint ops
 * (SaveV2, RestoreV2, ...) are allowed only outside the inputs of the
 * plugin's endpoints, i.e. they run only when the loader restores variables.
 */
public final class OpAllowlist
{
	private OpAllowlist()
	{}

	/** Ops of the computation: forward, gradients, optimisers, initialisers. */
	static final Set< String > COMPUTE = Collections.unmodifiableSet( new HashSet<>( Arrays.asList(
			"Placeholder", "PlaceholderWithDefault", "Const", "Identity", "IdentityN", "NoOp", "StopGradient", "PreventGradient",
			"VariableV2", "Variable", "Assign", "AssignAdd", "AssignSub", "VarHandleOp", "ReadVariableOp", "AssignVariableOp", "VarIsInitializedOp",
			"Reshape", "Shape", "ShapeN", "Size", "Rank", "Slice", "StridedSlice", "StridedSliceGrad", "Concat", "ConcatV2", "ConcatOffset",
			"Pack", "Unpack", "Fill", "ZerosLike", "OnesLike", "Range", "Tile", "Transpose", "ExpandDims", "Squeeze", "BroadcastTo",
			"BroadcastGradientArgs", "DynamicStitch", "Mod", "InvertPermutation", "Cumsum", "Pad", "PadV2", "MirrorPad", "MirrorPadGrad", "Cast", "Select", "SelectV2", "Where",
			"Add", "AddV2", "AddN", "Sub", "Mul", "Div", "DivNoNan", "RealDiv", "FloorDiv", "FloorMod", "Maximum", "Minimum", "Neg", "Abs", "Sign",
			"Square", "SquaredDifference", "Sqrt", "Rsqrt", "SqrtGrad", "RsqrtGrad", "Pow", "Exp", "Log", "Log1p", "Reciprocal", "ReciprocalGrad",
			"Equal", "NotEqual", "Greater", "GreaterEqual", "Less", "LessEqual", "LogicalAnd", "LogicalOr", "LogicalNot",
			"Sum", "Mean", "Prod", "Max", "Min", "ArgMax", "ArgMin", "L2Loss",
			"MatMul", "BatchMatMul", "BatchMatMulV2", "BiasAdd", "BiasAddGrad",
			"Relu", "ReluGrad", "LeakyRelu", "LeakyReluGrad", "Elu", "EluGrad", "Sigmoid", "SigmoidGrad", "Tanh", "TanhGrad", "Softplus", "SoftplusGrad", "Softmax", "LogSoftmax",
			"Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "Conv3D", "Conv3DBackpropInputV2", "Conv3DBackpropFilterV2",
			"MaxPool", "MaxPoolV2", "MaxPoolGrad", "MaxPoolGradV2", "MaxPool3D", "MaxPool3DGrad", "AvgPool", "AvgPoolGrad",
			"Gather", "GatherV2", "ResizeNearestNeighbor", "ResizeNearestNeighborGrad", "ResizeBilinear", "ResizeBilinearGrad", "DepthToSpace", "SpaceToDepth",
			"FusedBatchNormV3", "FusedBatchNormGradV3",
			"StatelessRandomUniform", "StatelessRandomNormal", "StatelessTruncatedNormal",
			"ApplyAdam", "ApplyAdadelta", "ApplyGradientDescent" ) ) );

	/** The SavedModel's own save/restore ops: allowed, but never as inputs of the plugin's endpoints. */
	static final Set< String > CHECKPOINT = Collections.unmodifiableSet( new HashSet<>( Arrays.asList(
			"SaveV2", "RestoreV2", "MergeV2Checkpoints", "ShardedFilename", "StringJoin" ) ) );

	/** Endpoints that inference and training run. */
	static final List< String > ENDPOINTS = Arrays.asList( Endpoints.INPUT, Endpoints.CODE, Endpoints.CODE_INPUT, Endpoints.DECODED,
			Endpoints.RECONSTRUCTION, Endpoints.LOSS, Endpoints.OBJECTIVE, Endpoints.TRAIN, Endpoints.LEARNING_RATE );

	/**
	 * Checks every graph (and function library) of a SavedModel.
	 *
	 * @throws IllegalArgumentException naming the forbidden op types and the file
	 */
	public static void check( final SavedModel model, final String source )
	{
		final Set< String > bad = new TreeSet<>();
		for ( final MetaGraphDef meta : model.getMetaGraphsList() )
		{
			final GraphDef g = meta.getGraphDef();
			final Map< String, NodeDef > nodes = new HashMap<>();
			for ( final NodeDef n : g.getNodeList() )
			{
				nodes.put( n.getName(), n );
				if ( !COMPUTE.contains( n.getOp() ) && !CHECKPOINT.contains( n.getOp() ) )
					bad.add( n.getOp() );
			}
			for ( final FunctionDef f : g.getLibrary().getFunctionList() )
				for ( final NodeDef n : f.getNodeDefList() )
					bad.add( n.getOp() + " (inside function " + f.getSignature().getName() + ")" );
			if ( !bad.isEmpty() )
				break;
			final Set< String > reachable = ancestors( nodes, ENDPOINTS );
			for ( final String name : reachable )
			{
				final NodeDef n = nodes.get( name );
				if ( n != null && CHECKPOINT.contains( n.getOp() ) )
					bad.add( n.getOp() + " (feeding " + name + ")" );
			}
		}
		if ( !bad.isEmpty() )
			throw new IllegalArgumentException( "Refusing to load " + source + ": its graph contains operations this plugin never creates and that could access files or run code: "
					+ bad + ". Only load model files written by fiji-autoencoder; retrain or re-export the model." );
	}

	private static Set< String > ancestors( final Map< String, NodeDef > nodes, final List< String > roots )
	{
		final Set< String > seen = new HashSet<>();
		final Deque< String > todo = new ArrayDeque<>();
		for ( final String r : roots )
			if ( nodes.containsKey( r ) )
				todo.add( r );
		while ( !todo.isEmpty() )
		{
			final String name = todo.pop();
			if ( !seen.add( name ) )
				continue;
			final NodeDef n = nodes.get( name );
			if ( n == null )
				continue;
			for ( String in : n.getInputList() )
			{
				if ( in.startsWith( "^" ) )
					in = in.substring( 1 );
				final int colon = in.indexOf( ':' );
				todo.add( colon < 0 ? in : in.substring( 0, colon ) );
			}
		}
		return seen;
	}
}
