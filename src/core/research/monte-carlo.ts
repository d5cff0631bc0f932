import { Prng } from './prng';

/**
 * Monte Carlo analysis of a backtest's trades: how much of the result was the ORDER and the LUCK of the trades.
 *
 * Model. The backtest's closed trades, in exit order, give a list of net P&L amounts p_1 … p_n (account currency,
 * after commissions, as sized in the backtest). One simulated path draws n trades from that list and adds them up:
 *   E_0 = C (the backtest's initial capital), E_k = E_(k−1) + q_k, ROI = (E_n − C) / C × 100.
 * - method "bootstrap" (default): q_1 … q_n drawn uniformly WITH replacement (each trade can appear 0, 1, 2 … times):
 *   the final ROI varies from path to path; this is the classical trade-resampling bootstrap.
 * - method "shuffle": q is a uniformly random PERMUTATION of p (resampling WITHOUT replacement, Fisher–Yates): every
 *   path holds exactly the backtest's trades, so the final ROI is the same on every path; only the path (drawdown,
 *   ruin) changes. Use it to ask "could the same trades in another order have ruined me?".
 * Trades are additive amounts (fixed sizing, as backtested), not compounded; equity is measured after each trade
 * (closed-trade equity: intra-trade swings are not simulated) and may go below zero.
 *
 * Ruin: a path is ruined when its equity after some trade is AT OR BELOW ruin_threshold × C (default 0.5: losing half
 * of the initial capital at any point of the path). The path still runs to its end (its ROI counts in every figure).
 *
 * Determinism: path j uses stream ⌊j / PATH_CHUNK⌋ of the seeded generator (prng.ts) and continues it within the
 * chunk, so a job split over any number of workers at chunk boundaries gives bit-identical results.
 */

export type ResamplingMethod = 'bootstrap' | 'shuffle';

export const PATH_CHUNK = 4096;
export const DEFAULT_CONFIDENCE_LEVELS = [0.9, 0.95, 0.99] as const;
export const DEFAULT_RUIN_THRESHOLD = 0.5;
export const DEFAULT_HISTOGRAM_BINS = 40;

export interface MonteCarloInput {
  /** Net P&L of each trade, in exit order. */
  pnl: Float64Array;
  initialCapital: number;
  simulations: number;
  method: ResamplingMethod;
  seed: number;
  /** Fraction of the initial capital (0 < r ≤ 1). */
  ruinThreshold: number;
}

/** Per path: final ROI %, largest fall of closed-trade equity from its running peak (% of the peak), ruined or not. */
export interface PathOutcomes {
  roi: Float64Array;
  maxDrawdown: Float64Array;
  ruined: Uint8Array;
}

export function allocateOutcomes(count: number): PathOutcomes {
  return { roi: new Float64Array(count), maxDrawdown: new Float64Array(count), ruined: new Uint8Array(count) };
}

/**
 * Simulates paths [from, to) into `out` (indexed from 0 = path `from`). `from` must be a multiple of PATH_CHUNK (or
 * 0). `onChunk` is called after each chunk with the paths done so far; returning true stops (cancel).
 * Returns the number of paths simulated.
 */
export function simulatePaths(input: MonteCarloInput, out: PathOutcomes, from: number, to: number, onChunk?: (done: number) => boolean): number {
  const { pnl, initialCapital: capital, method, seed } = input;
  const n = pnl.length;
  const ruinLevel = input.ruinThreshold * capital;
  const shuffle = method === 'shuffle';
  const scratch = new Float64Array(shuffle ? n : 0);
  const { roi, maxDrawdown, ruined: ruinedOut } = out;
  let j = from;
  while (j < to) {
    if (j > from && onChunk && onChunk(j - from)) return j - from;
    const chunk = Math.floor(j / PATH_CHUNK);
    const chunkEnd = Math.min(to, (chunk + 1) * PATH_CHUNK);
    // The generator of this chunk, stepped inline below (the same arithmetic as Prng.nextUint32 and Prng.int).
    const prng = new Prng(seed, chunk);
    let a = prng.a;
    let b = prng.b;
    let c = prng.c;
    let d = prng.d;
    for (; j < chunkEnd; j++) {
      let equity = capital;
      let peak = capital;
      let worst = 0;
      // Equity below this level is a new largest drawdown: peak × (1 − worst), kept up to date (no division per trade).
      let ddLevel = capital;
      let ruined = 0;
      if (shuffle) scratch.set(pnl);
      for (let k = 0; k < n; k++) {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        let q: number;
        if (shuffle) {
          // Fisher–Yates: position k takes one of the trades k … n−1 not used yet.
          const r = k + Math.floor(((t >>> 0) * (n - k)) / 4_294_967_296);
          q = scratch[r] as number;
          scratch[r] = scratch[k] as number;
          scratch[k] = q;
        } else {
          q = pnl[Math.floor(((t >>> 0) * n) / 4_294_967_296)] as number;
        }
        equity += q;
        if (equity > peak) {
          peak = equity;
          ddLevel = peak * (1 - worst);
        } else if (equity < ddLevel) {
          worst = (peak - equity) / peak;
          ddLevel = equity;
        }
        if (equity <= ruinLevel) ruined = 1;
      }
      const at = j - from;
      roi[at] = ((equity - capital) / capital) * 100;
      maxDrawdown[at] = worst * 100;
      ruinedOut[at] = ruined;
    }
  }
  onChunk?.(to - from);
  return to - from;
}

