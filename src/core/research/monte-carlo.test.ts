import { describe, expect, it } from 'vitest';
import {
  allocateOutcomes,
  histogram,
  levelKey,
  niceBinWidth,
  PATH_CHUNK,
  percentileSorted,
  runMonteCarlo,
  simulatePaths,
  summarizeOutcomes,
  type MonteCarloInput,
} from './monte-carlo';
import { Prng } from './prng';

const input = (pnl: number[], extra: Partial<MonteCarloInput> = {}): MonteCarloInput => ({
  pnl: Float64Array.from(pnl),
  initialCapital: 1000,
  simulations: 1000,
  method: 'bootstrap',
  seed: 42,
  ruinThreshold: 0.5,
  ...extra,
});

describe('percentiles (type 7, linear between order statistics)', () => {
  it('interpolates as h = (N − 1)·p', () => {
    const x = [1, 2, 3, 4];
    expect(percentileSorted(x, 0.5)).toBe(2.5);
    expect(percentileSorted(x, 0.1)).toBeCloseTo(1.3, 12);
    expect(percentileSorted(x, 0)).toBe(1);
    expect(percentileSorted(x, 1)).toBe(4);
    expect(percentileSorted([7], 0.3)).toBe(7);
  });
});

describe('Monte Carlo figures of a hand-made set of paths', () => {
  // Ten final ROIs −10, −5, …, 35 (%), two ruined paths, drawdowns 1 … 10 %.
  const outcomes = allocateOutcomes(10);
  const rois = [35, -10, 0, 5, 30, 10, 15, 20, 25, -5]; // unsorted on purpose
  rois.forEach((r, i) => (outcomes.roi[i] = r));
  for (let i = 0; i < 10; i++) outcomes.maxDrawdown[i] = 10 - i;
  outcomes.ruined[1] = 1;
  outcomes.ruined[9] = 1;
  const results = summarizeOutcomes(outcomes, { levels: [0.9, 0.95], bins: 10, ruinThreshold: 0.5, method: 'bootstrap', seed: 1, tradesPerPath: 3, originalRoi: 12 });

  it('mean, median, extremes, dispersion', () => {
    expect(results.expected_roi).toBe(12.5);
    expect(results.median_roi).toBe(12.5); // h = 4.5 → 10 + 0.5 × 5
    expect(results.best_case).toBe(35);
    expect(results.worst_case).toBe(-10);
    // Sample sd of 10 values 5 apart: 5 × √(n(n+1)/12) = 5 × √(110/12) = 15.138…
    expect(results.std_dev_roi).toBe(15.14);
  });

  it('central percentile intervals, VaR and expected shortfall per level', () => {
    // 90 %: P(0.05): h = 0.45 → −10 + 0.45 × 5 = −7.75; P(0.95): h = 8.55 → 30 + 0.55 × 5 = 32.75.
    expect(results.confidence_intervals['90%']).toEqual({ lower: -7.75, upper: 32.75 });
    // 95 %: P(0.025): h = 0.225 → −8.875 (→ −8.88 rounded half away… toFixed gives −8.88); P(0.975): h = 8.775 → 33.875.
    expect(results.confidence_intervals['95%']?.lower).toBeCloseTo(-8.88, 2);
    expect(results.confidence_intervals['95%']?.upper).toBeCloseTo(33.88, 2);
    // VaR 90 %: P(0.10): h = 0.9 → −10 + 0.9 × 5 = −5.5; the paths at or below it: {−10} → CVaR −10.
    expect(results.value_at_risk['90%']).toBe(-5.5);
    expect(results.conditional_value_at_risk['90%']).toBe(-10);
    // VaR 95 %: P(0.05) = −7.75.
    expect(results.value_at_risk['95%']).toBe(-7.75);
  });

  it('probabilities of profit (ROI > 0: 7 of 10) and of ruin (2 of 10)', () => {
    expect(results.probability_of_profit).toBe(70);
    expect(results.probability_of_ruin).toBe(20);
  });

  it('drawdown percentiles and a histogram of nice bins', () => {
    expect(results.max_drawdown.median).toBe(5.5);
    expect(results.max_drawdown.worst).toBe(10);
    expect(results.max_drawdown.percentiles['90%']).toBeCloseTo(9.1, 10); // h = 8.1 → 9 + 0.1
    // span 45 over ≤ 10 bins: width 5, edges at multiples of 5: [−10, −5) … [25, 30), [30, 35] (holds 30 and 35).
    expect(results.bin_width).toBe(5);
    expect(results.distribution).toEqual(Array.from({ length: 9 }, (_, k) => ({ roi: -10 + 5 * k, frequency: k === 8 ? 2 : 1 })));
    expect(results.distribution.reduce((n, b) => n + b.frequency, 0)).toBe(10);
  });

  it('level keys as the spec writes them', () => {
    expect(levelKey(0.9)).toBe('90%');
    expect(levelKey(0.995)).toBe('99.5%');
  });
});

