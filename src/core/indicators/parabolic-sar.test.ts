import { describe, expect, it } from 'vitest';
import { ParabolicSar } from './parabolic-sar';
import { REFERENCE_FILES, bars, candles, referencePsar, runFields } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';

describe('ParabolicSar', () => {
  it('matches a 7-bar example worked by hand (af 0.1, +0.1, max 0.3), through two reversals', () => {
    const psar = new ParabolicSar({ start: 0.1, step: 0.1, maximum: 0.3 });
    const values = [
      { high: 10, low: 9 },
      { high: 11, low: 10 }, //   up-move wins: long, SAR = low₀ 9, EP 11; next min(9.2, 9, 10) = 9
      { high: 12, low: 11 }, //   EP 12, af 0.2; SAR 9; next min(9 + 0.2·3, 10, 11) = 9.6
      { high: 12.5, low: 11.5 }, // EP 12.5, af 0.3; SAR 9.6; next 9.6 + 0.3·2.9 = 10.47
      { high: 12.2, low: 10.4 }, // low 10.4 ≤ 10.47: short, SAR = EP 12.5, EP 10.4, af 0.1; next max(12.29, 12.5, 12.2)
      { high: 11, low: 10 }, //   SAR 12.5; EP 10, af 0.2; next max(12.5 − 0.5, 12.2, 11) = 12.2
      { high: 12.3, low: 11 }, //  high 12.3 ≥ 12.2: long, SAR = min(EP 10, 10, 11) = 10
    ].map((bar) => psar.update(bar));
    expect(values[0]).toBeUndefined();
    const sars = values.slice(1).map((value) => value?.sar);
    [9, 9, 9.6, 12.5, 12.5, 10].forEach((expected, k) => expect(sars[k]).toBeCloseTo(expected, 12));
    expect(values.slice(1).map((value) => value?.direction)).toEqual([1, 1, 1, -1, -1, 1]);
  });

  it('starts short when the second bar moves down more than up', () => {
    const psar = new ParabolicSar();
    psar.update({ high: 10, low: 9 });
    // down-move 1 > up-move −0.2: short, SAR = high₀ = 10, EP = 8
    expect(psar.update({ high: 9.8, low: 8 })).toEqual({ sar: 10, direction: -1 });
    // next SAR: max(10 + 0.02·(8 − 10), 10, 9.8) = 10; a high of 10 touches it and reverses to long at EP 8
    expect(psar.update({ high: 10, low: 9.5 })).toEqual({ sar: 8, direction: 1 });
  });

  // Same rules step by step over arrays: the arithmetic is identical, values must agree to the last digit
  // (1e-12 relative only as a guard against harmless reordering), directions exactly.
  it.each(REFERENCE_FILES)('matches Wilder’s worksheet on every bar of %s', (file) => {
    const columns = candles(file);
    const input = bars(columns);
    for (const [start, step, maximum] of [
      [0.02, 0.02, 0.2],
      [0.01, 0.01, 0.1],
    ] as const) {
      const actual = runFields(new ParabolicSar({ start, step, maximum }), input, ['sar', 'direction']);
      const expected = referencePsar(columns, start, step, maximum);
      expectSeriesClose(`SAR(${start}, ${maximum}) direction`, actual.direction, expected.direction, { relative: 0 });
      expectSeriesClose(`SAR(${start}, ${maximum})`, actual.sar, expected.sar, { relative: 1e-12 });
    }
  });
});
