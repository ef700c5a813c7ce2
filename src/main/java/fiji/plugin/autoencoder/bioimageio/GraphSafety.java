package fiji.plugin.autoencoder.bioimageio;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * The safety check of a SavedModel that this plugin did not write, run on its
 * protocol buffer before TensorFlow sees any of it.
 * <ul>
 * <li>The signature's subgraph (every node the signature's outputs depend on,
 * control inputs included) may hold only {@link #INFERENCE} ops: arithmetic,
 * convolutions, pooling, resizing, shapes, constants, placeholders and
 * variable reads. It is the only part that is ever imported into TensorFlow
 * ({@link #subgraph}), without the function library.</li>
 * <li>The rest of the graph may hold, besides those, the ops of training and
 * of the file's own checkpointing ({@link #STATE}); they are never imported
 * and never run. {@code SaveV2} and {@code MergeV2Checkpoints} are accepted
 * there only when their path comes from the saver's filename placeholder, as
 * in every SavedModel; one with a path of its own (e.g. a constant) is refused.</li>
 * <li>Every function of the function library is inspected: a body with any op
 * outside those two sets is refused, even if nothing calls it.</li>
 * </ul>
 * Anything else (file, system, network, string-formatting and Python ops such
 * as {@code ReadFile}, {@code WriteFile}, {@code PyFunc}, {@code StringFormat},
 * {@code PrintV2}, and function calls inside the signature) is refused with
 * the op types named. Stateless and thread-safe.
 */
public final class GraphSafety
{
	private GraphSafety()
	{}

	/** Ops that inference may run. */
	public static final Set< String > INFERENCE = Set.copyOf( Arrays.asList(
			"Placeholder", "PlaceholderWithDefault", "Const", "Identity", "IdentityN", "NoOp", "StopGradient",
			"PreventGradient", "Snapshot",
			"VariableV2", "Variable", "VarHandleOp", "ReadVariableOp",
			"Reshape", "Shape", "ShapeN", "Size", "Rank", "Slice", "StridedSlice", "Concat", "ConcatV2", "Pack",
			"Unpack", "Split", "SplitV",
			"Fill", "ZerosLike", "OnesLike", "Range", "Tile", "Transpose", "ExpandDims", "Squeeze", "BroadcastTo",
			"BroadcastArgs",
			"Pad", "PadV2", "MirrorPad", "Cast", "Select", "SelectV2", "Switch", "Merge",
			"Add", "AddV2", "AddN", "Sub", "Mul", "Div", "DivNoNan", "RealDiv", "FloorDiv", "FloorMod", "Mod",
			"Maximum", "Minimum", "Neg", "Abs", "Sign",
			"Square", "SquaredDifference", "Sqrt", "Rsqrt", "Pow", "Exp", "Log", "Log1p", "Reciprocal", "Floor", "Ceil",
			"Round", "Erf", "ClipByValue",
			"Equal", "NotEqual", "Greater", "GreaterEqual", "Less", "LessEqual", "LogicalAnd", "LogicalOr",
			"LogicalNot",
			"Sum", "Mean", "Prod", "Max", "Min", "ArgMax", "ArgMin", "All", "Any",
			"MatMul", "BatchMatMul", "BatchMatMulV2", "BiasAdd",
			"Relu", "Relu6", "LeakyRelu", "Elu", "Selu", "Sigmoid", "Tanh", "Softplus", "Softsign", "Softmax",
			"Conv2D", "Conv2DBackpropInput", "DepthwiseConv2dNative", "Conv3D", "Conv3DBackpropInputV2",
			"MaxPool", "MaxPoolV2", "MaxPool3D", "AvgPool", "AvgPool3D",
			"Gather", "GatherV2", "ResizeNearestNeighbor", "ResizeBilinear", "DepthToSpace", "SpaceToDepth",
			"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3" ) );

	/** Ops accepted outside the signature's subgraph only: variable writes, gradients, optimisers, the checkpoint saver. Never imported. */
	public static final Set< String > STATE = Set.copyOf( Arrays.asList(
			"Assign", "AssignAdd", "AssignSub", "AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp",
			"VarIsInitializedOp", "IsVariableInitialized",
			"BroadcastGradientArgs", "ConcatOffset", "StridedSliceGrad", "MirrorPadGrad", "DynamicStitch",
			"InvertPermutation", "Cumsum", "L2Loss",
			"BiasAddGrad", "ReluGrad", "Relu6Grad", "LeakyReluGrad", "EluGrad", "SeluGrad", "SigmoidGrad", "TanhGrad",
			"SoftplusGrad", "SqrtGrad", "RsqrtGrad", "ReciprocalGrad",
			"Conv2DBackpropFilter", "Conv3DBackpropFilterV2", "MaxPoolGrad", "MaxPoolGradV2", "MaxPool3DGrad",
			"AvgPoolGrad", "ResizeNearestNeighborGrad", "ResizeBilinearGrad",
			"FusedBatchNormGrad", "FusedBatchNormGradV3", "Where", "StatelessRandomUniform", "StatelessRandomNormal",
			"StatelessTruncatedNormal",
			"RandomUniform", "RandomStandardNormal", "TruncatedNormal",
			"ApplyAdam", "ApplyAdadelta", "ApplyGradientDescent", "ApplyMomentum", "ApplyRMSProp",
			"ResourceApplyAdam", "ResourceApplyAdadelta", "ResourceApplyGradientDescent", "ResourceApplyMomentum",
			"ResourceApplyRMSProp",
			"RestoreV2", "SaveV2", "MergeV2Checkpoints", "ShardedFilename", "StringJoin" ) );

	/** Savers that write: accepted only with their path from the saver's filename placeholder. */
	static final Set< String > WRITERS = Set.of( "SaveV2", "MergeV2Checkpoints" );

	/**
	 * Checks a meta graph and returns the signature's subgraph, safe to import.
	 *
	 * @param outputs the node names the signature's outputs are read from
	 * @param source  what to call the file in messages
	 * @throws IllegalArgumentException naming the refused op types
	 */
	public static GraphDef subgraph( final MetaGraphDef meta, final Collection< String > outputs, final String source )
	{
		final GraphDef g = meta.getGraphDef();
		final Map< String, NodeDef > nodes = new HashMap<>();
		for ( final NodeDef n : g.getNodeList() )
			nodes.put( n.getName(), n );
		final Set< String > bad = new TreeSet<>();
		for ( final FunctionDef f : g.getLibrary().getFunctionList() )
			for ( final NodeDef n : f.getNodeDefList() )
				if ( !INFERENCE.contains( n.getOp() ) && !STATE.contains( n.getOp() ) )
					bad.add( n.getOp() + " (in function " + f.getSignature().getName() + ")" );
		for ( final NodeDef n : g.getNodeList() )
			if ( !INFERENCE.contains( n.getOp() ) && !STATE.contains( n.getOp() ) )
				bad.add( n.getOp() );
		for ( final String o : outputs )
			if ( !nodes.containsKey( o ) )
				throw new IllegalArgumentException( source + ": the signature's output " + o
						+ " is not a node of the graph: the SavedModel is damaged" );
		final Set< String > sub = ancestors( nodes, outputs );
		for ( final String name : sub )
		{
			final NodeDef n = nodes.get( name );
			if ( n == null )
				throw new IllegalArgumentException(
						source + ": node " + name + " is used but not defined: the SavedModel is damaged" );
			if ( !INFERENCE.contains( n.getOp() ) )
				bad.add( n.getOp() + ( STATE.contains( n.getOp() )
						? " (in the inference path: it would write state or files)" : "" ) );
		}
		final String filename = meta.getSaverDef().getFilenameTensorName().replaceAll( ":\\d+$", "" );
		for ( final NodeDef n : g.getNodeList() )
			if ( WRITERS.contains( n.getOp() ) && !sub.contains( n.getName() ) )
			{
				final String path = n.getInputCount() == 0 ? "" : node( n.getInput( 0 ) );
				if ( filename.isEmpty() || !ancestors( nodes, Set.of( path ) ).contains( filename ) )
					bad.add( n.getOp() + " (" + n.getName()
							+ " writes to a path of its own, not the saver's filename)" );
			}
		if ( !bad.isEmpty() )
			throw new IllegalArgumentException( "Refusing " + source
					+ ": its TensorFlow graph holds operations that inference does not need and that could read or write files, "
					+ "run code or reach the network: " + bad
					+ ". Only graphs of plain inference ops (convolutions, arithmetic, pooling, resizing, variables) "
					+ "in graph mode (TF1-style or TensorFlow Java SavedModels) are run; nothing was loaded." );
		final GraphDef.Builder b = GraphDef.newBuilder().setVersions( g.getVersions() );
		for ( final NodeDef n : g.getNodeList() )
			if ( sub.contains( n.getName() ) )
				b.addNode( n.toBuilder().clearDevice() );
		return b.build();
	}

	/** The node name of an input reference ({@code ^name}, {@code name:1}). */
	static String node( final String input )
	{
		final String s = input.startsWith( "^" ) ? input.substring( 1 ) : input;
		final int colon = s.indexOf( ':' );
		return colon < 0 ? s : s.substring( 0, colon );
	}

	private static Set< String > ancestors( final Map< String, NodeDef > nodes, final Collection< String > roots )
	{
		final Set< String > seen = new LinkedHashSet<>();
		final Deque< String > todo = new ArrayDeque<>( roots );
		while ( !todo.isEmpty() )
		{
			final String name = todo.pop();
			if ( !seen.add( name ) )
				continue;
			final NodeDef n = nodes.get( name );
			if ( n != null )
				for ( final String in : n.getInputList() )
					todo.add( node( in ) );
		}
		return new HashSet<>( seen );
	}
}