describe('histogram bins', () => {
  it('picks 1, 2, 2.5 or 5 × 10^k wide bins aligned to their width', () => {
    expect(niceBinWidth(-10, 35, 10)).toBe(5);
    expect(niceBinWidth(0, 1, 4)).toBe(0.25);
    expect(niceBinWidth(3, 3, 10)).toBe(1);
    const { width, bins } = histogram([-0.3, -0.1, 0, 0.05, 0.4], 5);
    expect(width).toBe(0.2);
    expect(bins).toEqual([
      { roi: -0.4, frequency: 1 },
      { roi: -0.2, frequency: 1 },
      { roi: 0, frequency: 2 },
      { roi: 0.2, frequency: 1 },
    ]);
    expect(histogram([1, 2, 2, 9.5], 8)).toEqual({
      width: 2,
      bins: [
        { roi: 0, frequency: 1 },
        { roi: 2, frequency: 2 },
        { roi: 4, frequency: 0 },
        { roi: 6, frequency: 0 },
        { roi: 8, frequency: 1 },
      ],
    });
  });
});

describe('resampling', () => {
  it('shuffle keeps every trade once: the same final ROI on every path, only the order (drawdown) changes', () => {
    const results = runMonteCarlo({ ...input([100, -50, 30], { method: 'shuffle', simulations: 600 }), levels: [0.95], bins: 10 })!;
    expect(results.expected_roi).toBe(8);
    expect(results.worst_case).toBe(8);
    expect(results.best_case).toBe(8);
    expect(results.confidence_intervals['95%']).toEqual({ lower: 8, upper: 8 });
    expect(results.probability_of_profit).toBe(100);
    // The six orders: −50 first falls 5 % from 1000; the others fall 50 from 1100 (4.55 %), from 1030 (4.85 %), from 1130 (4.42 %).
    expect(results.max_drawdown.worst).toBe(5);
    expect(results.distribution).toEqual([{ roi: 8, frequency: 600 }]);
  });

  it('bootstrap of a +100 / −100 pair: ROI +20, 0, −20 with chances ¼, ½, ¼; ruin = the −− path at threshold 0.85', () => {
    const mc = input([100, -100], { simulations: 40_000, ruinThreshold: 0.85, seed: 7 });
    const results = runMonteCarlo({ ...mc, levels: [0.5], bins: 10 })!;
    // The same draws counted by hand from the generator: path j takes two draws of stream ⌊j / PATH_CHUNK⌋.
    let up = 0;
    let down = 0;
    let prng = new Prng(7, 0);
    for (let j = 0; j < 40_000; j++) {
      if (j % PATH_CHUNK === 0) prng = new Prng(7, j / PATH_CHUNK);
      const a = prng.int(2);
      const b = prng.int(2);
      if (a === 0 && b === 0) up++;
      if (a === 1 && b === 1) down++;
    }
    expect(results.probability_of_profit).toBe(Number(((up / 40_000) * 100).toFixed(2)));
    expect(results.probability_of_ruin).toBe(Number(((down / 40_000) * 100).toFixed(2)));
    expect(results.expected_roi).toBe(Number((((up - down) * 20) / 40_000).toFixed(2)));
    expect(Math.abs(results.probability_of_profit - 25)).toBeLessThan(1);
    expect(Math.abs(results.probability_of_ruin - 25)).toBeLessThan(1);
    expect(results.median_roi).toBe(0);
    expect(results.worst_case).toBe(-20);
    expect(results.best_case).toBe(20);
    expect(results.distribution.map((b) => b.frequency).filter((f) => f > 0)).toEqual([down, 40_000 - up - down, up]);
  });

  it('is deterministic: the same seed gives the same paths, whatever the split into chunks', () => {
    const mc = input([12.5, -30, 44, -8, 3, -61, 90, 5], { simulations: 3 * PATH_CHUNK + 17, seed: 123456 });
    const whole = allocateOutcomes(mc.simulations);
    simulatePaths(mc, whole, 0, mc.simulations);
    const pieces = allocateOutcomes(mc.simulations);
    const a = allocateOutcomes(PATH_CHUNK);
    const b = allocateOutcomes(mc.simulations - PATH_CHUNK);
    simulatePaths(mc, a, 0, PATH_CHUNK);
    simulatePaths(mc, b, PATH_CHUNK, mc.simulations);
    pieces.roi.set(a.roi);
    pieces.roi.set(b.roi, PATH_CHUNK);
    expect(Array.from(pieces.roi)).toEqual(Array.from(whole.roi));
    const again = runMonteCarlo({ ...mc, levels: [0.9], bins: 20 });
    expect(runMonteCarlo({ ...mc, levels: [0.9], bins: 20 })).toEqual(again);
    expect(runMonteCarlo({ ...mc, seed: 1, levels: [0.9], bins: 20 })).not.toEqual(again);
  });

  it('stops between chunks when asked (cancel) and says so', () => {
    const mc = { ...input([1, -1], { simulations: 10 * PATH_CHUNK }), levels: [0.9], bins: 10 };
    let calls = 0;
    expect(runMonteCarlo(mc, () => ++calls >= 2)).toBeNull();
    expect(calls).toBe(2);
  });
});
