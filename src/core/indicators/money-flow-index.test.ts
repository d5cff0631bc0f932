import { describe, expect, it } from 'vitest';
import { MoneyFlowIndex } from './money-flow-index';
import { REFERENCE_FILES, bars, candles, referenceMfi, runScalar } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';

describe('MoneyFlowIndex', () => {
  it('matches a 5-bar example computed by hand (N = 2)', () => {
    const mfi = new MoneyFlowIndex(2);
    const values = [
      { high: 10, low: 8, close: 9, volume: 100 }, //    TP 9
      { high: 11, low: 9, close: 10, volume: 200 }, //   TP 10 ↑: +2000
      { high: 10, low: 8, close: 9.5, volume: 150 }, //  TP 27.5/3 ↓: −1375 → 100·2000/3375
      { high: 10, low: 8, close: 9.5, volume: 300 }, //  TP unchanged: no flow → window {−1375, 0} → 0
      { high: 12, low: 10, close: 11, volume: 50 }, //   TP 11 ↑: +550 → window {0, +550} → 100
    ].map((bar) => mfi.update(bar));
    expect(values.slice(0, 2)).toEqual([undefined, undefined]);
    expect(values[2]).toBeCloseTo(200_000 / 3375, 12);
    expect(values[3]).toBe(0);
    expect(values[4]).toBe(100);
  });

  it('is 50 when the typical price did not move over the window', () => {
    const mfi = new MoneyFlowIndex(3);
    for (let i = 0; i < 10; i++) mfi.update({ high: 2, low: 1, close: 1.5, volume: 10 + i });
    expect(mfi.value).toBe(50);
  });

  // Rolling sums of money flow (re-anchored every N bars) vs the window summed afresh: a few roundings apart. Then
  // 100·pos/(pos + neg) vs the textbook 100 − 100/(1 + pos/neg), which carries an absolute error of a few ε·100
  // (see the RSI test). Measured ≤ 2e-14 relative: 1e-12 relative plus 1e-12 absolute on the 0–100 scale.
  it.each(REFERENCE_FILES)('matches the window’s money flows on every bar of %s', (file) => {
    const columns = candles(file);
    const input = bars(columns);
    for (const period of [5, 14]) {
      const actual = runScalar(new MoneyFlowIndex(period), input);
      expectSeriesClose(`MFI(${period})`, actual, referenceMfi(columns, period), { relative: 1e-12, absolute: 1e-12 });
    }
  });
});
