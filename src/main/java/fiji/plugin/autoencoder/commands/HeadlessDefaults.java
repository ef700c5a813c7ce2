package fiji.plugin.autoencoder.commands;

import java.io.File;

import org.scijava.Priority;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.ui.UIService;

/**
 * Headless runs of this plugin's commands use the keys they are given and the
 * documented defaults, never values remembered from an earlier run.
 * <p>
 * SciJava fills every input that a run leaves out with the value an earlier
 * run saved (Java preferences, {@code LoadInputsPreprocessor}), also in
 * {@code CommandService.run( cls, true, map )} and {@code --headless} macros,
 * where nobody sees the dialog that would show it: a training that omitted
 * {@code epochs} got the 1 epoch of an earlier test run. This preprocessor runs
 * just before that one and, without a display, marks the omitted inputs of the
 * plugin's commands as given, at their field defaults, so nothing is loaded.
 * With a display the dialog still offers the remembered values.
 */
@Plugin( type = PreprocessorPlugin.class, priority = Priority.VERY_LOW + 2 ) // NB: after the macro and image preprocessors, before LoadInputsPreprocessor (VERY_LOW + 1)
public class HeadlessDefaults extends AbstractPreprocessorPlugin
{
	/** The commands this applies to: those of this plugin. */
	static final String PACKAGE = "fiji.plugin.autoencoder.";

	@Parameter( required = false )
	private UIService ui;

	@Override
	public void process( final Module module )
	{
		if ( !headless() || !module.getInfo().getDelegateClassName().startsWith( PACKAGE ) )
			return;
		for ( final ModuleItem< ? > item : module.getInfo().inputs() )
			if ( !module.isInputResolved( item.getName() ) && item.isPersisted() && remembered( item.getType() ) )
				module.resolveInput( item.getName() );
	}

	private boolean headless()
	{
		return java.awt.GraphicsEnvironment.isHeadless() || ui != null && ui.isHeadless();
	}

	/**
	 * The kinds of values SciJava remembers as text and converts back: numbers, booleans, text, files, enums, and
	 * any type with a public String constructor, e.g. an {@code ImagePlus}, whose remembered title becomes an empty
	 * 0 x 0 image through {@code new ImagePlus( text )}.
	 */
	static boolean remembered( final Class< ? > type )
	{
		return type.isPrimitive() || Number.class.isAssignableFrom( type ) || type == Boolean.class
				|| type == Character.class || type == String.class || type == File.class
				|| type.isEnum() || hasStringConstructor( type );
	}

	private static boolean hasStringConstructor( final Class< ? > type )
	{
		try
		{
			return java.lang.reflect.Modifier.isPublic( type.getConstructor( String.class ).getModifiers() );
		}
		catch ( final NoSuchMethodException | SecurityException e )
		{
			return false;
		}
	}
}
