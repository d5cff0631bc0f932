import { describe, expect, it } from 'vitest';
import { BollingerBands } from './bollinger-bands';
import { REFERENCE_FILES, candles, referenceBollinger, referenceRollingStats, runFields, runScalar } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';
import { RollingStats } from './rolling-stats';
import { ZScore } from './z-score';

const EPSILON = Number.EPSILON;

describe('RollingStats and ZScore', () => {
  it('match a 4-bar example computed by hand (population σ)', () => {
    const stats = new RollingStats(3);
    const values = [2, 4, 6, 3].map((x) => stats.update(x));
    expect(values.slice(0, 2)).toEqual([undefined, undefined]);
    // [2, 4, 6]: mean 4, σ² = (4 + 0 + 4)/3 = 8/3, z(6) = 2/√(8/3) = √1.5
    expect(values[2]?.mean).toBeCloseTo(4, 14);
    expect(values[2]?.variance).toBeCloseTo(8 / 3, 14);
    expect(values[2]?.standardDeviation).toBeCloseTo(Math.sqrt(8 / 3), 14);
    expect(values[2]?.zScore).toBeCloseTo(Math.sqrt(1.5), 14);
    // [4, 6, 3]: mean 13/3, σ² = ((−1/3)² + (5/3)² + (−4/3)²)/3 = 42/27, z(3) = (−4/3)/√(42/27)
    expect(values[3]?.mean).toBeCloseTo(13 / 3, 14);
    expect(values[3]?.variance).toBeCloseTo(42 / 27, 14);
    expect(values[3]?.zScore).toBeCloseTo(-4 / 3 / Math.sqrt(42 / 27), 14);
  });

  it('report a flat window exactly: σ = 0, z = 0, mean = the value', () => {
    const zScore = new ZScore(5);
    const stats = new RollingStats(5);
    for (const x of [1.16855, 1.16856, 1.16855, 1.16855, 1.16855, 1.16855, 1.16855, 1.16855]) {
      zScore.update(x);
      stats.update(x);
    }
    expect(zScore.value).toBe(0);
    expect(stats.value).toEqual({ mean: 1.16855, variance: 0, standardDeviation: 0, zScore: 0 });
  });

  // Mean: a few roundings apart (measured ≤ 2e-15), 1e-12 relative. σ: the anchored sums lose at most 3 digits
  // to cancellation before re-anchoring (CANCELLATION_LIMIT), the two-pass formula none; measured ≤ 3e-13
  // relative on these files, so 1e-11 relative.
  // z = (x − mean)/σ cannot be more precise than the mean's rounding relative to σ: summing N values of size |x|
  // rounds by up to ~N·ε·|x| in either computation, which z divides by σ — and near z = 0 a relative bound means
  // nothing. So z gets 1e-9 relative plus (N + 8)·ε·|x|/σ absolute per bar (measured ≤ 15·ε·|x|/σ for N = 200).
  it.each(REFERENCE_FILES)('match the two-pass formula on every bar of %s', (file) => {
    const { close } = candles(file);
    for (const period of [2, 20, 200]) {
      const actual = runFields(new RollingStats(period), close, ['mean', 'standardDeviation', 'zScore']);
      const expected = referenceRollingStats(close, period);
      const zTolerance = {
        relative: 1e-9,
        absolute: (i: number) => {
          const sd = expected.standardDeviation[i] as number;
          return sd === 0 ? 0 : ((period + 8) * EPSILON * Math.abs(close[i] as number)) / sd;
        },
      };
      expectSeriesClose(`mean(${period})`, actual.mean, expected.mean, { relative: 1e-12 });
      expectSeriesClose(`σ(${period})`, actual.standardDeviation, expected.standardDeviation, { relative: 1e-11 });
      expectSeriesClose(`z(${period})`, actual.zScore, expected.zScore, zTolerance);
      expectSeriesClose(`ZScore(${period})`, runScalar(new ZScore(period), close), actual.zScore, { relative: 0 });
    }
  });

  it('do not degrade over a million bars of gold at ~2400 (where Σx² − (Σx)²/N would be useless)', () => {
    const { close } = candles('XAUUSD_M1_2024-08-01_2024-10-11.csv.gz');
    const period = 20;
    const stats = new RollingStats(period);
    const repetitions = Math.ceil(1_000_000 / close.length);
    for (let r = 1; r < repetitions; r++) close.forEach((x) => stats.update(x));
    // The last repetition starts with windows straddling the seam; from bar period − 1 on they are the file's own.
    const lastPass = runFields(stats, close, ['standardDeviation']);
    const expected = referenceRollingStats(close, period).standardDeviation;
    expectSeriesClose('σ after 1M bars', lastPass.standardDeviation.subarray(period - 1), expected.subarray(period - 1), {
      relative: 1e-11,
    });
  });

  it('stay accurate when a tight window follows a big move (re-anchoring on cancellation)', () => {
    // BTC M1, 2023-03-24: closes fall $40 in two minutes, then a one-cent window. Anchored at ~28,014, the sums
    // would cancel ~8 digits; re-anchored, σ is exact to the last digits.
    const stats = new RollingStats(2);
    const closes = [28030.74, 28018.92, 28009.17, 27969.99, 27970];
    closes.forEach((x) => stats.update(x));
    expect(stats.value?.standardDeviation).toBe(Math.abs(27970 - 27969.99) / 2);
  });
});

describe('BollingerBands', () => {
  it('match a 3-bar example computed by hand', () => {
    const bands = new BollingerBands(3, 2);
    const value = [2, 4, 6].map((x) => bands.update(x))[2];
    const sd = Math.sqrt(8 / 3);
    expect(value?.middle).toBeCloseTo(4, 14);
    expect(value?.upper).toBeCloseTo(4 + 2 * sd, 14);
    expect(value?.lower).toBeCloseTo(4 - 2 * sd, 14);
  });

  // Bands are price-level numbers built from mean and σ, which agree as above: 1e-12 relative is ample.
  it.each(REFERENCE_FILES)('match SMA ± k·σ on every bar of %s', (file) => {
    const { close } = candles(file);
    const actual = runFields(new BollingerBands(20, 2), close, ['middle', 'upper', 'lower']);
    const expected = referenceBollinger(close, 20, 2);
    expectSeriesClose('middle', actual.middle, expected.middle, { relative: 1e-12 });
    expectSeriesClose('upper', actual.upper, expected.upper, { relative: 1e-12 });
    expectSeriesClose('lower', actual.lower, expected.lower, { relative: 1e-12 });
  });
});
