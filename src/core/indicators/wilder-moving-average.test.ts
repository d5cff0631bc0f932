import { describe, expect, it } from 'vitest';
import { REFERENCE_FILES, candles, referenceWilderAverage, runScalar } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';
import { WilderMovingAverage } from './wilder-moving-average';

describe('WilderMovingAverage', () => {
  it('matches a 5-bar example computed by hand', () => {
    const rma = new WilderMovingAverage(3);
    // seed (2+4+6)/3 = 4; (4·2 + 5)/3 = 13/3; (13/3·2 + 8)/3 = 50/9
    const values = [2, 4, 6, 5, 8].map((x) => rma.update(x));
    expect(values.slice(0, 3)).toEqual([undefined, undefined, 4]);
    expect(values[3]).toBeCloseTo(13 / 3, 14);
    expect(values[4]).toBeCloseTo(50 / 9, 14);
  });

  it.each(REFERENCE_FILES)('matches the textbook recursion on every bar of %s', (file) => {
    const { close } = candles(file);
    for (const period of [1, 14, 100]) {
      const actual = runScalar(new WilderMovingAverage(period), close);
      expectSeriesClose(`RMA(${period})`, actual, referenceWilderAverage(close, period), { relative: 1e-12 });
    }
  });
});
