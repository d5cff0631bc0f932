import { describe, expect, it } from 'vitest';
import { REFERENCE_FILES, candles, referenceWma, runScalar } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';
import { WeightedMovingAverage } from './weighted-moving-average';

describe('WeightedMovingAverage', () => {
  it('matches a 5-bar example computed by hand', () => {
    const wma = new WeightedMovingAverage(3); // weights 1, 2, 3 over 6
    // (1·2 + 2·4 + 3·6)/6 = 28/6; (1·4 + 2·6 + 3·5)/6 = 31/6; (1·6 + 2·5 + 3·8)/6 = 40/6
    const values = [2, 4, 6, 5, 8].map((x) => wma.update(x));
    expect(values.slice(0, 2)).toEqual([undefined, undefined]);
    expect(values[2]).toBeCloseTo(28 / 6, 14);
    expect(values[3]).toBeCloseTo(31 / 6, 14);
    expect(values[4]).toBeCloseTo(40 / 6, 14);
  });

  // Running weighted sums (re-anchored every N bars) vs the weighted window summed afresh: a few roundings of
  // sums of positive prices apart, ~1e-15; 1e-12 leaves margin.
  it.each(REFERENCE_FILES)('matches the weighted window summed afresh on every bar of %s', (file) => {
    const { close } = candles(file);
    for (const period of [1, 10, 100]) {
      const actual = runScalar(new WeightedMovingAverage(period), close);
      expectSeriesClose(`WMA(${period})`, actual, referenceWma(close, period), { relative: 1e-12 });
    }
  });
});
