import { describe, expect, it } from 'vitest';
import { AverageTrueRange } from './average-true-range';
import { REFERENCE_FILES, bars, candles, referenceAtr, runScalar } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';
import { trueRange } from './true-range';

describe('trueRange', () => {
  it('extends the range to a previous close outside it', () => {
    expect(trueRange({ high: 12, low: 10 }, 11)).toBe(2);
    expect(trueRange({ high: 12, low: 10 }, 9)).toBe(3); // gap up: 12 − 9
    expect(trueRange({ high: 12, low: 10 }, 14.5)).toBe(4.5); // gap down: 14.5 − 10
  });
});

describe('AverageTrueRange', () => {
  it('matches a 4-bar example computed by hand', () => {
    const atr = new AverageTrueRange(3);
    const values = [
      { high: 10, low: 8, close: 9 }, //  TR 2 (first bar: high − low)
      { high: 11, low: 9, close: 10.5 }, // TR max(2, |11 − 9|, |9 − 9|) = 2
      { high: 13, low: 12, close: 12.5 }, // TR max(1, |13 − 10.5|, |12 − 10.5|) = 2.5 → ATR 6.5/3
      { high: 12, low: 11, close: 11.2 }, // TR max(1, |12 − 12.5|, |11 − 12.5|) = 1.5 → (6.5/3·2 + 1.5)/3 = 17.5/9
    ].map((bar) => atr.update(bar));
    expect(values.slice(0, 2)).toEqual([undefined, undefined]);
    expect(values[2]).toBeCloseTo(6.5 / 3, 14);
    expect(values[3]).toBeCloseTo(17.5 / 9, 14);
  });

  // Wilder's recursion written two ways (see WilderMovingAverage): ~1e-15 apart; 1e-12 leaves margin.
  it.each(REFERENCE_FILES)('matches Wilder-smoothed true ranges on every bar of %s', (file) => {
    const columns = candles(file);
    const input = bars(columns);
    for (const period of [1, 14, 50]) {
      const actual = runScalar(new AverageTrueRange(period), input);
      expectSeriesClose(`ATR(${period})`, actual, referenceAtr(columns, period), { relative: 1e-12 });
    }
  });
});
