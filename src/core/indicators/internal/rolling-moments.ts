import { RepeatCounter } from './repeat-counter';
import { RingBuffer } from './ring-buffer';

/** Re-anchor when the sums have cancelled more than this factor (≈ 3 of the ~16 significant digits). */
const CANCELLATION_LIMIT = 1e3;

/**
 * Mean, POPULATION variance (Σ(x − mean)² / N), standard deviation and z-score of the last N inputs, O(1)
 * amortized per input, numerically stable. The engine of RollingStats, ZScore and BollingerBands.
 *
 * Why not Σx and Σx²: with prices like 2400.xx, Σx² over 20 bars is ~10⁸ while the variance it must yield can be
 * ~10⁻², so `Σx²/N − mean²` cancels away every significant digit (and running sums drift further over millions of
 * bars). Instead the sums are kept of deviations from an anchor K close to the data, S1 = Σ(x − K) and
 * S2 = Σ(x − K)², giving variance = (S2 − S1²/N) / N; the cancellation is now only as bad as
 * (distance of K from the window's mean / σ)², which S2 / (N·variance) measures. The window is re-anchored — K
 * becomes its exact mean and S1, S2 are recomputed from it (the textbook two-pass formula) —
 *  - every N inputs, when the window has been replaced entirely, so rounding cannot accumulate beyond N bars;
 *  - whenever that cancellation factor exceeds CANCELLATION_LIMIT (more than 3 digits lost), which happens when a
 *    window turns much tighter than the move since the last anchor (a jump, then a quiet spell). It takes a far-off
 *    value leaving the window, so it is rare: 0.1–2 % of bars with N = 2 on real M1 data, almost never with N ≥ 20.
 * Both are O(N) work at most once per many bars: O(1) amortized.
 *
 * A window whose N values are all identical is detected exactly (see RepeatCounter) and reported as
 * mean = that value, σ = 0, z = 0, so flat markets (FX at night) give a clean zero instead of rounding noise
 * divided by rounding noise.
 */
export class RollingMoments {
  private readonly window: RingBuffer;
  private readonly repeats: RepeatCounter;
  private anchor = 0;
  private sumOfDeviations = 0;
  private sumOfSquaredDeviations = 0;
  private windowMean = 0;
  private windowVariance = 0;
  private latestZScore = 0;

  constructor(readonly period: number) {
    this.window = new RingBuffer(period);
    this.repeats = new RepeatCounter(period);
  }

  /** True once N inputs were added: from then on the statistics below describe the last N. */
  get isFull(): boolean {
    return this.window.isFull;
  }

  get mean(): number {
    return this.windowMean;
  }

  get variance(): number {
    return this.windowVariance;
  }

  get standardDeviation(): number {
    return Math.sqrt(this.windowVariance);
  }

  /** (latest input − mean) / σ, or 0 when the window is flat (σ = 0). */
  get zScore(): number {
    return this.latestZScore;
  }

  add(input: number): void {
    if (this.window.length === 0) this.anchor = input;
    if (this.window.isFull) {
      const evictedDeviation = this.window.oldest - this.anchor;
      this.sumOfDeviations -= evictedDeviation;
      this.sumOfSquaredDeviations -= evictedDeviation * evictedDeviation;
    }
    const deviation = input - this.anchor;
    this.sumOfDeviations += deviation;
    this.sumOfSquaredDeviations += deviation * deviation;
    this.window.push(input);
    if (this.window.hasJustWrapped) this.reanchor();
    const isFlat = this.repeats.isWindowFlat(input);
    if (!this.window.isFull) return;

    if (isFlat) {
      this.windowMean = input;
      this.windowVariance = 0;
      this.latestZScore = 0;
      return;
    }
    let variance = this.varianceFromSums();
    if (this.sumOfSquaredDeviations > CANCELLATION_LIMIT * this.period * variance) {
      this.reanchor();
      variance = this.varianceFromSums();
    }
    const mean = this.anchor + this.sumOfDeviations / this.period;
    const standardDeviation = Math.sqrt(variance);
    this.windowMean = mean;
    this.windowVariance = variance;
    this.latestZScore = standardDeviation > 0 ? (input - mean) / standardDeviation : 0;
  }

  clear(): void {
    this.window.clear();
    this.repeats.clear();
    this.anchor = 0;
    this.sumOfDeviations = 0;
    this.sumOfSquaredDeviations = 0;
    this.windowMean = 0;
    this.windowVariance = 0;
    this.latestZScore = 0;
  }

  private varianceFromSums(): number {
    const n = this.period;
    // Clamped: rounding can leave a hair below zero for a window that is almost (not exactly) flat.
    return Math.max(0, (this.sumOfSquaredDeviations - (this.sumOfDeviations * this.sumOfDeviations) / n) / n);
  }

  private reanchor(): void {
    const n = this.window.length;
    let sum = 0;
    for (let age = 0; age < n; age++) sum += this.window.fromOldest(age);
    const mean = sum / n;
    let sumOfDeviations = 0;
    let sumOfSquaredDeviations = 0;
    for (let age = 0; age < n; age++) {
      const deviation = this.window.fromOldest(age) - mean;
      sumOfDeviations += deviation;
      sumOfSquaredDeviations += deviation * deviation;
    }
    this.anchor = mean;
    this.sumOfDeviations = sumOfDeviations;
    this.sumOfSquaredDeviations = sumOfSquaredDeviations;
  }
}
