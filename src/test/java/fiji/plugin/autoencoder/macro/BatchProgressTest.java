package fiji.plugin.autoencoder.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Progress lines of a long batch run, with a fake clock: one line per interval with percent, speed and time left. */
class BatchProgressTest
{
	@Test
	void oneLinePerIntervalWithPercentSpeedAndTimeLeft()
	{
		final long[] now = { 5_000_000_000L };
		final List< String > lines = new ArrayList<>();
		final BatchProgress p = new BatchProgress( "denoise", lines::add, () -> now[ 0 ],
				TimeUnit.SECONDS.toNanos( 10 ) );
		p.report( 0, 400, "tiles" ); // the start
		for ( int tile = 1; tile <= 400; tile++ )
		{
			now[ 0 ] += TimeUnit.MILLISECONDS.toNanos( 500 ); // 2 tiles per second
			p.report( tile, 400, "tiles" );
		}
		// 200 s in all: a line at 10 s, 20 s, ..., 190 s; none at the end (the caller's summary follows)
		assertEquals( 19, lines.size(), lines.toString() );
		assertEquals( "denoise: 5% (20 of 400 tiles), 2.00 per s, about 3 min left", lines.get( 0 ) );
		assertEquals( "denoise: 50% (200 of 400 tiles), 2.00 per s, about 2 min left", lines.get( 9 ) );
		assertEquals( "denoise: 95% (380 of 400 tiles), 2.00 per s, about 10 s left", lines.get( 18 ) );
		assertEquals( "3 min", BatchProgress.duration( 170 ) );
		assertEquals( "2.0 h", BatchProgress.duration( 7200 ) );
	}
}
