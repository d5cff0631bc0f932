import { describe, expect, it } from 'vitest';
import { REFERENCE_FILES, candles, referenceSma, runScalar } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';
import { SimpleMovingAverage } from './simple-moving-average';

describe('SimpleMovingAverage', () => {
  it('matches a 5-bar example computed by hand', () => {
    const sma = new SimpleMovingAverage(3);
    // (2+4+6)/3 = 4, (4+6+5)/3 = 5, (6+5+8)/3 = 19/3
    expect([2, 4, 6, 5, 8].map((x) => sma.update(x))).toEqual([undefined, undefined, 4, 5, 19 / 3]);
  });

  // Same math, different summation order (running sum re-anchored every N bars vs the window summed afresh):
  // the two differ by a few roundings of the window sum, so 1e-12 relative leaves three orders of margin.
  it.each(REFERENCE_FILES)('matches the window summed afresh at every bar of %s', (file) => {
    const { close } = candles(file);
    for (const period of [1, 20, 200]) {
      const actual = runScalar(new SimpleMovingAverage(period), close);
      expectSeriesClose(`SMA(${period})`, actual, referenceSma(close, period), { relative: 1e-12 });
    }
  });

  it('does not drift over millions of bars of a series that swings around zero', () => {
    // A plain running sum (+new −old) of these ±1000.xx values is off by ~2e-11 after 3M bars and keeps
    // drifting; re-anchored, every bar stays within the error of summing one window of 10 afresh
    // (≈ 2·ε·10·1000 ≈ 2e-12).
    const values = pseudoRandomPrices(3_000_000, 12345);
    const period = 10;
    const sma = new SimpleMovingAverage(period);
    let worst = 0;
    values.forEach((value, i) => {
      const average = sma.update(value);
      if (average === undefined) return;
      let windowSum = 0;
      for (let j = i - period + 1; j <= i; j++) windowSum += values[j] as number;
      worst = Math.max(worst, Math.abs(average - windowSum / period));
    });
    expect(worst).toBeLessThan(2e-12);
  });
});

/** Deterministic values in [−1000, 1000] with two decimals (a linear congruential generator). */
function pseudoRandomPrices(count: number, seed: number): Float64Array {
  let state = seed;
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = Math.round((state / 2 ** 32) * 200_000 - 100_000) / 100;
  }
  return values;
}
