package fiji.plugin.autoencoder.segment;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.Random;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import fiji.plugin.autoencoder.core.Progress;
import fiji.plugin.autoencoder.io.ModelFile;
import fiji.plugin.autoencoder.model.Model;
import fiji.plugin.autoencoder.model.ModelSpec;
import fiji.plugin.autoencoder.model.Presets;
import fiji.plugin.autoencoder.tiling.ImageRunner;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageConverter;

/**
 * Java side of the PyTorch twin of Train Segmenter on the ultrasound images
 * ({@code bench/ultrasound_twin.py}, run by {@code bench/run-ultrasound-twin.sh}; not a test).
 * <p>
 * {@code export <dir>}: the exact inputs of {@link SegmenterTrainer#train} with the defaults
 * ({@link SegmenterSettings}): the normalised 1/scale training planes with their one-hot targets,
 * the fixed validation patches, the initial weights ({@code Model.create(spec, seed)}), and, per
 * epoch, the parameters of every training patch (plane, corner, orientation, gain, offset) that
 * {@link SegmentPatches#fill} draws from the Trainer's {@code Random(seed)} (replayed: one
 * permutation per epoch, then the patches in order). PyTorch renders the same patches from them
 * (checked against {@code fill}'s own output for the first 64).
 * <p>
 * {@code score <model file> [weights dir]}: per-class mean Dice on the held-out training images
 * (validation) and on the test images, through {@link SegmenterPrediction#segment} (Segment Image's
 * defaults), with the model's weights replaced by PyTorch's when a weights dir is given.
 */
public class UltrasoundTwin
{
	static final String DATA = "/work/shared/data/ultrasound_nerve_usgra/";

	public static void main( final String[] args ) throws Exception
	{
		try
		{
			if ( args[ 0 ].equals( "export" ) )
				export( Paths.get( args[ 1 ] ) );
			else
				score( Paths.get( args[ 1 ] ), args.length > 2 ? Paths.get( args[ 2 ] ) : null );
		}
		finally
		{
			System.exit( 0 );
		}
	}

	static List< ImagePlus >[] load( final String images, final String masks )
	{
		final File[] files = new File( DATA + images ).listFiles( ( d, n ) -> n.endsWith( ".png" ) );
		Arrays.sort( files );
		@SuppressWarnings( "unchecked" )
		final List< ImagePlus >[] out = new List[] { new ArrayList<>(), new ArrayList<>() };
		for ( final File f : files )
		{
			final ImagePlus img = IJ.openImage( f.getPath() ), mask = IJ.openImage( DATA + masks + "/" + f.getName() );
			if ( img.getType() != ImagePlus.GRAY8 )
				new ImageConverter( img ).convertToGray8();
			out[ 0 ].add( img );
			out[ 1 ].add( mask );
		}
		return out;
	}

	static void write( final Path file, final float[] v ) throws IOException
	{
		final ByteBuffer b = ByteBuffer.allocate( v.length * 4 ).order( ByteOrder.LITTLE_ENDIAN );
		b.asFloatBuffer().put( v );
		Files.write( file, b.array() );
	}

	static float[] read( final Path file ) throws IOException
	{
		final ByteBuffer b = ByteBuffer.wrap( Files.readAllBytes( file ) ).order( ByteOrder.LITTLE_ENDIAN );
		final float[] v = new float[ b.remaining() / 4 ];
		b.asFloatBuffer().get( v );
		return v;
	}

	static Random copy( final Random r ) throws Exception
	{
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try ( ObjectOutputStream o = new ObjectOutputStream( bytes ) )
		{
			o.writeObject( r );
		}
		try ( ObjectInputStream i = new ObjectInputStream( new ByteArrayInputStream( bytes.toByteArray() ) ) )
		{
			return ( Random ) i.readObject();
		}
	}

