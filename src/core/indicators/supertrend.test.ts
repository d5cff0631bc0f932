import { describe, expect, it } from 'vitest';
import { REFERENCE_FILES, bars, candles, referenceSupertrend, runFields } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';
import { Supertrend } from './supertrend';

describe('Supertrend', () => {
  it('matches a 5-bar example computed by hand (ATR 2, multiplier 1)', () => {
    const supertrend = new Supertrend(2, 1);
    const values = [
      { high: 10, low: 8, close: 9 }, //      TR 2
      { high: 11, low: 9, close: 10.5 }, //   TR 2, ATR 2: bands 10 ± 2 → starts down at the upper band, 12
      { high: 13, low: 11, close: 12.8 }, //  TR 2.5, ATR 2.25: basic 14.25 / 9.75; upper stays 12 (ratchets down
      //                                      only), lower rises to 9.75; close 12.8 > 12 → up, level 9.75
      { high: 13.5, low: 12.5, close: 13 }, // TR 1, ATR 1.625: basic 14.625 / 11.375; upper resets to 14.625 (the
      //                                      previous close was above it), lower 11.375; close holds → up, 11.375
      { high: 12, low: 10, close: 10.5 }, //  TR 3, ATR 2.3125: basic 13.3125 / 8.6875; lower keeps 11.375, upper
      //                                      13.3125; close 10.5 < 11.375 → down, level 13.3125
    ].map((bar) => supertrend.update(bar));
    expect(values).toEqual([
      undefined,
      { level: 12, direction: -1 },
      { level: 9.75, direction: 1 },
      { level: 11.375, direction: 1 },
      { level: 13.3125, direction: -1 },
    ]);
  });

  // Built from ATR (~1e-15 apart from the reference's); the bands are price-level numbers, 1e-12 relative. The
  // direction compares the close with a band, so a last-digit difference could in principle flip it on an exact
  // tie; it does not happen on these files, and the direction must match exactly.
  it.each(REFERENCE_FILES)('matches TradingView’s algorithm on every bar of %s', (file) => {
    const columns = candles(file);
    const input = bars(columns);
    for (const [period, multiplier] of [
      [10, 3],
      [7, 2],
    ] as const) {
      const actual = runFields(new Supertrend(period, multiplier), input, ['level', 'direction']);
      const expected = referenceSupertrend(columns, period, multiplier);
      const label = `Supertrend(${period}, ${multiplier})`;
      expectSeriesClose(`${label} direction`, actual.direction, expected.direction, { relative: 0 });
      expectSeriesClose(`${label} level`, actual.level, expected.level, { relative: 1e-12 });
    }
  });
});