/**
 * Percentile of SORTED values by linear interpolation between order statistics (Hyndman–Fan type 7, numpy's and
 * Excel PERCENTILE.INC's default): h = (N − 1)·p, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0] as number;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export interface HistogramBin {
  /** Lower edge of the bin, ROI %: the bin holds [roi, roi + bin_width) (the last one [roi, roi + bin_width]). */
  roi: number;
  frequency: number;
}

/** A "nice" bin width (1, 2, 2.5 or 5 × 10^k) giving at most `maxBins` bins over [min, max]. */
export function niceBinWidth(min: number, max: number, maxBins: number): number {
  const span = max - min;
  if (!(span > 0)) return 1;
  const raw = span / maxBins;
  for (let exponent = Math.floor(Math.log10(raw)); ; exponent++) {
    const base = 10 ** exponent;
    for (const m of [1, 2, 2.5, 5]) {
      const width = m * base;
      if (width >= raw && binRange(min, max, width).count <= maxBins) return width;
    }
  }
}

/** Bins [first·w, (first+1)·w) … up to the one holding `max` (a max exactly on an edge closes the previous bin). */
function binRange(min: number, max: number, width: number): { first: number; count: number } {
  const first = Math.floor(min / width);
  const last = Math.max(first + 1, Math.ceil(max / width));
  return { first, count: last - first };
}

/**
 * Histogram of SORTED values over bins of a nice width aligned to multiples of the width. Empty bins between the
 * first and the last are kept (frequency 0), so the list draws as-is.
 */
export function histogram(sorted: ArrayLike<number>, maxBins: number): { width: number; bins: HistogramBin[] } {
  const n = sorted.length;
  if (n === 0) return { width: 0, bins: [] };
  const min = sorted[0] as number;
  const max = sorted[n - 1] as number;
  const width = niceBinWidth(min, max, maxBins);
  const { first, count } = binRange(min, max, width);
  const frequency = new Array<number>(count).fill(0);
  for (let i = 0; i < n; i++) {
    let b = Math.floor((sorted[i] as number) / width) - first;
    if (b >= count) b = count - 1;
    if (b < 0) b = 0;
    frequency[b] = (frequency[b] as number) + 1;
  }
  const bins = frequency.map((f, k) => ({ roi: roundTo((first + k) * width, 10), frequency: f }));
  return { width, bins };
}

const roundTo = (value: number, digits: number): number => {
  const r = Number(value.toFixed(digits));
  return Object.is(r, -0) ? 0 : r;
};
const r2 = (value: number): number => roundTo(value, 2);

/** "95%" for 0.95, "99.5%" for 0.995. */
export function levelKey(level: number): string {
  return `${roundTo(level * 100, 6)}%`;
}

export interface MonteCarloResults {
  /** Mean of the paths' final ROI, %. */
  expected_roi: number;
  median_roi: number;
  /** Highest and lowest final ROI of all paths, %. */
  best_case: number;
  worst_case: number;
  std_dev_roi: number;
  /** Central percentile interval per level c: [P((1−c)/2), P((1+c)/2)] of the final ROI, %. */
  confidence_intervals: Record<string, { lower: number; upper: number }>;
  /** % of paths whose final ROI > 0. */
  probability_of_profit: number;
  /** % of paths whose equity after some trade is at or below ruin_threshold × initial capital. */
  probability_of_ruin: number;
  ruin_threshold: number;
  /** Per level c: the (1−c) percentile of the final ROI, % (a loss is negative): c of the paths end above it. */
  value_at_risk: Record<string, number>;
  /** Per level c: the mean final ROI of the paths at or below that level's VaR (expected shortfall), %. */
  conditional_value_at_risk: Record<string, number>;
  /** Largest fall of closed-trade equity from its peak, % of the peak: median, per-level upper percentile, worst. */
  max_drawdown: { median: number; worst: number; percentiles: Record<string, number> };
  distribution: HistogramBin[];
  bin_width: number;
  num_simulations: number;
  trades_per_path: number;
  method: ResamplingMethod;
  seed: number;
  original_roi: number;
}

