import { describe, expect, it } from 'vitest';
import { REFERENCE_FILES, candles, referenceRsi, runScalar } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';
import { RelativeStrengthIndex } from './relative-strength-index';

describe('RelativeStrengthIndex', () => {
  it('matches a 6-bar example computed by hand', () => {
    const rsi = new RelativeStrengthIndex(3);
    // changes +1, −0.5, +1.5 | −1 | +0.5
    // first: avgGain = 2.5/3, avgLoss = 0.5/3 → RSI = 100·2.5/3 = 83.33…
    // then:  gain (2.5/3·2 + 0)/3 = 5/9, loss (0.5/3·2 + 1)/3 = 4/9 → 100·5/9 = 55.55…
    // then:  gain (5/9·2 + 0.5)/3 = 14.5/27, loss (4/9·2)/3 = 8/27 → 100·14.5/22.5 = 64.44…
    const values = [10, 11, 10.5, 12, 11, 11.5].map((x) => rsi.update(x));
    expect(values.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(values[3]).toBeCloseTo(250 / 3, 12);
    expect(values[4]).toBeCloseTo(500 / 9, 12);
    expect(values[5]).toBeCloseTo(1450 / 22.5, 12);
  });

  it('is 100 without losses, 0 without gains and 50 when nothing moved', () => {
    const feed = (closes: number[]) => {
      const rsi = new RelativeStrengthIndex(3);
      closes.forEach((close) => rsi.update(close));
      return rsi.value;
    };
    expect(feed([1, 2, 3, 4])).toBe(100);
    expect(feed([4, 3, 2, 1])).toBe(0);
    expect(feed([2, 2, 2, 2])).toBe(50);
  });

  // Same Wilder averages computed as prev + (x − prev)/N vs (prev·(N−1) + x)/N: ~1e-15 apart. RSI itself as
  // 100·G/(G+L) vs the textbook 100 − 100/(1 + G/L): the textbook form carries an absolute error of a few ε·100
  // (it subtracts from 100), so near RSI = 0 it cannot be compared relatively (RSI(2) on BTC reaches 1e-21, which
  // the textbook form rounds to 0). Measured ≤ 7e-14 relative elsewhere: 1e-12 relative plus 1e-12 absolute.
  it.each(REFERENCE_FILES)('matches the textbook formula on every bar of %s', (file) => {
    const { close } = candles(file);
    for (const period of [2, 14, 50]) {
      const actual = runScalar(new RelativeStrengthIndex(period), close);
      expectSeriesClose(`RSI(${period})`, actual, referenceRsi(close, period), { relative: 1e-12, absolute: 1e-12 });
    }
  });
});
