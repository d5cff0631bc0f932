/** Comparing an indicator's output series with its reference, bar by bar, within a stated tolerance. */
import { expect } from 'vitest';

export interface Tolerance {
  /** Allowed |actual − expected| as a fraction of |expected|. */
  relative: number;
  /** Allowed |actual − expected| on top of the relative part, constant or per bar. */
  absolute?: number | ((index: number) => number);
}

/**
 * Asserts that two series have values at exactly the same bars and that every value is within
 * relative·|expected| + absolute. Fails naming the first offending bar.
 */
export function expectSeriesClose(
  label: string,
  actual: Float64Array,
  expected: Float64Array,
  tolerance: Tolerance,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const absolute = tolerance.absolute ?? 0;
  let compared = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        expect.fail(`${label}: bar ${i}: ${Number.isNaN(a) ? 'no value' : a} but the reference has ${Number.isNaN(e) ? 'no value' : e}`);
      }
      continue;
    }
    compared++;
    const difference = Math.abs(a - e);
    const allowed = tolerance.relative * Math.abs(e) + (typeof absolute === 'number' ? absolute : absolute(i));
    if (difference > allowed) {
      expect.fail(`${label}: bar ${i}: ${a} vs reference ${e} (|Δ| ${difference.toExponential(2)} > allowed ${allowed.toExponential(2)})`);
    }
  }
  expect(compared, `${label}: compared no values at all`).toBeGreaterThan(0);
}
