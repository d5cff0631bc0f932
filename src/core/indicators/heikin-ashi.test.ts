import { describe, expect, it } from 'vitest';
import { HeikinAshi } from './heikin-ashi';
import { REFERENCE_FILES, bars, candles, referenceHeikinAshi, runFields } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';

describe('HeikinAshi', () => {
  it('matches a 2-bar example computed by hand', () => {
    const heikinAshi = new HeikinAshi();
    // bar 1: close (10+12+9+11)/4 = 10.5, open (10+11)/2 = 10.5, high 12, low 9
    expect(heikinAshi.update({ open: 10, high: 12, low: 9, close: 11 })).toEqual({ open: 10.5, high: 12, low: 9, close: 10.5 });
    // bar 2: close (11+13+10+12.5)/4 = 11.625, open (10.5+10.5)/2 = 10.5, high 13, low 10
    expect(heikinAshi.update({ open: 11, high: 13, low: 10, close: 12.5 })).toEqual({ open: 10.5, high: 13, low: 10, close: 11.625 });
  });

  it.each(REFERENCE_FILES)('matches the recursion on every bar of %s (identical arithmetic: exactly)', (file) => {
    const columns = candles(file);
    const actual = runFields(new HeikinAshi(), bars(columns), ['open', 'high', 'low', 'close']);
    const expected = referenceHeikinAshi(columns);
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      expectSeriesClose(`HA ${field}`, actual[field], expected[field], { relative: 0 });
    }
  });
});
