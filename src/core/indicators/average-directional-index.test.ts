import { describe, expect, it } from 'vitest';
import { AverageDirectionalIndex } from './average-directional-index';
import { REFERENCE_FILES, bars, candles, referenceAdx, runFields } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';

describe('AverageDirectionalIndex', () => {
  it('matches a 5-bar example computed by hand (N = 2)', () => {
    const adx = new AverageDirectionalIndex(2);
    const values = [
      { high: 10, low: 8, close: 9 },
      { high: 11, low: 9, close: 10 }, //   +DM 1, −DM 0, TR 2
      { high: 12, low: 10, close: 11 }, //  +DM 1, −DM 0, TR 2 → smoothed 1, 0, 2: +DI 50, −DI 0, DX 100
      { high: 11.5, low: 9, close: 9.5 }, // +DM 0, −DM 1, TR 2.5 → 0.5, 0.5, 2.25: DIs 200/9 each, DX 0 → ADX 50
      { high: 10, low: 7, close: 7.5 }, //  +DM 0, −DM 2, TR 3 → 0.25, 1.25, 2.625: +DI 200/21, −DI 1000/21,
      //                                    DX 100·1/1.5 = 200/3 → ADX (50 + 200/3)/2 = 175/3
    ].map((bar) => adx.update(bar));
    expect(values.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(values[3]?.adx).toBeCloseTo(50, 12);
    expect(values[3]?.plusDi).toBeCloseTo(200 / 9, 12);
    expect(values[3]?.minusDi).toBeCloseTo(200 / 9, 12);
    expect(values[4]?.adx).toBeCloseTo(175 / 3, 12);
    expect(values[4]?.plusDi).toBeCloseTo(200 / 21, 12);
    expect(values[4]?.minusDi).toBeCloseTo(1000 / 21, 12);
  });

  it('reads a steady rise as a strong up-trend', () => {
    const adx = new AverageDirectionalIndex(14);
    for (let i = 0; i < 100; i++) adx.update({ high: 101 + i, low: 99 + i, close: 100.5 + i });
    expect(adx.value?.minusDi).toBe(0);
    expect(adx.value?.plusDi).toBeGreaterThan(40);
    expect(adx.value?.adx).toBeCloseTo(100, 6);
  });

  // Wilder's recursions written two ways (see WilderMovingAverage), then the same ratios: measured ≤ 4e-15 relative.
  // DX = |+DI − −DI|/(+DI + −DI) cancels when the DIs are close, so its error is absolute (a few ε·100), which the
  // ADX averages with weight 1/N. 1e-12 relative plus 1e-12 absolute on the 0–100 scale.
  it.each(REFERENCE_FILES)('matches Wilder’s worksheet on every bar of %s', (file) => {
    const columns = candles(file);
    const input = bars(columns);
    const tolerance = { relative: 1e-12, absolute: 1e-12 };
    for (const period of [5, 14]) {
      const actual = runFields(new AverageDirectionalIndex(period), input, ['adx', 'plusDi', 'minusDi']);
      const expected = referenceAdx(columns, period);
      expectSeriesClose(`ADX(${period})`, actual.adx, expected.adx, tolerance);
      expectSeriesClose(`+DI(${period})`, actual.plusDi, expected.plusDi, tolerance);
      expectSeriesClose(`−DI(${period})`, actual.minusDi, expected.minusDi, tolerance);
    }
  });
});