export interface SummarizeOptions {
  levels: readonly number[];
  bins: number;
  ruinThreshold: number;
  method: ResamplingMethod;
  seed: number;
  tradesPerPath: number;
  originalRoi: number;
}

/** The figures of a finished simulation (sorts `outcomes.roi` and `outcomes.maxDrawdown` in place). */
export function summarizeOutcomes(outcomes: PathOutcomes, options: SummarizeOptions): MonteCarloResults {
  const roi = outcomes.roi.sort();
  const dd = outcomes.maxDrawdown.sort();
  const n = roi.length;
  let sum = 0;
  let profitable = 0;
  for (let i = 0; i < n; i++) {
    const r = roi[i] as number;
    sum += r;
    if (r > 0) profitable++;
  }
  const mean = n > 0 ? sum / n : Number.NaN;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += ((roi[i] as number) - mean) ** 2;
  let ruined = 0;
  for (let i = 0; i < n; i++) ruined += outcomes.ruined[i] as number;

  const confidence: Record<string, { lower: number; upper: number }> = {};
  const valueAtRisk: Record<string, number> = {};
  const shortfall: Record<string, number> = {};
  const ddPercentiles: Record<string, number> = {};
  for (const c of options.levels) {
    const key = levelKey(c);
    confidence[key] = { lower: r2(percentileSorted(roi, (1 - c) / 2)), upper: r2(percentileSorted(roi, (1 + c) / 2)) };
    const v = percentileSorted(roi, 1 - c);
    valueAtRisk[key] = r2(v);
    let tail = 0;
    let tailSum = 0;
    for (let i = 0; i < n && (roi[i] as number) <= v; i++) {
      tail++;
      tailSum += roi[i] as number;
    }
    shortfall[key] = r2(tail > 0 ? tailSum / tail : v);
    ddPercentiles[key] = r2(percentileSorted(dd, c));
  }
  const { width, bins } = histogram(roi, options.bins);
  return {
    expected_roi: r2(mean),
    median_roi: r2(percentileSorted(roi, 0.5)),
    best_case: r2(roi[n - 1] as number),
    worst_case: r2(roi[0] as number),
    std_dev_roi: r2(n > 1 ? Math.sqrt(sq / (n - 1)) : 0),
    confidence_intervals: confidence,
    probability_of_profit: r2((profitable / n) * 100),
    probability_of_ruin: r2((ruined / n) * 100),
    ruin_threshold: options.ruinThreshold,
    value_at_risk: valueAtRisk,
    conditional_value_at_risk: shortfall,
    max_drawdown: { median: r2(percentileSorted(dd, 0.5)), worst: r2(dd[n - 1] as number), percentiles: ddPercentiles },
    distribution: bins,
    bin_width: roundTo(width, 10),
    num_simulations: n,
    trades_per_path: options.tradesPerPath,
    method: options.method,
    seed: options.seed,
    original_roi: r2(options.originalRoi),
  };
}

export interface MonteCarloTask extends MonteCarloInput {
  levels: readonly number[];
  bins: number;
}

/** A whole simulation in one call (the worker task): paths, then figures. Null when cancelled. */
export function runMonteCarlo(task: MonteCarloTask, onProgress?: (done: number) => boolean): MonteCarloResults | null {
  const out = allocateOutcomes(task.simulations);
  const done = simulatePaths(task, out, 0, task.simulations, onProgress);
  if (done < task.simulations) return null;
  let total = 0;
  for (let i = 0; i < task.pnl.length; i++) total += task.pnl[i] as number;
  return summarizeOutcomes(out, {
    levels: task.levels,
    bins: task.bins,
    ruinThreshold: task.ruinThreshold,
    method: task.method,
    seed: task.seed,
    tradesPerPath: task.pnl.length,
    originalRoi: (total / task.initialCapital) * 100,
  });
}