	static void export( final Path dir ) throws Exception
	{
		Files.createDirectories( dir );
		final SegmenterSettings s = new SegmenterSettings();
		if ( s.speckle > 0 )
			throw new IllegalStateException( "The twin cannot replay speckle noise (a Java Random's Gaussians per pixel)" );
		final List< ImagePlus >[] train = load( "images", "masks" );
		final int classes = MultiClassMasks.classes( train[ 1 ], s.classes );
		final int scale = s.scale > 0 ? s.scale : SegmentScale.auto( train[ 1 ], s.patchSize );
		final int tc = MultiClassMasks.targetChannels( classes ), patch = s.patchSize;
		final List< SegmentPatches.Plane > planes = new ArrayList<>(), val = new ArrayList<>();
		for ( int i = 0; i < train[ 0 ].size(); i++ )
			SegmenterTrainer.planes( train[ 0 ].get( i ), train[ 1 ].get( i ), classes, scale, patch, 1, planes );
		final boolean leftRightOnly = PatchOrientations.choose( s.orientations, planes, train[ 0 ].size() ).leftRightOnly;
		SegmenterTrainer.holdOut( planes, val, s.validationFraction, patch, tc, 1 );
		final SegmentPatches data = new SegmentPatches( planes, patch, 1, tc, s.patchesPerEpoch, s.foregroundFraction, s.intensityAugmentation, s.seed,
				leftRightOnly );
		final int nv = Math.max( s.batchSize, ( int ) Math.round( s.patchesPerEpoch * 0.25 ) );
		final SegmentPatches validation = data.validation( val, nv );

		// planes, concatenated
		final List< int[] > sizes = new ArrayList<>();
		int total = 0;
		for ( final SegmentPatches.Plane p : planes )
		{
			sizes.add( new int[] { p.w, p.h } );
			total += p.w * p.h;
		}
		final float[] in = new float[ total ], tg = new float[ total * tc ];
		int at = 0;
		for ( final SegmentPatches.Plane p : planes )
		{
			System.arraycopy( p.input, 0, in, at, p.w * p.h );
			System.arraycopy( p.target, 0, tg, at * tc, p.w * p.h * tc );
			at += p.w * p.h;
		}
		write( dir.resolve( "planes_x.f32" ), in );
		write( dir.resolve( "planes_y.f32" ), tg );
		// the held-out planes, whole (HeldOutDice: selection by held-out Dice)
		final List< int[] > valSizes = new ArrayList<>();
		int valTotal = 0;
		for ( final SegmentPatches.Plane p : val )
		{
			valSizes.add( new int[] { p.w, p.h } );
			valTotal += p.w * p.h;
		}
		final float[] vin = new float[ valTotal ], vtg = new float[ valTotal * tc ];
		at = 0;
		for ( final SegmentPatches.Plane p : val )
		{
			System.arraycopy( p.input, 0, vin, at, p.w * p.h );
			System.arraycopy( p.target, 0, vtg, at * tc, p.w * p.h * tc );
			at += p.w * p.h;
		}
		write( dir.resolve( "valplanes_x.f32" ), vin );
		write( dir.resolve( "valplanes_y.f32" ), vtg );
		final int[] all = new int[ nv ];
		for ( int i = 0; i < nv; i++ )
			all[ i ] = i;
		final float[] vx = new float[ nv * patch * patch ], vy = new float[ nv * patch * patch * tc ];
		validation.fill( all, 0, nv, vx, vy, null, new Random( 0 ) );
		write( dir.resolve( "val_x.f32" ), vx );
		write( dir.resolve( "val_y.f32" ), vy );

		// the Trainer's random stream, replayed: per epoch one permutation of the patch indices, then each patch's draws
		final Random random = new Random( s.seed );
		final double[] cumulative = SegmentPatches.cumulativeArea( planes );
		final int n = s.patchesPerEpoch;
		final float[] draws = new float[ s.epochs * n * 6 ];
		final float[] checkX = new float[ 64 * patch * patch ], checkY = new float[ 64 * patch * patch * tc ];
		for ( int e = 0; e < s.epochs; e++ )
		{
			for ( int i = n - 1; i > 0; i-- ) // Batches.permutation
				random.nextInt( i + 1 );
			if ( e == 0 )
				data.fill( all, 0, 64, checkX, checkY, null, copy( random ) );
			for ( int k = 0; k < n; k++ )
			{
				final Random rnd = random;
				final int pi = SegmentPatches.pickIndex( cumulative, planes.size(), rnd ); // as SegmentPatches.pick
				final SegmentPatches.Plane p = planes.get( pi );
				int x0 = rnd.nextInt( p.w - patch + 1 ), y0 = rnd.nextInt( p.h - patch + 1 );
				if ( rnd.nextDouble() < s.foregroundFraction )
				{
					final List< Integer > present = new ArrayList<>();
					for ( int c = 1; c < p.classPixels.length; c++ )
						if ( p.classPixels[ c ].length > 0 )
							present.add( c );
					if ( !present.isEmpty() )
					{
						final int[] px = p.classPixels[ present.get( rnd.nextInt( present.size() ) ) ];
						final int i = px[ rnd.nextInt( px.length ) ];
						x0 = Math.max( 0, Math.min( p.w - patch, i % p.w - patch / 2 + rnd.nextInt( patch / 2 + 1 ) - patch / 4 ) );
						y0 = Math.max( 0, Math.min( p.h - patch, i / p.w - patch / 2 + rnd.nextInt( patch / 2 + 1 ) - patch / 4 ) );
					}
				}
				final int orientation = rnd.nextInt( 8 ) & ( leftRightOnly ? 1 : 7 ); // as SegmentPatches.fill
				final double a = s.intensityAugmentation;
				final float gain = a == 0 ? 1 : ( float ) ( 1 + a * ( 2 * rnd.nextDouble() - 1 ) );
				final float offset = a == 0 ? 0 : ( float ) ( a * ( 2 * rnd.nextDouble() - 1 ) );
				final int o = ( e * n + k ) * 6;
				draws[ o ] = pi;
				draws[ o + 1 ] = x0;
				draws[ o + 2 ] = y0;
				draws[ o + 3 ] = orientation;
				draws[ o + 4 ] = gain;
				draws[ o + 5 ] = offset;
			}
		}
		write( dir.resolve( "draws.f32" ), draws );
		write( dir.resolve( "check_x.f32" ), checkX );
		write( dir.resolve( "check_y.f32" ), checkY );

		// the spec and initial weights exactly as SegmenterTrainer builds them
		final ModelSpec spec = Presets.segmenter( 1 );
		spec.height = patch;
		spec.width = patch;
		spec.outputChannels = tc;
		spec.layers = s.layers.clone();
		spec.convsPerLevel = s.convsPerLevel;
		spec.outputActivation = ModelSpec.Activation.SOFTMAX;
		spec.loss = SegmenterSettings.loss( s.loss );
		spec.learningRate = s.learningRate;
		spec.validate();
		final Map< String, Object > params = new LinkedHashMap<>();
		try ( Model model = Model.create( spec, s.seed, 0 ) )
		{
			final Map< String, long[] > shapes = model.parameterShapes();
			for ( final Map.Entry< String, float[] > p : model.readParameters().entrySet() )
			{
				final String file = "init_" + p.getKey().replace( '/', '_' ) + ".f32";
				write( dir.resolve( file ), p.getValue() );
				final Map< String, Object > m = new LinkedHashMap<>();
				m.put( "file", file );
				m.put( "shape", shapes.get( p.getKey() ) );
				params.put( p.getKey(), m );
			}
		}
		final Map< String, Object > h = new LinkedHashMap<>();
		h.put( "spec", new Gson().fromJson( spec.toJson(), JsonObject.class ) );
		h.put( "params", params );
		h.put( "plane_sizes", sizes );
		h.put( "val_plane_sizes", valSizes );
		h.put( "classes", classes );
		h.put( "target_channels", tc );
		h.put( "scale", scale );
		h.put( "patch", patch );
		h.put( "patches_per_epoch", n );
		h.put( "epochs", s.epochs );
		h.put( "batch_size", s.batchSize );
		h.put( "patience", s.patience );
		h.put( "n_val", nv );
		h.put( "settings", new Gson().toJsonTree( s ) );
		Files.write( dir.resolve( "header.json" ), new GsonBuilder().setPrettyPrinting().create().toJson( h ).getBytes( StandardCharsets.UTF_8 ) );
		System.out.println( "exported " + planes.size() + " training planes, " + val.size() + " validation planes (" + nv + " patches), " + s.epochs + " epochs x " + n
				+ " patch draws, scale 1/" + scale + ", " + classes + " classes, to " + dir );
	}

