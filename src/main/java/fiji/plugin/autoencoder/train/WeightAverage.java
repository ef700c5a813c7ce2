package fiji.plugin.autoencoder.train;

import java.util.HashMap;
import java.util.Map;

import fiji.plugin.autoencoder.model.Model;

/**
 * An exponential moving average of a model's weights over the optimiser steps
 * (Polyak averaging): after step t the average is
 * {@code sum_s d^(t-s) (1 - d) w_s / (1 - d^t)}, the weights of steps 1..t
 * weighted by {@code decay^(steps since)} and normalised (bias-corrected as
 * Adam's moments, so it needs no warm-up). The trainer swaps it into the model
 * for validation and keeps it as the best weights; training continues from the
 * raw weights.
 *
 * <pre>{@code
 * WeightAverage a = new WeightAverage( model, 0.99 );
 * a.update( 1 ); // after each step
 * a.swapIn(); evaluate(); a.swapOut();
 * }</pre>
 */
final class WeightAverage
{
	private final Model model;

	private final double decay;

	private final Map< String, double[] > sum = new HashMap<>();

	private double power = 1;

	private Map< String, float[] > raw;

	/** @param decay weight of the past per step, in (0, 1) */
	WeightAverage( final Model model, final double decay )
	{
		if ( !( decay > 0 && decay < 1 ) )
			throw new IllegalArgumentException( "The weight averaging decay must be in (0, 1) (e.g. 0.99), got "
					+ decay );
		this.model = model;
		this.decay = decay;
	}

	/** Adds the model's current weights, as after {@code steps} steps (a run of several steps counts its weights once per step). */
	void update( final int steps )
	{
		final Map< String, float[] > w = model.readParameters();
		for ( int s = 0; s < steps; s++ )
		{
			power *= decay;
			for ( final Map.Entry< String, float[] > e : w.entrySet() )
			{
				final float[] v = e.getValue();
				final double[] m = sum.computeIfAbsent( e.getKey(), k -> new double[ v.length ] );
				for ( int i = 0; i < v.length; i++ )
					m[ i ] = decay * m[ i ] + ( 1 - decay ) * v[ i ];
			}
		}
	}

	/** The average so far (the model's weights before any update). */
	Map< String, float[] > average()
	{
		if ( sum.isEmpty() )
			return model.readParameters();
		final Map< String, float[] > out = new HashMap<>();
		final double norm = 1 / ( 1 - power );
		for ( final Map.Entry< String, double[] > e : sum.entrySet() )
		{
			final double[] m = e.getValue();
			final float[] v = new float[ m.length ];
			for ( int i = 0; i < m.length; i++ )
				v[ i ] = ( float ) ( m[ i ] * norm );
			out.put( e.getKey(), v );
		}
		return out;
	}

	/** Puts the average into the model, keeping the raw weights for {@link #swapOut()}. */
	void swapIn()
	{
		raw = model.readParameters();
		model.writeParameters( average() );
	}

	/** Puts the raw weights back (after {@link #swapIn()}). */
	void swapOut()
	{
		if ( raw != null )
			model.writeParameters( raw );
		raw = null;
	}
}
