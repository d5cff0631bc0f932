import { RepeatCounter } from './internal/repeat-counter';
import { RingBuffer } from './internal/ring-buffer';
import { assertPeriod } from './internal/validate';
import type { Indicator } from './types';

/** Re-anchor when the sums have cancelled more than this factor (≈ 3 of the ~16 significant digits). */
const CANCELLATION_LIMIT = 1e3;

export interface RollingStatsValue {
  /** Mean of the last N inputs. */
  readonly mean: number;
  /** POPULATION variance: Σ(x − mean)² / N (divides by N, not N − 1, like Bollinger's original bands and TA-Lib). */
  readonly variance: number;
  /** √variance. */
  readonly standardDeviation: number;
  /** (latest input − mean) / standardDeviation, or 0 when the window is flat (σ = 0). */
  readonly zScore: number;
}

/**
 * Rolling mean, population standard deviation and z-score of the last N inputs, O(1) amortized per update.
 *
 * Numerics — why not Σx and Σx²: with prices like 2400.xx, Σx² over 20 bars is ~10⁸ while the variance it must
 * yield can be ~10⁻², so `Σx²/N − mean²` cancels away every significant digit (and running sums drift further
 * over millions of bars). Instead the sums are kept of deviations from an anchor K close to the data,
 * S1 = Σ(x − K) and S2 = Σ(x − K)², giving variance = (S2 − S1²/N) / N; the cancellation is now only as bad as
 * (distance of K from the window's mean / σ)², which S2 / (N·variance) measures. The window is re-anchored — K
 * becomes its exact mean and S1, S2 are recomputed from it (the textbook two-pass formula) —
 *  - every N updates, when the window has been replaced entirely, so rounding cannot accumulate beyond N bars;
 *  - whenever that cancellation factor exceeds CANCELLATION_LIMIT (more than 3 digits lost), which happens when a
 *    window turns much tighter than the move since the last anchor (a jump, then a quiet spell). It takes a far-off
 *    value leaving the window, so it is rare: on a million real M1 bars it fires a few times per thousand bars.
 * Both are O(N) work at most once per many bars: O(1) amortized.
 *
 * A window whose N values are all identical is detected exactly (see RepeatCounter) and reported as
 * mean = that value, σ = 0, z = 0, so flat markets (FX at night) give a clean zero instead of rounding noise
 * divided by rounding noise.
 */
export class RollingStats implements Indicator<number, RollingStatsValue> {
  readonly warmUpPeriod: number;
  private readonly window: RingBuffer;
  private anchor = 0;
  private sumOfDeviations = 0;
  private sumOfSquaredDeviations = 0;
  private readonly repeats: RepeatCounter;
  private current: RollingStatsValue | undefined;

  constructor(readonly period: number) {
    assertPeriod('Rolling stats', period);
    this.warmUpPeriod = period;
    this.window = new RingBuffer(period);
    this.repeats = new RepeatCounter(period);
  }

  get value(): RollingStatsValue | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(input: number): RollingStatsValue | undefined {
    if (this.window.length === 0) this.anchor = input;
    const evicted = this.window.push(input);
    const deviation = input - this.anchor;
    this.sumOfDeviations += deviation;
    this.sumOfSquaredDeviations += deviation * deviation;
    if (evicted !== undefined) {
      const evictedDeviation = evicted - this.anchor;
      this.sumOfDeviations -= evictedDeviation;
      this.sumOfSquaredDeviations -= evictedDeviation * evictedDeviation;
    }
    if (this.window.hasJustWrapped) this.reanchor();
    const isFlat = this.repeats.isWindowFlat(input);
    if (!this.window.isFull) return undefined;
    this.current = isFlat ? flatWindow(input) : this.fromSums(input);
    return this.current;
  }

  reset(): void {
    this.window.clear();
    this.anchor = 0;
    this.sumOfDeviations = 0;
    this.sumOfSquaredDeviations = 0;
    this.repeats.clear();
    this.current = undefined;
  }

  private fromSums(latest: number): RollingStatsValue {
    let variance = this.varianceFromSums();
    if (this.sumOfSquaredDeviations > CANCELLATION_LIMIT * this.period * variance) {
      this.reanchor();
      variance = this.varianceFromSums();
    }
    const mean = this.anchor + this.sumOfDeviations / this.period;
    const standardDeviation = Math.sqrt(variance);
    const zScore = standardDeviation > 0 ? (latest - mean) / standardDeviation : 0;
    return { mean, variance, standardDeviation, zScore };
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

function flatWindow(value: number): RollingStatsValue {
  return { mean: value, variance: 0, standardDeviation: 0, zScore: 0 };
}