	static void score( final Path modelFile, final Path weights ) throws IOException
	{
		final List< ImagePlus >[] train = load( "images", "masks" );
		final List< ImagePlus >[] test = load( "test/images", "test/masks" );
		final int n = train[ 0 ].size(), nv = ( int ) Math.round( n * SegmenterSettings.VALIDATION_FRACTION );
		@SuppressWarnings( "unchecked" )
		final List< ImagePlus >[] val = new List[] { new ArrayList<>(), new ArrayList<>() };
		for ( int next = 0; next < nv; next++ ) // the planes SegmenterTrainer.holdOut moves to validation
		{
			final int i = ( int ) ( ( next + 0.5 ) * n / nv );
			val[ 0 ].add( train[ 0 ].get( i ) );
			val[ 1 ].add( train[ 1 ].get( i ) );
		}
		try ( ModelFile.Loaded m = ModelFile.load( modelFile, 0 ) )
		{
			if ( weights != null )
			{
				final JsonObject h = new Gson().fromJson( new String( Files.readAllBytes( weights.resolve( "weights.json" ) ), StandardCharsets.UTF_8 ), JsonObject.class );
				final Map< String, float[] > values = new LinkedHashMap<>();
				for ( final String name : m.model().parameterNames() )
					values.put( name, read( weights.resolve( h.get( name ).getAsString() ) ) );
				m.model().writeParameters( values );
			}
			for ( final String split : new String[] { "validation", "test" } )
			{
				final List< ImagePlus >[] d = split.equals( "test" ) ? test : val;
				final double[] sum = new double[ 2 ];
				for ( int i = 0; i < d[ 0 ].size(); i++ )
				{
					final Segmentation seg = SegmenterPrediction.segment( m, d[ 0 ].get( i ), 0.5, 0, new ImageRunner.Options(), Progress.none() );
					for ( int c = 1; c <= 2; c++ )
						sum[ c - 1 ] += dice( seg.mask, d[ 1 ].get( i ), c );
				}
				System.out.println( String.format( Locale.ROOT, "%s %-10s: Dice class 1 %.4f, class 2 %.4f (%d images)", weights == null ? "ours " : "torch", split,
						sum[ 0 ] / d[ 0 ].size(), sum[ 1 ] / d[ 0 ].size(), d[ 0 ].size() ) );
			}
		}
	}

	/** Dice of class c of the class map against the truth (1 when both lack it), as UltrasoundBench. */
	static double dice( final ImagePlus classes, final ImagePlus truth, final int c )
	{
		final byte[] p = ( byte[] ) classes.getProcessor().convertToByte( false ).getPixels();
		final ij.process.ImageProcessor t = truth.getProcessor();
		long inter = 0, a = 0, b = 0;
		for ( int i = 0; i < p.length; i++ )
		{
			final boolean x = ( p[ i ] & 0xff ) == c, y = t.getf( i ) == c;
			inter += x && y ? 1 : 0;
			a += x ? 1 : 0;
			b += y ? 1 : 0;
		}
		return a + b == 0 ? 1 : 2.0 * inter / ( a + b );
	}
}
