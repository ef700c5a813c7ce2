package fiji.plugin.autoencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: every reference from a main source file to
 * another package of the plugin (import or qualified name, comments and
 * strings aside) goes to a package listed above it in README's code-layout
 * table, which is the layer order, lowest first. A package missing from the
 * table fails too.
 */
class LayerOrderTest
{
	private static final String BASE = "fiji.plugin.autoencoder";

	private static final String ROOT = "(root)";

	private static final Pattern REFERENCE = Pattern.compile( "\\bfiji\\.plugin\\.autoencoder\\.(\\w+)" );

	/** The packages of README's code-layout table, lowest layer first. */
	static List< String > layers() throws IOException
	{
		final List< String > lines = Files.readAllLines( Paths.get( "README.md" ), StandardCharsets.UTF_8 );
		final List< String > order = new ArrayList<>();
		boolean inSection = false;
		for ( final String line : lines )
		{
			if ( line.startsWith( "## " ) )
				inSection = line.startsWith( "## Code layout" );
			else if ( inSection && line.startsWith( "| `" ) )
			{
				final String cell = line.substring( 1, line.indexOf( '|', 1 ) ).trim();
				order.add( cell.substring( 1, cell.indexOf( '`', 1 ) ) );
			}
		}
		return order;
	}

	/** The source without comments and string or char literals. */
	static String code( final String source )
	{
		final StringBuilder out = new StringBuilder( source.length() );
		int i = 0;
		while ( i < source.length() )
		{
			final char c = source.charAt( i );
			if ( source.startsWith( "//", i ) )
				i = end( source, source.indexOf( '\n', i ) );
			else if ( source.startsWith( "/*", i ) )
				i = end( source, source.indexOf( "*/", i + 2 ) + 1 );
			else if ( c == '"' || c == '\'' )
			{
				i++;
				while ( i < source.length() && source.charAt( i ) != c )
					i += source.charAt( i ) == '\\' ? 2 : 1;
				i++;
				out.append( ' ' );
			}
			else
			{
				out.append( c );
				i++;
			}
		}
		return out.toString();
	}

	private static int end( final String s, final int at )
	{
		return at < 0 ? s.length() : at + 1;
	}

	/** The plugin's package of a qualified reference's first part after the base: a subpackage, or the root for a class name. */
	private static String target( final String part )
	{
		return Character.isUpperCase( part.charAt( 0 ) ) ? ROOT : part;
	}

	@Test
	void importsPointDownTheReadmeLayerOrder() throws IOException
	{
		final List< String > order = layers();
		assertTrue( order.size() >= 10, "README's code-layout table lists the packages, one per row: " + order );
		final Path main = Paths.get( "src/main/java/fiji/plugin/autoencoder" );
		final List< String > problems = new ArrayList<>();
		final TreeSet< String > seen = new TreeSet<>();
		try ( Stream< Path > files = Files.walk( main ) )
		{
			for ( final Path f : files.filter( p -> p.toString().endsWith( ".java" ) ).collect( Collectors.toList() ) )
			{
				final Path rel = main.relativize( f );
				final String pkg = rel.getNameCount() == 1 ? ROOT : rel.getName( 0 ).toString();
				seen.add( pkg );
				final int layer = order.indexOf( pkg );
				if ( layer < 0 )
				{
					problems.add( "package " + pkg + " (" + rel
							+ ") is not in README's code-layout table: add a row for it at its layer" );
					continue;
				}
				final Matcher m = REFERENCE
						.matcher( code( new String( Files.readAllBytes( f ), StandardCharsets.UTF_8 ) ) );
				final TreeSet< String > targets = new TreeSet<>();
				while ( m.find() )
					targets.add( target( m.group( 1 ) ) );
				targets.remove( pkg );
				for ( final String t : targets )
					if ( order.indexOf( t ) > layer )
						problems.add( rel + " (" + pkg + ") uses " + BASE + ( ROOT.equals( t ) ? "" : "." + t )
								+ ", a layer above it in README's code-layout table" );
			}
		}
		assertEquals( new ArrayList<>(), problems, problems.size() + " reference(s) point up the layers" );
		for ( final String p : order )
			assertTrue( seen.contains( p ), "README's code-layout table lists " + p + ", which has no source files" );
	}

	@Test
	void theCheckSeesAnUpwardReference()
	{
		final Matcher m = REFERENCE.matcher( code(
				"import fiji.plugin.autoencoder.commands.Commands; // fiji.plugin.autoencoder.cli\n String s = \"fiji.plugin.autoencoder.ui\";\n fiji.plugin.autoencoder.MacroCalls.train( o );" ) );
		final List< String > found = new ArrayList<>();
		while ( m.find() )
			found.add( target( m.group( 1 ) ) );
		assertEquals( List.of( "commands", ROOT ), found );
	}
}
