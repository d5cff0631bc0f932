import { describe, expect, it } from 'vitest';
import { Macd } from './macd';
import { REFERENCE_FILES, candles, referenceMacd, runFields } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';

describe('Macd', () => {
  it('matches a 6-bar example computed by hand', () => {
    const macd = new Macd(2, 3, 2);
    // EMA(2), α = 2/3: 3, 5, 5, 7, 7 from bar 1; EMA(3), α = 1/2: 4, 4.5, 6.25, 6.625 from bar 2
    // line: 1, 0.5, 0.75, 0.375 from bar 2; signal EMA(2) of the line: (1 + 0.5)/2 = 0.75, 0.75, 0.5 from bar 3
    const values = [2, 4, 6, 5, 8, 7].map((x) => macd.update(x));
    expect(values.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    const expected = [
      { macd: 0.5, signal: 0.75, histogram: -0.25 },
      { macd: 0.75, signal: 0.75, histogram: 0 },
      { macd: 0.375, signal: 0.5, histogram: -0.125 },
    ];
    expected.forEach((bar, k) => {
      const value = values[k + 3];
      expect(value?.macd).toBeCloseTo(bar.macd, 14);
      expect(value?.signal).toBeCloseTo(bar.signal, 14);
      expect(value?.histogram).toBeCloseTo(bar.histogram, 14);
    });
  });

  it('refuses a fast period that is not shorter than the slow one', () => {
    expect(() => new Macd(26, 12, 9)).toThrow(RangeError);
  });

  // MACD, signal and histogram are differences of two price-level EMAs: their rounding error scales with the
  // price (ε·price, ~5e-13 on gold), not with their own size, and near a zero crossing any relative tolerance
  // would demand more digits than the inputs carry. So: 1e-9 relative plus 1e-13 × the bar's close (≈ 450·ε·price;
  // measured ≤ 6·ε·price, the EMAs themselves agree to ~3e-15 relative).
  it.each(REFERENCE_FILES)('matches EMA differences on every bar of %s', (file) => {
    const { close } = candles(file);
    const priceScaled = { relative: 1e-9, absolute: (i: number) => 1e-13 * (close[i] as number) };
    for (const [fast, slow, signal] of [
      [12, 26, 9],
      [5, 35, 5],
    ] as const) {
      const actual = runFields(new Macd(fast, slow, signal), close, ['macd', 'signal', 'histogram']);
      const expected = referenceMacd(close, fast, slow, signal);
      const label = `MACD(${fast},${slow},${signal})`;
      expectSeriesClose(`${label} line`, actual.macd, expected.macd, priceScaled);
      expectSeriesClose(`${label} signal`, actual.signal, expected.signal, priceScaled);
      expectSeriesClose(`${label} histogram`, actual.histogram, expected.histogram, priceScaled);
    }
  });
});
