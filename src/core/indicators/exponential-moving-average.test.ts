import { describe, expect, it } from 'vitest';
import { ExponentialMovingAverage } from './exponential-moving-average';
import { REFERENCE_FILES, candles, referenceEma, runScalar } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';

describe('ExponentialMovingAverage', () => {
  it('matches a 5-bar example computed by hand (seeded with the SMA)', () => {
    const ema = new ExponentialMovingAverage(3); // α = 2/(3+1) = 0.5
    // seed (2+4+6)/3 = 4; then 4 + 0.5·(5 − 4) = 4.5; 4.5 + 0.5·(8 − 4.5) = 6.25
    expect([2, 4, 6, 5, 8].map((x) => ema.update(x))).toEqual([undefined, undefined, 4, 4.5, 6.25]);
  });

  it('keeps a constant series exactly constant', () => {
    const ema = new ExponentialMovingAverage(9);
    for (let i = 0; i < 1000; i++) ema.update(2400.37);
    expect(ema.value).toBe(2400.37);
  });

  // Same recursion written two ways (prev + α·(x − prev) vs α·x + (1 − α)·prev): a rounding apart per step, and
  // past errors decay by (1 − α) per bar, so the two stay within ~1e-15; 1e-12 leaves margin.
  it.each(REFERENCE_FILES)('matches the textbook recursion on every bar of %s', (file) => {
    const { close } = candles(file);
    for (const period of [1, 9, 50, 200]) {
      const actual = runScalar(new ExponentialMovingAverage(period), close);
      expectSeriesClose(`EMA(${period})`, actual, referenceEma(close, period), { relative: 1e-12 });
    }
  });
});
